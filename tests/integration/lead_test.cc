// A lead (regievoerder), issue 20 item 4, against real broker and
// pseudonymiser processes over mTLS with RocksDB in a temporary directory:
// taking the lead tells the organisations that may learn of the lead's
// signal (and the coordinator) who leads and whom to call; one lead at a
// time; a handover is one event both sides see; the lead lapses with its
// signal or is released while it stays open; an organisation matched after
// the take is told who leads; an organisation that may not learn of the lead's signal observes
// nothing; the policy decides who may lead; all of it is audited. The SDK
// (client::LeadClient) and the CLI (`samenloop lead`, `samenloop watch`).

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "client/lead_client.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

constexpr char kPolice[] = "politie-amsterdam";
constexpr char kGgz[] = "ggz-inforsa";
constexpr char kWijkteam[] = "wijkteam-west";
constexpr char kShelter[] = "zorg-de-brug";
constexpr char kReclassering[] = "reclassering-nl";
constexpr char kCoordinator[] = "zvh-amsterdam";

std::vector<v1::Notification> OfKind(const std::vector<v1::Notification>& all, v1::NotificationKind kind) {
  std::vector<v1::Notification> out;
  for (const v1::Notification& n : all) {
    if (n.kind() == kind) out.push_back(n);
  }
  return out;
}

// Shared by the tests of one suite: each test uses persons of its own.
class LeadStack {
 public:
  explicit LeadStack(DevStack* stack) : stack_(stack) {}

  std::string Submit(const std::string& org, v1::Signal signal, const std::string& key) {
    signal.set_local_reference(key);
    v1::SubmitSignalsResponse response;
    grpc::Status status = v1::SignalService::NewStub(stack_->BrokerChannelAs(org))
                              ->SubmitSignals(Deadline().get(), OneItem(key, signal), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) return "";
    EXPECT_EQ(response.results(0).code(), 0) << response.results(0).message();
    return response.results(0).signal_id();
  }
  absl::StatusOr<v1::LeadResponse> Take(const std::string& org, const std::string& signal_id) {
    return client::LeadClient(stack_->BrokerChannelAs(org)).TakeLead(signal_id);
  }
  absl::StatusOr<v1::LeadResponse> HandOver(const std::string& org, const std::string& signal_id,
                                            const std::string& to) {
    return client::LeadClient(stack_->BrokerChannelAs(org)).HandOverLead(signal_id, to);
  }
  absl::StatusOr<v1::LeadResponse> Release(const std::string& org, const std::string& signal_id) {
    return client::LeadClient(stack_->BrokerChannelAs(org)).ReleaseLead(signal_id);
  }
  grpc::Status Close(const std::string& org, const std::string& id) {
    v1::CloseSignalRequest request;
    request.set_signal_id(id);
    v1::Signal out;
    return v1::SignalService::NewStub(stack_->BrokerChannelAs(org))->CloseSignal(Deadline().get(), request, &out);
  }
  grpc::Status Revoke(const std::string& org, const std::string& id) {
    v1::RevokeSignalRequest request;
    request.set_signal_id(id);
    request.set_reason_class(v1::REVOCATION_REASON_SUBMITTED_IN_ERROR);
    v1::Signal out;
    return v1::SignalService::NewStub(stack_->BrokerChannelAs(org))->RevokeSignal(Deadline().get(), request, &out);
  }
  // What `org` is told from now on: its outbox after the last call.
  std::vector<v1::Notification> New(const std::string& org) {
    std::vector<v1::Notification> all = stack_->DrainNotifications(org);
    size_t& seen = seen_[org];
    std::vector<v1::Notification> out(all.begin() + static_cast<std::ptrdiff_t>(std::min(seen, all.size())), all.end());
    seen = all.size();
    return out;
  }
  std::vector<v1::Notification> NewLeads(const std::string& org) { return OfKind(New(org), v1::NOTIFICATION_KIND_LEAD); }
  void Forget(std::initializer_list<const char*> orgs) {
    for (const char* org : orgs) New(org);
  }
  std::vector<v1::AuditEvent> Audit(v1::AuditEventType type) {
    v1::QueryEventsRequest request;
    request.add_types(type);
    request.mutable_page()->set_page_size(1000);
    std::vector<v1::AuditEvent> out;
    do {
      v1::QueryEventsResponse response;
      grpc::Status status = v1::AuditService::NewStub(stack_->BrokerChannelAs("auditor"))
                                ->QueryEvents(Deadline().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const v1::ProvenEvent& proven : response.events()) out.push_back(proven.event());
      request.mutable_page()->set_page_token(response.next_page_token());
    } while (!request.page().page_token().empty());
    return out;
  }

