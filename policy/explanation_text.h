#ifndef SAMENLOOP_POLICY_EXPLANATION_TEXT_H_
#define SAMENLOOP_POLICY_EXPLANATION_TEXT_H_

// The text `samenloop policy explain` and `policy test` print for a
// decision: the outcome, then every rule with why it did or did not count.

#include <string>

#include "policy/rule_policy.h"

namespace samenloop::policy {

// One line: "allow at category by rule-a, rule-b (legal bases ...)" or
// "deny by ...: reason".
std::string DecisionSummary(const Decision& decision);

// Multi-line, indented by `indent` spaces.
std::string ExplanationText(const Explanation& explanation, int indent = 0);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_EXPLANATION_TEXT_H_
