#ifndef SAMENLOOP_POLICY_LEAD_RULES_H_
#define SAMENLOOP_POLICY_LEAD_RULES_H_

// The policy's `lead:` section (docs/policy-guide.md "Lead"): which
// organisations may take the lead (regievoerder) for a person, and which of
// those that may learn of the lead's signal are told of it. A policy
// without the section lets nobody lead (default deny).
//
// Who is told is never decided here alone: the broker tells an organisation
// of a lead only when the pair decision lets it learn of the lead's signal
// (broker/lead/lead.h); `informs` can only narrow that.

#include <set>
#include <string>

namespace samenloop::policy {

// The id a lead notice and its audit event cite as the rule.
inline constexpr char kLeadRuleId[] = "lead";

struct LeadRules {
  // The built-in development policy only: every organisation may lead.
  bool anyone_may_lead = false;
  std::set<std::string> may_lead_organisations;
  std::set<std::string> may_lead_kinds;
  // Empty both: every organisation that may learn of the lead's signal.
  std::set<std::string> informs_organisations;
  std::set<std::string> informs_kinds;
  // Whether coordinators told of the lead's signal hear of its lead.
  bool tell_coordinators = true;
  // "<id>: <citation>" of the section's legal basis.
  std::string legal_basis;
};

// Whether `organisation` (of `kind`, as the policy sees it) may lead.
bool MayLead(const LeadRules& rules, const std::string& organisation, const std::string& kind);

// Whether `organisation` (of `kind`) is among those `informs` names.
bool LearnsOfLead(const LeadRules& rules, const std::string& organisation, const std::string& kind);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_LEAD_RULES_H_