  DevStack* stack_;
  std::map<std::string, size_t> seen_;
};

// The built-in development policy: every organisation may lead, every
// match between organisations discloses existence and contact, protected
// signals are disclosed to no one, zvh-amsterdam coordinates.
class LeadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new DevStack();
    ASSERT_TRUE(stack_->Start().ok());
    leads_ = new LeadStack(stack_);
  }
  static void TearDownTestSuite() {
    delete leads_;
    delete stack_;
  }
  static DevStack* stack_;
  static LeadStack* leads_;
};

DevStack* LeadTest::stack_ = nullptr;
LeadStack* LeadTest::leads_ = nullptr;

TEST_F(LeadTest, TakingTheLeadTellsTheMatchedOrganisationsWhoLeadsAndTakingAgainChangesNothing) {
  LeadStack& l = *leads_;
  const std::string police = l.Submit(kPolice, ValidSignal(101), "P-101");
  const std::string ggz = l.Submit(kGgz, ValidSignal(101), "G-101");
  v1::Signal team = ValidSignal(101);
  team.mutable_contact()->set_name("Buurtteam West, Fatima");
  team.mutable_contact()->set_phone("020-555 01 01");
  const std::string wijkteam = l.Submit(kWijkteam, team, "W-101");
  l.Forget({kPolice, kGgz, kWijkteam});

  absl::StatusOr<v1::LeadResponse> taken = l.Take(kWijkteam, wijkteam);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_TRUE(taken->changed());
  EXPECT_EQ(taken->lead_organisation(), kWijkteam);
  EXPECT_EQ(taken->lead_signal_id(), wijkteam);
  for (const auto& [org, own] : {std::pair{kPolice, police}, std::pair{kGgz, ggz}}) {
    std::vector<v1::Notification> told = l.NewLeads(org);
    ASSERT_EQ(told.size(), 1u) << org;
    EXPECT_EQ(told[0].lead_event(), v1::LEAD_EVENT_TAKEN);
    EXPECT_EQ(told[0].your_signal_id(), own);
    EXPECT_EQ(told[0].lead().organisation_id(), kWijkteam);
    EXPECT_EQ(told[0].lead().contact().name(), "Buurtteam West, Fatima");
    EXPECT_EQ(told[0].lead().contact().phone(), "020-555 01 01");
    EXPECT_TRUE(told[0].lead().category().empty()) << "existence and contact only";
    EXPECT_EQ(told[0].disclosure_level(), v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
    ASSERT_GE(told[0].basis().rule_ids_size(), 1);
    EXPECT_EQ(told[0].basis().rule_ids(0), "builtin.subject-match") << "the decision that lets it learn of the signal";
    EXPECT_FALSE(told[0].has_previous_lead());
  }
  EXPECT_TRUE(l.New(kWijkteam).empty()) << "the lead is answered, not notified";

  absl::StatusOr<v1::LeadResponse> again = l.Take(kWijkteam, wijkteam);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed());
  EXPECT_EQ(again->since().seconds(), taken->since().seconds());
  EXPECT_TRUE(l.New(kPolice).empty());
  EXPECT_TRUE(l.New(kGgz).empty());

  // One lead at a time: the police may learn of the team's signal, so it is
  // told who leads, and never a pseudonym.
  absl::StatusOr<v1::LeadResponse> refused = l.Take(kPolice, police);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("organisation wijkteam-west leads for this person"), std::string::npos)
      << refused.status();
  EXPECT_TRUE(l.New(kWijkteam).empty());

  EXPECT_GE(l.Audit(v1::AUDIT_EVENT_TYPE_LEAD_TAKEN).size(), 3u) << "the act and one per notice";
}

