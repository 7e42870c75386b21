#ifndef SAMENLOOP_BROKER_MATCHING_COORDINATOR_H_
#define SAMENLOOP_BROKER_MATCHING_COORDINATOR_H_

// Coordination rules (ARCHITECTURE.md §4, docs/policy-guide.md
// "Coordination", docs/notifications.md "Coordination").
//
// Patterns. When the live signals on a person (scope: person) or on a
// household (scope: household, household.h) meet a rule, its coordinator
// gets one notice for the pattern: a stable opaque handle, every member
// signal at the rule's level, the rule and its legal basis. A later signal
// of the same person or household joins the pattern and the coordinator
// gets an update (same handle, every member as it is now), instead of a
// notice per signal it could not tell apart. A revoked member leaves: the
// notices naming it are taken back (notices.h), and the pattern is sent
// again without it while the rest still meets the rule, or dissolved.
// Stored as patterns.h describes.
//
// Out of view. When the last open signal on a person or household closes,
// an out-of-view rule tells its coordinator.
//
// Non-interference: a protected signal is no part of a pattern at all
// (policy/coordination.h, household.h), so what a coordinator receives is
// the same with or without the signals it may not learn of.

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/match_finder.h"
#include "broker/matching/patterns.h"
#include "broker_storage.pb.h"

namespace samenloop::broker {

class Coordinator {
 public:
  explicit Coordinator(LedgerContext& context) : context_(context) {}

  // Applies the policy's coordination rules when `signal` (number `number`)
  // arrives, is reopened or is re-evaluated; `matches` are the signals it
  // matches. Returns the number of coordination notifications queued.
  absl::StatusOr<uint32_t> Coordinate(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                                      const std::map<uint64_t, MatchedSignal>& matches, absl::Time now);

  // Applies the out-of-view rules to the person (or household) of `closed`
  // (number `number`, just closed; the store still holds it open): tells each
  // rule's coordinator, once for this closing, when no open signal is left
  // (policy/coordination.h OutOfViewFires). Returns the notices queued.
  absl::StatusOr<uint32_t> OutOfView(Transaction& write, uint64_t number, const storage::StoredSignal& closed,
                                     absl::Time now);

  // Takes revoked signal `number` out of the patterns it is a member of,
  // after WithdrawNoticesOf took back the notices naming it, in the same
  // write. Returns the notices queued (a pattern sent again without it).
  absl::StatusOr<uint32_t> MemberRevoked(Transaction& write, uint64_t number, absl::Time now);

 private:
  using Members = std::map<uint64_t, storage::StoredSignal>;

  absl::StatusOr<bool> Join(PatternBook& book, uint64_t anchor, const policy::CoordinationRule& grouping,
                            const Members& group, uint64_t number, Transaction& write, absl::Time now);
  bool Form(PatternBook& book, const policy::CoordinationRule& rule, const Members& group, uint64_t number,
            Transaction& write, absl::Time now);

  LedgerContext& context_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_COORDINATOR_H_
