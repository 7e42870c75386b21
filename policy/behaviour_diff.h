#ifndef SAMENLOOP_POLICY_BEHAVIOUR_DIFF_H_
#define SAMENLOOP_POLICY_BEHAVIOUR_DIFF_H_

// What a policy change does besides access (`samenloop policy diff`, after
// the access rows of policy_diff.h): which later changes the rules tell
// recipients of (notify_changes), what coordination rules count and show,
// and who may lead and hear of a lead. Each change is one plain-language
// line for a privacy officer, marked as widening (someone learns more or
// sooner), narrowing, or neither (e.g. a new legal basis).
//
// Rules and coordination rules are paired by id (the n-th rule with an id
// in one file with the n-th in the other); a rule added or removed is in
// the access rows already, so only coordination rules are reported as
// added or removed here.

#include <string>
#include <vector>

#include "policy/policy_model.h"

namespace samenloop::policy {

struct BehaviourChange {
  enum class Direction { kWider, kNarrower, kOther };
  Direction direction = Direction::kOther;
  std::string about;  // "notify_changes", "coordination" or "lead"
  std::string id;     // the rule's id; "lead" for the lead section
  std::string text;   // e.g. "rule vt-to-police no longer tells recipients when a signal is closed"
};

// In file order: rules, then coordination rules, then the lead section.
std::vector<BehaviourChange> DiffBehaviour(const PolicyDocument& before, const PolicyDocument& after);

// "+", "-" or "~".
const char* Mark(BehaviourChange::Direction direction);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_BEHAVIOUR_DIFF_H_