TEST_F(LeadTest, AHandoverIsOneEventBothSidesAndTheMatchedOrganisationsSee) {
  LeadStack& l = *leads_;
  const std::string police = l.Submit(kPolice, ValidSignal(102), "P-102");
  const std::string ggz = l.Submit(kGgz, ValidSignal(102), "G-102");
  const std::string wijkteam = l.Submit(kWijkteam, ValidSignal(102), "W-102");
  ASSERT_TRUE(l.Take(kWijkteam, wijkteam).ok());
  l.Forget({kPolice, kGgz, kWijkteam});

  EXPECT_EQ(l.HandOver(kWijkteam, wijkteam, kWijkteam).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::LeadResponse> malformed = l.HandOver(kWijkteam, wijkteam, "Zorg\x1b[31m");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(malformed.status().message().find("Zorg"), std::string::npos) << "never echoed";
  EXPECT_EQ(l.HandOver(kGgz, ggz, kWijkteam).status().code(), absl::StatusCode::kFailedPrecondition)
      << "only the lead hands over";
  absl::StatusOr<v1::LeadResponse> nobody = l.HandOver(kWijkteam, wijkteam, kReclassering);
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(nobody.status().message().find("to_organisation: organisation reclassering-nl has no open signal"),
            std::string::npos)
      << nobody.status();

  absl::StatusOr<v1::LeadResponse> passed = l.HandOver(kWijkteam, wijkteam, kGgz);
  ASSERT_TRUE(passed.ok()) << passed.status();
  EXPECT_EQ(passed->lead_organisation(), kGgz);
  EXPECT_TRUE(passed->lead_signal_id().empty()) << "not the caller's signal";
  for (const auto& [org, own] : {std::pair{kPolice, police}, std::pair{kGgz, ggz}, std::pair{kWijkteam, wijkteam}}) {
    std::vector<v1::Notification> told = l.NewLeads(org);
    ASSERT_EQ(told.size(), 1u) << org;
    EXPECT_EQ(told[0].lead_event(), v1::LEAD_EVENT_HANDED_OVER) << org;
    EXPECT_EQ(told[0].your_signal_id(), own) << org;
    EXPECT_EQ(told[0].lead().organisation_id(), kGgz);
    EXPECT_EQ(told[0].previous_lead().organisation_id(), kWijkteam);
    EXPECT_EQ(told[0].previous_lead().contact().name(), "Team Test");
  }
  // The new lead leads; the previous one no longer does.
  EXPECT_EQ(l.HandOver(kWijkteam, wijkteam, kGgz).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(l.Take(kWijkteam, wijkteam).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(l.Take(kGgz, ggz)->changed());

  // A target whose signal is closed has no live signal to lead through.
  ASSERT_TRUE(l.Close(kPolice, police).ok());
  EXPECT_EQ(l.HandOver(kGgz, ggz, kPolice).status().code(), absl::StatusCode::kFailedPrecondition);
  const std::vector<v1::AuditEvent> handed = l.Audit(v1::AUDIT_EVENT_TYPE_LEAD_HANDED_OVER);
  ASSERT_GE(handed.size(), 4u) << "the act and one per notice";
  for (const v1::AuditEvent& event : handed) {
    EXPECT_EQ(event.DebugString().find("Team Test"), std::string::npos) << "no contact in an audit body";
  }
}

TEST_F(LeadTest, AnOrganisationThatMayNotLearnOfTheLeadsSignalObservesNothing) {
  // The shelter's signal is protected: the built-in policy discloses it to
  // no one. Its lead must leave the police's view exactly as it is without it.
  LeadStack& l = *leads_;
  const std::string police = l.Submit(kPolice, ValidSignal(103), "P-103");
  v1::Signal protected_signal = ValidSignal(103);
  protected_signal.set_protected_(true);
  const std::string shelter = l.Submit(kShelter, protected_signal, "S-103");
  l.Forget({kPolice, kShelter, kCoordinator});

  absl::StatusOr<v1::LeadResponse> shelter_leads = l.Take(kShelter, shelter);
  ASSERT_TRUE(shelter_leads.ok()) << shelter_leads.status();
  EXPECT_TRUE(l.New(kPolice).empty()) << "no notification, no count change";
  EXPECT_TRUE(l.New(kCoordinator).empty());
  // No error difference: the police take the lead as if nobody led.
  absl::StatusOr<v1::LeadResponse> police_leads = l.Take(kPolice, police);
  ASSERT_TRUE(police_leads.ok()) << police_leads.status();
  EXPECT_TRUE(police_leads->changed());
  // A handover attempt by the police to the shelter: the same answer as for
  // an organisation with no signal at all.
  absl::StatusOr<v1::LeadResponse> to_hidden = l.HandOver(kPolice, police, kShelter);
  absl::StatusOr<v1::LeadResponse> to_absent = l.HandOver(kPolice, police, kReclassering);
  EXPECT_EQ(to_hidden.status().code(), to_absent.status().code());
  EXPECT_EQ(absl::StrReplaceAll(to_hidden.status().message(), {{kShelter, "X"}}),
            absl::StrReplaceAll(to_absent.status().message(), {{kReclassering, "X"}}));
  // The shelter may learn of the police's signal, so it hears who leads.
  std::vector<v1::Notification> shelter_told = l.NewLeads(kShelter);
  ASSERT_EQ(shelter_told.size(), 1u);
  EXPECT_EQ(shelter_told[0].lead().organisation_id(), kPolice);
  EXPECT_TRUE(l.New(kPolice).empty());
}

TEST_F(LeadTest, TheLeadLapsesWhenItsSignalClosesAndIsRetractedWhenItIsRevoked) {
  LeadStack& l = *leads_;
  const std::string police = l.Submit(kPolice, ValidSignal(104), "P-104");
  const std::string ggz = l.Submit(kGgz, ValidSignal(104), "G-104");
  ASSERT_TRUE(l.Take(kGgz, ggz).ok());
  l.Forget({kPolice, kGgz});
  ASSERT_TRUE(l.Close(kGgz, ggz).ok());
  std::vector<v1::Notification> lapsed = l.NewLeads(kPolice);
  ASSERT_EQ(lapsed.size(), 1u);
  EXPECT_EQ(lapsed[0].lead_event(), v1::LEAD_EVENT_LAPSED);
  EXPECT_EQ(lapsed[0].lead().organisation_id(), kGgz);
  EXPECT_EQ(lapsed[0].your_signal_id(), police);
  EXPECT_FALSE(l.Audit(v1::AUDIT_EVENT_TYPE_LEAD_LAPSED).empty());
  absl::StatusOr<v1::LeadResponse> next = l.Take(kPolice, police);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(next->changed());
  // A closed signal cannot lead.
  EXPECT_EQ(l.Take(kGgz, ggz).status().code(), absl::StatusCode::kFailedPrecondition);

  // Revoked: what was told of the lead is retracted, and nobody leads.
  const std::vector<v1::Notification> taken = l.NewLeads(kGgz);
  ASSERT_EQ(taken.size(), 1u) << "the closed signal is still live: GGZ hears who leads now";
  const std::string wijkteam = l.Submit(kWijkteam, ValidSignal(104), "W-104");
  l.Forget({kWijkteam});
  ASSERT_TRUE(l.Revoke(kPolice, police).ok());
  const std::vector<v1::Notification> after = l.New(kGgz);
  bool retracted = false;
  for (const v1::Notification& n : after) {
    EXPECT_NE(n.kind(), v1::NOTIFICATION_KIND_LEAD) << "a retraction, not a lapse";
    retracted |= n.kind() == v1::NOTIFICATION_KIND_RETRACTION &&
                 n.retracts_notification_id() == taken[0].notification_id();
  }
  EXPECT_TRUE(retracted);
  EXPECT_TRUE(l.Take(kWijkteam, wijkteam).ok()) << "nobody leads any more";
}

TEST_F(LeadTest, TheCoordinatorToldOfTheLeadsSignalIsToldWhoLeads) {
  LeadStack& l = *leads_;
  l.Forget({kCoordinator});
  l.Submit(kPolice, ValidSignal(105), "P-105");
  l.Submit(kGgz, ValidSignal(105), "G-105");
  const std::string wijkteam = l.Submit(kWijkteam, ValidSignal(105), "W-105");
  // One pattern notice naming all three signals (the lead's among them).
  const std::vector<v1::Notification> pattern = OfKind(l.New(kCoordinator), v1::NOTIFICATION_KIND_COORDINATION);
  ASSERT_EQ(pattern.size(), 1u);
  ASSERT_EQ(pattern[0].pattern_members_size(), 3);
  ASSERT_TRUE(l.Take(kWijkteam, wijkteam).ok());
  std::vector<v1::Notification> told = l.NewLeads(kCoordinator);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].lead().organisation_id(), kWijkteam);
  EXPECT_TRUE(told[0].your_signal_id().empty());
  ASSERT_EQ(told[0].basis().rule_ids_size(), 1);
  EXPECT_EQ(told[0].basis().rule_ids(0), "lead");
}

TEST_F(LeadTest, TheCliTakesAndHandsOverAndWatchSaysWhoLeads) {
  LeadStack& l = *leads_;
  const std::string police = l.Submit(kPolice, ValidSignal(106), "P-106");
  const std::string wijkteam = l.Submit(kWijkteam, ValidSignal(106), "W-106");
  l.Forget({kPolice, kWijkteam});
  const std::string out = stack_->Sub("lead-cli.out");
  ASSERT_TRUE(RunCommand(absl::StrCat(stack_->CliAs(kWijkteam), "lead take ", wijkteam, " > ", out)).ok());
  std::ifstream taken(out);
  std::stringstream text;
  text << taken.rdbuf();
  EXPECT_NE(text.str().find("lead taken: wijkteam-west leads since"), std::string::npos) << text.str();
  ASSERT_TRUE(RunCommand(absl::StrCat(stack_->CliAs(kPolice), "watch --once > ", out)).ok());
  std::ifstream watched(out);
  std::stringstream rows;
  rows << watched.rdbuf();
  EXPECT_NE(rows.str().find("LEAD TAKEN"), std::string::npos) << rows.str();
  EXPECT_NE(rows.str().find("wijkteam-west"), std::string::npos) << rows.str();
  EXPECT_NE(rows.str().find("Team Test"), std::string::npos) << rows.str();
  ASSERT_TRUE(
      RunCommand(absl::StrCat(stack_->CliAs(kWijkteam), "lead handover ", wijkteam, " --to ", kPolice, " > ", out)).ok());
  ASSERT_TRUE(RunCommand(absl::StrCat(stack_->CliAs(kPolice), "watch --once > ", out)).ok());
  std::ifstream handed(out);
  std::stringstream after;
  after << handed.rdbuf();
  EXPECT_NE(after.str().find("LEAD HANDED OVER (from wijkteam-west)"), std::string::npos) << after.str();
  // Refused: the CLI fails with the broker's reason.
  EXPECT_FALSE(RunCommand(absl::StrCat(stack_->CliAs(kWijkteam), "lead take ", wijkteam, " 2> ", out)).ok());
  std::ifstream refused(out);
  std::stringstream reason;
  reason << refused.rdbuf();
  EXPECT_NE(reason.str().find("politie-amsterdam leads for this person"), std::string::npos) << reason.str();
}

TEST_F(LeadTest, AReleaseTellsTheOthersAndALaterArrivalIsToldWhoLeads) {
  LeadStack& l = *leads_;
  const std::string police = l.Submit(kPolice, ValidSignal(107), "P-107");
  const std::string wijkteam = l.Submit(kWijkteam, ValidSignal(107), "W-107");
  ASSERT_TRUE(l.Take(kWijkteam, wijkteam).ok());
  l.Forget({kPolice, kWijkteam, kGgz});

  // GGZ becomes involved after the take: told who leads with its match.
  const std::string ggz = l.Submit(kGgz, ValidSignal(107), "G-107");
  std::vector<v1::Notification> told = l.NewLeads(kGgz);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].lead_event(), v1::LEAD_EVENT_TAKEN);
  EXPECT_EQ(told[0].your_signal_id(), ggz);
  EXPECT_EQ(told[0].lead().organisation_id(), kWijkteam);
  EXPECT_EQ(told[0].lead().contact().name(), "Team Test");
  EXPECT_TRUE(l.NewLeads(kPolice).empty()) << "the others knew already";

  // "You do not lead": one answer whether nobody or someone else leads.
  absl::StatusOr<v1::LeadResponse> not_mine = l.Release(kGgz, ggz);
  EXPECT_EQ(not_mine.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(not_mine.status().message().find(kWijkteam), std::string::npos) << not_mine.status();

  // The CLI releases; the team's signal stays open.
  const std::string out = stack_->Sub("lead-release.out");
  ASSERT_TRUE(RunCommand(absl::StrCat(stack_->CliAs(kWijkteam), "lead release ", wijkteam, " > ", out)).ok());
  std::ifstream released(out);
  std::stringstream text;
  text << released.rdbuf();
  EXPECT_NE(text.str().find("lead released: your organisation no longer leads since"), std::string::npos)
      << text.str();
  for (const auto& [org, own] : {std::pair{kPolice, police}, std::pair{kGgz, ggz}}) {
    std::vector<v1::Notification> after = l.NewLeads(org);
    ASSERT_EQ(after.size(), 1u) << org;
    EXPECT_EQ(after[0].lead_event(), v1::LEAD_EVENT_RELEASED) << org;
    EXPECT_EQ(after[0].your_signal_id(), own);
    EXPECT_EQ(after[0].lead().organisation_id(), kWijkteam);
  }
  absl::StatusOr<v1::LeadResponse> nobody = l.Release(kGgz, ggz);
  EXPECT_EQ(nobody.status(), not_mine.status()) << "the same answer now that nobody leads";
  EXPECT_EQ(l.Release(kWijkteam, wijkteam).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(RunCommand(absl::StrCat(stack_->CliAs(kPolice), "watch --once > ", out)).ok());
  std::ifstream watched(out);
  std::stringstream rows;
  rows << watched.rdbuf();
  EXPECT_NE(rows.str().find("LEAD RELEASED (nobody leads)"), std::string::npos) << rows.str();
  EXPECT_TRUE(l.Take(kGgz, ggz).ok()) << "nobody leads: another may take it";
  EXPECT_GE(l.Audit(v1::AUDIT_EVENT_TYPE_LEAD_RELEASED).size(), 3u) << "the act and one per notice";

  // A lead through a signal the newcomer may not learn of (protected)
  // tells it nothing.
  v1::Signal hidden = ValidSignal(108);
  hidden.set_protected_(true);
  const std::string shelter = l.Submit(kShelter, hidden, "S-108");
  ASSERT_TRUE(l.Take(kShelter, shelter).ok());
  l.Forget({kReclassering});
  l.Submit(kReclassering, ValidSignal(108), "R-108");
  EXPECT_TRUE(l.NewLeads(kReclassering).empty());
}

// Under an applied policy: no `lead:` section lets nobody lead; the example
// region lets care partners lead and not the police.
class LeadPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start().ok()); }

  void Apply(const std::string& yaml) {
    v1::ApplyPolicyRequest apply;
    apply.set_policy_yaml(yaml);
    apply.set_file_name("region.yaml");
    v1::PolicyVersion version;
    grpc::Status status = v1::PolicyAdminService::NewStub(stack_.BrokerChannelAs("privacy-officer"))
                              ->ApplyPolicy(Deadline().get(), apply, &version);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  DevStack stack_;
};

