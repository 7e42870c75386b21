#include "broker/signal_ledger.h"

#include "audit/events.h"

#include <algorithm>
#include <optional>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/keys.h"
#include "broker/match_finder.h"
#include "broker/disclosure.h"
#include "broker/notices.h"
#include "broker/retention_sweeper.h"
#include "broker/signal_validation.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"

namespace samenloop::broker {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

// Signals use the taxonomy of the policy in force.
absl::Status CheckCategoryKnown(const policy::DisclosurePolicy& policy, const std::string& category,
                                const std::string& path) {
  if (policy.KnowsCategory(category)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": is not a category of the policy in force (", policy.Version(), ")"));
}

// A signal whose visible period has already ended (an old opened_at) would
// be deleted by the next sweep: it is refused rather than matched now.
absl::Status CheckStillVisible(const policy::DisclosurePolicy& policy, const v1::Signal& signal, absl::Time now,
                               const std::string& path) {
  v1::Signal as_stored = signal;
  as_stored.set_status(v1::SIGNAL_STATUS_OPEN);
  if (!as_stored.has_opened_at()) *as_stored.mutable_opened_at() = ToProto(now);
  const absl::Time until = VisibleUntil(as_stored, policy.RetentionFor(signal.category()));
  if (now < until) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      path, ": the visible period of category ", signal.category(), " for a signal opened then ended on ",
      absl::FormatTime("%Y-%m-%d", until, absl::UTCTimeZone()), "; it cannot be matched or disclosed"));
}

