// SignalLedger: the consent and objection registry (ARCHITECTURE.md §5,
// docs/consent.md). A record is stored with index keys instead of
// pseudonyms, registered and withdrawn in one write with its audit event
// and with the decisions it changes for signals on its subject.

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "broker/consent_validation.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/signal_ledger.h"
#include "broker/signal_validation.h"

namespace samenloop::broker {
namespace {

constexpr char kConsentIdPrefix[] = "con-";
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

std::string ConsentId(uint64_t number) { return absl::StrCat(kConsentIdPrefix, number); }

bool ParseConsentId(absl::string_view id, uint64_t* number) {
  return absl::ConsumePrefix(&id, kConsentIdPrefix) && absl::SimpleAtoi(id, number) && *number > 0;
}

policy::ConsentFacts FactsOf(const storage::StoredConsent& stored) {
  const v1::ConsentRecord& r = stored.record();
  policy::ConsentFacts facts;
  facts.consent_id = r.consent_id();
  facts.kind = r.kind() == v1::CONSENT_KIND_OBJECTION ? policy::ConsentKind::kObjection : policy::ConsentKind::kConsent;
  facts.given_by = r.given_by() == v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY ? policy::ConsentGiver::kParentWithAuthority
                   : r.given_by() == v1::CONSENT_GIVER_GUARDIAN           ? policy::ConsentGiver::kGuardian
                                                                          : policy::ConsentGiver::kSubject;
  facts.giver_key = Hex(stored.giver_key());
  facts.recipient_organisation = r.scope().recipient_organisation();
  facts.recipient_kind = r.scope().recipient_kind();
  facts.categories.assign(r.scope().categories().begin(), r.scope().categories().end());
  if (r.has_valid_from()) facts.valid_from = FromProto(r.valid_from());
  if (r.has_valid_until()) facts.valid_until = FromProto(r.valid_until());
  return facts;
}

v1::AuditEvent ConsentEvent(v1::AuditEventType type, const CallerIdentity& caller, absl::Time now,
                            const storage::StoredConsent& stored) {
  v1::AuditEvent event = BaseEvent(type, caller, now);
  event.add_subject_keys(Hex(stored.subject_key()));
  event.set_consent_id(stored.record().consent_id());
  const v1::ConsentRecord& r = stored.record();
  event.set_reason(absl::StrCat(r.kind() == v1::CONSENT_KIND_OBJECTION ? "objection" : "consent", " by ",
                                r.given_by() == v1::CONSENT_GIVER_SUBJECT ? "the subject"
                                : r.given_by() == v1::CONSENT_GIVER_GUARDIAN ? "a guardian"
                                                                             : "a parent with authority",
                                r.scope().recipient_organisation().empty() ? "" : " for ",
                                r.scope().recipient_organisation(), r.scope().recipient_kind().empty() ? "" : " for kind ",
                                r.scope().recipient_kind()));
  return event;
}

}  // namespace

absl::StatusOr<std::vector<policy::ConsentFacts>> SignalLedger::ConsentsOn(const std::string& subject_key) const {
  std::vector<policy::ConsentFacts> out;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewPersonIterator(Family::kConsentSubjects);
  for (it->Seek(subject_key); it->Valid() && it->key().starts_with(subject_key); it->Next()) {
    const uint64_t number = keys::ParseU64(AsView(it->key()).substr(subject_key.size()));
    absl::StatusOr<std::string> bytes = store_->Get(Family::kConsents, keys::U64(number));
    if (!bytes.ok()) return bytes.status();
    storage::StoredConsent stored;
    if (!stored.ParseFromString(*bytes)) return absl::DataLossError("stored consent does not parse");
    if (stored.record().has_withdrawn_at()) continue;
    out.push_back(FactsOf(stored));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("consent index: ", it->status().ToString()));
  return out;
}

absl::StatusOr<v1::ConsentRecord> SignalLedger::RegisterConsent(const CallerIdentity& caller,
                                                                const v1::ConsentRecord& record) {
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (absl::Status valid = ValidateConsentRecord(record, *policy_, now); !valid.ok()) return valid;

  // The next number follows the last stored record; the write below is
  // atomic, so a crash leaves no gap that matters and no duplicate.
  uint64_t number = 1;
  {
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kConsents);
    it->SeekToLast();
    if (it->Valid()) number = keys::ParseU64(AsView(it->key())) + 1;
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("consent scan: ", it->status().ToString()));
  }
  storage::StoredConsent stored;
  v1::ConsentRecord& r = *stored.mutable_record();
  r = record;
  r.set_consent_id(ConsentId(number));
  r.set_registered_by(caller.organisation_id);
  *r.mutable_registered_at() = ToProto(now);
  if (!r.has_valid_from()) *r.mutable_valid_from() = ToProto(now);
  // Keys in, pseudonyms out.
  stored.set_subject_key(keyer_->KeyFor(r.subject()));
  r.mutable_subject()->clear_value();
  if (r.has_giver()) {
    stored.set_giver_key(keyer_->KeyFor(r.giver()));
    r.mutable_giver()->clear_value();
  }

  PendingWrite write(store_, &counters_);
  write.batch().Put(store_->Handle(Family::kConsents), keys::U64(number), stored.SerializeAsString());
  write.batch().Put(store_->Handle(Family::kConsentSubjects), keys::IndexKey(stored.subject_key(), number), "");
  write.AppendAudit(ConsentEvent(v1::AUDIT_EVENT_TYPE_CONSENT_REGISTERED, caller, now, stored));
  // Decisions read committed records, so the ones this record changes are
  // taken in a second write; the marker makes a restart finish them.
  write.batch().Put(store_->Handle(Family::kMeta), absl::StrCat(kReevaluateSubjectPrefix, stored.subject_key()), "");
  absl::StatusOr<std::set<std::string>> recipients = write.Commit();
  if (!recipients.ok()) return recipients.status();
  if (absl::Status s = ReevaluateSubjectNow(stored.subject_key()); !s.ok()) return s;
  return r;
}

