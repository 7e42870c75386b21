// The authorisation matrix (issue 9.2): every RPC of both servers, called
// over real mTLS by every kind of caller, against the expected code. A row
// per RPC, a column per identity; an organisation's allowed call is a real,
// valid request, so "allowed" means the call did what it is for.
//
// Both servers run with a CRL (deploy/dev-pki.sh --revoke), so every column
// goes through the revocation-checking handshake, and the revoked
// certificate is refused in it.
//
// The second test checks isolation between organisations: one can never
// read another's notifications, touch its signals or consents, or act as it.

#include <array>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/caller_identity.h"
#include "common/tls_files.h"
#include "crypto/oprf_rfc9497.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

using grpc::StatusCode;

constexpr char kOrg[] = "politie-amsterdam";
constexpr char kOtherOrg[] = "veilig-thuis-amsterdam";
const std::string kExamplePolicy = std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml";

// The columns of the matrix.
enum Caller : size_t {
  kOrgCert,
  kPrivacyOfficer,
  kAuditor,
  kOperator,
  kNoIdentity,  // signed by the deployment CA, but no samenloop:// URIs
  kNoCert,
  kOtherCa,
  kExpired,
  kRevoked,  // otherwise a valid org certificate, listed in the CRL
  kCallers
};
constexpr std::array<const char*, kCallers> kCallerNames = {
    "org", "privacy_officer", "auditor", "operator", "certificate without identity", "no client certificate",
    "certificate of another CA", "expired certificate", "revoked certificate"};

struct Channels {
  std::shared_ptr<grpc::Channel> broker;
  std::shared_ptr<grpc::Channel> pseudonymiser;
};

constexpr StatusCode OK = StatusCode::OK;
constexpr StatusCode DENIED = StatusCode::PERMISSION_DENIED;
constexpr StatusCode UNAUTHENTICATED = StatusCode::UNAUTHENTICATED;

// Every caller without a certificate the servers accept fails in the TLS
// handshake, so their four columns are the same for every RPC. A
// certificate of the deployment CA without a Samenloop identity passes the
// handshake and is refused by every RPC that asks who is calling; only the
// standard health check does not ask.
using Expected = std::array<StatusCode, kCallers>;
Expected Codes(StatusCode org, StatusCode privacy_officer, StatusCode auditor, StatusCode op,
               StatusCode no_identity = UNAUTHENTICATED) {
  return {org, privacy_officer, auditor, op, no_identity, StatusCode::UNAVAILABLE, StatusCode::UNAVAILABLE,
          StatusCode::UNAVAILABLE, StatusCode::UNAVAILABLE};
}

// State the organisation's allowed calls act on, made before the matrix.
struct Fixture {
  std::string own_signal;        // updated, closed and reopened, read
  std::string revocable_signal;  // revoked
  std::string consent_id;        // withdrawn
  std::string policy_yaml;
};

struct Row {
  const char* rpc;
  std::function<grpc::Status(const Channels&, const Fixture&)> call;
  Expected expected;
};

template <typename Response>
grpc::Status Drain(std::unique_ptr<grpc::ClientReader<Response>> reader) {
  Response message;
  while (reader->Read(&message)) {
  }
  return reader->Finish();
}

