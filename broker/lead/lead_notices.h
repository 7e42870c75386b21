#ifndef SAMENLOOP_BROKER_LEAD_LEAD_NOTICES_H_
#define SAMENLOOP_BROKER_LEAD_LEAD_NOTICES_H_

// Who may be told of a lead, and telling them. Internal to broker/lead/.
//
// Non-interference: an organisation hears of a lead only through one of its
// own live signals that the pair decision (pair_decisions.h, decided now
// under the policy in force) lets learn of the lead's signal, and a
// coordinator only when it was told of the lead's signal by a coordination
// notice. Everyone else is not in the audience and observes nothing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/pair_decisions.h"
#include "broker_storage.pb.h"
#include "samenloop/v1/notifications.pb.h"

namespace samenloop::broker {

// One organisation that may learn of a signal, and how.
struct Listener {
  std::string organisation;
  bool coordinator = false;
  // Organisations: their own signal the notice is about (the first, by
  // number, that may learn of the signal).
  uint64_t your_number = 0;
  storage::StoredSignal your_signal;
  // What allowed it: the pair decision's rules and bases, or for a
  // coordinator the policy's `lead:` section.
  v1::DecisionBasis basis;
};

// Organisation id -> listener, for the lead's signal `number` (`signal`):
// every other organisation with a live signal matched to it (subject or
// household) that may learn of it and that `lead.informs` names, and the
// coordinators told of it (when `lead.tell_coordinators`). Under the lock.
absl::StatusOr<std::map<std::string, Listener>> AudienceOf(const LedgerContext& context,
                                                           const PairDecisions& decisions, uint64_t number,
                                                           const storage::StoredSignal& signal, absl::Time now);

// Whether the direction "recipient may learn of other" (both on one
// person) is allowed now; the decision when it is.
absl::StatusOr<std::optional<policy::Decision>> MayLearnOf(const LedgerContext& context,
                                                           const PairDecisions& decisions, uint64_t recipient_number,
                                                           const storage::StoredSignal& recipient,
                                                           uint64_t other_number, const storage::StoredSignal& other,
                                                           absl::Time now);

// A signal in a lead notice: its number and record.
struct LeadSignal {
  uint64_t number = 0;
  const storage::StoredSignal* signal = nullptr;
};

// Queues one lead notice for `to` about `lead` (what `event` says; with
// `previous` for a handover the recipient may learn of both), records it
// under the signals it names so that revoking them withdraws it, and audits
// it as `audit_type` (`why`, when given, is added to the audit reason).
// `event_number` makes its id unique.
void QueueLeadNotice(Transaction& write, const LedgerContext& context, const Listener& to, v1::LeadEvent event,
                     const LeadSignal& lead, const std::optional<LeadSignal>& previous, uint64_t event_number,
                     v1::AuditEventType audit_type, absl::Time now, absl::string_view why = "");

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_LEAD_LEAD_NOTICES_H_
