#include "policy/disclosure_policy.h"

namespace samenloop::policy {

// A change notice repeats the changed field, so it may only name a change
// whose field the recipient's level shows (docs/api.md "Disclosure levels").
// Closing and reopening are shown at every level: they say whether the
// organisation is still involved, which is what existence means to the
// professional deciding whom to call.
ChangeMask ChangesVisibleAt(DisclosureLevel level) {
  if (level == DisclosureLevel::kNone) return 0;
  ChangeMask visible = Bit(ChangeKind::kClosed) | Bit(ChangeKind::kReopened) | Bit(ChangeKind::kContact);
  if (level >= DisclosureLevel::kCategory) visible |= Bit(ChangeKind::kCategory) | Bit(ChangeKind::kNature);
  if (level >= DisclosureLevel::kDetails) visible |= Bit(ChangeKind::kEscalated) | Bit(ChangeKind::kSeverity);
  return visible;
}

ChangeMask ChangesToTell(ChangeMask happened, const Decision& decision) {
  if (!decision.allow) return 0;
  return happened & decision.notify_changes & ChangesVisibleAt(decision.level);
}

}  // namespace samenloop::policy
