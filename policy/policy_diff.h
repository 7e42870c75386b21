#ifndef SAMENLOOP_POLICY_POLICY_DIFF_H_
#define SAMENLOOP_POLICY_POLICY_DIFF_H_

// What access a policy change adds and removes (`samenloop policy diff`).
//
// Both policies decide every kind of candidate the pair of files can tell
// apart: each recipient organisation and source organisation declared in
// either file, each category, each match kind; and for the conditions
// rules can narrow (relation, age bands, nature, severity, legal
// frameworks, subject's role, status, protected, the recipient's own
// category, consent) one representative of each group of values that every
// rule in both files treats alike. So the comparison is exhaustive without
// trying every combination of every value.
// Rows that differ in one condition only are merged.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "policy/rule_policy.h"

namespace samenloop::policy {

struct AccessChange {
  std::string recipient;
  std::string source;
  std::string category;
  std::string match;  // match kind name
  // Conditions under which the change holds, e.g. {"relation: parent",
  // "consent: given"}; empty when it holds whatever they are.
  std::vector<std::string> when;
  DisclosureLevel before = DisclosureLevel::kNone;
  DisclosureLevel after = DisclosureLevel::kNone;
  // The rules that decided the new outcome (or, for removed access, the
  // forbid or default deny now deciding it, and the permits that used to).
  std::vector<std::string> rules_before;
  std::vector<std::string> rules_after;
  bool added() const { return after > before; }
};

// Sorted by recipient, source, category, match. Empty for identical policies.
std::vector<AccessChange> DiffPolicies(const RulePolicy& before, const RulePolicy& after, absl::Time at);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_DIFF_H_
