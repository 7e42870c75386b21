#include "broker/policy_in_force/reevaluation.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"
#include "storage/keys.h"

namespace samenloop::broker {
namespace {

// Signals re-evaluated per atomic write: bounds a write's size while
// keeping the number of fsyncs small.
constexpr size_t kSignalsPerWrite = 256;

bool OpenOrClosed(const storage::StoredSignal& signal) {
  const v1::SignalStatus status = signal.signal().status();
  return status == v1::SIGNAL_STATUS_OPEN || status == v1::SIGNAL_STATUS_CLOSED;
}

}  // namespace

// Written with the change that calls for re-evaluation, removed with the
// last decision it takes.
const char kReevaluateAllKey[] = "reevaluate/all";
const char kReevaluateSubjectPrefix[] = "reevaluate/subject/";

absl::StatusOr<ReevaluationResult> Reevaluation::AllFrom(uint64_t after) {
  // Every direction of every live pair, visited from its recipient signal.
  // The marker says how far it got, so a crash part-way resumes at start.
  ReevaluationResult result;
  while (true) {
    absl::StatusOr<std::vector<uint64_t>> numbers = LiveSignalNumbers(after, kSignalsPerWrite);
    if (!numbers.ok()) return numbers.status();
    Transaction write(context_);
    if (numbers->empty()) {
      write.Delete(Family::kMeta, kReevaluateAllKey);
    } else {
      for (uint64_t number : *numbers) {
        absl::StatusOr<storage::StoredSignal> signal = LoadSignal(context_.store(), number);
        if (!signal.ok()) return signal.status();
        if (absl::Status s =
                Signal(write, number, *signal, /*disclose_signal=*/false, /*disclose_matches=*/true, result);
            !s.ok()) {
          return s;
        }
      }
      after = numbers->back();
      write.Put(Family::kMeta, kReevaluateAllKey, keys::U64(after));
    }
    if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
    if (numbers->empty()) break;
  }
  return result;
}

absl::Status Reevaluation::SubjectNow(const std::string& subject_key) {
  std::vector<uint64_t> numbers;
  {
    std::unique_ptr<rocksdb::Iterator> it = context_.store().NewPrefixIterator(Family::kSubjectIndex);
    for (it->Seek(subject_key); it->Valid() && it->key().starts_with(subject_key); it->Next()) {
      numbers.push_back(keys::ParseU64(AsView(it->key()).substr(subject_key.size())));
    }
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("subject index: ", it->status().ToString()));
  }
  Transaction write(context_);
  ReevaluationResult result;
  for (uint64_t number : numbers) {
    absl::StatusOr<storage::StoredSignal> signal = LoadSignal(context_.store(), number);
    if (!signal.ok()) return signal.status();
    if (!OpenOrClosed(*signal)) continue;
    // Consent is about the disclosed signal's subject: decide again what
    // others may learn of this signal.
    if (absl::Status s = Signal(write, number, *signal, /*disclose_signal=*/true, /*disclose_matches=*/false, result);
        !s.ok()) {
      return s;
    }
  }
  write.Delete(Family::kMeta, absl::StrCat(kReevaluateSubjectPrefix, subject_key));
  return write.Commit();
}

absl::Status Reevaluation::Resume() {
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  absl::StatusOr<std::string> all = context_.store().Get(Family::kMeta, kReevaluateAllKey);
  if (all.ok()) {
    absl::StatusOr<ReevaluationResult> result = AllFrom(keys::ParseU64(*all));
    if (!result.ok()) return result.status();
  } else if (!absl::IsNotFound(all.status())) {
    return all.status();
  }
  std::vector<std::string> subjects;
  std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kMeta);
  for (it->Seek(kReevaluateSubjectPrefix); it->Valid() && it->key().starts_with(kReevaluateSubjectPrefix); it->Next()) {
    subjects.emplace_back(AsView(it->key()).substr(sizeof(kReevaluateSubjectPrefix) - 1));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("meta scan: ", it->status().ToString()));
  for (const std::string& subject_key : subjects) {
    if (absl::Status s = SubjectNow(subject_key); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> Reevaluation::LiveSignalNumbers(uint64_t after, size_t limit) const {
  std::vector<uint64_t> out;
  const absl::Time now = context_.Now();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kSignals);
  for (it->Seek(keys::SignalKey(after + 1)); it->Valid() && out.size() < limit; it->Next()) {
    storage::StoredSignal stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("stored signal does not parse");
    }
    if (!OpenOrClosed(stored)) continue;
    if (now >= VisibleUntil(stored.signal(), policy.RetentionFor(stored.signal().category()))) continue;
    out.push_back(keys::ParseU64(AsView(it->key())));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("signal scan: ", it->status().ToString()));
  return out;
}

// Decides again, for each match of `signal`, whether the match's
// organisation may learn of `signal` (`disclose_signal`) and whether
// `signal`'s organisation may learn of the match (`disclose_matches`).
absl::Status Reevaluation::Signal(Transaction& write, uint64_t number, const storage::StoredSignal& signal,
                                  bool disclose_signal, bool disclose_matches, ReevaluationResult& result) {
  const absl::Time now = context_.Now();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  // Past its visible period (not yet swept): decided as it was, never again.
  if (!IsLive(signal, policy, now)) return absl::OkStatus();
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches =
      FindMatches(context_.store(), number, signal, policy, now);
  if (!matches.ok()) return matches.status();
  ++result.signals;
  PairDecisions& decisions = matcher_.decisions();
  for (const auto& [other_number, match] : *matches) {
    std::vector<Direction> directions;
    if (disclose_matches)
      directions.push_back({number, &signal, other_number, &match.signal, match.kind, match.relation});
    if (disclose_signal) {
      directions.push_back({other_number, &match.signal, number, &signal, match.kind, InverseRelation(match.relation)});
    }
    for (const Direction& direction : directions) {
      bool changed = false;
      absl::StatusOr<bool> notified =
          decisions.DecideAndRecord(write, direction, Occasion{}, /*only_if_changed=*/true, &changed);
      if (!notified.ok()) return notified.status();
      result.pairs_changed += changed ? 1u : 0u;
      result.notifications += *notified ? 1u : 0u;
    }
  }
  // A coordination rule the new policy adds fires for persons whose signals
  // already meet it; each signal is still told to a coordinator once.
  if (disclose_matches && signal.signal().status() == v1::SIGNAL_STATUS_OPEN) {
    absl::StatusOr<uint32_t> coordinated = matcher_.coordinator().Coordinate(write, number, signal, *matches, now);
    if (!coordinated.ok()) return coordinated.status();
    result.notifications += *coordinated;
  }
  return absl::OkStatus();
}

}  // namespace samenloop::broker
