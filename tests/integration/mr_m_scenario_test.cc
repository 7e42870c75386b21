// Seed scenario 1, "Mr M.", end to end: real pseudonymiser and broker
// processes, the real CLI driven by deploy/demo/mr-m.sh (the same script
// quickstart.sh runs), and the results read back over the notification
// stream. Then the broker is restarted, gracefully and by SIGKILL, and
// nothing acknowledged is lost.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/pseudonymiser_client.h"
#include "common/tls_files.h"
#include "crypto/bsn.h"
#include "gtest/gtest.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/support/dev_pki.h"
#include "tests/support/mini_json.h"

namespace samenloop::testing {
namespace {

const std::vector<std::string> kLaterOrganisations = {"politie-amsterdam", "ggz-inforsa", "reclassering-nl",
                                                      "wijkteam-west"};
const std::vector<std::string> kEarlierOrganisations = {"veilig-thuis-amsterdam", "zorg-de-brug"};
// The fictitious BSNs deploy/demo/mr-m.sh uses.
const std::vector<std::string> kScenarioBsns = {"100000009", "200000007", "300000005", "400000003", "500000001"};

// The organisations of the match notifications among `notifications`
// (the demo also closes signals and hands a lead over).
std::vector<v1::Notification> Matches(const std::vector<v1::Notification>& notifications) {
  std::vector<v1::Notification> out;
  for (const v1::Notification& n : notifications) {
    if (n.kind() == v1::NOTIFICATION_KIND_MATCH) out.push_back(n);
  }
  return out;
}

std::set<std::string> OthersIn(const std::vector<v1::Notification>& notifications) {
  std::set<std::string> out;
  for (const v1::Notification& n : Matches(notifications)) out.insert(n.other().organisation_id());
  return out;
}

std::set<std::string> AllBut(const std::string& self) {
  std::set<std::string> out;
  for (const auto* group : {&kLaterOrganisations, &kEarlierOrganisations}) {
    for (const std::string& org : *group) {
      if (org != self) out.insert(org);
    }
  }
  return out;
}

class MrMScenarioTest : public ::testing::Test {
 protected:
  // The policy the demo applies first ("": the built-in development policy).
  virtual std::string DemoPolicy() const { return ""; }

  void SetUp() override {
    absl::Status started = stack_.Start();
    ASSERT_TRUE(started.ok()) << started;
    demo_output_ = stack_.Sub("demo.out");
    absl::Status demo = RunCommand(absl::StrCat(
        DemoPolicy().empty() ? "" : absl::StrCat("DEMO_POLICY=", DemoPolicy(), " "),
        "SAMENLOOP=", BinaryPath("samenloop"), " PKI=", stack_.pki(), " SAMENLOOP_BROKER=", stack_.broker_address(),
        " SAMENLOOP_PSEUDONYMISER=", stack_.pseudonymiser_address(), " ", SAMENLOOP_SOURCE_DIR,
        "/deploy/demo/mr-m.sh > ", demo_output_, " 2>&1"));
    ASSERT_TRUE(demo.ok()) << demo << "\n" << *ReadFileToString(demo_output_);
  }