TEST_F(LeadPolicyTest, ThePolicyDecidesWhoMayLeadAndWhoIsTold) {
  std::ifstream in(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml");
  std::stringstream example;
  example << in.rdbuf();
  const std::string full = example.str();
  const size_t begin = full.find("\nlead:\n"), end = full.find("\nrules:\n");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  Apply(full.substr(0, begin) + full.substr(end));

  LeadStack l(&stack_);
  v1::Signal signal = ValidSignal(201);
  signal.set_category("housing_nuisance");
  const std::string police = l.Submit(kPolice, signal, "P-201");
  const std::string wijkteam = l.Submit(kWijkteam, signal, "W-201");
  v1::Signal pupil = signal;
  pupil.set_category("school_absence");
  l.Submit("school-de-horizon", pupil, "S-201");
  l.Forget({kPolice, kWijkteam, "school-de-horizon"});
  absl::StatusOr<v1::LeadResponse> nobody = l.Take(kWijkteam, wijkteam);
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(nobody.status().message().find("lets no organisation lead"), std::string::npos) << nobody.status();

  Apply(full);
  absl::StatusOr<v1::LeadResponse> police_lead = l.Take(kPolice, police);
  EXPECT_EQ(police_lead.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(police_lead.status().message().find("lead.may_lead"), std::string::npos) << police_lead.status();
  ASSERT_TRUE(l.Take(kWijkteam, wijkteam).ok());
  std::vector<v1::Notification> told = l.NewLeads(kPolice);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].lead().organisation_name(), "Buurtteam Amsterdam West");
  EXPECT_EQ(told[0].basis().rule_ids(0), "safety-partners-subject");
  EXPECT_TRUE(l.NewLeads("school-de-horizon").empty()) << "the example's informs leaves schools out";
  // The handover target must be allowed to lead too.
  EXPECT_EQ(l.HandOver(kWijkteam, wijkteam, kPolice).status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace samenloop::testing
