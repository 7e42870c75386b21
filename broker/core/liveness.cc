#include "broker/core/liveness.h"

#include <algorithm>

#include "audit/events.h"

namespace samenloop::broker {

absl::Time ActiveUntil(const v1::Signal& signal, const policy::Retention& retention) {
  absl::Time last_active = FromProto(signal.opened_at());
  if (signal.has_last_confirmed_at()) last_active = std::max(last_active, FromProto(signal.last_confirmed_at()));
  absl::Time until = last_active + retention.active;
  if (signal.has_closed_at()) until = std::min(until, FromProto(signal.closed_at()));
  return until;
}

absl::Time VisibleUntil(const v1::Signal& signal, const policy::Retention& retention) {
  return ActiveUntil(signal, retention) + retention.visible;
}

bool IsLive(const storage::StoredSignal& stored, const policy::DisclosurePolicy& policy, absl::Time now) {
  const v1::SignalStatus status = stored.signal().status();
  if (status != v1::SIGNAL_STATUS_OPEN && status != v1::SIGNAL_STATUS_CLOSED) return false;
  // Past its visible period but not yet swept: already out of matching.
  return now < VisibleUntil(stored.signal(), policy.RetentionFor(stored.signal().category()));
}

}  // namespace samenloop::broker
