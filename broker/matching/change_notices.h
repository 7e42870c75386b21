#ifndef SAMENLOOP_BROKER_MATCHING_CHANGE_NOTICES_H_
#define SAMENLOOP_BROKER_MATCHING_CHANGE_NOTICES_H_

// Change notices: telling organisations already told of a signal what
// changed about it (closed, reopened, escalated, a field they were shown).
//
// A change notice is a disclosure like a match notification: it is sent
// only when the pair is still allowed under the policy in force, at the
// level decided now (never more than the recipient may learn now), and
// only for the changes the deciding rules notify (`notify_changes`) that
// the level shows (policy::ChangesVisibleAt). Its decision is audited with
// the notice's id. docs/notifications.md says what professionals see.

#include <string>

#include "absl/time/time.h"
#include "broker/core/transaction.h"
#include "broker/matching/pair_decisions.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

// What changed from `before` to `after` (two states of one signal).
policy::ChangeMask ChangesBetween(const v1::Signal& before, const v1::Signal& after);

// The changes a recipient is told of: policy::ChangesToTell
// (disclosure_policy.h), shared with `samenloop policy test`.
using policy::ChangesToTell;

// Queues the change notice `notification_id` for the recipient of
// `direction`, telling of `changes` (non-empty) and following
// `follows_notification_id`, and records it under both signals so that a
// revocation withdraws it.
void QueueChangeNotice(Transaction& write, const Direction& direction, const policy::Decision& decision,
                       policy::ChangeMask changes, const std::string& notification_id,
                       const std::string& follows_notification_id, const policy::DisclosurePolicy& policy,
                       absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_CHANGE_NOTICES_H_
