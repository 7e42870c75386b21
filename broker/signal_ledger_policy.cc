// SignalLedger: applying a policy and deciding pairs again after a policy
// or consent change (docs/policy-guide.md "Applying a policy").

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/signal_ledger.h"
#include "common/free_text.h"
#include "policy/rule_policy.h"

namespace samenloop::broker {
namespace {

constexpr char kActivePolicyKey[] = "policy/active";
constexpr char kPolicyHistoryPrefix[] = "policy/history/";
// Signals re-evaluated per atomic write: bounds a write's size while
// keeping the number of fsyncs small.
constexpr size_t kSignalsPerWrite = 256;

}  // namespace

// Markers of re-evaluation still to do (meta family), written with the
// change that calls for it and removed with the last decision it takes.
const char kReevaluateAllKey[] = "reevaluate/all";
const char kReevaluateSubjectPrefix[] = "reevaluate/subject/";

absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> StartupPolicy(
    const Store& store, std::shared_ptr<const policy::DisclosurePolicy> fallback) {
  absl::StatusOr<std::string> bytes = store.Get(Family::kMeta, kActivePolicyKey);
  if (absl::IsNotFound(bytes.status())) return fallback;
  if (!bytes.ok()) return bytes.status();
  storage::PolicyRecord record;
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored policy record does not parse");
  policy::LoadedPolicy loaded = policy::LoadPolicy(record.policy_yaml(), record.file_name());
  if (loaded.policy == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the policy applied to this store (", record.version_hash(), ") no longer compiles with this broker: ",
        loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().ToString(),
        "; start the previous broker version and apply a corrected policy"));
  }
  return std::shared_ptr<const policy::DisclosurePolicy>(loaded.policy);
}

std::shared_ptr<const policy::DisclosurePolicy> SignalLedger::Policy() const {
  std::lock_guard<std::mutex> lock(policy_mutex_);
  return policy_;
}

absl::StatusOr<storage::PolicyRecord> SignalLedger::ActivePolicyRecord() const {
  absl::StatusOr<std::string> bytes = store_->Get(Family::kMeta, kActivePolicyKey);
  if (!bytes.ok()) return bytes.status();
  storage::PolicyRecord record;
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored policy record does not parse");
  return record;
}

absl::StatusOr<std::vector<storage::PolicyRecord>> SignalLedger::PolicyHistory() const {
  std::vector<storage::PolicyRecord> out;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kMeta);
  for (it->Seek(kPolicyHistoryPrefix); it->Valid() && it->key().starts_with(kPolicyHistoryPrefix); it->Next()) {
    storage::PolicyRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("stored policy record does not parse");
    }
    out.push_back(std::move(record));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("policy history: ", it->status().ToString()));
  return out;
}

absl::StatusOr<ReevaluationResult> SignalLedger::ApplyPolicy(const CallerIdentity& caller,
                                                             std::shared_ptr<const policy::DisclosurePolicy> policy,
                                                             storage::PolicyRecord record,
                                                             absl::string_view expected_active_version) {
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (!expected_active_version.empty() && expected_active_version != policy_->Version()) {
    return absl::FailedPreconditionError(
        absl::StrCat("expected_active_version: the active policy is ", policy_->Version(), ", not ",
                     EscapedPrefix(expected_active_version), "; another policy was applied in the meantime"));
  }
  absl::StatusOr<std::vector<storage::PolicyRecord>> history = PolicyHistory();
  if (!history.ok()) return history.status();
  record.set_applied_at_unix_ms(absl::ToUnixMillis(now));
  record.set_applied_by(caller.organisation_id);

  PendingWrite write(store_, &counters_);
  const std::string bytes = record.SerializeAsString();
  write.batch().Put(store_->Handle(Family::kMeta), kActivePolicyKey, bytes);
  write.batch().Put(store_->Handle(Family::kMeta), absl::StrCat(kPolicyHistoryPrefix, keys::U64(history->size() + 1)),
                    bytes);
  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_POLICY_APPLIED, caller, now);
  event.mutable_basis()->set_policy_version(record.version_hash());
  event.set_reason(absl::StrCat("policy version \"", record.declared_version(), "\" applied, replacing ",
                                policy_->Version()));
  write.AppendAudit(std::move(event));
  write.batch().Put(store_->Handle(Family::kMeta), kReevaluateAllKey, keys::U64(0));
  absl::StatusOr<std::set<std::string>> committed = write.Commit();
  if (!committed.ok()) return committed.status();
  {
    std::lock_guard<std::mutex> swap(policy_mutex_);
    policy_ = std::move(policy);
  }

  return ReevaluateAllFrom(0);
}

absl::StatusOr<ReevaluationResult> SignalLedger::ReevaluateAllFrom(uint64_t after) {
  // Every direction of every live pair, visited from its recipient signal.
  // The marker says how far it got, so a crash part-way resumes at start.
  ReevaluationResult result;
  while (true) {
    absl::StatusOr<std::vector<uint64_t>> numbers = LiveSignalNumbers(after, kSignalsPerWrite);
    if (!numbers.ok()) return numbers.status();
    PendingWrite batch(store_, &counters_);
    if (numbers->empty()) {
      batch.batch().Delete(store_->Handle(Family::kMeta), kReevaluateAllKey);
    } else {
      for (uint64_t number : *numbers) {
        absl::StatusOr<storage::StoredSignal> signal = LoadSignal(number);
        if (!signal.ok()) return signal.status();
        if (absl::Status s = Reevaluate(batch, number, *signal, /*disclose_signal=*/false, /*disclose_matches=*/true,
                                        result);
            !s.ok()) {
          return s;
        }
      }
      after = numbers->back();
      batch.batch().Put(store_->Handle(Family::kMeta), kReevaluateAllKey, keys::U64(after));
    }
    absl::StatusOr<std::set<std::string>> recipients = batch.Commit();
    if (!recipients.ok()) return recipients.status();
    PublishCommitted(*recipients);
    if (numbers->empty()) break;
  }
  return result;
}

