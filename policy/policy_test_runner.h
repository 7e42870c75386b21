#ifndef SAMENLOOP_POLICY_POLICY_TEST_RUNNER_H_
#define SAMENLOOP_POLICY_POLICY_TEST_RUNNER_H_

// Runs golden policy cases (policy_cases.h): each case's world through the
// simulator, and its expectations compared with what the policy allows —
// these notifications, at these levels, and no others.

#include <string>
#include <vector>

#include "policy/policy_cases.h"
#include "policy/rule_policy.h"

namespace samenloop::policy {

struct CaseMismatch {
  std::string line;         // the expected or produced notification line
  SourceLocation at;        // of the expectation, for missing ones
  std::string explanation;  // why the policy decided as it did
};

struct CaseResult {
  std::string name;
  SourceLocation at;
  std::vector<CaseMismatch> missing;     // expected but not produced
  std::vector<CaseMismatch> unexpected;  // produced but not expected
  bool passed() const { return missing.empty() && unexpected.empty(); }
};

std::vector<CaseResult> RunPolicyCases(const RulePolicy& policy, const std::vector<PolicyCase>& cases);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_TEST_RUNNER_H_