v1::SubmitSignalResult ItemError(const std::string& key, const absl::Status& status) {
  v1::SubmitSignalResult result;
  // A refused key is not echoed: results are in request order anyway.
  if (ValidateIdempotencyKey(key, "").ok()) result.set_idempotency_key(key);
  result.set_code(static_cast<int32_t>(status.code()));
  result.set_message(std::string(status.message()));
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SignalLedger>> SignalLedger::Create(
    Store* store, const SubjectKeyer* keyer, std::shared_ptr<const policy::DisclosurePolicy> policy,
    NotificationHub* hub, LedgerOptions options) {
  absl::StatusOr<LedgerCounters> counters = LedgerCounters::Load(*store);
  if (!counters.ok()) return counters.status();
  return std::unique_ptr<SignalLedger>(
      new SignalLedger(store, keyer, std::move(policy), hub, std::move(options), *std::move(counters)));
}

SignalLedger::SignalLedger(Store* store, const SubjectKeyer* keyer,
                           std::shared_ptr<const policy::DisclosurePolicy> policy, NotificationHub* hub,
                           LedgerOptions options, LedgerCounters counters)
    : store_(store), keyer_(keyer), policy_(std::move(policy)), hub_(hub), options_(std::move(options)),
      counters_(std::move(counters)) {}

absl::StatusOr<v1::SubmitSignalsResponse> SignalLedger::Submit(
    const CallerIdentity& caller, const v1::SubmitSignalsRequest& request) {
  if (request.items_size() == 0) return absl::InvalidArgumentError("items: at least one signal is required");
  if (request.items_size() > options_.max_batch) {
    return absl::InvalidArgumentError(absl::StrCat("items: at most ", options_.max_batch,
                                                   " signals per call (got ", request.items_size(), ")"));
  }
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  PendingWrite write(store_, &counters_);
  // One set of index iterators for the whole batch (match_finder.h).
  PersonIndexReaders readers(*store_);
  v1::SubmitSignalsResponse response;
  std::map<std::string, std::string> ids_in_batch;  // idempotency key -> signal id

  for (int i = 0; i < request.items_size(); ++i) {
    const v1::SubmitSignalItem& item = request.items(i);
    const std::string path = absl::StrCat("items[", i, "]");
    absl::Status valid = ValidateIdempotencyKey(item.idempotency_key(), path + ".idempotency_key");
    if (valid.ok()) valid = ValidateNewSignal(item.signal(), path + ".signal", now);
    if (valid.ok()) valid = CheckCategoryKnown(*policy_, item.signal().category(), path + ".signal.category");
    if (valid.ok()) valid = CheckStillVisible(*policy_, item.signal(), now, path + ".signal.opened_at");
    if (!valid.ok()) {
      v1::AuditEvent refused = BaseEvent(v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED, caller, now);
      refused.set_reason(absl::StrCat("SubmitSignals: ", valid.message()));
      write.AppendAudit(std::move(refused));
      *response.add_results() = ItemError(item.idempotency_key(), valid);
      continue;
    }

    // A retried key returns the first signal and changes nothing.
    std::string existing;
    if (auto it = ids_in_batch.find(item.idempotency_key()); it != ids_in_batch.end()) {
      existing = it->second;
    } else {
      absl::StatusOr<std::string> found = store_->Get(
          Family::kIdempotency, keys::IdempotencyKey(caller.organisation_id, item.idempotency_key()));
      if (found.ok()) {
        absl::StatusOr<storage::StoredSignal> first = LoadSignal(keys::ParseU64(*found));
        if (!first.ok()) return first.status();
        existing = first->signal().signal_id();
      } else if (!absl::IsNotFound(found.status())) {
        return found.status();
      }
    }
    if (!existing.empty()) {
      v1::SubmitSignalResult* result = response.add_results();
      result->set_idempotency_key(item.idempotency_key());
      result->set_signal_id(existing);
      result->set_duplicate(true);
      continue;
    }

    const uint64_t number = write.AllocateSignalNumber();
    storage::StoredSignal stored;
    v1::Signal& signal = *stored.mutable_signal();
    signal = item.signal();
    signal.set_signal_id(keyer_->Ids().SignalId(number));
    signal.set_source_organisation(caller.organisation_id);
    signal.set_status(v1::SIGNAL_STATUS_OPEN);
    if (!signal.has_opened_at()) *signal.mutable_opened_at() = ToProto(now);
    *signal.mutable_created_at() = ToProto(now);
    *signal.mutable_updated_at() = ToProto(now);
    signal.set_revision(1);
    stored.set_organisation_kind(caller.organisation_kind);
    stored.set_idempotency_key(item.idempotency_key());
    // Keys in, pseudonyms out: nothing below stores a pseudonym.
    stored.set_subject_key(keyer_->KeyFor(signal.subject()));
    signal.mutable_subject()->clear_value();
    for (v1::RelatedPerson& related : *signal.mutable_related()) {
      storage::StoredRelated* key = stored.add_related();
      key->set_key(keyer_->KeyFor(related.person()));
      key->set_relation(related.relation());
      key->set_role(related.role());
      related.mutable_person()->clear_value();
    }
    for (v1::Pseudonym& person : *signal.mutable_protected_against()) {
      stored.add_protected_against_keys(keyer_->KeyFor(person));
      person.clear_value();
    }

    rocksdb::WriteBatch& batch = write.batch();
    batch.Put(store_->Handle(Family::kSignals), keys::SignalKey(number), stored.SerializeAsString());
    batch.Put(store_->Handle(Family::kSubjectIndex), keys::IndexKey(stored.subject_key(), number), "");
    for (const storage::StoredRelated& related : stored.related()) {
      batch.Put(store_->Handle(Family::kRelatedIndex), keys::IndexKey(related.key(), number), "");
    }
    batch.Put(store_->Handle(Family::kOrgSignals), keys::OrgSignalKey(caller.organisation_id, number), "");
    batch.Put(store_->Handle(Family::kIdempotency),
              keys::IdempotencyKey(caller.organisation_id, item.idempotency_key()), keys::U64(number));
    ids_in_batch[item.idempotency_key()] = signal.signal_id();

    v1::AuditEvent submitted = BaseEvent(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED, caller, now);
    submitted.add_subject_keys(Hex(stored.subject_key()));
    submitted.add_signal_ids(signal.signal_id());
    submitted.set_category(signal.category());
    write.AppendAudit(std::move(submitted));

    // Only what the caller itself was told counts: notifications to others
    // (or a coordinator) would tell it that others are involved.
    const uint64_t told_before = write.OutboxHead(caller.organisation_id);
    absl::Status matched = MatchAndNotify(write, number, stored, /*renotify=*/false, &readers);
    if (!matched.ok()) return matched;

    v1::SubmitSignalResult* result = response.add_results();
    result->set_idempotency_key(item.idempotency_key());
    result->set_signal_id(signal.signal_id());
    result->set_notifications_created(
        static_cast<uint32_t>(write.OutboxHead(caller.organisation_id) - told_before));
  }

  absl::StatusOr<std::set<std::string>> recipients = write.Commit();
  if (!recipients.ok()) return recipients.status();
  PublishCommitted(*recipients);
  return response;
}

absl::Status SignalLedger::MatchAndNotify(PendingWrite& write, uint64_t number, const storage::StoredSignal& signal,
                                          bool renotify, PersonIndexReaders* readers) {
  const absl::Time now = options_.clock();
  // A signal past its visible period is out of matching, also before the
  // sweeper has deleted it (retention is decided at decision time).
  if (!IsLive(signal, *policy_, now)) return absl::OkStatus();
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches =
      FindMatches(*store_, number, signal, *policy_, now, readers);
  if (!matches.ok()) return matches.status();
  for (const auto& [other_number, match] : *matches) {
    // Each direction is decided on its own: the other organisation may learn
    // of this signal, and this organisation of the other one.
    absl::StatusOr<bool> to_other = DecideDirection(write, other_number, match.signal, number, signal, match.kind,
                                                    InverseRelation(match.relation), renotify);
    if (!to_other.ok()) return to_other.status();
    absl::StatusOr<bool> to_self =
        DecideDirection(write, number, signal, other_number, match.signal, match.kind, match.relation, renotify);
    if (!to_self.ok()) return to_self.status();
  }
  return Coordinate(write, number, signal, *matches).status();
}

absl::StatusOr<policy::MatchCandidate> SignalLedger::BuildCandidate(const storage::StoredSignal& recipient,
                                                                   const storage::StoredSignal& other,
                                                                   policy::MatchKind kind, v1::Relation relation,
                                                                   absl::Time now) const {
  policy::MatchCandidate candidate;
  candidate.recipient = FactsOf(recipient);
  candidate.other = FactsOf(other);
  candidate.kind = kind;
  candidate.relation =
      kind == policy::MatchKind::kHouseholdRelated ? static_cast<policy::Relation>(relation) : policy::Relation::kNone;
  candidate.decision_time = now;
  candidate.other_protects_against_recipient_subject =
      std::find(other.protected_against_keys().begin(), other.protected_against_keys().end(),
                recipient.subject_key()) != other.protected_against_keys().end();
  absl::StatusOr<std::vector<policy::ConsentFacts>> consents = ConsentsOn(other.subject_key());
  if (!consents.ok()) return consents.status();
  candidate.consents = *std::move(consents);
  return candidate;
}

absl::StatusOr<bool> SignalLedger::DecideDirection(PendingWrite& write, uint64_t recipient_number,
                                                   const storage::StoredSignal& recipient,
                                                   uint64_t other_number,
                                                   const storage::StoredSignal& other,
                                                   policy::MatchKind kind, v1::Relation relation,
                                                   bool renotify, bool only_if_changed, bool* changed) {
  const absl::Time now = options_.clock();
  absl::StatusOr<policy::MatchCandidate> candidate = BuildCandidate(recipient, other, kind, relation, now);
  if (!candidate.ok()) return candidate.status();
  const policy::Decision decision = policy_->Decide(*candidate);
  const std::string pair_key = keys::PairKey(recipient_number, other_number);
  absl::StatusOr<std::string> previous_bytes = store_->Get(Family::kPairDecisions, pair_key);
  if (!previous_bytes.ok() && !absl::IsNotFound(previous_bytes.status())) return previous_bytes.status();
  std::optional<storage::PairDecision> previous;
  if (previous_bytes.ok()) {
    previous.emplace();
    if (!previous->ParseFromString(*previous_bytes)) return absl::DataLossError("stored pair decision does not parse");
  }
  if (only_if_changed && previous.has_value() && previous->allowed() == decision.allow &&
      previous->level() == ToProto(decision.level)) {
    if (changed != nullptr) *changed = false;
    return false;
  }
  if (changed != nullptr) *changed = true;

  v1::DecisionBasis basis;
  for (const std::string& rule : decision.rule_ids) basis.add_rule_ids(rule);
  for (const std::string& legal : decision.legal_bases) basis.add_legal_bases(legal);
  for (const std::string& consent : decision.consent_ids) basis.add_consent_ids(consent);
  basis.set_policy_version(decision.policy_version);

  const std::string& recipient_org = recipient.signal().source_organisation();
  CallerIdentity broker_actor{"broker", Role::kOperator, ""};
  v1::AuditEvent audit = BaseEvent(v1::AUDIT_EVENT_TYPE_MATCH_DECISION, broker_actor, now);
  audit.add_subject_keys(Hex(recipient.subject_key()));
  if (other.subject_key() != recipient.subject_key()) audit.add_subject_keys(Hex(other.subject_key()));
  audit.add_signal_ids(recipient.signal().signal_id());
  audit.add_signal_ids(other.signal().signal_id());
  audit.set_category(other.signal().category());
  audit.set_recipient_organisation(recipient_org);
  audit.set_outcome(decision.allow ? v1::DECISION_OUTCOME_ALLOW : v1::DECISION_OUTCOME_DENY);
  audit.set_disclosure_level(ToProto(decision.level));
  audit.set_match_kind(ToProto(kind));
  *audit.mutable_basis() = basis;
  audit.set_reason(decision.reason);  // rule and record ids only, never personal data

  bool notify = false;
  storage::PairDecision pair;
  if (decision.allow) {
    uint64_t generation = 1;
    if (previous.has_value()) {
      const storage::PairDecision& before = *previous;
      // Notify again only on a reopen or a wider disclosure.
      bool wider = before.level() < ToProto(decision.level) || !before.allowed();
      notify = renotify || wider;
      std::optional<NotificationRef> last = keyer_->Ids().ParseNotificationId(before.notification_id());
      generation = (last.has_value() ? last->generation : 0) + 1;
      if (!notify) pair.set_notification_id(before.notification_id());
    } else {
      notify = true;
    }
    pair.set_allowed(true);
    pair.set_level(ToProto(decision.level));
    pair.set_policy_version(decision.policy_version);
    if (notify) {
      // Stable id: the same (recipient signal, other signal, generation)
      // always has the same id, so a redelivered notification deduplicates.
      NotificationRef ref;
      ref.kind = NotificationRef::Kind::kMatch;
      ref.signal = recipient_number;
      ref.other = other_number;
      ref.generation = generation;
      std::string notification_id = keyer_->Ids().NotificationId(ref);
      pair.set_notification_id(notification_id);
      v1::Notification notification;
      notification.set_notification_id(notification_id);
      *notification.mutable_created_at() = ToProto(now);
      notification.set_kind(v1::NOTIFICATION_KIND_MATCH);
      notification.set_your_signal_id(recipient.signal().signal_id());
      notification.set_your_local_reference(recipient.signal().local_reference());
      *notification.mutable_other() = Disclose(other, decision.level, *policy_);
      notification.set_disclosure_level(ToProto(decision.level));
      notification.set_match_kind(ToProto(kind));
      notification.set_relation(relation);
      *notification.mutable_basis() = basis;
      const uint64_t cursor = write.AppendOutbox(recipient_org, std::move(notification));
      audit.set_notification_id(notification_id);
      // Withdrawn if either signal is revoked (notices.h).
      storage::NoticeRecord notice;
      notice.set_notification_id(notification_id);
      notice.set_your_signal_id(recipient.signal().signal_id());
      notice.set_your_local_reference(recipient.signal().local_reference());
      notice.set_link(storage::NoticeRecord::LINK_ABOUT);
      RecordNotice(write, other_number, recipient_org, cursor, notice);
      notice.set_link(storage::NoticeRecord::LINK_THROUGH);
      RecordNotice(write, recipient_number, recipient_org, cursor, notice);
    }
  } else {
    pair.set_allowed(false);
    pair.set_level(v1::DISCLOSURE_LEVEL_NONE);
    pair.set_policy_version(decision.policy_version);
    // What was told stays told; keep its id so a later re-allow is a new
    // generation. What was not yet delivered is withdrawn: the recipient may
    // no longer learn of it (a protection, an objection, a new policy).
    if (previous.has_value()) {
      pair.set_notification_id(previous->notification_id());
      if (previous->allowed() && !previous->notification_id().empty()) {
        absl::StatusOr<bool> withdrawn = WithdrawIfUnseen(write, other_number, other, recipient_org,
                                                          previous->notification_id(), "no longer disclosed", now);
        if (!withdrawn.ok()) return withdrawn.status();
      }
    }
  }
  write.batch().Put(store_->Handle(Family::kPairDecisions), pair_key, pair.SerializeAsString());
  write.AppendAudit(std::move(audit));
  return notify;
}

absl::StatusOr<storage::StoredSignal> SignalLedger::LoadSignal(uint64_t number) const {
  absl::StatusOr<std::string> bytes = store_->Get(Family::kSignals, keys::SignalKey(number));
  if (!bytes.ok()) return bytes.status();
  storage::StoredSignal stored;
  if (!stored.ParseFromString(*bytes)) return absl::DataLossError("stored signal does not parse");
  return stored;
}

absl::StatusOr<storage::StoredSignal> SignalLedger::LoadOwn(const CallerIdentity& caller,
                                                            absl::string_view signal_id,
                                                            uint64_t* number) const {
  if (!keyer_->Ids().ParseSignalId(signal_id, number)) {
    return absl::InvalidArgumentError("signal_id: not a signal id this broker issued (sig_...)");
  }
  absl::StatusOr<storage::StoredSignal> stored = LoadSignal(*number);
  // Another organisation's signal looks exactly like a missing one; so does
  // an old-style id of a signal that was issued an opaque one.
  if ((!stored.ok() && absl::IsNotFound(stored.status())) ||
      (stored.ok() && (stored->signal().source_organisation() != caller.organisation_id ||
                       stored->signal().signal_id() != signal_id))) {
    return absl::NotFoundError("signal_id: no such signal of your organisation");
  }
  return stored;
}

absl::StatusOr<v1::Signal> SignalLedger::Transition(
    const CallerIdentity& caller, absl::string_view signal_id, v1::AuditEventType event_type,
    absl::string_view reason, const std::function<absl::Status(storage::StoredSignal&)>& change,
    v1::RevocationReason reason_class) {
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  uint64_t number = 0;
  absl::StatusOr<storage::StoredSignal> stored = LoadOwn(caller, signal_id, &number);
  if (!stored.ok()) return stored.status();
  const v1::SignalStatus before = stored->signal().status();
  if (absl::Status s = change(*stored); !s.ok()) return s;
  v1::Signal& signal = *stored->mutable_signal();
  signal.set_revision(signal.revision() + 1);
  *signal.mutable_updated_at() = ToProto(now);

  PendingWrite write(store_, &counters_);
  write.batch().Put(store_->Handle(Family::kSignals), keys::SignalKey(number), stored->SerializeAsString());
  if (signal.status() == v1::SIGNAL_STATUS_REVOKED) {
    // Gone from matching at once: drop its index entries.
    write.batch().Delete(store_->Handle(Family::kSubjectIndex), keys::IndexKey(stored->subject_key(), number));
    for (const storage::StoredRelated& related : stored->related()) {
      write.batch().Delete(store_->Handle(Family::kRelatedIndex), keys::IndexKey(related.key(), number));
    }
    // ...and from every outbox: undelivered notifications never go out,
    // delivered ones are retracted (notices.h).
    const Withdrawer by{caller.organisation_id, policy_->OrganisationName(caller.organisation_id),
                        caller.organisation_kind};
    absl::StatusOr<Withdrawal> withdrawn =
        WithdrawNoticesOf(write, keyer_->Ids(), number, *stored, by, reason_class, now);
    if (!withdrawn.ok()) return withdrawn.status();
  }
  v1::AuditEvent event = BaseEvent(event_type, caller, now);
  event.add_subject_keys(Hex(stored->subject_key()));
  event.add_signal_ids(signal.signal_id());
  event.set_category(signal.category());
  event.set_reason(std::string(reason));
  write.AppendAudit(std::move(event));
  if (before == v1::SIGNAL_STATUS_CLOSED && signal.status() == v1::SIGNAL_STATUS_OPEN) {
    if (absl::Status s = MatchAndNotify(write, number, *stored, /*renotify=*/true); !s.ok()) return s;
  }
  absl::StatusOr<std::set<std::string>> recipients = write.Commit();
  if (!recipients.ok()) return recipients.status();
  PublishCommitted(*recipients);
  return ToClientView(*stored);
}

absl::StatusOr<v1::Signal> SignalLedger::Update(const CallerIdentity& caller,
                                                const v1::UpdateSignalRequest& request) {
  const google::protobuf::FieldMask& mask = request.update_mask();
  if (mask.paths_size() == 0) {
    return absl::InvalidArgumentError("update_mask: name the fields to change, e.g. contact or severity");
  }
  std::set<std::string> paths;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (std::find(std::begin(kUpdatableFields), std::end(kUpdatableFields), path) == std::end(kUpdatableFields)) {
      return absl::InvalidArgumentError(absl::StrCat("update_mask.paths[", i,
                                                     "]: cannot be updated; updatable: ",
                                                     absl::StrJoin(kUpdatableFields, ", ")));
    }
    paths.insert(path);
  }
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  uint64_t number = 0;
  absl::StatusOr<storage::StoredSignal> stored = LoadOwn(caller, request.signal_id(), &number);
  if (!stored.ok()) return stored.status();
  const v1::SignalStatus status = stored->signal().status();
  if (status != v1::SIGNAL_STATUS_OPEN && status != v1::SIGNAL_STATUS_CLOSED) {
    return absl::FailedPreconditionError("signal_id: only an open or closed signal can be updated");
  }

  v1::Signal merged = stored->signal();
  google::protobuf::util::FieldMaskUtil::MergeOptions merge;
  merge.set_replace_repeated_fields(true);
  merge.set_replace_message_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(request.signal(), mask, merge, &merged);
  // Stored related persons carry no pseudonyms any more; only replaced
  // lists are validated as pseudonyms.
  v1::Signal check = merged;
  if (paths.count("related") == 0) check.clear_related();
  if (paths.count("protected_against") == 0) check.clear_protected_against();
  if (!check.protected_() && paths.count("protected_against") == 0 && merged.protected_against_size() > 0) {
    return absl::InvalidArgumentError("signal.protected: clear protected_against too to unprotect the signal");
  }
  if (absl::Status valid = ValidateSignalFields(check, "signal", now); !valid.ok()) return valid;
  if (paths.count("category") > 0) {
    if (absl::Status known = CheckCategoryKnown(*policy_, merged.category(), "signal.category"); !known.ok()) {
      return known;
    }
  }

  PendingWrite write(store_, &counters_);
  rocksdb::WriteBatch& batch = write.batch();
  if (paths.count("related") > 0) {
    for (const storage::StoredRelated& old : stored->related()) {
      batch.Delete(store_->Handle(Family::kRelatedIndex), keys::IndexKey(old.key(), number));
    }
    stored->clear_related();
    for (int i = 0; i < merged.related_size(); ++i) {
      v1::RelatedPerson& related = *merged.mutable_related(i);
      std::string key = keyer_->KeyFor(related.person());
      if (key == stored->subject_key()) {
        return absl::InvalidArgumentError(absl::StrCat("signal.related[", i, "].person: is the signal's subject"));
      }
      storage::StoredRelated* entry = stored->add_related();
      entry->set_key(key);
      entry->set_relation(related.relation());
      entry->set_role(related.role());
      related.mutable_person()->clear_value();
      batch.Put(store_->Handle(Family::kRelatedIndex), keys::IndexKey(key, number), "");
    }
  }
  if (paths.count("protected_against") > 0) {
    stored->clear_protected_against_keys();
    for (v1::Pseudonym& person : *merged.mutable_protected_against()) {
      stored->add_protected_against_keys(keyer_->KeyFor(person));
      person.clear_value();
    }
  }
  merged.set_revision(merged.revision() + 1);
  *merged.mutable_updated_at() = ToProto(now);
  *stored->mutable_signal() = merged;
  batch.Put(store_->Handle(Family::kSignals), keys::SignalKey(number), stored->SerializeAsString());

  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED, caller, now);
  event.add_subject_keys(Hex(stored->subject_key()));
  event.add_signal_ids(merged.signal_id());
  event.set_category(merged.category());
  event.set_reason(absl::StrCat("updated: ", absl::StrJoin(paths, ", ")));
  write.AppendAudit(std::move(event));
  if (absl::Status s = MatchAndNotify(write, number, *stored, /*renotify=*/false); !s.ok()) return s;
  absl::StatusOr<std::set<std::string>> recipients = write.Commit();
  if (!recipients.ok()) return recipients.status();
  PublishCommitted(*recipients);
  return ToClientView(*stored);
}

