// Releasing a lead and telling latecomers who leads (issue 20 item 4) on a
// real RocksDB store: ReleaseLead ends the lead while the signal stays open
// and tells those who would hear of a lapse (RELEASED), audited; "you do not
// lead" is one answer whether nobody or someone else leads. An organisation
// whose signal arrives (or is reopened) after the lead was taken is told who
// leads in that write, through the same pair decision as every lead notice:
// a lead on a signal it may not learn of (protected) tells it nothing.

#include "absl/strings/str_replace.h"
#include "storage/keys.h"
#include "tests/unit/broker/ledger_fixture.h"

namespace samenloop::broker {
namespace {

using testing::AuditEventsOfType;
using testing::kGgz;
using testing::kPolice;
using testing::kWijkteam;
using testing::RandomPseudonym;
using testing::ValidSignal;

const CallerIdentity kSchool{"school", Role::kOrg, "school"};
const CallerIdentity kShelter{"shelter", Role::kOrg, "shelter"};

// Partners learn of each other's unprotected signals on a person or its
// household; schools learn of partners but nobody learns of a school's
// signal; the shelter's signals are protected (no permit includes them).
// Care partners may lead; every partner and school is told. The safety
// house coordinates three organisations on a person.
constexpr char kPolicy[] = R"yaml(version: "leads"
organisation_kinds: [police, ggz, local_team, school, shelter, safety_house]
organisations:
  - { id: politie-amsterdam, kind: police }
  - { id: ggz-inforsa, kind: ggz }
  - { id: wijkteam-west, kind: local_team }
  - { id: school, kind: school }
  - { id: shelter, kind: shelter }
  - { id: politie-2, kind: police }
  - { id: zvh, kind: safety_house }
categories:
  - { id: housing_nuisance, active: 1y, visible: 2y }
legal_bases:
  - { id: convenant, citation: "AVG art. 6(1)(e)" }
lead:
  may_lead: { kinds: [ggz, local_team, shelter] }
  legal_basis: convenant
rules:
  - id: partners
    effect: permit
    recipient: { kinds: [police, ggz, local_team, school, shelter] }
    source: { kinds: [police, ggz, local_team, shelter] }
    match: [subject, household]
    level: existence_and_contact
    legal_basis: convenant
coordination:
  - { id: three, coordinator: zvh, legal_basis: convenant, min_organisations: 3, window: 1y }
)yaml";

class LeadReleaseTest : public testing::LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    StartWith(PolicyText());
  }
  virtual std::string PolicyText() const { return kPolicy; }
  std::vector<v1::Notification> Leads(const std::string& recipient) {
    std::vector<v1::Notification> out;
    for (const v1::Notification& n : Outbox(recipient)) {
      if (n.kind() == v1::NOTIFICATION_KIND_LEAD) out.push_back(n);
    }
    return out;
  }
  absl::StatusOr<v1::LeadResponse> Take(const CallerIdentity& caller, const std::string& id) {
    v1::TakeLeadRequest request;
    request.set_signal_id(id);
    return ledger_->leads().Take(caller, request);
  }
  absl::StatusOr<v1::LeadResponse> Release(const CallerIdentity& caller, const std::string& id) {
    v1::ReleaseLeadRequest request;
    request.set_signal_id(id);
    return ledger_->leads().Release(caller, request);
  }
  size_t LeadRecords() {
    size_t count = 0;
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kPairDecisions);
    for (it->Seek("lead/"); it->Valid() && it->key().starts_with("lead/"); it->Next()) ++count;
    return count;
  }

  const v1::Pseudonym m_ = RandomPseudonym(), child_ = RandomPseudonym();
};

