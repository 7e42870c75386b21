#ifndef SAMENLOOP_BROKER_MATCHING_COORDINATOR_H_
#define SAMENLOOP_BROKER_MATCHING_COORDINATOR_H_

// Coordination (pattern) rules (ARCHITECTURE.md §4, docs/policy-guide.md
// "Coordination"): when the live signals on one person meet a rule (enough
// organisations, categories, within a period), the rule's coordinator is
// told of each of them, once per (coordinator, signal), whichever rule fired
// first. The once-marker is kept with the pair decisions and removed with
// the notice when it is withdrawn.
//
// Non-interference: a protected signal is no part of a pattern at all
// (policy/coordination.h), so what a coordinator receives is the same with
// or without the signals it may not learn of.

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/match_finder.h"
#include "broker_storage.pb.h"

namespace samenloop::broker {

class Coordinator {
 public:
  explicit Coordinator(LedgerContext& context) : context_(context) {}

  // Applies the policy's coordination rules to the person of `signal`
  // (number `number`) and the signals it matches; returns the number of
  // coordination notifications queued.
  absl::StatusOr<uint32_t> Coordinate(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                                      const std::map<uint64_t, MatchedSignal>& matches, absl::Time now);

  // Applies the out-of-view rules to the person of `closed` (number
  // `number`, just closed; the store still holds it open): tells each rule's
  // coordinator, once for this closing, when no open signal is left on the
  // person (policy/coordination.h OutOfViewFires). Returns the notices queued.
  absl::StatusOr<uint32_t> OutOfView(Transaction& write, uint64_t number, const storage::StoredSignal& closed,
                                     absl::Time now);

 private:
  LedgerContext& context_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_COORDINATOR_H_
