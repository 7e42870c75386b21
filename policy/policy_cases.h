#ifndef SAMENLOOP_POLICY_POLICY_CASES_H_
#define SAMENLOOP_POLICY_POLICY_CASES_H_

// Golden cases for `samenloop policy test` (docs/policy-guide.md "Testing a
// policy"): a YAML file of cases, each a small world (persons, signals in
// the order they arrive, consent records, a date) and exactly the
// notifications it must produce. Structural problems and references to
// persons, organisations or categories that do not exist are diagnostics at
// file:line:col.

#include <vector>

#include "absl/strings/string_view.h"
#include "policy/diagnostic.h"
#include "policy/policy_simulator.h"
#include "policy/rule_policy.h"

namespace samenloop::policy {

std::vector<PolicyCase> ParsePolicyCases(absl::string_view yaml_text, absl::string_view file_name,
                                         std::vector<Diagnostic>& diagnostics);

// Checks the cases' references against the policy they test.
void CheckPolicyCases(const RulePolicy& policy, const std::vector<PolicyCase>& cases, absl::string_view file_name,
                      std::vector<Diagnostic>& diagnostics);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_CASES_H_
