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

// Multi-line, indented by `indent` spaces: the outcome, what the recipient
// is told of later (the cited permits' notify_changes as far as the level
// shows them), and every rule.
std::string ExplanationText(const Explanation& explanation, int indent = 0);

// What else the policy does around this pair, for `policy explain`: each
// coordination rule (what it counts over, shows and fires on, and whether
// the recipient is its coordinator or the signal can count towards it),
// and the lead section (whether the recipient or the source may lead, and
// whether the recipient would hear of a lead held through the signal).
std::string CoordinationAndLeadText(const RulePolicy& policy, const MatchCandidate& candidate,
                                    const Decision& decision);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_EXPLANATION_TEXT_H_
