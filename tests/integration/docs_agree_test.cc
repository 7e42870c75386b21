// Docs and behaviour agree (issue 18, item 6; issue 17, item 5): a request
// that tries to set the organisation or another signal's id is refused as
// docs/api.md says; an unparsable request is INVALID_ARGUMENT on every RPC
// of both servers, as docs/security.md says; every consent error names its
// one field, and a scope must name a recipient the policy in force knows;
// `samenloop consent list` labels active and withdrawn records correctly.
// (Who may call GetPublicKey: any Samenloop certificate, as the
// authorisation matrix test checks.)

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/tls_files.h"
#include "tests/integration/every_rpc_requests.h"
#include "tests/integration/hostile_input.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

using grpc::StatusCode;
constexpr StatusCode INVALID = StatusCode::INVALID_ARGUMENT;

class DocsAgreeTest : public HostileInputTest {};

TEST_F(DocsAgreeTest, UpdatesThatSetTheOrganisationOrAnotherIdAreRefused) {
  const auto update = [this](std::function<void(v1::Signal&)> body) {
    return [this, body] {
      return Update([&](v1::UpdateSignalRequest& r) {
        body(*r.mutable_signal());
        r.mutable_update_mask()->add_paths("severity");
        r.mutable_signal()->set_severity(v1::SEVERITY_HIGH);
      });
    };
  };
  std::vector<HostileCase> cases = {
      {"source organisation in the body", update([](v1::Signal& s) { s.set_source_organisation(kHostileOtherOrg); }),
       INVALID, "signal.source_organisation: is set by the broker from your client certificate", 0},
      {"the organisation's own id in the body", update([](v1::Signal& s) { s.set_source_organisation(kHostileOrg); }),
       INVALID, "signal.source_organisation", 0},
      {"another signal id in the body", update([](v1::Signal& s) { s.set_signal_id("sig-999"); }), INVALID,
       "signal.signal_id", 0},
      {"a subject in the body", update([](v1::Signal& s) { *s.mutable_subject() = TestPseudonym(77); }), INVALID,
       "signal.subject: is set but not named in update_mask", 0},
      {"a status in the body", update([](v1::Signal& s) { s.set_status(v1::SIGNAL_STATUS_REVOKED); }), INVALID,
       "signal.status", 0},
      {"an unmasked contact in the body", update([](v1::Signal& s) { s.mutable_contact()->set_name("Other"); }),
       INVALID, "signal.contact: is set but not named in update_mask", 0},
  };
  RunBattery(cases);
}

TEST_F(DocsAgreeTest, AnUnparsableRequestIsInvalidArgumentOnEveryRpc) {
  std::vector<HostileCase> cases;
  std::set<std::string> covered;
  for (const RpcRequest& rpc : EveryRpcRequest(own_signal_)) {
    covered.insert(rpc.method);
    // A truncated varint, and a tag of wire type 7 (which does not exist).
    for (const std::string& garbage : {std::string("\x08\xff\xff\xff"), std::string("\x0f\x01\x02", 3)}) {
      cases.push_back({absl::StrCat(rpc.method, " with garbage"),
                       [this, rpc, garbage] {
                         return FromStatus(CallRaw(rpc.method, garbage, rpc.identity, rpc.pseudonymiser));
                       },
                       INVALID, "request: does not parse", 0});
    }
  }
  // A string field that is not valid UTF-8 does not parse either (proto3).
  v1::SubmitSignalsRequest bad_utf8 = OneItem("utf8", ValidSignal(10));
  bad_utf8.mutable_items(0)->mutable_signal()->mutable_contact()->set_name("Team \xc3\x28");
  const std::string bytes = bad_utf8.SerializeAsString();
  cases.push_back({"contact.name not UTF-8",
                   [this, bytes] {
                     return FromStatus(CallRaw("/samenloop.v1.SignalService/SubmitSignals", bytes, kHostileOrg));
                   },
                   INVALID, "request: does not parse", 0});
  const std::vector<std::string> all = AllMethods();
  EXPECT_EQ(covered, std::set<std::string>(all.begin(), all.end()));
  RunBattery(cases);
}

