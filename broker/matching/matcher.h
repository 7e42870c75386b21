#ifndef SAMENLOOP_BROKER_MATCHING_MATCHER_H_
#define SAMENLOOP_BROKER_MATCHING_MATCHER_H_

// Matcher runs matching for a signal whose decisions are taken under the
// write lock (an update, a reopen, re-evaluation): find its matches
// (match_finder.h), decide both directions of each pair (pair_decisions.h),
// then apply the coordination rules (coordinator.h). A new signal takes the
// same steps split in two, the reads and decisions before the lock
// (signals/submission.h).

#include <cstdint>

#include "absl/status/status.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/coordinator.h"
#include "broker/matching/match_finder.h"
#include "broker/matching/pair_decisions.h"
#include "broker_storage.pb.h"

namespace samenloop::broker {

class Matcher {
 public:
  Matcher(LedgerContext& context, PairDecisions& decisions, Coordinator& coordinator)
      : context_(context), decisions_(decisions), coordinator_(coordinator) {}

  // Decides both directions of every pair of `signal` (number `number`) and
  // queues the decisions, notifications and audit events. `changes` are what
  // this write changed about the signal: organisations already told of it
  // are told of them (change_notices.h), and a reopen tells the signal's own
  // organisation again of what it was told before. Nothing for a signal that
  // is no longer live.
  absl::Status MatchAndNotify(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                              policy::ChangeMask changes);

  // Tells the organisations already told of `signal` of `changes` (a close):
  // decides again only the directions towards them. Its own organisation
  // learns nothing new by closing its signal. Of the coordination rules only
  // the out-of-view ones run: a close may leave the person out of view.
  absl::Status TellOfChange(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                            policy::ChangeMask changes);

  PairDecisions& decisions() { return decisions_; }
  Coordinator& coordinator() { return coordinator_; }

 private:
  // Both of the above: the directions towards others, and with
  // `both_directions` those towards this signal's organisation and the
  // arrival coordination rules; otherwise the out-of-view rules on a close.
  absl::Status Decide(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                      policy::ChangeMask changes, bool both_directions);

  LedgerContext& context_;
  PairDecisions& decisions_;
  Coordinator& coordinator_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_MATCHER_H_
