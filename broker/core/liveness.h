#ifndef SAMENLOOP_BROKER_CORE_LIVENESS_H_
#define SAMENLOOP_BROKER_CORE_LIVENESS_H_

// When a signal is live (ARCHITECTURE.md §8): open or closed, and within
// the visible period of its category's retention. Only a live signal is
// matched, disclosed, released or counted in a pattern; the retention
// sweeper (lifecycle/retention.h) deletes it once its visible period ends.

#include "absl/time/time.h"
#include "broker_storage.pb.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

// When a signal stops being active: when it was closed, or its active
// period after opening or last confirmation ended, whichever is first.
absl::Time ActiveUntil(const v1::Signal& signal, const policy::Retention& retention);

// When a signal's visible period ends and it is expired.
absl::Time VisibleUntil(const v1::Signal& signal, const policy::Retention& retention);

// Open or closed, and within the visible period of its category at `now`.
bool IsLive(const storage::StoredSignal& stored, const policy::DisclosurePolicy& policy, absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_LIVENESS_H_