// Every consent error names exactly one field: "record.<field>: ...".
TEST_F(DocsAgreeTest, EveryConsentErrorNamesItsFieldAndScopesNameKnownRecipients) {
  using R = v1::ConsentRecord;
  const auto consent = [this](std::function<void(R&)> spoil) { return [this, spoil] { return Consent(spoil); }; };
  std::vector<HostileCase> cases = {
      {"registered_by supplied", consent([](R& r) { r.set_registered_by(kHostileOtherOrg); }), INVALID,
       "record.registered_by:", 0},
      {"registered_at supplied", consent([](R& r) { *r.mutable_registered_at() = FromNow(absl::ZeroDuration()); }),
       INVALID, "record.registered_at:", 0},
      {"withdrawn_at supplied", consent([](R& r) { *r.mutable_withdrawn_at() = FromNow(absl::ZeroDuration()); }),
       INVALID, "record.withdrawn_at:", 0},
      {"both recipient organisation and kind",
       consent([](R& r) {
         r.mutable_scope()->set_recipient_organisation(kHostileOtherOrg);
         r.mutable_scope()->set_recipient_kind("school");
       }),
       INVALID, "record.scope.recipient_kind: name a recipient organisation or a recipient kind", 0},
      {"an over-long recipient kind", consent([](R& r) { r.mutable_scope()->set_recipient_kind(LongText(65)); }),
       INVALID, "record.scope.recipient_kind:", 0},
      {"an over-long recipient organisation",
       consent([](R& r) { r.mutable_scope()->set_recipient_organisation(std::string(65, 'a')); }), INVALID,
       "record.scope.recipient_organisation:", 0},
      {"a recipient kind the policy does not know",
       consent([](R& r) { r.mutable_scope()->set_recipient_kind("lawyer"); }),
       INVALID, "record.scope.recipient_kind: is not an organisation kind of the policy in force", 0},
      {"a recipient organisation the policy does not know",
       consent([](R& r) { r.mutable_scope()->set_recipient_organisation("politie-utrecht"); }), INVALID,
       "record.scope.recipient_organisation: is not an organisation of the policy in force", 0},
      {"a malformed recipient organisation",
       consent([](R& r) { r.mutable_scope()->set_recipient_organisation("Politie Amsterdam"); }), INVALID,
       "record.scope.recipient_organisation: not an organisation id", 0},
      {"a parent without a giver", consent([](R& r) { r.set_given_by(v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY); }),
       INVALID, "record.giver: is required", 0},
      {"no subject", consent([](R& r) { r.clear_subject(); }), INVALID, "record.subject: is required", 0},
  };
  RunBattery(cases);
  // Known recipients are accepted.
  EXPECT_EQ(Consent([](R& r) { r.mutable_scope()->set_recipient_kind("school"); }).code, StatusCode::OK);
  EXPECT_EQ(Consent([](R& r) { r.mutable_scope()->set_recipient_organisation(kHostileOtherOrg); }).code,
            StatusCode::OK);
}

TEST_F(DocsAgreeTest, ConsentListLabelsActiveAndWithdrawnRecords) {
  const std::string cli = stack_.CliAs("wijkteam-west"), out = stack_.Sub("consents.txt");
  ASSERT_TRUE(RunCommand(cli + "consent grant --bsn 100000009 --recipient-kind school > /dev/null").ok());
  ASSERT_TRUE(RunCommand(cli + "consent grant --bsn 100000009 --recipient-kind gi > /dev/null").ok());
  ASSERT_TRUE(RunCommand(cli + "consent withdraw --consent-id con-2 > /dev/null").ok());
  ASSERT_TRUE(RunCommand(cli + "consent list > " + out).ok());
  const std::string listed = *ReadFileToString(out);
  std::vector<std::string> lines = absl::StrSplit(listed, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << listed;
  EXPECT_NE(lines[0].find("con-1"), std::string::npos) << listed;
  EXPECT_NE(lines[0].find("until withdrawn  active"), std::string::npos) << "an open-ended active record: " << listed;
  EXPECT_EQ(lines[0].find(" withdrawn 2"), std::string::npos) << listed;
  EXPECT_NE(lines[1].find("con-2"), std::string::npos) << listed;
  EXPECT_NE(lines[1].find("  withdrawn 2"), std::string::npos) << "the withdrawn record says so, with its date: "
                                                               << listed;
}

}  // namespace
}  // namespace samenloop::testing