TEST_F(LeadReleaseTest, ReleasingTellsThoseToldOfALapseAndTheSignalStaysOpen) {
  const std::string police = Submit(kPolice, ValidSignal(m_), "police-1");
  const std::string team = Submit(kWijkteam, ValidSignal(m_), "team-1");
  ASSERT_TRUE(Take(kWijkteam, team).ok());
  ASSERT_EQ(Leads("politie-amsterdam").size(), 1u);

  absl::StatusOr<v1::LeadResponse> released = Release(kWijkteam, team);
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_TRUE(released->changed());
  EXPECT_TRUE(released->lead_organisation().empty());
  EXPECT_TRUE(released->lead_signal_id().empty());
  EXPECT_EQ(LeadRecords(), 0u) << "nothing about the person's lead stays";

  const std::vector<v1::Notification> told = Leads("politie-amsterdam");
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].lead_event(), v1::LEAD_EVENT_RELEASED);
  EXPECT_EQ(told[1].lead().organisation_id(), "wijkteam-west");
  EXPECT_EQ(told[1].lead().contact().name(), "team-1") << "who led, and how to reach them";
  EXPECT_EQ(told[1].your_signal_id(), police);
  EXPECT_EQ(told[1].disclosure_level(), v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  EXPECT_NE(told[1].notification_id(), told[0].notification_id());
  EXPECT_TRUE(Leads("wijkteam-west").empty()) << "the caller is answered, not notified";

  // The signal stays open: the team can lead again, and so can another.
  absl::StatusOr<v1::Signal> team_signal = ledger_->signals().Get(kWijkteam, team);
  ASSERT_TRUE(team_signal.ok());
  EXPECT_EQ(team_signal->status(), v1::SIGNAL_STATUS_OPEN);
  const std::string ggz = Submit(kGgz, ValidSignal(m_), "ggz-1");
  EXPECT_TRUE(Take(kGgz, ggz).ok()) << "nobody leads";

  const std::vector<v1::AuditEvent> audited = AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_LEAD_RELEASED);
  ASSERT_EQ(audited.size(), 2u) << "the act and the police's notice";
  EXPECT_EQ(audited[0].actor_organisation(), "wijkteam-west");
  for (const v1::AuditEvent& event : audited) {
    EXPECT_EQ(event.DebugString().find("team-1"), std::string::npos) << "no contact in an audit body";
  }
}

TEST_F(LeadReleaseTest, NotLeadingIsOneAnswerWhetherNobodyOrSomeoneElseLeads) {
  const std::string ggz = Submit(kGgz, ValidSignal(m_), "ggz-1");
  const std::string team = Submit(kWijkteam, ValidSignal(m_), "team-1");
  absl::StatusOr<v1::LeadResponse> nobody = Release(kWijkteam, team);
  ASSERT_TRUE(Take(kGgz, ggz).ok());
  absl::StatusOr<v1::LeadResponse> someone = Release(kWijkteam, team);
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(someone.status(), nobody.status());
  EXPECT_EQ(someone.status().message().find("ggz"), std::string::npos) << someone.status();
  // A closed signal is not one to release through.
  v1::CloseSignalRequest close;
  close.set_signal_id(team);
  ASSERT_TRUE(ledger_->signals().Close(kWijkteam, close).ok());
  EXPECT_EQ(Release(kWijkteam, team).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Release(kPolice, ggz).status().code(), absl::StatusCode::kNotFound) << "another's signal looks missing";
  EXPECT_TRUE(AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_LEAD_RELEASED).empty());
}

TEST_F(LeadReleaseTest, ReleasingThroughAnotherOwnSignalOnThePersonEndsTheLead) {
  Submit(kPolice, ValidSignal(m_), "police-1");
  const std::string first = Submit(kWijkteam, ValidSignal(m_), "team-1");
  v1::Signal second_signal = ValidSignal(m_);
  const std::string second = Submit(kWijkteam, second_signal, "team-2");
  ASSERT_TRUE(Take(kWijkteam, first).ok());
  ASSERT_TRUE(Release(kWijkteam, second).ok());
  const std::vector<v1::Notification> told = Leads("politie-amsterdam");
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].lead_event(), v1::LEAD_EVENT_RELEASED);
  EXPECT_EQ(told[1].lead().contact().name(), "team-1") << "the signal it led through";
}

