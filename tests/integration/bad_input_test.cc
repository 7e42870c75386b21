// The bad-input battery (issue 9.3): malformed and hostile values for every
// request type, sent over real mTLS to the real broker and pseudonymiser.
// Each is answered with the right code and a message that names the field
// and never repeats the value; the store, the outboxes and the audit log are
// unchanged except for the refusal event the broker records for a refused
// signal, and the pseudonymiser's quota is not charged for refused input.

#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"

namespace samenloop::testing {
namespace {

using grpc::StatusCode;
constexpr char kOrg[] = "politie-amsterdam";
constexpr char kOtherOrg[] = "veilig-thuis-amsterdam";
// A value that must never come back: a valid-looking BSN.
constexpr char kHostile[] = "111222333";
constexpr int64_t kYear10000 = 253402300800;

std::string Hostile(size_t length) {
  std::string out;
  while (out.size() < length) out += kHostile;
  return out.substr(0, length);
}

v1::Pseudonym PseudonymOfLength(size_t length) {
  v1::Pseudonym p;
  p.set_value(Hostile(length));
  return p;
}

// What a refusal looked like: the call's status, or a SubmitSignals item's.
struct Answer {
  StatusCode code;
  std::string message;
};

Answer FromStatus(const grpc::Status& s) { return {s.error_code(), s.error_message()}; }

struct Stubs {
  std::unique_ptr<v1::SignalService::Stub> signals;
  std::unique_ptr<v1::NotificationService::Stub> notifications;
  std::unique_ptr<v1::ConsentService::Stub> consents;
  std::unique_ptr<v1::PolicyAdminService::Stub> policy;       // as the privacy officer
  std::unique_ptr<v1::AuditService::Stub> audit;              // as the auditor
  std::unique_ptr<v1::Pseudonymiser::Stub> pseudonymiser;
  std::string own_signal;
};

struct Case {
  const char* name;
  std::function<Answer(const Stubs&)> send;
  StatusCode code;
  const char* field;      // the message must contain this
  uint64_t audit_events;  // refusal events the broker records
};

Answer SubmitItem(const Stubs& s, const std::function<void(v1::SubmitSignalItem&)>& spoil) {
  v1::SubmitSignalsRequest request = OneItem("bad-input", ValidSignal(10));
  spoil(*request.mutable_items(0));
  v1::SubmitSignalsResponse response;
  grpc::Status status = s.signals->SubmitSignals(Deadline().get(), request, &response);
  if (!status.ok() || response.results_size() != 1) return FromStatus(status);
  return {static_cast<StatusCode>(response.results(0).code()), response.results(0).message()};
}

// A signal case: `spoil` breaks one field of an otherwise valid signal.
Case SignalCase(const char* name, const char* field, std::function<void(v1::Signal&)> spoil) {
  return {name,
          [spoil](const Stubs& s) { return SubmitItem(s, [&](v1::SubmitSignalItem& item) { spoil(*item.mutable_signal()); }); },
          StatusCode::INVALID_ARGUMENT, field, 1};
}

Answer Update(const Stubs& s, const std::string& id, const std::function<void(v1::UpdateSignalRequest&)>& fill) {
  v1::UpdateSignalRequest request;
  request.set_signal_id(id);
  fill(request);
  v1::Signal response;
  return FromStatus(s.signals->UpdateSignal(Deadline().get(), request, &response));
}

Answer Consent(const Stubs& s, const std::function<void(v1::ConsentRecord&)>& spoil) {
  v1::RegisterConsentRequest request;
  *request.mutable_record() = ValidConsent(20);
  spoil(*request.mutable_record());
  v1::ConsentRecord response;
  return FromStatus(s.consents->RegisterConsent(Deadline().get(), request, &response));
}

Case ConsentCase(const char* name, const char* field, std::function<void(v1::ConsentRecord&)> spoil) {
  return {name, [spoil](const Stubs& s) { return Consent(s, spoil); }, StatusCode::INVALID_ARGUMENT, field, 0};
}

Answer Evaluate(const Stubs& s, const std::vector<std::string>& elements, v1::OprfMode mode = v1::OPRF_MODE_OPRF) {
  v1::EvaluateRequest request;
  for (const std::string& e : elements) request.add_blinded_elements(e);
  request.set_mode(mode);
  v1::EvaluateResponse response;
  return FromStatus(s.pseudonymiser->Evaluate(Deadline(30).get(), request, &response));
}

google::protobuf::Timestamp At(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

std::vector<Case> Battery() {
  const StatusCode INVALID = StatusCode::INVALID_ARGUMENT;
  std::vector<Case> cases = {
      {"empty batch",
       [](const Stubs& s) {
         v1::SubmitSignalsResponse r;
         return FromStatus(s.signals->SubmitSignals(Deadline().get(), v1::SubmitSignalsRequest(), &r));
       },
       INVALID, "items", 0},
      {"oversized batch",
       [](const Stubs& s) {
         v1::SubmitSignalsRequest request;
         for (int i = 0; i < 1001; ++i) *request.add_items() = OneItem(absl::StrCat("k", i), ValidSignal(10)).items(0);
         v1::SubmitSignalsResponse r;
         return FromStatus(s.signals->SubmitSignals(Deadline(30).get(), request, &r));
       },
       INVALID, "items", 0},
      {"empty idempotency key",
       [](const Stubs& s) { return SubmitItem(s, [](v1::SubmitSignalItem& i) { i.clear_idempotency_key(); }); },
       INVALID, "items[0].idempotency_key", 1},
      {"oversized idempotency key",
       [](const Stubs& s) { return SubmitItem(s, [](v1::SubmitSignalItem& i) { i.set_idempotency_key(Hostile(129)); }); },
       INVALID, "items[0].idempotency_key", 1},
      {"control character in idempotency key",
       [](const Stubs& s) {
         return SubmitItem(s, [](v1::SubmitSignalItem& i) { i.set_idempotency_key(absl::StrCat(kHostile, "\n")); });
       },
       INVALID, "items[0].idempotency_key", 1},
      SignalCase("no subject", "items[0].signal.subject", [](v1::Signal& x) { x.clear_subject(); }),
      SignalCase("short subject", "items[0].signal.subject.value",
                 [](v1::Signal& x) { *x.mutable_subject() = PseudonymOfLength(63); }),
      SignalCase("oversized subject", "items[0].signal.subject.value",
                 [](v1::Signal& x) { *x.mutable_subject() = PseudonymOfLength(1 << 20); }),
      SignalCase("unknown age band", "items[0].signal.age_band",
                 [](v1::Signal& x) { x.set_age_band(static_cast<v1::AgeBand>(99)); }),
      SignalCase("no age band", "items[0].signal.age_band", [](v1::Signal& x) { x.clear_age_band(); }),
      SignalCase("unknown subject role", "items[0].signal.subject_role",
                 [](v1::Signal& x) { x.set_subject_role(static_cast<v1::PersonRole>(42)); }),
      SignalCase("33 related persons", "items[0].signal.related",
                 [](v1::Signal& x) {
                   for (uint32_t i = 0; i < 33; ++i) {
                     v1::RelatedPerson* r = x.add_related();
                     *r->mutable_person() = TestPseudonym(100 + i);
                     r->set_relation(v1::RELATION_SIBLING);
                   }
                 }),
      SignalCase("related person without relation", "items[0].signal.related[0].relation",
                 [](v1::Signal& x) { *x.add_related()->mutable_person() = TestPseudonym(11); }),
      SignalCase("unknown relation", "items[0].signal.related[0].relation",
                 [](v1::Signal& x) {
                   v1::RelatedPerson* r = x.add_related();
                   *r->mutable_person() = TestPseudonym(11);
                   r->set_relation(static_cast<v1::Relation>(99));
                 }),
      SignalCase("related person of wrong length", "items[0].signal.related[0].person",
                 [](v1::Signal& x) {
                   v1::RelatedPerson* r = x.add_related();
                   *r->mutable_person() = PseudonymOfLength(32);
                   r->set_relation(v1::RELATION_PARENT);
                 }),
      SignalCase("related person repeats the subject", "items[0].signal.related[0].person",
                 [](v1::Signal& x) {
                   v1::RelatedPerson* r = x.add_related();
                   *r->mutable_person() = x.subject();
                   r->set_relation(v1::RELATION_PARENT);
                 }),
      SignalCase("duplicate related person", "items[0].signal.related[1].person",
                 [](v1::Signal& x) {
                   for (int i = 0; i < 2; ++i) {
                     v1::RelatedPerson* r = x.add_related();
                     *r->mutable_person() = TestPseudonym(11);
                     r->set_relation(v1::RELATION_PARENT);
                   }
                 }),
      SignalCase("empty category", "items[0].signal.category", [](v1::Signal& x) { x.clear_category(); }),
      SignalCase("oversized category", "items[0].signal.category",
                 [](v1::Signal& x) { x.set_category(Hostile(65)); }),
      SignalCase("malformed category", "items[0].signal.category",
                 [](v1::Signal& x) { x.set_category(absl::StrCat("Case ", kHostile)); }),
      SignalCase("category not in the policy", "items[0].signal.category",
                 [](v1::Signal& x) { x.set_category(kHostile); }),
      SignalCase("no nature", "items[0].signal.nature", [](v1::Signal& x) { x.clear_nature(); }),
      SignalCase("unknown nature", "items[0].signal.nature",
                 [](v1::Signal& x) { x.set_nature(static_cast<v1::Nature>(9)); }),
      SignalCase("unknown severity", "items[0].signal.severity",
                 [](v1::Signal& x) { x.set_severity(static_cast<v1::Severity>(17)); }),
      SignalCase("unknown legal framework", "items[0].signal.legal_framework",
                 [](v1::Signal& x) { x.set_legal_framework(static_cast<v1::LegalFramework>(17)); }),
      SignalCase("no contact", "items[0].signal.contact.name", [](v1::Signal& x) { x.clear_contact(); }),
      SignalCase("oversized contact name", "items[0].signal.contact.name",
                 [](v1::Signal& x) { x.mutable_contact()->set_name(Hostile(201)); }),
      SignalCase("oversized phone", "items[0].signal.contact.phone",
                 [](v1::Signal& x) { x.mutable_contact()->set_phone(Hostile(41)); }),
      SignalCase("oversized email", "items[0].signal.contact.email",
                 [](v1::Signal& x) { x.mutable_contact()->set_email(Hostile(100000)); }),
      SignalCase("oversized local reference", "items[0].signal.local_reference",
                 [](v1::Signal& x) { x.set_local_reference(Hostile(129)); }),
      SignalCase("protected_against on an unprotected signal", "items[0].signal.protected_against",
                 [](v1::Signal& x) { *x.add_protected_against() = TestPseudonym(12); }),
      SignalCase("33 protected_against", "items[0].signal.protected_against",
                 [](v1::Signal& x) {
                   x.set_protected_(true);
                   for (uint32_t i = 0; i < 33; ++i) *x.add_protected_against() = TestPseudonym(200 + i);
                 }),
      SignalCase("protected_against of wrong length", "items[0].signal.protected_against[0]",
                 [](v1::Signal& x) {
                   x.set_protected_(true);
                   *x.add_protected_against() = PseudonymOfLength(65);
                 }),
      SignalCase("postponed without reason", "items[0].signal.duty_to_inform.postponement_reason",
                 [](v1::Signal& x) { x.mutable_duty_to_inform()->set_status(v1::DUTY_TO_INFORM_STATUS_POSTPONED); }),
      SignalCase("oversized postponement reason", "items[0].signal.duty_to_inform.postponement_reason",
                 [](v1::Signal& x) {
                   x.mutable_duty_to_inform()->set_status(v1::DUTY_TO_INFORM_STATUS_POSTPONED);
                   x.mutable_duty_to_inform()->set_postponement_reason(Hostile(501));
                 }),
      SignalCase("unknown duty-to-inform status", "items[0].signal.duty_to_inform.status",
                 [](v1::Signal& x) { x.mutable_duty_to_inform()->set_status(static_cast<v1::DutyToInformStatus>(9)); }),
      SignalCase("source organisation named", "items[0].signal.source_organisation",
                 [](v1::Signal& x) { x.set_source_organisation(kOtherOrg); }),
      SignalCase("signal id supplied", "items[0].signal.signal_id", [](v1::Signal& x) { x.set_signal_id("sig-1"); }),
      SignalCase("status supplied", "items[0].signal.status",
                 [](v1::Signal& x) { x.set_status(v1::SIGNAL_STATUS_CLOSED); }),
      SignalCase("revision supplied", "items[0].signal.created_at/updated_at/revision",
                 [](v1::Signal& x) { x.set_revision(7); }),
      SignalCase("opened in the year 10000", "items[0].signal.opened_at",
                 [](v1::Signal& x) { *x.mutable_opened_at() = At(kYear10000); }),
      SignalCase("opened with negative nanos", "items[0].signal.opened_at",
                 [](v1::Signal& x) { *x.mutable_opened_at() = At(1700000000, -1); }),
      SignalCase("confirmed before 1900", "items[0].signal.last_confirmed_at",
                 [](v1::Signal& x) { *x.mutable_last_confirmed_at() = At(-9000000000); }),
      SignalCase("informed in the year 3000", "items[0].signal.duty_to_inform.informed_at",
                 [](v1::Signal& x) { *x.mutable_duty_to_inform()->mutable_informed_at() = At(32503680000); }),

      {"update without mask",
       [](const Stubs& s) { return Update(s, s.own_signal, [](v1::UpdateSignalRequest&) {}); }, INVALID,
       "update_mask", 0},
      {"update of a field that is not updatable",
       [](const Stubs& s) {
         return Update(s, s.own_signal, [](v1::UpdateSignalRequest& r) { r.mutable_update_mask()->add_paths(kHostile); });
       },
       INVALID, "update_mask.paths[0]", 0},
      {"update with malformed signal id",
       [](const Stubs& s) {
         return Update(s, Hostile(5000), [](v1::UpdateSignalRequest& r) { r.mutable_update_mask()->add_paths("severity"); });
       },
       INVALID, "signal_id", 0},
      {"update of an unknown signal",
       [](const Stubs& s) {
         return Update(s, "sig-999999", [](v1::UpdateSignalRequest& r) { r.mutable_update_mask()->add_paths("severity"); });
       },
       StatusCode::NOT_FOUND, "signal_id", 0},
      {"update to an unknown relation",
       [](const Stubs& s) {
         return Update(s, s.own_signal, [](v1::UpdateSignalRequest& r) {
           v1::RelatedPerson* p = r.mutable_signal()->add_related();
           *p->mutable_person() = TestPseudonym(13);
           p->set_relation(static_cast<v1::Relation>(99));
           r.mutable_update_mask()->add_paths("related");
         });
       },
       INVALID, "related[0].relation", 0},
      {"update to a date out of range",
       [](const Stubs& s) {
         return Update(s, s.own_signal, [](v1::UpdateSignalRequest& r) {
           *r.mutable_signal()->mutable_last_confirmed_at() = At(kYear10000);
           r.mutable_update_mask()->add_paths("last_confirmed_at");
         });
       },
       INVALID, "last_confirmed_at", 0},
      {"close in the year 10000",
       [](const Stubs& s) {
         v1::CloseSignalRequest request;
         request.set_signal_id(s.own_signal);
         *request.mutable_closed_at() = At(kYear10000);
         v1::Signal r;
         return FromStatus(s.signals->CloseSignal(Deadline().get(), request, &r));
       },
       INVALID, "closed_at", 0},
      {"close with nanos out of range",
       [](const Stubs& s) {
         v1::CloseSignalRequest request;
         request.set_signal_id(s.own_signal);
         *request.mutable_closed_at() = At(1700000000, 2000000000);
         v1::Signal r;
         return FromStatus(s.signals->CloseSignal(Deadline().get(), request, &r));
       },
       INVALID, "closed_at", 0},
      {"revoke with oversized reason",
       [](const Stubs& s) {
         v1::RevokeSignalRequest request;
         request.set_signal_id(s.own_signal);
         request.set_reason(Hostile(501));
         v1::Signal r;
         return FromStatus(s.signals->RevokeSignal(Deadline().get(), request, &r));
       },
       INVALID, "reason", 0},
      {"get with malformed signal id",
       [](const Stubs& s) {
         v1::GetSignalRequest request;
         request.set_signal_id(kHostile);
         v1::Signal r;
         return FromStatus(s.signals->GetSignal(Deadline().get(), request, &r));
       },
       INVALID, "signal_id", 0},
      {"list with oversized page",
       [](const Stubs& s) {
         v1::ListOwnSignalsRequest request;
         request.mutable_page()->set_page_size(1001);
         v1::ListOwnSignalsResponse r;
         return FromStatus(s.signals->ListOwnSignals(Deadline().get(), request, &r));
       },
       INVALID, "page.page_size", 0},
      {"list with forged page token",
       [](const Stubs& s) {
         v1::ListOwnSignalsRequest request;
         request.mutable_page()->set_page_token(absl::StrCat("x", kHostile));
         v1::ListOwnSignalsResponse r;
         return FromStatus(s.signals->ListOwnSignals(Deadline().get(), request, &r));
       },
       INVALID, "page.page_token", 0},
      {"list with unknown status",
       [](const Stubs& s) {
         v1::ListOwnSignalsRequest request;
         request.add_statuses(static_cast<v1::SignalStatus>(99));
         v1::ListOwnSignalsResponse r;
         return FromStatus(s.signals->ListOwnSignals(Deadline().get(), request, &r));
       },
       INVALID, "statuses", 0},
      {"acknowledge beyond the outbox",
       [](const Stubs& s) {
         v1::AcknowledgeRequest request;
         request.set_cursor(111222333);
         v1::AcknowledgeResponse r;
         return FromStatus(s.notifications->Acknowledge(Deadline().get(), request, &r));
       },
       INVALID, "cursor", 0},

      ConsentCase("consent without subject", "record.subject", [](v1::ConsentRecord& r) { r.clear_subject(); }),
      ConsentCase("consent subject of wrong length", "record.subject",
                  [](v1::ConsentRecord& r) { *r.mutable_subject() = PseudonymOfLength(31); }),
      ConsentCase("no consent kind", "record.kind", [](v1::ConsentRecord& r) { r.clear_kind(); }),
      ConsentCase("unknown consent kind", "record.kind",
                  [](v1::ConsentRecord& r) { r.set_kind(static_cast<v1::ConsentKind>(9)); }),
      ConsentCase("unknown giver", "record.given_by",
                  [](v1::ConsentRecord& r) { r.set_given_by(static_cast<v1::ConsentGiver>(9)); }),
      ConsentCase("parent without giver", "record.giver",
                  [](v1::ConsentRecord& r) { r.set_given_by(v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY); }),
      ConsentCase("parent who is the subject", "record.giver",
                  [](v1::ConsentRecord& r) {
                    r.set_given_by(v1::CONSENT_GIVER_GUARDIAN);
                    *r.mutable_giver() = r.subject();
                  }),
      ConsentCase("both recipient organisation and kind", "record.scope",
                  [](v1::ConsentRecord& r) {
                    r.mutable_scope()->set_recipient_organisation(kOtherOrg);
                    r.mutable_scope()->set_recipient_kind("school");
                  }),
      ConsentCase("oversized recipient kind", "record.scope",
                  [](v1::ConsentRecord& r) { r.mutable_scope()->set_recipient_kind(Hostile(65)); }),
      ConsentCase("51 categories", "record.scope.categories",
                  [](v1::ConsentRecord& r) {
                    for (int i = 0; i < 51; ++i) r.mutable_scope()->add_categories("housing_nuisance");
                  }),
      ConsentCase("category not in the policy", "record.scope.categories[0]",
                  [](v1::ConsentRecord& r) { r.mutable_scope()->add_categories(Hostile(100000)); }),
      ConsentCase("oversized purpose", "record.scope.purpose",
                  [](v1::ConsentRecord& r) { r.mutable_scope()->set_purpose(Hostile(201)); }),
      ConsentCase("valid until before valid from", "record.valid_until",
                  [](v1::ConsentRecord& r) {
                    *r.mutable_valid_from() = At(1800000000);
                    *r.mutable_valid_until() = At(1700000000);
                  }),
      ConsentCase("valid until the year 10000", "record.valid_until",
                  [](v1::ConsentRecord& r) { *r.mutable_valid_until() = At(kYear10000); }),
      ConsentCase("valid from before 1900", "record.valid_from",
                  [](v1::ConsentRecord& r) { *r.mutable_valid_from() = At(-9000000000); }),
      ConsentCase("consent id supplied", "record.consent_id", [](v1::ConsentRecord& r) { r.set_consent_id("con-1"); }),
      {"withdraw a malformed consent id",
       [](const Stubs& s) {
         v1::WithdrawConsentRequest request;
         request.set_consent_id(Hostile(300));
         v1::ConsentRecord r;
         return FromStatus(s.consents->WithdrawConsent(Deadline().get(), request, &r));
       },
       INVALID, "consent_id", 0},
      {"withdraw an unknown consent",
       [](const Stubs& s) {
         v1::WithdrawConsentRequest request;
         request.set_consent_id("con-999999");
         v1::ConsentRecord r;
         return FromStatus(s.consents->WithdrawConsent(Deadline().get(), request, &r));
       },
       StatusCode::NOT_FOUND, "consent_id", 0},
      {"list consents of a malformed subject",
       [](const Stubs& s) {
         v1::ListConsentsRequest request;
         *request.mutable_subject() = PseudonymOfLength(63);
         v1::ListConsentsResponse r;
         return FromStatus(s.consents->ListConsents(Deadline().get(), request, &r));
       },
       INVALID, "subject", 0},

      {"apply an empty policy",
       [](const Stubs& s) {
         v1::PolicyVersion r;
         return FromStatus(s.policy->ApplyPolicy(Deadline().get(), v1::ApplyPolicyRequest(), &r));
       },
       INVALID, "policy_yaml", 1},  // a refused apply is audited
      {"apply with an oversized file name",
       [](const Stubs& s) {
         v1::ApplyPolicyRequest request;
         request.set_policy_yaml("version: x\n");
         request.set_file_name(Hostile(256));
         v1::PolicyVersion r;
         return FromStatus(s.policy->ApplyPolicy(Deadline().get(), request, &r));
       },
       INVALID, "file_name", 1},
      {"consistency proof from 0",
       [](const Stubs& s) {
         v1::GetConsistencyProofRequest request;
         request.set_second(1);
         v1::ConsistencyProof r;
         return FromStatus(s.audit->GetConsistencyProof(Deadline().get(), request, &r));
       },
       INVALID, "first", 0},
      {"consistency proof beyond the tree",
       [](const Stubs& s) {
         v1::GetConsistencyProofRequest request;
         request.set_first(1);
         request.set_second(111222333);
         v1::ConsistencyProof r;
         return FromStatus(s.audit->GetConsistencyProof(Deadline().get(), request, &r));
       },
       INVALID, "second", 0},

      {"evaluate nothing", [](const Stubs& s) { return Evaluate(s, {}); }, INVALID, "blinded_elements", 0},
      {"evaluate an oversized batch",
       [](const Stubs& s) { return Evaluate(s, std::vector<std::string>(10001, std::string(32, '\x01'))); }, INVALID,
       "blinded_elements", 0},
      {"evaluate a short element", [](const Stubs& s) { return Evaluate(s, {Hostile(31)}); }, INVALID,
       "blinded_elements[0]", 0},
      {"evaluate an invalid point",
       [](const Stubs& s) { return Evaluate(s, {std::string(32, '\x01'), std::string(32, '\xff')}); }, INVALID,
       "blinded_elements[", 0},
      {"evaluate the identity point", [](const Stubs& s) { return Evaluate(s, {std::string(32, '\0')}); }, INVALID,
       "blinded_elements[0]", 0},
      {"evaluate in an unknown mode",
       [](const Stubs& s) { return Evaluate(s, {std::string(32, '\x01')}, static_cast<v1::OprfMode>(7)); }, INVALID,
       "mode", 0},
      {"evaluate in the mode the deployment does not run",
       [](const Stubs& s) { return Evaluate(s, {std::string(32, '\x01')}, v1::OPRF_MODE_VOPRF); }, INVALID, "mode",
       0},
      {"a message over the configured 16 MiB limit",
       [](const Stubs& s) { return Evaluate(s, {std::string(17 << 20, 'x')}); }, StatusCode::RESOURCE_EXHAUSTED, "",
       0},
  };
  return cases;
}

// What a refusal must leave unchanged.
struct Observed {
  uint64_t audit_size = 0;
  std::string own_signals;  // serialized ListOwnSignals of the organisation
  std::string consents;
  size_t outbox = 0, other_outbox = 0;
  bool operator==(const Observed&) const = default;
};

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Room for a few valid evaluations a day, so a charged refusal would show.
    stack_.SetPseudonymiserConfig("quotas:\n  default: {per_second: 1000, burst: 1000, per_day: 3}\n");
    ASSERT_TRUE(stack_.Start().ok());
    v1::ApplyPolicyRequest apply;
    apply.set_policy_yaml(
        *ReadFileToString(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml"));
    v1::PolicyVersion version;
    ASSERT_TRUE(v1::PolicyAdminService::NewStub(stack_.BrokerChannelAs("privacy-officer"))
                    ->ApplyPolicy(Deadline(30).get(), apply, &version)
                    .ok());
    stubs_.signals = v1::SignalService::NewStub(stack_.BrokerChannelAs(kOrg));
    stubs_.notifications = v1::NotificationService::NewStub(stack_.BrokerChannelAs(kOrg));
    stubs_.consents = v1::ConsentService::NewStub(stack_.BrokerChannelAs(kOrg));
    stubs_.policy = v1::PolicyAdminService::NewStub(stack_.BrokerChannelAs("privacy-officer"));
    stubs_.audit = v1::AuditService::NewStub(stack_.BrokerChannelAs("auditor"));
    stubs_.pseudonymiser = v1::Pseudonymiser::NewStub(stack_.PseudonymiserChannelAs(kOrg));
    v1::SubmitSignalsResponse submitted;
    ASSERT_TRUE(stubs_.signals->SubmitSignals(Deadline().get(), OneItem("base", ValidSignal(10)), &submitted).ok());
    stubs_.own_signal = submitted.results(0).signal_id();
    ASSERT_TRUE(v1::SignalService::NewStub(stack_.BrokerChannelAs(kOtherOrg))
                    ->SubmitSignals(Deadline().get(), OneItem("other", ValidSignal(10)), &submitted)
                    .ok());
  }

  Observed Observe() const {
    Observed o;
    // Draining appends a NOTIFICATION_DELIVERED event per notification: the
    // head is read after it, and the comparison counts them.
    o.outbox = stack_.DrainNotifications(kOrg).size();
    o.other_outbox = stack_.DrainNotifications(kOtherOrg).size();
    v1::SignedTreeHead head;
    EXPECT_TRUE(stubs_.audit->GetTreeHead(Deadline().get(), v1::GetTreeHeadRequest(), &head).ok());
    o.audit_size = head.tree_size();
    v1::ListOwnSignalsResponse own;
    EXPECT_TRUE(stubs_.signals->ListOwnSignals(Deadline().get(), v1::ListOwnSignalsRequest(), &own).ok());
    o.own_signals = own.SerializeAsString();
    v1::ListConsentsResponse consents;
    EXPECT_TRUE(stubs_.consents->ListConsents(Deadline().get(), v1::ListConsentsRequest(), &consents).ok());
    o.consents = consents.SerializeAsString();
    return o;
  }

  DevStack stack_;
  Stubs stubs_;
};

TEST_F(BadInputTest, EveryMalformedValueIsRefusedNamingTheFieldAndChangesNothing) {
  Observed before = Observe();
  ASSERT_GT(before.outbox, 0u) << "the fixture made a match";
  for (const Case& c : Battery()) {
    SCOPED_TRACE(c.name);
    Answer answer = c.send(stubs_);
    EXPECT_EQ(answer.code, c.code) << answer.message;
    EXPECT_NE(answer.message.find(c.field), std::string::npos) << answer.message;
    EXPECT_EQ(answer.message.find(kHostile), std::string::npos) << "the value came back: " << answer.message;
    EXPECT_LT(answer.message.size(), 600u);
    Observed after = Observe();
    EXPECT_EQ(after.audit_size, before.audit_size + c.audit_events + after.outbox + after.other_outbox);
    before.audit_size = after.audit_size;
    EXPECT_TRUE(after == before) << "the refusal changed the store or an outbox";
  }
  // Refused input was not charged: the whole daily cap of 3 is still there.
  const std::string valid_element = [] {
    std::string e(32, '\0');
    // The ristretto255 generator's encoding.
    const unsigned char g[32] = {0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9,
                                 0x61, 0xc5, 0x00, 0x51, 0x5f, 0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82,
                                 0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76};
    for (size_t i = 0; i < e.size(); ++i) e[i] = static_cast<char>(g[i]);
    return e;
  }();
  EXPECT_EQ(Evaluate(stubs_, {valid_element, valid_element, valid_element}).code, StatusCode::OK);
  EXPECT_EQ(Evaluate(stubs_, {valid_element}).code, StatusCode::RESOURCE_EXHAUSTED) << "the cap is live";
}

// Broker logs carry no submitted value either (ARCHITECTURE.md: one place
// renders errors, and it never prints a BSN or a pseudonym).
TEST_F(BadInputTest, RefusalsDoNotEchoValuesIntoTheLog) {
  for (const Case& c : Battery()) c.send(stubs_);
  absl::StatusOr<std::string> log = ReadFileToString(stack_.broker_log());
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->find(kHostile), std::string::npos);
}

}  // namespace
}  // namespace samenloop::testing
