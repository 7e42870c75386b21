#ifndef SAMENLOOP_BROKER_SIGNALS_SUBMISSION_H_
#define SAMENLOOP_BROKER_SIGNALS_SUBMISSION_H_

// Submission: accepting a batch of new signals (SubmitSignals), in two
// phases so that concurrent calls use both cores (docs/architecture.md
// "The write path"):
//
//   prepare, without the write lock, in parallel across calls and across
//   the halves of a large batch: validate each item, key its pseudonyms,
//   look up its idempotency key, find its matches through the person
//   indexes and ask the policy about both directions of every pair;
//
//   apply, under the write lock: prepare again, serially, any item whose
//   reads a commit since may have changed (broker/core/change_versions.h),
//   then number the signals, make their ids, record the decisions with their
//   audit events and notifications, apply the coordination rules, and
//   commit the whole batch in one synced write.
//
// A pair is decided by exactly one of two concurrent submissions on the
// same person: the one that commits second sees the first (its prepared
// reads are stale and it prepares again), and the first could not see the
// second. Batch-level problems (empty or oversized batch, storage failure)
// fail the whole call; a bad item only fails its own result.

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/coordinator.h"
#include "broker/matching/match_finder.h"
#include "broker/matching/pair_decisions.h"
#include "common/caller_identity.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

class Submission {
 public:
  Submission(LedgerContext& context, PairDecisions& decisions, Coordinator& coordinator)
      : context_(context), decisions_(decisions), coordinator_(coordinator) {}

  absl::StatusOr<v1::SubmitSignalsResponse> Submit(const CallerIdentity& caller,
                                                   const v1::SubmitSignalsRequest& request);
  // Items prepared a second time under the lock because a concurrent commit
  // changed what they had read (for metrics and the race tests).
  uint64_t Reprepared() const { return reprepared_.load(std::memory_order_relaxed); }

 private:
  struct Prepared;

  // Prepares items [begin, end) of `request` into `out`.
  absl::Status PrepareRange(const CallerIdentity& caller, const v1::SubmitSignalsRequest& request, int begin, int end,
                            absl::Time now, const policy::DisclosurePolicy& policy, std::vector<Prepared>& out) const;
  absl::Status Prepare(const CallerIdentity& caller, const v1::SubmitSignalItem& item, int index, absl::Time now,
                       const policy::DisclosurePolicy& policy, PersonIndexReaders& readers, Prepared& out) const;
  // Adds one prepared item to the write and its result to `response`.
  absl::Status Apply(Transaction& write, const CallerIdentity& caller, Prepared& item, absl::Time now,
                     std::map<std::string, std::string>& ids_in_batch, v1::SubmitSignalsResponse& response);
  absl::Status RecordNewSignal(Transaction& write, const CallerIdentity& caller, Prepared& item, absl::Time now);

  LedgerContext& context_;
  PairDecisions& decisions_;
  Coordinator& coordinator_;
  std::atomic<uint64_t> reprepared_{0};
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNALS_SUBMISSION_H_