TEST_F(LeadReleaseTest, ASignalArrivingAfterTheTakeIsToldWhoLeadsInTheSameWrite) {
  Submit(kPolice, ValidSignal(m_), "police-1");
  const std::string team = Submit(kWijkteam, ValidSignal(m_), "team-1");
  ASSERT_TRUE(Take(kWijkteam, team).ok());

  const std::string ggz = Submit(kGgz, ValidSignal(m_), "ggz-1");
  std::vector<v1::Notification> told = Leads("ggz-inforsa");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].lead_event(), v1::LEAD_EVENT_TAKEN);
  EXPECT_EQ(told[0].your_signal_id(), ggz);
  EXPECT_EQ(told[0].lead().organisation_id(), "wijkteam-west");
  EXPECT_EQ(told[0].lead().contact().name(), "team-1");
  EXPECT_TRUE(told[0].lead().category().empty()) << "existence and contact only";
  ASSERT_EQ(told[0].basis().rule_ids_size(), 1);
  EXPECT_EQ(told[0].basis().rule_ids(0), "partners") << "the decision that lets it learn of the lead's signal";
  // After the match notice about the lead's signal, in one write.
  const std::vector<v1::Notification> all = Outbox("ggz-inforsa");
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all.back().kind(), v1::NOTIFICATION_KIND_LEAD);
  EXPECT_EQ(Leads("politie-amsterdam").size(), 1u) << "the others are not told again";

  // Through the household too: a signal on the child naming M as parent.
  const std::string school = Submit(kSchool, Related(ValidSignal(child_), m_, v1::RELATION_PARENT), "school-1");
  told = Leads("school");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].your_signal_id(), school);
  EXPECT_EQ(told[0].lead().organisation_id(), "wijkteam-west");

  // Released: a newcomer hears of no lead.
  ASSERT_TRUE(Release(kWijkteam, team).ok());
  const CallerIdentity other_police{"politie-2", Role::kOrg, "police"};
  Submit(other_police, ValidSignal(m_), "police-2");
  EXPECT_TRUE(Leads("politie-2").empty());

  const std::vector<v1::AuditEvent> taken = AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_LEAD_TAKEN);
  bool newcomer = false;
  for (const v1::AuditEvent& event : taken) {
    newcomer |= event.recipient_organisation() == "ggz-inforsa" &&
                event.reason().find("arrived after the lead was taken") != std::string::npos;
  }
  EXPECT_TRUE(newcomer) << "each newcomer's notice is audited";
}

TEST_F(LeadReleaseTest, ACoordinatorFirstToldOfTheLeadsSignalByAPatternIsToldWhoLeads) {
  Submit(kPolice, ValidSignal(m_), "police-1");
  const std::string team = Submit(kWijkteam, ValidSignal(m_), "team-1");
  ASSERT_TRUE(Take(kWijkteam, team).ok());
  EXPECT_TRUE(Leads("zvh").empty()) << "no pattern yet: the coordinator knows of no signal";

  // The third organisation forms the pattern: the safety house is told of
  // the team's signal now, and so of its lead, in the same write.
  Submit(kGgz, ValidSignal(m_), "ggz-1");
  std::vector<v1::Notification> told = Leads("zvh");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].lead_event(), v1::LEAD_EVENT_TAKEN);
  EXPECT_EQ(told[0].lead().organisation_id(), "wijkteam-west");
  EXPECT_TRUE(told[0].your_signal_id().empty());
  ASSERT_EQ(told[0].basis().rule_ids_size(), 1);
  EXPECT_EQ(told[0].basis().rule_ids(0), "lead");
  const std::vector<v1::Notification> all = Outbox("zvh");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind(), v1::NOTIFICATION_KIND_COORDINATION) << "the pattern first, then who leads";

  // A fourth joins the pattern it already follows: not told again.
  const CallerIdentity other_police{"politie-2", Role::kOrg, "police"};
  Submit(other_police, ValidSignal(m_), "police-2");
  EXPECT_EQ(Leads("zvh").size(), 1u);
  EXPECT_EQ(Leads("politie-2").size(), 1u) << "the newcomer itself is told";
}

