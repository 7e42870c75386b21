#ifndef SAMENLOOP_BROKER_POLICY_IN_FORCE_REEVALUATION_H_
#define SAMENLOOP_BROKER_POLICY_IN_FORCE_REEVALUATION_H_

// Re-evaluation: deciding pairs again after what decides them changed (a
// new policy: every live pair; a consent record: the pairs that disclose
// its subject's signals). Pairs whose decision changed are recorded and
// audited, newly allowed or wider disclosures notified, no longer allowed
// ones withdrawn if not yet seen; equal decisions write nothing.
//
// The change writes a marker in the meta family in its own write; each
// re-evaluation write advances or removes it, so a crash part-way is
// finished by Resume() at the next start.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/matcher.h"

namespace samenloop::broker {

// What deciding pairs again did.
struct ReevaluationResult {
  uint64_t signals = 0;        // live signals visited
  uint64_t pairs_changed = 0;  // directions whose decision changed (audited)
  uint64_t notifications = 0;  // newly allowed or wider disclosures notified
};

// Meta-family markers of re-evaluation still to do.
extern const char kReevaluateAllKey[];
extern const char kReevaluateSubjectPrefix[];

class Reevaluation {
 public:
  Reevaluation(LedgerContext& context, Matcher& matcher) : context_(context), matcher_(matcher) {}

  // Under the write lock, after the write that set kReevaluateAllKey:
  // every direction of every live pair, signals after `after` first.
  absl::StatusOr<ReevaluationResult> AllFrom(uint64_t after);
  // Under the write lock, after the write that set the subject's marker:
  // what others may learn of the subject's signals, in one write that
  // clears the marker.
  absl::Status SubjectNow(const std::string& subject_key);
  // Finishes what a crash interrupted; the broker calls it once at start.
  absl::Status Resume();

 private:
  absl::Status Signal(Transaction& write, uint64_t number, const storage::StoredSignal& signal, bool disclose_signal,
                      bool disclose_matches, ReevaluationResult& result);
  absl::StatusOr<std::vector<uint64_t>> LiveSignalNumbers(uint64_t after, size_t limit) const;

  LedgerContext& context_;
  Matcher& matcher_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_POLICY_IN_FORCE_REEVALUATION_H_
