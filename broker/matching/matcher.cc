#include "broker/matching/matcher.h"

#include <map>

#include "broker/core/liveness.h"

namespace samenloop::broker {

absl::Status Matcher::MatchAndNotify(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                                     policy::ChangeMask changes) {
  return Decide(write, number, signal, changes, /*both_directions=*/true);
}

absl::Status Matcher::TellOfChange(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                                   policy::ChangeMask changes) {
  return Decide(write, number, signal, changes, /*both_directions=*/false);
}

absl::Status Matcher::Decide(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                             policy::ChangeMask changes, bool both_directions) {
  const absl::Time now = context_.Now();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  // A signal past its visible period is out of matching, also before the
  // sweeper has deleted it (retention is decided at decision time).
  if (!IsLive(signal, policy, now)) return absl::OkStatus();
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches =
      FindMatches(context_.store(), number, signal, policy, now);
  if (!matches.ok()) return matches.status();
  const bool reopened = (changes & policy::Bit(policy::ChangeKind::kReopened)) != 0;
  for (const auto& [other_number, match] : *matches) {
    // Each direction is decided on its own. The other organisation may learn
    // of this signal and hears what changed; this signal's own organisation
    // may learn of the other one and, reopening, is told again.
    const Direction to_other{other_number, &match.signal, number, &signal, match.kind, InverseRelation(match.relation)};
    if (absl::StatusOr<bool> told = decisions_.DecideAndRecord(write, to_other, Occasion{false, changes}); !told.ok()) {
      return told.status();
    }
    if (!both_directions) continue;
    const Direction to_self{number, &signal, other_number, &match.signal, match.kind, match.relation};
    if (absl::StatusOr<bool> told = decisions_.DecideAndRecord(write, to_self, Occasion{reopened, 0}); !told.ok()) {
      return told.status();
    }
  }
  if (both_directions) return coordinator_.Coordinate(write, number, signal, *matches, now).status();
  if ((changes & policy::Bit(policy::ChangeKind::kClosed)) == 0) return absl::OkStatus();
  return coordinator_.OutOfView(write, number, signal, now).status();
}

}  // namespace samenloop::broker