  DevStack stack_;
  std::string demo_output_;
};

TEST_F(MrMScenarioTest, EachLaterOrganisationIsMatchedWithAllOthersIncludingTheClosedHistory) {
  for (const std::string& org : kLaterOrganisations) {
    std::vector<v1::Notification> told = Matches(stack_.DrainNotifications(org));
    EXPECT_EQ(OthersIn(told), AllBut(org)) << org;
    EXPECT_EQ(told.size(), 5u) << org << " is told once per other signal";
    for (const v1::Notification& n : told) {
      EXPECT_EQ(n.match_kind(), v1::MATCH_KIND_SUBJECT);
      EXPECT_FALSE(n.other().contact().name().empty());
      EXPECT_FALSE(n.basis().rule_ids().empty());
      EXPECT_FALSE(n.your_local_reference().empty());
    }
  }
  // The closed domestic-violence signals' owners learn of the new involvement too.
  for (const std::string& org : kEarlierOrganisations) {
    EXPECT_EQ(OthersIn(stack_.DrainNotifications(org)), AllBut(org)) << org;
  }
}

TEST_F(MrMScenarioTest, DemoOutputNamesWhomEachLaterOrganisationWasMatchedWith) {
  std::string output = *ReadFileToString(demo_output_);
  for (const std::string& org : kLaterOrganisations) {
    std::string expected = absl::StrCat("-> ", org, " was matched with: ");
    size_t at = output.find(expected);
    ASSERT_NE(at, std::string::npos) << output;
    std::string line = output.substr(at, output.find('\n', at) - at);
    for (const std::string& other : AllBut(org)) EXPECT_NE(line.find(other), std::string::npos) << line;
  }
  // The CLI never prints a BSN back.
  for (const std::string& bsn : kScenarioBsns) EXPECT_EQ(output.find(bsn), std::string::npos) << bsn;
}

// What quickstart.sh shows (issue 20 item 9): the demo on the example region
// policy, where professionals see category, rule and legal basis, the
// coordinator a pattern and the out-of-view moment, and everyone the lead.
class MrMDemoOnTheRegionPolicyTest : public MrMScenarioTest {
 protected:
  std::string DemoPolicy() const override {
    return std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml";
  }
};

TEST_F(MrMDemoOnTheRegionPolicyTest, ShowsCategoriesRulesThePatternOutOfViewAndTheLead) {
  const std::string output = *ReadFileToString(demo_output_);
  for (const char* expected : {"OUT OF VIEW", "PATTERN", "pattern pat_", "LEAD TAKEN", "LEAD HANDED OVER",
                               "domestic_violence (fact)", "[convenant-zvh]"}) {
    EXPECT_NE(output.find(expected), std::string::npos) << expected << " missing from:\n" << output;
  }
  for (const std::string& bsn : kScenarioBsns) EXPECT_EQ(output.find(bsn), std::string::npos) << bsn;
  // Everyone the region policy lets learn of the lead's signal hears who leads.
  std::vector<v1::Notification> police = stack_.DrainNotifications("politie-amsterdam");
  int lead_notices = 0;
  for (const v1::Notification& n : police) lead_notices += n.kind() == v1::NOTIFICATION_KIND_LEAD ? 1 : 0;
  EXPECT_EQ(lead_notices, 2) << "taken, then handed over";
}

TEST_F(MrMScenarioTest, NotificationsSurviveGracefulAndHardRestarts) {
  std::vector<v1::Notification> before = stack_.DrainNotifications("politie-amsterdam");
  ASSERT_EQ(Matches(before).size(), 5u);
  for (int signal : {SIGTERM, SIGKILL}) {
    stack_.StopBroker(signal);
    absl::Status restarted = stack_.StartBroker();
    ASSERT_TRUE(restarted.ok()) << restarted;
    std::vector<v1::Notification> after = stack_.DrainNotifications("politie-amsterdam");
    ASSERT_EQ(after.size(), before.size()) << "after signal " << signal;
    for (size_t i = 0; i < before.size(); ++i) {
      EXPECT_EQ(after[i].notification_id(), before[i].notification_id());
      EXPECT_EQ(after[i].cursor(), before[i].cursor());
    }
  }
}

TEST_F(MrMScenarioTest, OnDemandSweepRunsOnAStoppedBrokerOnly) {
  const std::string out = stack_.Sub("sweep.out");
  const std::string sweep = absl::StrCat(BinaryPath("samenloop-broker"), " sweep --data-dir ", stack_.broker_data_dir(),
                                         " > ", out, " 2>&1");
  EXPECT_FALSE(RunCommand(sweep).ok()) << "the running broker holds the store";
  stack_.StopBroker(SIGTERM);
  ASSERT_TRUE(RunCommand(sweep).ok()) << *ReadFileToString(out);
  EXPECT_EQ(*ReadFileToString(out),
            "examined 6 signal(s), expired 0, redacted 0 audit event(s), deleted 0 notification(s)\n");
}

TEST(BrokerBinary, HasNoWayToLoadTheOprfKey) {
  std::string help_file = ::testing::TempDir() + "/broker-help.txt";
  ASSERT_TRUE(RunCommand(absl::StrCat(BinaryPath("samenloop-broker"), " serve --help > ", help_file, " 2>&1")).ok());
  std::string help = *ReadFileToString(help_file);
  EXPECT_NE(help.find("--index-secret"), std::string::npos) << help;
  for (const char* forbidden : {"oprf", "OPRF", "key-file", "pseudonymiser"}) {
    EXPECT_EQ(help.find(forbidden), std::string::npos) << forbidden;
  }
}

TEST_F(MrMScenarioTest, NoBsnOrPseudonymReachesTheBrokersFilesOrLog) {
  client::PseudonymiserClient pseudonymiser(stack_.PseudonymiserChannelAs("politie-amsterdam"));
  absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = pseudonymiser.Pseudonymise(kScenarioBsns);
  ASSERT_TRUE(pseudonyms.ok()) << pseudonyms.status();
  stack_.StopBroker(SIGTERM);  // flush memtables to files too

  // The BSNs as digits and in the OPRF input encoding, and the pseudonyms.
  std::vector<std::string> needles(kScenarioBsns.begin(), kScenarioBsns.end());
  for (const std::string& bsn : kScenarioBsns) {
    std::vector<uint8_t> encoded = crypto::EncodeBsnOprfInput(bsn, 0);
    needles.emplace_back(encoded.begin(), encoded.end());
  }
  for (const v1::Pseudonym& p : *pseudonyms) needles.push_back(p.value());
  std::vector<std::string> files = {stack_.broker_log()};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(stack_.broker_data_dir())) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  ASSERT_GT(files.size(), 3u);
  for (const std::string& file : files) {
    std::string contents = *ReadFileToString(file);
    for (const std::string& needle : needles) {
      EXPECT_EQ(contents.find(needle), std::string::npos) << "found an identifier in " << file;
    }
  }
}

// Both servers log one JSON object per line (docs/operations.md "Logs"),
// which is what a log collector parses.
TEST_F(MrMScenarioTest, ServersLogOneJsonObjectPerLine) {
  stack_.StopBroker(SIGTERM);
  stack_.StopPseudonymiser(SIGTERM);
  for (const std::string& file : {stack_.broker_log(), stack_.Sub("pseudonymiser.log")}) {
    const std::string contents = *ReadFileToString(file);
    size_t lines = 0;
    for (absl::string_view line : absl::StrSplit(contents, '\n', absl::SkipEmpty())) {
      ++lines;
      absl::StatusOr<JsonValue> parsed = ParseJson(line);
      ASSERT_TRUE(parsed.ok()) << file << ": " << line;
      EXPECT_EQ(parsed->type, JsonValue::Type::kObject) << line;
      for (const char* key : {"time", "level", "component", "message"}) {
        EXPECT_EQ(parsed->object.count(key), 1u) << key << " missing in " << line;
      }
    }
    EXPECT_GE(lines, 2u) << file << " has at least the start and the stop";
  }
}

// `samenloop health` is an organisation's readiness check: both servers,
// over its own certificate.
TEST_F(MrMScenarioTest, HealthCommandFailsWhenAServerIsDown) {
  const std::string out = stack_.Sub("health.out");
  const std::string health = absl::StrCat(stack_.CliAs("politie-amsterdam"), "health --timeout-seconds 2 > ", out);
  ASSERT_TRUE(RunCommand(health).ok()) << *ReadFileToString(out);
  EXPECT_EQ(*ReadFileToString(out),
            "pseudonymiser samenloop.v1.Pseudonymiser: serving\n"
            "broker samenloop.v1.SignalService: serving\n"
            "broker samenloop.v1.NotificationService: serving\n");
  stack_.StopPseudonymiser(SIGTERM);
  EXPECT_FALSE(RunCommand(health).ok());
  const std::string after = *ReadFileToString(out);
  EXPECT_NE(after.find("pseudonymiser samenloop.v1.Pseudonymiser: unreachable"), std::string::npos) << after;
  EXPECT_NE(after.find("broker samenloop.v1.SignalService: serving"), std::string::npos) << after;
}

}  // namespace
}  // namespace samenloop::testing

