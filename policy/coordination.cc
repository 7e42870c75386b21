#include "policy/coordination.h"

#include <algorithm>
#include <set>

namespace samenloop::policy {

bool CoordinationFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t arrived_index,
                       absl::Time now) {
  const PatternMember& arrived = members[arrived_index];
  if (arrived.is_protected || rule.out_of_view || rule.move) return false;
  // A region's coordinator hears of patterns its region is part of.
  if (!rule.region.empty() && std::none_of(members.begin(), members.end(), [&](const PatternMember& m) {
        return !m.is_protected && m.region == rule.region;
      })) {
    return false;
  }
  if (rule.min_organisations > 0) {
    std::set<std::string> recent;
    for (const PatternMember& m : members) {
      if (!m.is_protected && now - m.opened <= rule.window) recent.insert(m.organisation);
    }
    if (static_cast<int>(recent.size()) >= rule.min_organisations) return true;
  }
  if (rule.waiting_longer_than > absl::ZeroDuration()) {
    for (const PatternMember& m : members) {
      if (!m.is_protected && !m.closed && now - m.waiting_since > rule.waiting_longer_than) return true;
    }
  }
  if (!rule.closed_category.empty() && !arrived.closed) {
    for (size_t i = 0; i < members.size(); ++i) {
      const PatternMember& m = members[i];
      if (i != arrived_index && !m.is_protected && m.closed && m.category == rule.closed_category) return true;
    }
  }
  return false;
}

bool OutOfViewFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t closed_index) {
  if (!rule.out_of_view || members[closed_index].is_protected || !members[closed_index].closed) return false;
  bool history = rule.history_category.empty();
  for (const PatternMember& m : members) {
    if (m.is_protected) continue;
    if (!m.closed) return false;  // someone is still involved
    if (m.category == rule.history_category) history = true;
  }
  return history;
}

bool MoveFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t arrived_index) {
  const PatternMember& arrived = members[arrived_index];
  if (!rule.move || arrived.is_protected || arrived.region.empty()) return false;
  for (size_t i = 0; i < members.size(); ++i) {
    const PatternMember& m = members[i];
    if (i == arrived_index || m.is_protected || m.region.empty() || m.region == arrived.region) continue;
    if (rule.region == arrived.region || rule.region == m.region) return true;
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
