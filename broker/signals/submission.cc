#include "broker/signals/submission.h"

#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"
#include "broker/core/subject_keyer.h"
#include "broker/lead/lead.h"
#include "broker/signals/policy_checks.h"
#include "broker/signals/signal_validation.h"
#include "storage/keys.h"
#include "broker/core/signal_events.h"

namespace samenloop::broker {
namespace {

// A batch at least this large is prepared on two threads, half each.
constexpr int kParallelPrepareFrom = 64;

v1::SubmitSignalResult ItemError(const std::string& key, const absl::Status& status) {
  v1::SubmitSignalResult result;
  // A refused key is not echoed: results are in request order anyway.
  if (ValidateIdempotencyKey(key, "").ok()) result.set_idempotency_key(key);
  result.set_code(static_cast<int32_t>(status.code()));
  result.set_message(std::string(status.message()));
  return result;
}

// The new signal as stored, without its number and id: the caller's
// fields, the broker's, and person keys in place of the pseudonyms.
storage::StoredSignal ToStored(const CallerIdentity& caller, const v1::SubmitSignalItem& item,
                               const SubjectKeyer& keyer, absl::Time now) {
  storage::StoredSignal stored;
  v1::Signal& signal = *stored.mutable_signal();
  signal = item.signal();
  signal.set_source_organisation(caller.organisation_id);
  signal.set_status(v1::SIGNAL_STATUS_OPEN);
  if (!signal.has_opened_at()) *signal.mutable_opened_at() = ToProto(now);
  *signal.mutable_created_at() = ToProto(now);
  *signal.mutable_updated_at() = ToProto(now);
  signal.set_revision(1);
  stored.set_organisation_kind(caller.organisation_kind);
  stored.set_idempotency_key(item.idempotency_key());
  // Keys in, pseudonyms out: nothing below stores a pseudonym.
  stored.set_subject_key(keyer.KeyFor(signal.subject()));
  signal.mutable_subject()->clear_value();
  for (v1::RelatedPerson& related : *signal.mutable_related()) {
    storage::StoredRelated* key = stored.add_related();
    key->set_key(keyer.KeyFor(related.person()));
    key->set_relation(related.relation());
    key->set_role(related.role());
    related.mutable_person()->clear_value();
  }
  for (v1::Pseudonym& person : *signal.mutable_protected_against()) {
    stored.add_protected_against_keys(keyer.KeyFor(person));
    person.clear_value();
  }
  return stored;
}

}  // namespace

struct Submission::Prepared {
  struct PairOutcome {
    policy::Decision to_other;  // may the match's organisation learn of the new signal?
    policy::Decision to_self;   // may the caller learn of the match?
  };

