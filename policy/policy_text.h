#ifndef SAMENLOOP_POLICY_POLICY_TEXT_H_
#define SAMENLOOP_POLICY_POLICY_TEXT_H_

// Plain-language descriptions of the parts of a policy that are not a pair
// decision: what a recipient hears of later (notify_changes), coordination
// rules and the lead section. `policy explain` and `policy diff` both use
// them, so a privacy officer reads the same words in both.

#include <string>

#include "policy/policy_model.h"

namespace samenloop::policy {

// "closed, reopened, contact" (file order), or "nothing" for an empty mask.
std::string ChangeNames(ChangeMask changes);

// What a coordination rule does, in one sentence without its id, e.g.
// "tells zvh-amsterdam (existence and contact) when at least 3 organisations
// have a live signal on one person within 1y".
std::string DescribeCoordination(const CoordinationDecl& rule);
// Whom a coordination rule tells: its coordinator, or "the coordinator of the
// region (REGION: ORG, ...)" for a rule with one per region.
std::string CoordinatorText(const CoordinationDecl& rule);

// "persons" or "households".
const char* ScopeName(CoordinationRule::Scope scope);

// "organisations [a, b], kinds [c]" or "nobody".
std::string DescribeSelector(const PartySelector& selector, const char* empty);

// The lead section in a few lines, each indented by `indent` spaces.
std::string DescribeLead(const LeadDecl& lead, int indent);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_TEXT_H_