absl::Status SignalLedger::ReevaluateSubjectNow(const std::string& subject_key) {
  PendingWrite write(store_, &counters_);
  ReevaluationResult result;
  if (absl::Status s = ReevaluateSubject(write, subject_key, result); !s.ok()) return s;
  write.batch().Delete(store_->Handle(Family::kMeta), absl::StrCat(kReevaluateSubjectPrefix, subject_key));
  absl::StatusOr<std::set<std::string>> recipients = write.Commit();
  if (!recipients.ok()) return recipients.status();
  PublishCommitted(*recipients);
  return absl::OkStatus();
}

absl::Status SignalLedger::ResumeReevaluation() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  absl::StatusOr<std::string> all = store_->Get(Family::kMeta, kReevaluateAllKey);
  if (all.ok()) {
    absl::StatusOr<ReevaluationResult> result = ReevaluateAllFrom(keys::ParseU64(*all));
    if (!result.ok()) return result.status();
  } else if (!absl::IsNotFound(all.status())) {
    return all.status();
  }
  std::vector<std::string> subjects;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kMeta);
  for (it->Seek(kReevaluateSubjectPrefix); it->Valid() && it->key().starts_with(kReevaluateSubjectPrefix);
       it->Next()) {
    subjects.emplace_back(AsView(it->key()).substr(sizeof(kReevaluateSubjectPrefix) - 1));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("meta scan: ", it->status().ToString()));
  for (const std::string& subject_key : subjects) {
    if (absl::Status s = ReevaluateSubjectNow(subject_key); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> SignalLedger::LiveSignalNumbers(uint64_t after, size_t limit) const {
  std::vector<uint64_t> out;
  const absl::Time now = options_.clock();
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kSignals);
  for (it->Seek(keys::SignalKey(after + 1)); it->Valid() && out.size() < limit; it->Next()) {
    storage::StoredSignal stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("stored signal does not parse");
    }
    const v1::SignalStatus status = stored.signal().status();
    if (status != v1::SIGNAL_STATUS_OPEN && status != v1::SIGNAL_STATUS_CLOSED) continue;
    if (now >= VisibleUntil(stored.signal(), policy_->RetentionFor(stored.signal().category()))) continue;
    out.push_back(keys::ParseU64(AsView(it->key())));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("signal scan: ", it->status().ToString()));
  return out;
}

absl::Status SignalLedger::Reevaluate(PendingWrite& write, uint64_t number, const storage::StoredSignal& signal,
                                      bool disclose_signal, bool disclose_matches, ReevaluationResult& result) {
  // Past its visible period (not yet swept): decided as it was, never again.
  if (!IsLive(signal, *policy_, options_.clock())) return absl::OkStatus();
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches =
      FindMatches(*store_, number, signal, *policy_, options_.clock());
  if (!matches.ok()) return matches.status();
  ++result.signals;
  for (const auto& [other_number, match] : *matches) {
    bool changed = false;
    if (disclose_matches) {
      absl::StatusOr<bool> notified = DecideDirection(write, number, signal, other_number, match.signal, match.kind,
                                                      match.relation, /*renotify=*/false, /*only_if_changed=*/true,
                                                      &changed);
      if (!notified.ok()) return notified.status();
      result.pairs_changed += changed ? 1u : 0u;
      result.notifications += *notified ? 1u : 0u;
    }
    if (disclose_signal) {
      absl::StatusOr<bool> notified =
          DecideDirection(write, other_number, match.signal, number, signal, match.kind,
                          InverseRelation(match.relation), /*renotify=*/false, /*only_if_changed=*/true, &changed);
      if (!notified.ok()) return notified.status();
      result.pairs_changed += changed ? 1u : 0u;
      result.notifications += *notified ? 1u : 0u;
    }
  }
  // A coordination rule the new policy adds fires for persons whose signals
  // already meet it; each signal is still told to a coordinator once.
  if (disclose_matches && signal.signal().status() == v1::SIGNAL_STATUS_OPEN) {
    absl::StatusOr<uint32_t> coordinated = Coordinate(write, number, signal, *matches);
    if (!coordinated.ok()) return coordinated.status();
    result.notifications += *coordinated;
  }
  return absl::OkStatus();
}

absl::Status SignalLedger::ReevaluateSubject(PendingWrite& write, const std::string& subject_key,
                                             ReevaluationResult& result) {
  std::vector<uint64_t> numbers;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewPersonIterator(Family::kSubjectIndex);
  for (it->Seek(subject_key); it->Valid() && it->key().starts_with(subject_key); it->Next()) {
    numbers.push_back(keys::ParseU64(AsView(it->key()).substr(subject_key.size())));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("subject index: ", it->status().ToString()));
  for (uint64_t number : numbers) {
    absl::StatusOr<storage::StoredSignal> signal = LoadSignal(number);
    if (!signal.ok()) return signal.status();
    const v1::SignalStatus status = signal->signal().status();
    if (status != v1::SIGNAL_STATUS_OPEN && status != v1::SIGNAL_STATUS_CLOSED) continue;
    // Consent is about the disclosed signal's subject: decide again what
    // others may learn of this signal.
    if (absl::Status s = Reevaluate(write, number, *signal, /*disclose_signal=*/true, /*disclose_matches=*/false, result);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace samenloop::broker
