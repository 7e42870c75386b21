#ifndef SAMENLOOP_BROKER_NOTIFICATIONS_NOTICES_H_
#define SAMENLOOP_BROKER_NOTIFICATIONS_NOTICES_H_

// Notices: which outbox entries concern which signal, and taking them back.
//
// Every notification the ledger queues is recorded under each signal it
// concerns (NoticeRecord in broker_storage.proto). When a signal is revoked,
// or a disclosure is no longer allowed, the ledger looks its notices up and:
//   - withdraws each entry its recipient has not yet seen (never released on
//     a stream, not acknowledged): the entry leaves the outbox, so it is
//     never delivered;
//   - for each entry the recipient may have seen, queues a retraction
//     notification (the recipient's own signal reference, the organisation
//     that withdrew, the reason class; never the content).
// Both are audited (NOTIFICATION_WITHDRAWN, NOTIFICATION_RETRACTED) in the
// same write as the change that caused them. docs/api.md "Revocation".

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/opaque_ids.h"
#include "broker/core/transaction.h"
#include "storage/store.h"
#include "broker_storage.pb.h"
#include "samenloop/v1/common.pb.h"

namespace samenloop::broker {

struct Notice {
  uint64_t signal = 0;  // the signal it is recorded under
  std::string recipient;
  uint64_t cursor = 0;
  storage::NoticeRecord record;
};

// Records the entry at (recipient, cursor) under `signal`.
void RecordNotice(Transaction& write, uint64_t signal, const std::string& recipient, uint64_t cursor,
                  const storage::NoticeRecord& record);

// Records the entry at (recipient, cursor) that tells the organisation of
// signal `recipient_signal` about `other_signal` (a match notification or a
// change notice): LINK_ABOUT under the other signal, LINK_THROUGH under the
// recipient's, so revoking either finds it. `record` names the notification.
void RecordPairNotices(Transaction& write, uint64_t recipient_signal, uint64_t other_signal,
                       const std::string& recipient, uint64_t cursor, storage::NoticeRecord record);

// Every notice recorded under `signal`, in key order.
absl::StatusOr<std::vector<Notice>> NoticesOf(const Store& store, uint64_t signal);

// What revoking a signal took back.
struct Withdrawal {
  uint32_t withdrawn = 0;  // entries taken out before delivery
  uint32_t retracted = 0;  // retractions queued for recipients that may have seen one
};

// The revoking organisation as recipients of a retraction see it.
struct Withdrawer {
  std::string organisation_id;
  std::string organisation_name;
  std::string organisation_kind;
};

// Takes back every notification concerning the revoked signal `number`
// (`revoked` is its stored record): the notices about it, those its own
// organisation was to receive through it, and the coordination notices it
// caused. Forgets its notices.
absl::StatusOr<Withdrawal> WithdrawNoticesOf(Transaction& write, const OpaqueIds& ids, uint64_t number,
                                             const storage::StoredSignal& revoked, const Withdrawer& by,
                                             v1::RevocationReason reason, absl::Time now);

// Withdraws every entry about `signal` (stored as `about`) that `recipient`
// was queued through its signal `recipient_signal_id` (match notifications
// and change notices of that pair) and has not seen yet: a disclosure the
// policy or a consent no longer allows. Returns how many it withdrew.
absl::StatusOr<int> WithdrawUnseenOfPair(Transaction& write, uint64_t signal, const storage::StoredSignal& about,
                                         const std::string& recipient, absl::string_view recipient_signal_id,
                                         absl::string_view why, absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_NOTIFICATIONS_NOTICES_H_
