// Policy administration and the consent registry against the real broker
// over mTLS: who may apply, what an invalid file does (nothing), what the
// CLI's tools print and return, and that the applied policy survives a
// restart (issues 5 and 6).

#include <csignal>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "common/tls_files.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

const std::string kExamplePolicy = std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml";

grpc::Status Apply(const DevStack& stack, const std::string& identity, const std::string& yaml,
                   v1::PolicyVersion* version) {
  v1::ApplyPolicyRequest request;
  request.set_policy_yaml(yaml);
  request.set_file_name("region.yaml");
  grpc::ClientContext context;
  return v1::PolicyAdminService::NewStub(stack.BrokerChannelAs(identity))->ApplyPolicy(&context, request, version);
}

v1::ActivePolicy Active(const DevStack& stack, const std::string& identity) {
  grpc::ClientContext context;
  v1::ActivePolicy active;
  grpc::Status status = v1::PolicyAdminService::NewStub(stack.BrokerChannelAs(identity))
                            ->GetActivePolicy(&context, v1::GetActivePolicyRequest(), &active);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return active;
}

TEST(PolicyAdmin, OnlyAPrivacyOfficerAppliesAndAnInvalidPolicyChangesNothing) {
  DevStack stack;
  ASSERT_TRUE(stack.Start().ok());
  const std::string builtin = Active(stack, "politie-amsterdam").version().version_hash();
  EXPECT_EQ(builtin, "builtin-default-v1");
  absl::StatusOr<std::string> yaml = ReadFileToString(kExamplePolicy);
  ASSERT_TRUE(yaml.ok());

  v1::PolicyVersion version;
  for (const char* identity : {"politie-amsterdam", "auditor", "operator"}) {
    EXPECT_EQ(Apply(stack, identity, *yaml, &version).error_code(), grpc::StatusCode::PERMISSION_DENIED) << identity;
  }
  grpc::Status invalid = Apply(stack, "privacy-officer", "version: x\ncategories: []\nrules:\n  - { id: a }\n", &version);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(invalid.error_message().find("region.yaml:4:5: error:"), std::string::npos) << invalid.error_message();
  EXPECT_EQ(Active(stack, "politie-amsterdam").version().version_hash(), builtin);
  // Every refused apply is in the audit log, with who tried and why: the
  // wrong roles as AUTHENTICATION_FAILED (as every role refusal), the
  // invalid policy as REQUEST_REFUSED.
  {
    v1::QueryEventsRequest query;
    query.add_types(v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED);
    query.add_types(v1::AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED);
    grpc::ClientContext context;
    v1::QueryEventsResponse events;
    grpc::Status status =
        v1::AuditService::NewStub(stack.BrokerChannelAs("auditor"))->QueryEvents(&context, query, &events);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> who;
    for (const v1::ProvenEvent& e : events.events()) {
      const std::string& reason = e.event().reason();
      if (reason.rfind("ApplyPolicy: ", 0) == 0 || reason.rfind("PolicyAdminService/ApplyPolicy: ", 0) == 0) {
        who.push_back(absl::StrCat(e.event().actor_organisation(), " ",
                                   v1::AuditEventType_Name(e.event().type())));
      }
    }
    EXPECT_EQ(who, (std::vector<std::string>{"politie-amsterdam AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED",
                                             "auditor AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED",
                                             "operator AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED",
                                             "privacy-officer AUDIT_EVENT_TYPE_REQUEST_REFUSED"}));
  }

  // Through the CLI, as a privacy officer would.
  const std::string out = stack.Sub("out"), err = stack.Sub("err");
  EXPECT_FALSE(RunCommand(stack.CliAs("politie-amsterdam") + "policy apply " + kExamplePolicy + " 2> " + err).ok());
  EXPECT_NE(ReadFileToString(err)->find("privacy officer"), std::string::npos);
  ASSERT_TRUE(RunCommand(stack.CliAs("privacy-officer") + "policy apply " + kExamplePolicy + " > " + out).ok());
  EXPECT_NE(ReadFileToString(out)->find("applied: version 2026.11-1"), std::string::npos) << *ReadFileToString(out);
  const v1::ActivePolicy active = Active(stack, "ggz-inforsa");  // every organisation may read the version
  EXPECT_EQ(active.version().declared_version(), "2026.11-1");
  EXPECT_EQ(active.version().applied_by(), "privacy-officer");
  EXPECT_EQ(active.version().version_hash().size(), 64u);
  EXPECT_EQ(active.policy_yaml(), *yaml);

  // An apply that expects another active version is refused.
  EXPECT_FALSE(RunCommand(stack.CliAs("privacy-officer") + "policy apply " + kExamplePolicy +
                          " --expect-active " + builtin + " 2> " + err)
                   .ok());
  EXPECT_NE(ReadFileToString(err)->find("another policy was applied"), std::string::npos) << *ReadFileToString(err);

  // The history is for privacy officers, auditors and operators.
  grpc::ClientContext context;
  v1::ListPolicyVersionsResponse history;
  EXPECT_EQ(v1::PolicyAdminService::NewStub(stack.BrokerChannelAs("politie-amsterdam"))
                ->ListPolicyVersions(&context, v1::ListPolicyVersionsRequest(), &history)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(RunCommand(stack.CliAs("auditor") + "policy show --versions > " + out).ok());
  EXPECT_NE(ReadFileToString(out)->find(active.version().version_hash()), std::string::npos);

  // Signals now use the policy's taxonomy.
  EXPECT_FALSE(RunCommand(stack.CliAs("politie-amsterdam") +
                          "submit --bsn 100000009 --age-band 23_plus --category nonsense --contact-name X "
                          "--local-ref P-1 2> " + err)
                   .ok());
  EXPECT_NE(ReadFileToString(err)->find("is not a category of the policy in force"), std::string::npos);

  // The applied policy survives a restart.
  stack.StopBroker(SIGTERM);
  ASSERT_TRUE(stack.StartBroker().ok());
  EXPECT_EQ(Active(stack, "politie-amsterdam").version().version_hash(), active.version().version_hash());
}

TEST(ConsentRegistry, OnlyOrganisationsRegisterAndTheCliRoundTrips) {
  DevStack stack;
  ASSERT_TRUE(stack.Start().ok());
  ASSERT_TRUE(RunCommand(stack.CliAs("privacy-officer") + "policy apply " + kExamplePolicy + " > /dev/null").ok());
  const std::string out = stack.Sub("out"), err = stack.Sub("err");
  const std::string wijkteam = stack.CliAs("wijkteam-west");
  ASSERT_TRUE(RunCommand(wijkteam + "consent grant --bsn 100000009 --recipient-kind school --category "
                                    "school_absence --valid-until 2099-01-01 > " + out)
                  .ok());
  EXPECT_NE(ReadFileToString(out)->find("con-1"), std::string::npos) << *ReadFileToString(out);
  EXPECT_EQ(ReadFileToString(out)->find("100000009"), std::string::npos) << "never echo a BSN";
  ASSERT_TRUE(RunCommand(wijkteam + "consent object --bsn 100000009 --by parent --giver-bsn 200000007 > " + out).ok());
  EXPECT_FALSE(RunCommand(wijkteam + "consent grant --bsn 100000009 --by parent > /dev/null 2> " + err).ok());
  EXPECT_NE(ReadFileToString(err)->find("--giver-bsn"), std::string::npos);
  EXPECT_FALSE(RunCommand(wijkteam + "consent grant --bsn 123456789 2> " + err).ok()) << "fails the 11-check";

  ASSERT_TRUE(RunCommand(wijkteam + "consent list > " + out).ok());
  std::string listed = *ReadFileToString(out);
  EXPECT_NE(listed.find("con-1"), std::string::npos) << listed;
  EXPECT_NE(listed.find("con-2"), std::string::npos) << listed;
  ASSERT_TRUE(RunCommand(stack.CliAs("politie-amsterdam") + "consent list > " + out).ok());
  EXPECT_EQ(*ReadFileToString(out), "") << "another organisation's records are not listed";

  EXPECT_FALSE(RunCommand(stack.CliAs("politie-amsterdam") + "consent withdraw --consent-id con-1 2> " + err).ok());
  ASSERT_TRUE(RunCommand(wijkteam + "consent withdraw --consent-id con-1 > " + out).ok());
  EXPECT_NE(ReadFileToString(out)->find("withdrawn"), std::string::npos);

  // Roles other than organisations cannot register.
  v1::RegisterConsentRequest request;
  grpc::ClientContext context;
  v1::ConsentRecord record;
  EXPECT_EQ(v1::ConsentService::NewStub(stack.BrokerChannelAs("privacy-officer"))
                ->RegisterConsent(&context, request, &record)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST(PolicyTools, CheckReportsFileLineColumnAndJson) {
  TempDir dir;
  const std::string bad = dir.Sub("bad.yaml");
  std::ofstream(bad) << "version: x\norganisation_kinds: [police]\ncategories:\n  - { id: debt, active: 1y, visible: 1y }\n"
                        "rules:\n  - { id: a, effect: permit, recipient: { kinds: [polic] }, level: details, "
                        "legal_basis: nope }\n";
  const std::string cli = std::string(SAMENLOOP_BIN_DIR) + "/samenloop ";
  const std::string out = dir.Sub("out"), err = dir.Sub("err");
  EXPECT_FALSE(RunCommand(cli + "policy check " + bad + " 2> " + err).ok());
  const std::string errors = *ReadFileToString(err);
  EXPECT_NE(errors.find(bad + ":6:41: error: the recipient of rule a names organisation kind \"polic\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("legal basis \"nope\""), std::string::npos) << errors;
  EXPECT_FALSE(RunCommand(cli + "policy check --json " + bad + " > " + out).ok());
  EXPECT_NE(ReadFileToString(out)->find("\"valid\":false"), std::string::npos) << *ReadFileToString(out);
  ASSERT_TRUE(RunCommand(cli + "policy check --json " + kExamplePolicy + " > " + out).ok());
  EXPECT_NE(ReadFileToString(out)->find("\"valid\":true"), std::string::npos);

  ASSERT_TRUE(RunCommand(cli + "policy explain " + kExamplePolicy +
                         " --recipient school-de-horizon --source ggz-inforsa --category psychiatric_concern > " + out)
                  .ok());
  const std::string explained = *ReadFileToString(out);
  EXPECT_NE(explained.find("DENY — forbidden by forbid-health-to-schools"), std::string::npos) << explained;
  EXPECT_NE(explained.find("permit safety-partners-subject (line"), std::string::npos) << explained;
}

}  // namespace
}  // namespace samenloop::testing