absl::StatusOr<v1::ConsentRecord> SignalLedger::WithdrawConsent(const CallerIdentity& caller,
                                                                absl::string_view consent_id) {
  uint64_t number = 0;
  if (!ParseConsentId(consent_id, &number)) return absl::InvalidArgumentError("consent_id: must look like con-<number>");
  const absl::Time now = options_.clock();
  std::lock_guard<std::mutex> lock(write_mutex_);
  absl::StatusOr<std::string> bytes = store_->Get(Family::kConsents, keys::U64(number));
  storage::StoredConsent stored;
  if (bytes.ok() && !stored.ParseFromString(*bytes)) return absl::DataLossError("stored consent does not parse");
  // Another organisation's record looks exactly like a missing one.
  if ((!bytes.ok() && absl::IsNotFound(bytes.status())) ||
      (bytes.ok() && stored.record().registered_by() != caller.organisation_id)) {
    return absl::NotFoundError("consent_id: no such record registered by your organisation");
  }
  if (!bytes.ok()) return bytes.status();
  if (stored.record().has_withdrawn_at()) {
    return absl::FailedPreconditionError("consent_id: the record is already withdrawn");
  }
  *stored.mutable_record()->mutable_withdrawn_at() = ToProto(now);

  PendingWrite write(store_, &counters_);
  write.batch().Put(store_->Handle(Family::kConsents), keys::U64(number), stored.SerializeAsString());
  write.AppendAudit(ConsentEvent(v1::AUDIT_EVENT_TYPE_CONSENT_WITHDRAWN, caller, now, stored));
  write.batch().Put(store_->Handle(Family::kMeta), absl::StrCat(kReevaluateSubjectPrefix, stored.subject_key()), "");
  absl::StatusOr<std::set<std::string>> recipients = write.Commit();
  if (!recipients.ok()) return recipients.status();
  if (absl::Status s = ReevaluateSubjectNow(stored.subject_key()); !s.ok()) return s;
  return stored.record();
}

absl::StatusOr<v1::ListConsentsResponse> SignalLedger::ListConsents(const CallerIdentity& caller,
                                                                    const v1::ListConsentsRequest& request) const {
  const int64_t page_size = request.page().page_size() == 0 ? kDefaultPageSize : request.page().page_size();
  if (page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page.page_size: from 1 to ", kMaxPageSize));
  }
  uint64_t after = 0;
  if (!request.page().page_token().empty() && !absl::SimpleAtoi(request.page().page_token(), &after)) {
    return absl::InvalidArgumentError("page.page_token: not a token this service issued");
  }
  std::string subject_key;
  if (request.has_subject()) {
    if (absl::Status s = ValidatePseudonym(request.subject(), "subject"); !s.ok()) return s;
    subject_key = keyer_->KeyFor(request.subject());
  }
  // Numbers to look at: the subject's records, or every record (a scan;
  // an organisation's own records are few next to its signals).
  std::vector<uint64_t> numbers;
  if (!subject_key.empty()) {
    std::unique_ptr<rocksdb::Iterator> it = store_->NewPersonIterator(Family::kConsentSubjects);
    for (it->Seek(subject_key); it->Valid() && it->key().starts_with(subject_key); it->Next()) {
      const uint64_t n = keys::ParseU64(AsView(it->key()).substr(subject_key.size()));
      if (n > after) numbers.push_back(n);
    }
  }
  v1::ListConsentsResponse response;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kConsents);
  auto visit = [&](uint64_t n, absl::string_view value) -> absl::Status {
    storage::StoredConsent stored;
    if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("stored consent does not parse");
    }
    if (stored.record().registered_by() != caller.organisation_id) return absl::OkStatus();
    if (response.records_size() == page_size) {
      response.set_next_page_token(absl::StrCat(after));
      return absl::CancelledError();  // page full
    }
    *response.add_records() = stored.record();
    after = n;
    return absl::OkStatus();
  };
  if (!subject_key.empty()) {
    for (uint64_t n : numbers) {
      absl::StatusOr<std::string> bytes = store_->Get(Family::kConsents, keys::U64(n));
      if (!bytes.ok()) return bytes.status();
      if (absl::Status s = visit(n, *bytes); absl::IsCancelled(s)) break;
      else if (!s.ok()) return s;
    }
  } else {
    for (it->Seek(keys::U64(after + 1)); it->Valid(); it->Next()) {
      if (absl::Status s = visit(keys::ParseU64(AsView(it->key())), AsView(it->value())); absl::IsCancelled(s)) break;
      else if (!s.ok()) return s;
    }
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("consent scan: ", it->status().ToString()));
  }
  return response;
}

}  // namespace samenloop::broker