TEST_F(LeadReleaseTest, ANewcomerThatMayNotLearnOfTheLeadsSignalObservesNothing) {
  // The shelter leads through a protected signal nobody may learn of. A
  // newcomer's outbox must be exactly what it is without that lead.
  Submit(kGgz, ValidSignal(m_), "ggz-1");
  v1::Signal hidden = ValidSignal(m_);
  hidden.set_protected_(true);
  const std::string shelter = Submit(kShelter, hidden, "shelter-1");
  ASSERT_TRUE(Take(kShelter, shelter).ok());
  Submit(kWijkteam, ValidSignal(m_), "team-1");
  EXPECT_TRUE(Leads("wijkteam-west").empty());
  size_t with_lead = Outbox("wijkteam-west").size();

  // The same world, without the shelter's lead: the same outbox size.
  const v1::Pseudonym other = RandomPseudonym();
  Submit(kGgz, ValidSignal(other), "ggz-2");
  v1::Signal hidden_too = ValidSignal(other);
  hidden_too.set_protected_(true);
  Submit(kShelter, hidden_too, "shelter-2");
  const size_t before = Outbox("wijkteam-west").size();
  Submit(kWijkteam, ValidSignal(other), "team-2");
  EXPECT_EQ(Outbox("wijkteam-west").size() - before, with_lead);
}

class LeadInformsTest : public LeadReleaseTest {
 protected:
  std::string PolicyText() const override {
    return absl::StrReplaceAll(kPolicy, {{"  legal_basis: convenant\nrules:",
                                          "  informs: { kinds: [ggz] }\n  legal_basis: convenant\nrules:"}});
  }
};

TEST_F(LeadInformsTest, InformsNarrowsTheNewcomers) {
  const std::string team = Submit(kWijkteam, ValidSignal(m_), "team-1");
  ASSERT_TRUE(Take(kWijkteam, team).ok());
  Submit(kPolice, ValidSignal(m_), "police-1");
  Submit(kGgz, ValidSignal(m_), "ggz-1");
  EXPECT_TRUE(Leads("politie-amsterdam").empty()) << "informs leaves the police out";
  EXPECT_EQ(Leads("ggz-inforsa").size(), 1u);
}

TEST_F(LeadReleaseTest, AReopenedSignalIsToldWhoLeads) {
  const std::string police = Submit(kPolice, ValidSignal(m_), "police-1");
  v1::CloseSignalRequest close;
  close.set_signal_id(police);
  ASSERT_TRUE(ledger_->signals().Close(kPolice, close).ok());
  const std::string team = Submit(kWijkteam, ValidSignal(m_), "team-1");
  ASSERT_TRUE(Take(kWijkteam, team).ok());
  ASSERT_EQ(Leads("politie-amsterdam").size(), 1u) << "a closed signal is still live: told at the take";
  v1::ReopenSignalRequest reopen;
  reopen.set_signal_id(police);
  ASSERT_TRUE(ledger_->signals().Reopen(kPolice, reopen).ok());
  const std::vector<v1::Notification> told = Leads("politie-amsterdam");
  ASSERT_EQ(told.size(), 2u) << "back and told of the others again: also who leads";
  EXPECT_EQ(told[1].lead_event(), v1::LEAD_EVENT_TAKEN);
  EXPECT_EQ(told[1].lead().organisation_id(), "wijkteam-west");
  EXPECT_NE(told[1].notification_id(), told[0].notification_id());
  bool audited = false;
  for (const v1::AuditEvent& event : AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_LEAD_TAKEN)) {
    audited |= event.notification_id() == told[1].notification_id() &&
               event.reason().find("reopened after the lead was taken") != std::string::npos;
  }
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace samenloop::broker