absl::StatusOr<v1::Signal> SignalLedger::Close(const CallerIdentity& caller,
                                               const v1::CloseSignalRequest& request) {
  if (request.has_closed_at()) {
    if (absl::Status s = ValidateTimestamp(request.closed_at(), "closed_at"); !s.ok()) return s;
  }
  const absl::Time now = options_.clock();
  return Transition(caller, request.signal_id(), v1::AUDIT_EVENT_TYPE_SIGNAL_CLOSED, "",
                    [&](storage::StoredSignal& stored) -> absl::Status {
                      if (stored.signal().status() != v1::SIGNAL_STATUS_OPEN) {
                        return absl::FailedPreconditionError("signal_id: only an open signal can be closed");
                      }
                      // A close before the opening would date the signal out of retention at once.
                      if (request.has_closed_at() && stored.signal().has_opened_at() &&
                          FromProto(request.closed_at()) < FromProto(stored.signal().opened_at()) - kMaxAhead) {
                        return absl::InvalidArgumentError("closed_at: is before the signal's opened_at");
                      }
                      stored.mutable_signal()->set_status(v1::SIGNAL_STATUS_CLOSED);
                      *stored.mutable_signal()->mutable_closed_at() =
                          request.has_closed_at() ? request.closed_at() : ToProto(now);
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Signal> SignalLedger::Reopen(const CallerIdentity& caller,
                                                const v1::ReopenSignalRequest& request) {
  return Transition(caller, request.signal_id(), v1::AUDIT_EVENT_TYPE_SIGNAL_REOPENED, "",
                    [](storage::StoredSignal& stored) -> absl::Status {
                      if (stored.signal().status() != v1::SIGNAL_STATUS_CLOSED) {
                        return absl::FailedPreconditionError("signal_id: only a closed signal can be reopened");
                      }
                      stored.mutable_signal()->set_status(v1::SIGNAL_STATUS_OPEN);
                      stored.mutable_signal()->clear_closed_at();
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Signal> SignalLedger::Revoke(const CallerIdentity& caller,
                                                const v1::RevokeSignalRequest& request) {
  if (request.reason().size() > 500) {
    return absl::InvalidArgumentError("reason: too long (at most 500 characters)");
  }
  if (!v1::RevocationReason_IsValid(request.reason_class())) {
    return absl::InvalidArgumentError("reason_class: unknown value");
  }
  return Transition(
      caller, request.signal_id(), v1::AUDIT_EVENT_TYPE_SIGNAL_REVOKED, request.reason(),
      [](storage::StoredSignal& stored) -> absl::Status {
        if (stored.signal().status() == v1::SIGNAL_STATUS_REVOKED) {
          return absl::FailedPreconditionError("signal_id: already revoked");
        }
        stored.mutable_signal()->set_status(v1::SIGNAL_STATUS_REVOKED);
        return absl::OkStatus();
      },
      request.reason_class());
}

absl::StatusOr<v1::Signal> SignalLedger::Get(const CallerIdentity& caller,
                                             absl::string_view signal_id) const {
  uint64_t number = 0;
  absl::StatusOr<storage::StoredSignal> stored = LoadOwn(caller, signal_id, &number);
  if (!stored.ok()) return stored.status();
  return ToClientView(*stored);
}

absl::StatusOr<v1::ListOwnSignalsResponse> SignalLedger::ListOwn(
    const CallerIdentity& caller, const v1::ListOwnSignalsRequest& request) const {
  uint32_t page_size = request.page().page_size() == 0 ? 100 : request.page().page_size();
  if (page_size > 1000) return absl::InvalidArgumentError("page.page_size: at most 1000");
  // The token is the id of the last signal of the previous page (opaque;
  // plain numbers from earlier brokers are still accepted).
  uint64_t after = 0;
  if (!request.page().page_token().empty() && !absl::SimpleAtoi(request.page().page_token(), &after) &&
      !keyer_->Ids().ParseSignalId(request.page().page_token(), &after)) {
    return absl::InvalidArgumentError("page.page_token: not a token from a previous response");
  }
  std::set<int> wanted;
  for (int status : request.statuses()) {
    if (!v1::SignalStatus_IsValid(status)) return absl::InvalidArgumentError("statuses: unknown value");
    wanted.insert(status);
  }
  v1::ListOwnSignalsResponse response;
  const std::string prefix = keys::OrgPrefix(caller.organisation_id);
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kOrgSignals);
  uint64_t last_listed = after;
  for (it->Seek(keys::OrgSignalKey(caller.organisation_id, after + 1));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    uint64_t number = keys::ParseU64(AsView(it->key()).substr(prefix.size()));
    absl::StatusOr<storage::StoredSignal> stored = LoadSignal(number);
    if (!stored.ok()) return stored.status();
    int status = stored->signal().status();
    bool include = wanted.empty() ? status != v1::SIGNAL_STATUS_REVOKED : wanted.count(status) > 0;
    if (!include) continue;
    if (static_cast<uint32_t>(response.signals_size()) == page_size) {
      response.set_next_page_token(keyer_->Ids().SignalId(last_listed));
      break;
    }
    last_listed = number;
    *response.add_signals() = ToClientView(*stored);
  }
  return response;
}

absl::StatusOr<std::vector<v1::Notification>> SignalLedger::ReadOutbox(const std::string& recipient,
                                                                       uint64_t after_cursor,
                                                                       size_t limit) const {
  std::vector<v1::Notification> out;
  const std::string prefix = keys::OrgPrefix(recipient);
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kOutbox);
  for (it->Seek(keys::OutboxKey(recipient, after_cursor + 1));
       it->Valid() && it->key().starts_with(prefix) && out.size() < limit; it->Next()) {
    v1::Notification notification;
    if (!notification.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("outbox entry does not parse");
    }
    out.push_back(std::move(notification));
  }
  if (!it->status().ok()) return absl::InternalError("outbox scan: " + it->status().ToString());
  return out;
}

absl::StatusOr<uint64_t> SignalLedger::Acknowledge(const CallerIdentity& caller, uint64_t cursor) {
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  const std::string& org = caller.organisation_id;
  PendingWrite write(store_, &counters_);
  if (cursor > write.OutboxHead(org)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cursor: beyond the last notification (", write.OutboxHead(org), ") of your outbox"));
  }
  uint64_t current = counters_.acknowledged[org];
  if (cursor <= current) return current;  // acknowledging is monotonic and idempotent
  write.SetAcknowledged(org, cursor);
  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_ACKNOWLEDGED, caller, now);
  event.set_reason(absl::StrCat("acknowledged up to cursor ", cursor));
  write.AppendAudit(std::move(event));
  absl::StatusOr<std::set<std::string>> committed = write.Commit();
  if (!committed.ok()) return committed.status();
  return cursor;
}

uint64_t SignalLedger::AcknowledgedCursor(const std::string& recipient) const {
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto it = counters_.acknowledged.find(recipient);
  return it == counters_.acknowledged.end() ? 0 : it->second;
}

uint64_t SignalLedger::AuditSize() const {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return counters_.next_audit_number;
}

LedgerCounters SignalLedger::CountersSnapshot() const {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return counters_;
}

absl::StatusOr<uint64_t> SignalLedger::RecordEvent(v1::AuditEvent event) {
  std::vector<v1::AuditEvent> events;
  events.push_back(std::move(event));
  return RecordEvents(std::move(events));
}

absl::StatusOr<uint64_t> SignalLedger::RecordEvents(std::vector<v1::AuditEvent> events) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  PendingWrite write(store_, &counters_);
  for (v1::AuditEvent& event : events) write.AppendAudit(std::move(event));
  absl::StatusOr<std::set<std::string>> committed = write.Commit();
  if (!committed.ok()) return committed.status();
  return counters_.next_audit_number;
}

void SignalLedger::PublishCommitted(const std::set<std::string>& recipients) {
  for (const std::string& recipient : recipients) hub_->Publish(recipient);
}

v1::Signal SignalLedger::ToClientView(const storage::StoredSignal& stored) const {
  // Pseudonyms were cleared before storing; the owner sees everything else,
  // including its local reference.
  return stored.signal();
}

}  // namespace samenloop::broker