namespace samenloop::testing {
namespace {

TEST(ImportCommand, ImportsGoodRowsRefusesBadOnesByLineAndNeverDuplicates) {
  DevStack stack;
  absl::Status started = stack.Start();
  ASSERT_TRUE(started.ok()) << started;
  const std::string csv = stack.Sub("signals.csv");
  std::ofstream(csv) << "idempotency_key,bsn,age_band,category,nature,contact_name,related,local_reference\n"
                        "imp-1,100000009,23_plus,debt,fact,\"Schuldhulp, team Noord\",200000007:parent,D-1\n"
                        "imp-2,111222334,23_plus,debt,fact,Team,,D-2\n"
                        "imp-3,300000005,23_plus,debt,fact,Team,,D-3\n"
                        "imp-4,400000003,old,debt,fact,Team,,D-4\n";
  const std::string run = absl::StrCat(stack.CliAs("schuldhulp-amsterdam"), "import ", csv, " > ", stack.Sub("out"),
                                       " 2> ", stack.Sub("err"));
  EXPECT_FALSE(RunCommand(run).ok()) << "refused rows make the exit status 1";
  EXPECT_EQ(*ReadFileToString(stack.Sub("out")), "imported 2, already present 0, refused 2\n");
  std::string errors = *ReadFileToString(stack.Sub("err"));
  EXPECT_NE(errors.find("signals.csv:3: refused: bsn: fails the 11-check"), std::string::npos) << errors;
  EXPECT_NE(errors.find("signals.csv:5: refused: age_band: unknown value 'old'"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("111222334"), std::string::npos) << "never echo a BSN";

  EXPECT_FALSE(RunCommand(run).ok());
  EXPECT_EQ(*ReadFileToString(stack.Sub("out")), "imported 0, already present 2, refused 2\n");

  // samenloop update changes only what it is given, and matches again.
  std::unique_ptr<v1::SignalService::Stub> own = v1::SignalService::NewStub(stack.BrokerChannelAs("schuldhulp-amsterdam"));
  grpc::ClientContext context;
  v1::ListOwnSignalsRequest list;
  v1::ListOwnSignalsResponse listed;
  ASSERT_TRUE(own->ListOwnSignals(&context, list, &listed).ok());
  ASSERT_GE(listed.signals_size(), 1);
  const std::string first = listed.signals(0).signal_id();
  EXPECT_EQ(first.rfind("sig_", 0), 0u) << "opaque ids: " << first;
  const std::string update = stack.CliAs("schuldhulp-amsterdam") + "update --signal-id " + first + " ";
  ASSERT_TRUE(RunCommand(update + "--severity acute --confirm > " + stack.Sub("out")).ok());
  EXPECT_EQ(*ReadFileToString(stack.Sub("out")), "updated " + first + " (revision 2)\n");
  EXPECT_FALSE(RunCommand(update + "--severity extreme 2> " + stack.Sub("err")).ok());
  EXPECT_NE(ReadFileToString(stack.Sub("err"))->find("unknown value 'extreme'"), std::string::npos);
  // A new related person of sig-1 who is the subject of a police signal: a household match.
  const std::string police = stack.CliAs("politie-amsterdam") +
                             "submit --bsn 500000001 --age-band 23_plus --category housing_nuisance "
                             "--contact-name Wijkagent --local-ref P-1 > /dev/null";
  ASSERT_TRUE(RunCommand(police).ok());
  ASSERT_TRUE(RunCommand(update + "--related 500000001:sibling > /dev/null").ok());
  std::vector<v1::Notification> told = stack.DrainNotifications("politie-amsterdam");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].match_kind(), v1::MATCH_KIND_HOUSEHOLD_RELATED);
  EXPECT_EQ(told[0].relation(), v1::RELATION_SIBLING);

  // Waiting for a professional: set by date, refused when not a date,
  // cleared with --assigned.
  ASSERT_TRUE(RunCommand(update + "--waiting-since 2026-09-01 > /dev/null").ok());
  auto read_back = [&] {
    grpc::ClientContext get_context;
    v1::GetSignalRequest get;
    get.set_signal_id(first);
    v1::Signal signal;
    EXPECT_TRUE(own->GetSignal(&get_context, get, &signal).ok());
    return signal;
  };
  EXPECT_EQ(read_back().waiting_since().seconds(), 1788220800) << "2026-09-01T00:00:00Z";
  EXPECT_FALSE(RunCommand(update + "--waiting-since 1-9-2026 2> " + stack.Sub("err")).ok());
  EXPECT_NE(ReadFileToString(stack.Sub("err"))->find("waiting_since: not a date"), std::string::npos);
  ASSERT_TRUE(RunCommand(update + "--assigned > /dev/null").ok());
  EXPECT_FALSE(read_back().has_waiting_since());
}

}  // namespace
}  // namespace samenloop::testing
