#include "policy/lead_rules.h"

namespace samenloop::policy {

bool MayLead(const LeadRules& rules, const std::string& organisation, const std::string& kind) {
  if (rules.anyone_may_lead) return true;
  return rules.may_lead_organisations.count(organisation) > 0 || rules.may_lead_kinds.count(kind) > 0;
}

bool LearnsOfLead(const LeadRules& rules, const std::string& organisation, const std::string& kind) {
  if (rules.informs_organisations.empty() && rules.informs_kinds.empty()) return true;
  return rules.informs_organisations.count(organisation) > 0 || rules.informs_kinds.count(kind) > 0;
}

}  // namespace samenloop::policy
