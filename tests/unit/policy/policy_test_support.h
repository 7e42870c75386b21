#ifndef SAMENLOOP_TESTS_UNIT_POLICY_POLICY_TEST_SUPPORT_H_
#define SAMENLOOP_TESTS_UNIT_POLICY_POLICY_TEST_SUPPORT_H_

// A small policy header shared by the policy tests: two kinds, four
// organisations, three categories, two legal bases. Tests append rules.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "policy/diagnostic.h"
#include "policy/rule_policy.h"

namespace samenloop::policy::testing {

inline constexpr char kPolicyHead[] = R"yaml(version: "t1"
organisation_kinds: [police, veilig_thuis, school, local_team]
organisations:
  - { id: politie, kind: police }
  - { id: vt, kind: veilig_thuis }
  - { id: school, kind: school }
  - { id: wijkteam, kind: local_team }
categories:
  - { id: domestic_violence, active: 1y, visible: 5y }
  - { id: housing_nuisance, active: 26w, visible: 1y }
  - { id: school_absence, active: 30d, visible: 2w }
legal_bases:
  - { id: convenant, citation: "AVG art. 6(1)(e)" }
  - { id: consent, citation: "AVG art. 6(1)(a)" }
)yaml";

// The head plus `rules` under a "rules:" key (when not empty).
inline std::string PolicyWith(const std::string& rules) {
  return rules.empty() ? std::string(kPolicyHead) : absl::StrCat(kPolicyHead, "rules:\n", rules);
}

inline std::string Describe(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : diagnostics) lines.push_back(d.ToString());
  return absl::StrJoin(lines, "\n");
}

// The head plus `rules`, compiled; fails the test when it does not load.
inline std::shared_ptr<const RulePolicy> LoadWithRules(const std::string& rules) {
  LoadedPolicy loaded = LoadPolicy(PolicyWith(rules), "p.yaml");
  EXPECT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  return loaded.policy;
}

}  // namespace samenloop::policy::testing

#endif  // SAMENLOOP_TESTS_UNIT_POLICY_POLICY_TEST_SUPPORT_H_
