#include "policy/coordination.h"

#include <set>

namespace samenloop::policy {

bool CoordinationFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t arrived_index,
                       absl::Time now) {
  const PatternMember& arrived = members[arrived_index];
  if (arrived.is_protected) return false;
  if (rule.min_organisations > 0) {
    std::set<std::string> recent;
    for (const PatternMember& m : members) {
      if (!m.is_protected && now - m.opened <= rule.window) recent.insert(m.organisation);
    }
    if (static_cast<int>(recent.size()) >= rule.min_organisations) return true;
  }
  if (!rule.closed_category.empty() && !arrived.closed) {
    for (size_t i = 0; i < members.size(); ++i) {
      const PatternMember& m = members[i];
      if (i != arrived_index && !m.is_protected && m.closed && m.category == rule.closed_category) return true;
    }
  }
  return false;
}

size_t VisibleOrganisations(const std::vector<PatternMember>& members) {
  std::set<std::string> organisations;
  for (const PatternMember& m : members) {
    if (!m.is_protected) organisations.insert(m.organisation);
  }
  return organisations.size();
}

}  // namespace samenloop::policy
