#include "broker/consents/consents.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "broker/consents/consent_validation.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/core/transaction.h"
#include "broker/core/subject_keyer.h"
#include "broker/signals/signal_validation.h"

namespace samenloop::broker {
namespace {

constexpr char kConsentIdPrefix[] = "con-";
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

std::string ConsentId(uint64_t number) { return absl::StrCat(kConsentIdPrefix, number); }

bool ParseConsentId(absl::string_view id, uint64_t* number) {
  return absl::ConsumePrefix(&id, kConsentIdPrefix) && absl::SimpleAtoi(id, number) && *number > 0;
}

v1::AuditEvent ConsentEvent(v1::AuditEventType type, const CallerIdentity& caller, absl::Time now,
                            const storage::StoredConsent& stored) {
  v1::AuditEvent event = BaseEvent(type, caller, now);
  event.add_subject_keys(Hex(stored.subject_key()));
  event.set_consent_id(stored.record().consent_id());
  const v1::ConsentRecord& r = stored.record();
  event.set_reason(absl::StrCat(r.kind() == v1::CONSENT_KIND_OBJECTION ? "objection" : "consent", " by ",
                                r.given_by() == v1::CONSENT_GIVER_SUBJECT    ? "the subject"
                                : r.given_by() == v1::CONSENT_GIVER_GUARDIAN ? "a guardian"
                                                                             : "a parent with authority",
                                r.scope().recipient_organisation().empty() ? "" : " for ",
                                r.scope().recipient_organisation(),
                                r.scope().recipient_kind().empty() ? "" : " for kind ", r.scope().recipient_kind()));
  return event;
}

}  // namespace

absl::StatusOr<v1::ConsentRecord> Consents::RegisterConsent(const CallerIdentity& caller,
                                                            const v1::ConsentRecord& record) {
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  if (absl::Status valid = ValidateConsentRecord(record, context_.PolicyLocked(), now); !valid.ok()) return valid;

  // The next number follows the last stored record; the write below is
  // atomic, so a crash leaves no gap that matters and no duplicate.
  uint64_t number = 1;
  {
    std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kConsents);
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
  stored.set_subject_key(context_.keyer().KeyFor(r.subject()));
  r.mutable_subject()->clear_value();
  if (r.has_giver()) {
    stored.set_giver_key(context_.keyer().KeyFor(r.giver()));
    r.mutable_giver()->clear_value();
  }

  Transaction write(context_);
  write.Put(Family::kConsents, keys::U64(number), stored.SerializeAsString());
  write.Put(Family::kConsentSubjects, keys::IndexKey(stored.subject_key(), number), "");
  write.AppendAudit(ConsentEvent(v1::AUDIT_EVENT_TYPE_CONSENT_REGISTERED, caller, now, stored));
  // Decisions read committed records, so the ones this record changes are
  // taken in a second write; the marker makes a restart finish them.
  write.Put(Family::kMeta, absl::StrCat(kReevaluateSubjectPrefix, stored.subject_key()), "");
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  if (absl::Status s = reevaluation_.SubjectNow(stored.subject_key()); !s.ok()) return s;
  return r;
}

absl::StatusOr<v1::ConsentRecord> Consents::WithdrawConsent(const CallerIdentity& caller,
                                                            absl::string_view consent_id) {
  uint64_t number = 0;
  if (!ParseConsentId(consent_id, &number))
    return absl::InvalidArgumentError("consent_id: must look like con-<number>");
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  absl::StatusOr<std::string> bytes = context_.store().Get(Family::kConsents, keys::U64(number));
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

  Transaction write(context_);
  write.Put(Family::kConsents, keys::U64(number), stored.SerializeAsString());
  write.AppendAudit(ConsentEvent(v1::AUDIT_EVENT_TYPE_CONSENT_WITHDRAWN, caller, now, stored));
  write.Put(Family::kMeta, absl::StrCat(kReevaluateSubjectPrefix, stored.subject_key()), "");
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  if (absl::Status s = reevaluation_.SubjectNow(stored.subject_key()); !s.ok()) return s;
  return stored.record();
}

absl::StatusOr<v1::ListConsentsResponse> Consents::ListConsents(const CallerIdentity& caller,
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
    subject_key = context_.keyer().KeyFor(request.subject());
  }
  // Numbers to look at: the subject's records, or every record (a scan;
  // an organisation's own records are few next to its signals).
  std::vector<uint64_t> numbers;
  if (!subject_key.empty()) {
    std::unique_ptr<rocksdb::Iterator> it = context_.store().NewPrefixIterator(Family::kConsentSubjects);
    for (it->Seek(subject_key); it->Valid() && it->key().starts_with(subject_key); it->Next()) {
      const uint64_t n = keys::ParseU64(AsView(it->key()).substr(subject_key.size()));
      if (n > after) numbers.push_back(n);
    }
  }
  v1::ListConsentsResponse response;
  std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kConsents);
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
      absl::StatusOr<std::string> bytes = context_.store().Get(Family::kConsents, keys::U64(n));
      if (!bytes.ok()) return bytes.status();
      if (absl::Status s = visit(n, *bytes); absl::IsCancelled(s))
        break;
      else if (!s.ok())
        return s;
    }
  } else {
    for (it->Seek(keys::U64(after + 1)); it->Valid(); it->Next()) {
      if (absl::Status s = visit(keys::ParseU64(AsView(it->key())), AsView(it->value())); absl::IsCancelled(s))
        break;
      else if (!s.ok())
        return s;
    }
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("consent scan: ", it->status().ToString()));
  }
  return response;
}

}  // namespace samenloop::broker
