#include "broker/core/reads.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "storage/keys.h"

namespace samenloop::broker {

absl::StatusOr<storage::StoredSignal> LoadSignal(const Store& store, uint64_t number) {
  absl::StatusOr<std::string> bytes = store.Get(Family::kSignals, keys::SignalKey(number));
  if (!bytes.ok()) return bytes.status();
  storage::StoredSignal stored;
  if (!stored.ParseFromString(*bytes)) return absl::DataLossError("stored signal does not parse");
  return stored;
}

absl::StatusOr<storage::StoredSignal> LoadOwnSignal(const Store& store, const OpaqueIds& ids,
                                                    const CallerIdentity& caller, absl::string_view signal_id,
                                                    uint64_t* number) {
  if (!ids.ParseSignalId(signal_id, number)) {
    return absl::InvalidArgumentError("signal_id: not a signal id this broker issued (sig_...)");
  }
  absl::StatusOr<storage::StoredSignal> stored = LoadSignal(store, *number);
  // Another organisation's signal looks exactly like a missing one; so does
  // an old-style id of a signal that was issued an opaque one.
  if ((!stored.ok() && absl::IsNotFound(stored.status())) ||
      (stored.ok() && (stored->signal().source_organisation() != caller.organisation_id ||
                       stored->signal().signal_id() != signal_id))) {
    return absl::NotFoundError("signal_id: no such signal of your organisation");
  }
  return stored;
}

policy::ConsentFacts ConsentFactsOf(const storage::StoredConsent& stored) {
  const v1::ConsentRecord& r = stored.record();
  policy::ConsentFacts facts;
  facts.consent_id = r.consent_id();
  facts.kind = r.kind() == v1::CONSENT_KIND_OBJECTION ? policy::ConsentKind::kObjection : policy::ConsentKind::kConsent;
  facts.given_by = r.given_by() == v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY ? policy::ConsentGiver::kParentWithAuthority
                   : r.given_by() == v1::CONSENT_GIVER_GUARDIAN            ? policy::ConsentGiver::kGuardian
                                                                           : policy::ConsentGiver::kSubject;
  facts.giver_key = Hex(stored.giver_key());
  facts.recipient_organisation = r.scope().recipient_organisation();
  facts.recipient_kind = r.scope().recipient_kind();
  facts.categories.assign(r.scope().categories().begin(), r.scope().categories().end());
  if (r.has_valid_from()) facts.valid_from = FromProto(r.valid_from());
  if (r.has_valid_until()) facts.valid_until = FromProto(r.valid_until());
  return facts;
}

absl::StatusOr<std::vector<policy::ConsentFacts>> ConsentFactsOn(const Store& store, const std::string& subject_key) {
  std::vector<policy::ConsentFacts> out;
  std::unique_ptr<rocksdb::Iterator> it = store.NewPrefixIterator(Family::kConsentSubjects);
  for (it->Seek(subject_key); it->Valid() && it->key().starts_with(subject_key); it->Next()) {
    const uint64_t number = keys::ParseU64(AsView(it->key()).substr(subject_key.size()));
    absl::StatusOr<std::string> bytes = store.Get(Family::kConsents, keys::U64(number));
    if (!bytes.ok()) return bytes.status();
    storage::StoredConsent stored;
    if (!stored.ParseFromString(*bytes)) return absl::DataLossError("stored consent does not parse");
    if (stored.record().has_withdrawn_at()) continue;
    out.push_back(ConsentFactsOf(stored));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("consent index: ", it->status().ToString()));
  return out;
}

}  // namespace samenloop::broker