  std::string idempotency_key;
  absl::Status refusal;          // a bad item: its own result
  std::string existing_id;       // a retried idempotency key: the first signal
  storage::StoredSignal stored;  // the new signal, keyed, without number and id
  std::map<uint64_t, MatchedSignal> matches;
  std::map<uint64_t, PairOutcome> outcomes;
  // What the preparation read: the stripes a concurrent commit bumps when
  // it changes any of it (broker/core/change_versions.h).
  std::vector<std::string> read_keys;
};

absl::StatusOr<v1::SubmitSignalsResponse> Submission::Submit(const CallerIdentity& caller,
                                                             const v1::SubmitSignalsRequest& request) {
  const int max_batch = context_.options().max_batch;
  if (request.items_size() == 0) return absl::InvalidArgumentError("items: at least one signal is required");
  if (request.items_size() > max_batch) {
    return absl::InvalidArgumentError(
        absl::StrCat("items: at most ", max_batch, " signals per call (got ", request.items_size(), ")"));
  }
  const absl::Time now = context_.Now();
  // The commit number first, then the reads: a commit that lands in between
  // is seen as a change, never missed.
  const uint64_t prepared_after = context_.versions().Committed();
  const std::shared_ptr<const policy::DisclosurePolicy> policy = context_.Policy();
  std::vector<Prepared> prepared(static_cast<size_t>(request.items_size()));
  if (absl::Status s = PrepareRange(caller, request, 0, request.items_size(), now, *policy, prepared); !s.ok()) {
    return s;
  }

  if (context_.options().between_prepare_and_apply) context_.options().between_prepare_and_apply();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const bool policy_replaced = &context_.PolicyLocked() != policy.get();
  std::optional<PersonIndexReaders> current;  // made on the first stale item
  for (int i = 0; i < request.items_size(); ++i) {
    Prepared& item = prepared[static_cast<size_t>(i)];
    if (!policy_replaced && !context_.versions().ChangedSince(prepared_after, item.read_keys)) continue;
    if (!current.has_value()) current.emplace(context_.store());
    item = Prepared{};
    if (absl::Status s = Prepare(caller, request.items(i), i, now, context_.PolicyLocked(), *current, item); !s.ok()) {
      return s;
    }
    reprepared_.fetch_add(1, std::memory_order_relaxed);
  }

  Transaction write(context_);
  write.TouchesNoMatchingInput();  // but for what each new signal touches (RecordNewSignal)
  v1::SubmitSignalsResponse response;
  std::map<std::string, std::string> ids_in_batch;  // idempotency key -> signal id
  for (Prepared& item : prepared) {
    if (absl::Status s = Apply(write, caller, item, now, ids_in_batch, response); !s.ok()) return s;
  }
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return response;
}

absl::Status Submission::PrepareRange(const CallerIdentity& caller, const v1::SubmitSignalsRequest& request, int begin,
                                      int end, absl::Time now, const policy::DisclosurePolicy& policy,
                                      std::vector<Prepared>& out) const {
  if (end - begin >= kParallelPrepareFrom) {
    // Both cores: the second half on a thread of its own, each half with its
    // own index iterators (they are not shared between threads).
    const int middle = begin + (end - begin) / 2;
    absl::Status second_half;
    std::thread helper([&] { second_half = PrepareRange(caller, request, middle, end, now, policy, out); });
    absl::Status first_half = PrepareRange(caller, request, begin, middle, now, policy, out);
    helper.join();
    return first_half.ok() ? second_half : first_half;
  }
  PersonIndexReaders readers(context_.store());
  for (int i = begin; i < end; ++i) {
    if (absl::Status s = Prepare(caller, request.items(i), i, now, policy, readers, out[static_cast<size_t>(i)]);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Submission::Prepare(const CallerIdentity& caller, const v1::SubmitSignalItem& item, int index,
                                 absl::Time now, const policy::DisclosurePolicy& policy, PersonIndexReaders& readers,
                                 Prepared& out) const {
  const std::string path = absl::StrCat("items[", index, "]");
  out.idempotency_key = item.idempotency_key();
  absl::Status valid = ValidateIdempotencyKey(item.idempotency_key(), path + ".idempotency_key");
  if (valid.ok()) valid = ValidateNewSignal(item.signal(), path + ".signal", now);
  if (valid.ok()) valid = CheckCategoryKnown(policy, item.signal().category(), path + ".signal.category");
  if (valid.ok()) valid = CheckStillVisible(policy, item.signal(), now, path + ".signal.opened_at");
  if (!valid.ok()) {
    out.refusal = valid;
    return absl::OkStatus();
  }

  // A retried key returns the first signal and changes nothing.
  const std::string idempotency = keys::IdempotencyKey(caller.organisation_id, item.idempotency_key());
  out.read_keys.push_back(idempotency);
  absl::StatusOr<std::string> first = context_.store().Get(Family::kIdempotency, idempotency);
  if (first.ok()) {
    absl::StatusOr<storage::StoredSignal> signal = LoadSignal(context_.store(), keys::ParseU64(*first));
    if (!signal.ok()) return signal.status();
    out.existing_id = signal->signal().signal_id();
    return absl::OkStatus();
  }
  if (!absl::IsNotFound(first.status())) return first.status();

  out.stored = ToStored(caller, item, context_.keyer(), now);
  out.read_keys.push_back(out.stored.subject_key());
  for (const storage::StoredRelated& related : out.stored.related()) out.read_keys.push_back(related.key());
  if (!IsLive(out.stored, policy, now)) return absl::OkStatus();
  // Signal numbers start at 1: number 0 excludes nothing.
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches =
      FindMatches(context_.store(), /*number=*/0, out.stored, policy, now, &readers);
  if (!matches.ok()) return matches.status();
  out.matches = *std::move(matches);
  for (const auto& [other_number, match] : out.matches) {
    const Direction to_other{other_number, &match.signal, 0, &out.stored, match.kind, InverseRelation(match.relation)};
    const Direction to_self{0, &out.stored, other_number, &match.signal, match.kind, match.relation};
    absl::StatusOr<policy::Decision> other_learns = decisions_.Decide(policy, to_other, now);
    if (!other_learns.ok()) return other_learns.status();
    absl::StatusOr<policy::Decision> self_learns = decisions_.Decide(policy, to_self, now);
    if (!self_learns.ok()) return self_learns.status();
    out.outcomes[other_number] = Prepared::PairOutcome{*std::move(other_learns), *std::move(self_learns)};
  }
  return absl::OkStatus();
}

absl::Status Submission::Apply(Transaction& write, const CallerIdentity& caller, Prepared& item, absl::Time now,
                               std::map<std::string, std::string>& ids_in_batch, v1::SubmitSignalsResponse& response) {
  if (!item.refusal.ok()) {
    v1::AuditEvent refused = BaseEvent(v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED, caller, now);
    refused.set_reason(absl::StrCat("SubmitSignals: ", item.refusal.message()));
    write.AppendAudit(std::move(refused));
    *response.add_results() = ItemError(item.idempotency_key, item.refusal);
    return absl::OkStatus();
  }
  const std::string& key = item.idempotency_key;
  std::string existing = item.existing_id;
  if (auto it = ids_in_batch.find(key); it != ids_in_batch.end()) existing = it->second;
  if (!existing.empty()) {
    v1::SubmitSignalResult* result = response.add_results();
    result->set_idempotency_key(key);
    result->set_signal_id(existing);
    result->set_duplicate(true);
    return absl::OkStatus();
  }
  // Only what the caller itself was told counts: notifications to others
  // (or a coordinator) would tell it that others are involved.
  const uint64_t told_before = write.OutboxHead(caller.organisation_id);
  if (absl::Status s = RecordNewSignal(write, caller, item, now); !s.ok()) return s;
  ids_in_batch[key] = item.stored.signal().signal_id();
  v1::SubmitSignalResult* result = response.add_results();
  result->set_idempotency_key(key);
  result->set_signal_id(item.stored.signal().signal_id());
  result->set_notifications_created(static_cast<uint32_t>(write.OutboxHead(caller.organisation_id) - told_before));
  return absl::OkStatus();
}

absl::Status Submission::RecordNewSignal(Transaction& write, const CallerIdentity& caller, Prepared& item,
                                         absl::Time now) {
  storage::StoredSignal& stored = item.stored;
  const uint64_t number = write.AllocateSignalNumber();
  stored.mutable_signal()->set_signal_id(context_.ids().SignalId(number));
  const std::string idempotency = keys::IdempotencyKey(caller.organisation_id, stored.idempotency_key());
  // Staged: a later signal of the same batch may join a coordination
  // pattern with this one (coordinator.h) and must read it back.
  write.PutStaged(Family::kSignals, keys::SignalKey(number), stored.SerializeAsString());
  write.Put(Family::kSubjectIndex, keys::IndexKey(stored.subject_key(), number), "");
  for (const storage::StoredRelated& related : stored.related()) {
    write.Put(Family::kRelatedIndex, keys::IndexKey(related.key(), number), "");
  }
  write.Put(Family::kOrgSignals, keys::OrgSignalKey(caller.organisation_id, number), "");
  write.Put(Family::kIdempotency, idempotency, keys::U64(number));
  // What this commit changes for a concurrent submission: exactly what it
  // read (Prepare), so it will prepare again.
  for (const std::string& key : item.read_keys) write.TouchOnly(key);

  v1::AuditEvent submitted = BaseEvent(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED, caller, now);
  NameSignalPersons(submitted, stored);
  submitted.add_signal_ids(stored.signal().signal_id());
  submitted.set_category(stored.signal().category());
  write.AppendAudit(std::move(submitted));

  for (const auto& [other_number, match] : item.matches) {
    const Prepared::PairOutcome& outcome = item.outcomes.at(other_number);
    // A new signal has no recorded decision yet: numbers are never reused.
    const Direction to_other{other_number, &match.signal, number, &stored, match.kind, InverseRelation(match.relation)};
    absl::StatusOr<bool> told = decisions_.Record(write, to_other, outcome.to_other, std::nullopt, Occasion{}, now);
    if (!told.ok()) return told.status();
    const Direction to_self{number, &stored, other_number, &match.signal, match.kind, match.relation};
    told = decisions_.Record(write, to_self, outcome.to_self, std::nullopt, Occasion{}, now);
    if (!told.ok()) return told.status();
  }
  if (absl::Status s = coordinator_.Coordinate(write, number, stored, item.matches, now).status(); !s.ok()) return s;
  // Who leads there, where the new signal may learn of the lead's signal.
  return TellNewcomerWhoLeads(
      write, context_, number, stored, item.matches,
      [&item](uint64_t other, const MatchedSignal&) -> absl::StatusOr<policy::Decision> {
        return item.outcomes.at(other).to_self;
      },
      now);
}

}  // namespace samenloop::broker