std::vector<Row> Matrix() {
  static int submitted = 0;
  return {
      {"SignalService.SubmitSignals",
       [](const Channels& c, const Fixture&) {
         v1::SubmitSignalsResponse response;
         grpc::Status s = v1::SignalService::NewStub(c.broker)->SubmitSignals(
             Deadline().get(), OneItem(absl::StrCat("matrix-", ++submitted), ValidSignal(900)), &response);
         if (s.ok() && response.results(0).code() != 0) return grpc::Status(StatusCode::INTERNAL, "item refused");
         return s;
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.UpdateSignal",
       [](const Channels& c, const Fixture& f) {
         v1::UpdateSignalRequest request;
         request.set_signal_id(f.own_signal);
         request.mutable_signal()->set_severity(v1::SEVERITY_HIGH);
         request.mutable_update_mask()->add_paths("severity");
         v1::Signal response;
         return v1::SignalService::NewStub(c.broker)->UpdateSignal(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.CloseSignal",
       [](const Channels& c, const Fixture& f) {
         v1::CloseSignalRequest request;
         request.set_signal_id(f.own_signal);
         v1::Signal response;
         return v1::SignalService::NewStub(c.broker)->CloseSignal(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.ReopenSignal",
       [](const Channels& c, const Fixture& f) {
         v1::ReopenSignalRequest request;
         request.set_signal_id(f.own_signal);
         v1::Signal response;
         return v1::SignalService::NewStub(c.broker)->ReopenSignal(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.TakeLead",
       [](const Channels& c, const Fixture& f) {
         v1::TakeLeadRequest request;
         request.set_signal_id(f.own_signal);
         v1::LeadResponse response;
         return v1::SignalService::NewStub(c.broker)->TakeLead(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.ReleaseLead",
       [](const Channels& c, const Fixture& f) {
         v1::ReleaseLeadRequest request;
         request.set_signal_id(f.own_signal);
         v1::LeadResponse response;
         grpc::Status released =
             v1::SignalService::NewStub(c.broker)->ReleaseLead(Deadline().get(), request, &response);
         // Leads again, for the handover row that follows.
         v1::TakeLeadRequest take;
         take.set_signal_id(f.own_signal);
         (void)v1::SignalService::NewStub(c.broker)->TakeLead(Deadline().get(), take, &response);
         return released;
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.HandOverLead",
       [](const Channels& c, const Fixture& f) {
         v1::HandOverLeadRequest request;
         request.set_signal_id(f.own_signal);
         request.set_to_organisation(kOtherOrg);
         v1::LeadResponse response;
         return v1::SignalService::NewStub(c.broker)->HandOverLead(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.RevokeSignal",
       [](const Channels& c, const Fixture& f) {
         v1::RevokeSignalRequest request;
         request.set_signal_id(f.revocable_signal);
         request.set_reason("entered in error");
         v1::Signal response;
         return v1::SignalService::NewStub(c.broker)->RevokeSignal(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.GetSignal",
       [](const Channels& c, const Fixture& f) {
         v1::GetSignalRequest request;
         request.set_signal_id(f.own_signal);
         v1::Signal response;
         return v1::SignalService::NewStub(c.broker)->GetSignal(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"SignalService.ListOwnSignals",
       [](const Channels& c, const Fixture&) {
         v1::ListOwnSignalsResponse response;
         return v1::SignalService::NewStub(c.broker)->ListOwnSignals(Deadline().get(), v1::ListOwnSignalsRequest(),
                                                                      &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"NotificationService.Subscribe",
       [](const Channels& c, const Fixture&) {
         v1::SubscribeRequest request;
         request.set_stop_when_drained(true);
         auto context = Deadline();
         return Drain(v1::NotificationService::NewStub(c.broker)->Subscribe(context.get(), request));
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"NotificationService.Acknowledge",
       [](const Channels& c, const Fixture&) {
         v1::AcknowledgeRequest request;
         request.set_cursor(1);
         v1::AcknowledgeResponse response;
         return v1::NotificationService::NewStub(c.broker)->Acknowledge(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"ConsentService.RegisterConsent",
       [](const Channels& c, const Fixture&) {
         v1::RegisterConsentRequest request;
         *request.mutable_record()->mutable_subject() = TestPseudonym(901);
         request.mutable_record()->set_kind(v1::CONSENT_KIND_CONSENT);
         request.mutable_record()->set_given_by(v1::CONSENT_GIVER_SUBJECT);
         v1::ConsentRecord response;
         return v1::ConsentService::NewStub(c.broker)->RegisterConsent(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"ConsentService.WithdrawConsent",
       [](const Channels& c, const Fixture& f) {
         v1::WithdrawConsentRequest request;
         request.set_consent_id(f.consent_id);
         v1::ConsentRecord response;
         return v1::ConsentService::NewStub(c.broker)->WithdrawConsent(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"ConsentService.ListConsents",
       [](const Channels& c, const Fixture&) {
         v1::ListConsentsResponse response;
         return v1::ConsentService::NewStub(c.broker)->ListConsents(Deadline().get(), v1::ListConsentsRequest(),
                                                                     &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"PolicyAdminService.ApplyPolicy",
       [](const Channels& c, const Fixture& f) {
         v1::ApplyPolicyRequest request;
         request.set_policy_yaml(f.policy_yaml);
         v1::PolicyVersion response;
         return v1::PolicyAdminService::NewStub(c.broker)->ApplyPolicy(Deadline(30).get(), request, &response);
       },
       Codes(DENIED, OK, DENIED, DENIED)},
      {"PolicyAdminService.GetActivePolicy",
       [](const Channels& c, const Fixture&) {
         v1::ActivePolicy response;
         return v1::PolicyAdminService::NewStub(c.broker)->GetActivePolicy(Deadline().get(),
                                                                            v1::GetActivePolicyRequest(), &response);
       },
       Codes(OK, OK, OK, OK)},
      {"PolicyAdminService.ListPolicyVersions",
       [](const Channels& c, const Fixture&) {
         v1::ListPolicyVersionsResponse response;
         return v1::PolicyAdminService::NewStub(c.broker)->ListPolicyVersions(
             Deadline().get(), v1::ListPolicyVersionsRequest(), &response);
       },
       Codes(DENIED, OK, OK, OK)},
      {"AuditService.GetTreeHead",
       [](const Channels& c, const Fixture&) {
         v1::SignedTreeHead response;
         return v1::AuditService::NewStub(c.broker)->GetTreeHead(Deadline().get(), v1::GetTreeHeadRequest(),
                                                                  &response);
       },
       Codes(DENIED, DENIED, OK, DENIED)},
      {"AuditService.GetConsistencyProof",
       [](const Channels& c, const Fixture&) {
         v1::GetConsistencyProofRequest request;
         request.set_first(1);
         request.set_second(2);
         v1::ConsistencyProof response;
         return v1::AuditService::NewStub(c.broker)->GetConsistencyProof(Deadline().get(), request, &response);
       },
       Codes(DENIED, DENIED, OK, DENIED)},
      // The auditor's reads of the log; statistics for privacy officers too.
      {"AuditService.QueryEvents",
       [](const Channels& c, const Fixture&) {
         v1::QueryEventsResponse response;
         return v1::AuditService::NewStub(c.broker)->QueryEvents(Deadline().get(), v1::QueryEventsRequest(),
                                                                  &response);
       },
       Codes(DENIED, DENIED, OK, DENIED)},
      {"AuditService.SubjectReport",
       [](const Channels& c, const Fixture&) {
         v1::SubjectReportRequest request;
         request.mutable_subject()->set_value(std::string(64, 'p'));  // a person with no signals
         v1::SubjectReportResponse response;
         return v1::AuditService::NewStub(c.broker)->SubjectReport(Deadline().get(), request, &response);
       },
       Codes(DENIED, DENIED, OK, DENIED)},
      {"AuditService.GetStatistics",
       [](const Channels& c, const Fixture&) {
         v1::GetStatisticsResponse response;
         return v1::AuditService::NewStub(c.broker)->GetStatistics(Deadline().get(), v1::GetStatisticsRequest(),
                                                                    &response);
       },
       Codes(DENIED, OK, OK, DENIED)},
      {"Pseudonymiser.Evaluate",
       [](const Channels& c, const Fixture&) {
         const std::string input = "matrix";
         absl::StatusOr<crypto::BlindedInput> blinded = crypto::Blind(
             absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()), input.size()),
             crypto::OprfMode::kOprf);
         if (!blinded.ok()) return grpc::Status(StatusCode::INTERNAL, "blind failed");
         v1::EvaluateRequest request;
         request.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()),
                                      blinded->blinded_element.size());
         v1::EvaluateResponse response;
         return v1::Pseudonymiser::NewStub(c.pseudonymiser)->Evaluate(Deadline().get(), request, &response);
       },
       Codes(OK, DENIED, DENIED, DENIED)},
      {"Pseudonymiser.GetPublicKey",
       [](const Channels& c, const Fixture&) {
         v1::GetPublicKeyResponse response;
         return v1::Pseudonymiser::NewStub(c.pseudonymiser)->GetPublicKey(Deadline().get(),
                                                                           v1::GetPublicKeyRequest(), &response);
       },
       Codes(OK, OK, OK, OK)},
      {"grpc.health.v1.Health.Check (broker)",
       [](const Channels& c, const Fixture&) {
         grpc::health::v1::HealthCheckResponse response;
         return grpc::health::v1::Health::NewStub(c.broker)->Check(
             Deadline().get(), grpc::health::v1::HealthCheckRequest(), &response);
       },
       Codes(OK, OK, OK, OK, OK)},
      {"grpc.health.v1.Health.Check (pseudonymiser)",
       [](const Channels& c, const Fixture&) {
         grpc::health::v1::HealthCheckResponse response;
         return grpc::health::v1::Health::NewStub(c.pseudonymiser)->Check(
             Deadline().get(), grpc::health::v1::HealthCheckRequest(), &response);
       },
       Codes(OK, OK, OK, OK, OK)},
  };
}

class AuthorisationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new DevStack();
    other_ca_ = new TempDir();
    stack_->SetPkiOptions(
        "--expired expired-org --no-identity no-identity --identity revoked-org:org:test:Revoked --revoke revoked-org");
    stack_->SetCrlDir(stack_->pki() + "/crl");
    ASSERT_TRUE(stack_->Start().ok());
    ASSERT_TRUE(MakeDevPki(other_ca_->path(), "--only politie-amsterdam").ok());
    absl::StatusOr<std::string> yaml = ReadFileToString(kExamplePolicy);
    ASSERT_TRUE(yaml.ok());
    // Applied by the matrix's ApplyPolicy row; until then the built-in
    // development policy tells every organisation of every match.
    fixture_.policy_yaml = *yaml;
    fixture_.own_signal = Submit(kOrg, "own", ValidSignal(1));
    fixture_.revocable_signal = Submit(kOrg, "revocable", ValidSignal(2));
    Submit(kOtherOrg, "other-on-same-person", ValidSignal(1));  // a match: both get a notification
    fixture_.consent_id = RegisterConsent(kOrg, 1);
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete other_ca_;
  }

  static std::string Submit(const std::string& org, const std::string& key, const v1::Signal& signal) {
    v1::SubmitSignalsResponse response;
    grpc::Status s = v1::SignalService::NewStub(stack_->BrokerChannelAs(org))
                         ->SubmitSignals(Deadline().get(), OneItem(key, signal), &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok() || response.results_size() != 1) return "";
    EXPECT_EQ(response.results(0).code(), 0) << response.results(0).message();
    return response.results(0).signal_id();
  }

  static std::string RegisterConsent(const std::string& org, uint32_t person) {
    v1::RegisterConsentRequest request;
    *request.mutable_record()->mutable_subject() = TestPseudonym(person);
    request.mutable_record()->set_kind(v1::CONSENT_KIND_OBJECTION);
    request.mutable_record()->set_given_by(v1::CONSENT_GIVER_SUBJECT);
    v1::ConsentRecord record;
    grpc::Status s =
        v1::ConsentService::NewStub(stack_->BrokerChannelAs(org))->RegisterConsent(Deadline().get(), request, &record);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return record.consent_id();
  }

  static Channels ChannelsOf(Caller caller) {
    const std::string pki = stack_->pki();
    auto both = [&](const std::string& ca, const std::string& dir) {
      const std::string cert = dir.empty() ? "" : dir + "/cert.pem";
      const std::string key = dir.empty() ? "" : dir + "/key.pem";
      return Channels{ChannelWith(stack_->broker_address(), ca, cert, key),
                      ChannelWith(stack_->pseudonymiser_address(), ca, cert, key)};
    };
    const std::string ca = pki + "/ca/ca.pem";
    switch (caller) {
      case kOrgCert: return both(ca, pki + "/" + kOrg);
      case kPrivacyOfficer: return both(ca, pki + "/privacy-officer");
      case kAuditor: return both(ca, pki + "/auditor");
      case kOperator: return both(ca, pki + "/operator");
      case kNoIdentity: return both(ca, pki + "/no-identity");
      case kNoCert: return both(ca, "");
      // Trusts the right CA but presents a certificate of another one.
      case kOtherCa: return both(ca, other_ca_->path() + "/" + kOrg);
      case kExpired: return both(ca, pki + "/expired-org");
      case kRevoked: return both(ca, pki + "/revoked-org");
      case kCallers: break;
    }
    return {};
  }

  static DevStack* stack_;
  static TempDir* other_ca_;
  static Fixture fixture_;
};

DevStack* AuthorisationTest::stack_ = nullptr;
TempDir* AuthorisationTest::other_ca_ = nullptr;
Fixture AuthorisationTest::fixture_;

// The two columns that only make sense if the certificates are what they
// claim: the revoked one is valid apart from its revocation, and the one
// without identity is from the deployment CA.
TEST_F(AuthorisationTest, TheRevokedAndTheIdentityLessCertificatesAreOtherwiseValid) {
  const std::string pki = stack_->pki();
  const std::string verify = "openssl verify -CAfile " + pki + "/ca/ca.pem ";
  EXPECT_TRUE(RunCommand(verify + pki + "/revoked-org/cert.pem >/dev/null").ok());
  EXPECT_FALSE(RunCommand(verify + "-crl_check -CRLfile " + pki + "/ca/crl.pem " + pki +
                          "/revoked-org/cert.pem >/dev/null 2>&1")
                   .ok());
  EXPECT_TRUE(RunCommand(verify + "-crl_check -CRLfile " + pki + "/ca/crl.pem " + pki +
                         "/politie-amsterdam/cert.pem >/dev/null")
                  .ok());
  EXPECT_TRUE(RunCommand(verify + pki + "/no-identity/cert.pem >/dev/null").ok());
  absl::StatusOr<std::string> pem = ReadFileToString(pki + "/no-identity/cert.pem");
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(IdentityFromCertificatePem(*pem).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthorisationTest, EveryRpcForEveryCallerGivesTheExpectedCode) {
  ASSERT_FALSE(fixture_.own_signal.empty());
  ASSERT_FALSE(fixture_.consent_id.empty());
  std::array<Channels, kCallers> channels;
  for (size_t c = 0; c < kCallers; ++c) channels[c] = ChannelsOf(static_cast<Caller>(c));
  int cells = 0;
  for (const Row& row : Matrix()) {
    for (size_t c = 0; c < kCallers; ++c) {
      grpc::Status status = row.call(channels[c], fixture_);
      EXPECT_EQ(status.error_code(), row.expected[c])
          << row.rpc << " as " << kCallerNames[c] << ": " << status.error_message();
      ++cells;
    }
  }
  EXPECT_EQ(cells, 27 * static_cast<int>(kCallers));
}

// The organisation's own rows succeeded above, so denial here is about whose
// data it is, not about the role.
TEST_F(AuthorisationTest, AnOrganisationCannotReachAnotherOrganisationsData) {
  auto other_signals = v1::SignalService::NewStub(stack_->BrokerChannelAs(kOtherOrg));
  const std::string target = Submit(kOrg, "isolation-target", ValidSignal(3));
  v1::Signal before;
  v1::GetSignalRequest get;
  get.set_signal_id(target);
  ASSERT_TRUE(v1::SignalService::NewStub(stack_->BrokerChannelAs(kOrg))->GetSignal(Deadline().get(), get, &before).ok());

  v1::Signal out;
  EXPECT_EQ(other_signals->GetSignal(Deadline().get(), get, &out).error_code(), StatusCode::NOT_FOUND);
  v1::UpdateSignalRequest update;
  update.set_signal_id(target);
  update.mutable_signal()->set_severity(v1::SEVERITY_ACUTE);
  update.mutable_update_mask()->add_paths("severity");
  EXPECT_EQ(other_signals->UpdateSignal(Deadline().get(), update, &out).error_code(), StatusCode::NOT_FOUND);
  v1::CloseSignalRequest close;
  close.set_signal_id(target);
  EXPECT_EQ(other_signals->CloseSignal(Deadline().get(), close, &out).error_code(), StatusCode::NOT_FOUND);
  v1::RevokeSignalRequest revoke;
  revoke.set_signal_id(target);
  EXPECT_EQ(other_signals->RevokeSignal(Deadline().get(), revoke, &out).error_code(), StatusCode::NOT_FOUND);
  v1::ReopenSignalRequest reopen;
  reopen.set_signal_id(target);
  EXPECT_EQ(other_signals->ReopenSignal(Deadline().get(), reopen, &out).error_code(), StatusCode::NOT_FOUND);
  v1::Signal after;
  ASSERT_TRUE(v1::SignalService::NewStub(stack_->BrokerChannelAs(kOrg))->GetSignal(Deadline().get(), get, &after).ok());
  EXPECT_EQ(after.revision(), before.revision());
  EXPECT_EQ(after.status(), v1::SIGNAL_STATUS_OPEN);

  v1::ListOwnSignalsResponse listed;
  ASSERT_TRUE(other_signals->ListOwnSignals(Deadline().get(), v1::ListOwnSignalsRequest(), &listed).ok());
  std::set<std::string> other_own;
  for (const v1::Signal& s : listed.signals()) {
    EXPECT_EQ(s.source_organisation(), kOtherOrg);
    other_own.insert(s.signal_id());
  }
  EXPECT_EQ(other_own.count(target), 0u);

  // Acting as another: naming the source is refused, and reusing another
  // organisation's idempotency key makes a new signal, not its duplicate.
  v1::Signal impostor = ValidSignal(4);
  impostor.set_source_organisation(kOrg);
  v1::SubmitSignalsResponse submitted;
  ASSERT_TRUE(other_signals->SubmitSignals(Deadline().get(), OneItem("impostor", impostor), &submitted).ok());
  EXPECT_EQ(submitted.results(0).code(), static_cast<int>(StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(submitted.results(0).message().find("source_organisation"), std::string::npos);
  ASSERT_TRUE(
      other_signals->SubmitSignals(Deadline().get(), OneItem("isolation-target", ValidSignal(3)), &submitted).ok());
  EXPECT_FALSE(submitted.results(0).duplicate());
  EXPECT_NE(submitted.results(0).signal_id(), target);
  other_own.insert(submitted.results(0).signal_id());

  // Consents: another organisation's record can be neither withdrawn nor listed.
  const std::string consent = RegisterConsent(kOrg, 5);
  auto other_consents = v1::ConsentService::NewStub(stack_->BrokerChannelAs(kOtherOrg));
  v1::WithdrawConsentRequest withdraw;
  withdraw.set_consent_id(consent);
  v1::ConsentRecord record;
  EXPECT_EQ(other_consents->WithdrawConsent(Deadline().get(), withdraw, &record).error_code(), StatusCode::NOT_FOUND);
  v1::ListConsentsRequest by_subject;
  *by_subject.mutable_subject() = TestPseudonym(5);
  v1::ListConsentsResponse consents;
  ASSERT_TRUE(other_consents->ListConsents(Deadline().get(), by_subject, &consents).ok());
  EXPECT_EQ(consents.records_size(), 0);
  ASSERT_TRUE(other_consents->ListConsents(Deadline().get(), v1::ListConsentsRequest(), &consents).ok());
  for (const v1::ConsentRecord& r : consents.records()) EXPECT_EQ(r.registered_by(), kOtherOrg);

  // Notifications: each outbox holds only notifications about the
  // recipient's own signals, and acknowledging is per organisation.
  const std::vector<v1::Notification> theirs = stack_->DrainNotifications(kOtherOrg);
  ASSERT_FALSE(theirs.empty()) << "the fixture made a match";
  for (const v1::Notification& n : theirs) {
    if (n.kind() == v1::NOTIFICATION_KIND_MATCH) {
      EXPECT_EQ(other_own.count(n.your_signal_id()), 1u);
    }
    EXPECT_NE(n.other().organisation_id(), kOtherOrg);
  }
  const std::vector<v1::Notification> ours = stack_->DrainNotifications(kOrg);
  ASSERT_FALSE(ours.empty());
  for (const v1::Notification& n : ours) EXPECT_EQ(other_own.count(n.your_signal_id()), 0u);
  auto other_notifications = v1::NotificationService::NewStub(stack_->BrokerChannelAs(kOtherOrg));
  v1::AcknowledgeRequest beyond;
  beyond.set_cursor(theirs.back().cursor() + 1000);
  v1::AcknowledgeResponse acknowledged;
  EXPECT_EQ(other_notifications->Acknowledge(Deadline().get(), beyond, &acknowledged).error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::AcknowledgeRequest all_theirs;
  all_theirs.set_cursor(theirs.back().cursor());
  ASSERT_TRUE(other_notifications->Acknowledge(Deadline().get(), all_theirs, &acknowledged).ok());
  v1::SubscribeRequest resume;
  resume.set_resume_from_acknowledged(true);
  resume.set_stop_when_drained(true);
  auto context = Deadline();
  auto reader = v1::NotificationService::NewStub(stack_->BrokerChannelAs(kOrg))->Subscribe(context.get(), resume);
  v1::Notification n;
  size_t still_unacknowledged = 0;
  while (reader->Read(&n)) ++still_unacknowledged;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_GE(still_unacknowledged, ours.size() - 1) << "the matrix acknowledged cursor 1 only";
}

}  // namespace
}  // namespace samenloop::testing
