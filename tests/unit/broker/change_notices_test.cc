// Change notifications (issue 20 item 1) on a real RocksDB store: who is
// told that a signal closed, reopened, escalated or changed a field, at
// which level, under which rule, and what happens to such a notice when
// the disclosure is no longer allowed or the signal is revoked.

#include <sodium.h>

#include <algorithm>

#include "broker/core/schema.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "policy/rule_policy.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::AuditEventsOfType;
using testing::kGgz;
using testing::kPolice;
using testing::kWijkteam;
using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

const CallerIdentity kSchool{"school-de-horizon", Role::kOrg, "school"};

// The school's signals are disclosed at three levels: details to the
// police (told of escalations, severity, category and contact), category to
// GGZ (the default changes), existence to the local team (no changes).
constexpr char kLevelsPolicy[] = R"yaml(version: "changes-1"
organisation_kinds: [police, ggz, local_team, school]
organisations:
  - { id: politie-amsterdam, kind: police }
  - { id: ggz-inforsa, kind: ggz }
  - { id: wijkteam-west, kind: local_team }
  - { id: school-de-horizon, kind: school }
categories:
  - { id: housing_nuisance, active: 1y, visible: 1y }
  - { id: school_absence, active: 1y, visible: 1y }
legal_bases:
  - { id: task, citation: "AVG art. 6(1)(e)" }
rules:
  - { id: police-details, effect: permit, recipient: { kinds: [police] }, source: { kinds: [school] },
      level: details, legal_basis: task, notify_changes: [escalated, severity, category, contact] }
  - { id: ggz-category, effect: permit, recipient: { kinds: [ggz] }, source: { kinds: [school] },
      level: category, legal_basis: task }
  - { id: team-existence, effect: permit, recipient: { kinds: [local_team] }, source: { kinds: [school] },
      level: existence_and_contact, legal_basis: task, notify_changes: [] }
  - { id: police-open-only, effect: permit, recipient: { kinds: [police] }, source: { kinds: [ggz] },
      status: open, level: existence_and_contact, legal_basis: task }
)yaml";

class ChangeNoticesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
  }

  void Open(std::shared_ptr<const policy::DisclosurePolicy> policy) {
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), std::move(policy), &hub_);
  }
  void OpenWithLevelsPolicy() {
    policy::LoadedPolicy loaded = policy::LoadPolicy(kLevelsPolicy, "changes.yaml");
    ASSERT_NE(loaded.policy, nullptr);
    Open(loaded.policy);
  }

  std::string Submit(const CallerIdentity& caller, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->results(0).code(), 0) << response->results(0).message();
    return response->results(0).signal_id();
  }
  void Close(const CallerIdentity& caller, const std::string& id) {
    v1::CloseSignalRequest request;
    request.set_signal_id(id);
    ASSERT_TRUE(ledger_->signals().Close(caller, request).ok());
  }
  void Reopen(const CallerIdentity& caller, const std::string& id) {
    v1::ReopenSignalRequest request;
    request.set_signal_id(id);
    ASSERT_TRUE(ledger_->signals().Reopen(caller, request).ok());
  }
  // Acute, another category and another number to call, in one update.
  void Escalate(const CallerIdentity& caller, const std::string& id) {
    v1::UpdateSignalRequest request;
    request.set_signal_id(id);
    request.mutable_signal()->set_severity(v1::SEVERITY_ACUTE);
    request.mutable_signal()->set_category("school_absence");
    request.mutable_signal()->mutable_contact()->set_name("Crisisdienst");
    for (const char* path : {"severity", "category", "contact"}) request.mutable_update_mask()->add_paths(path);
    absl::StatusOr<v1::Signal> updated = ledger_->signals().Update(caller, request);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }
  std::vector<v1::Notification> Outbox(const CallerIdentity& caller) {
    return *ledger_->outbox().ReadOutbox(caller.organisation_id, 0, 1000);
  }
  std::vector<v1::Notification> Deliver(const CallerIdentity& caller) {
    uint64_t next = 0;
    return *ledger_->outbox().ReleaseOutbox(caller.organisation_id, 0, 1000, &next);
  }
  static std::vector<v1::Notification> OfKind(const std::vector<v1::Notification>& all, v1::NotificationKind kind) {
    std::vector<v1::Notification> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out),
                 [kind](const v1::Notification& n) { return n.kind() == kind; });
    return out;
  }
  static std::vector<int> Changes(const v1::Notification& n) { return {n.changes().begin(), n.changes().end()}; }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(ChangeNoticesTest, ClosingTellsTheOrganisationsToldOfTheSignalThatItLetGo) {
  Open(policy::MakeBuiltinDefaultPolicy());
  const v1::Pseudonym m = RandomPseudonym();
  const std::string police = Submit(kPolice, ValidSignal(m), "p-1");
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  Submit(kWijkteam, ValidSignal(RandomPseudonym()), "w-1");  // another person: told of nothing
  Close(kPolice, police);

  const std::vector<v1::Notification> told = Outbox(kGgz);
  ASSERT_EQ(told.size(), 2u);
  const v1::Notification& change = told[1];
  EXPECT_EQ(change.kind(), v1::NOTIFICATION_KIND_CHANGE);
  EXPECT_EQ(Changes(change), std::vector<int>{v1::SIGNAL_CHANGE_CLOSED});
  EXPECT_EQ(change.follows_notification_id(), told[0].notification_id());
  EXPECT_EQ(change.your_signal_id(), ggz);
  EXPECT_EQ(change.other().organisation_id(), kPolice.organisation_id);
  EXPECT_EQ(change.other().contact().name(), "Team Noord");
  EXPECT_EQ(change.disclosure_level(), v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  EXPECT_EQ(change.other().status(), v1::SIGNAL_STATUS_UNSPECIFIED) << "status is a details field";
  EXPECT_EQ(change.basis().rule_ids(0), "builtin.subject-match");
  // The police learn nothing by closing their own signal; the local team,
  // never told of it, hears nothing of its change.
  EXPECT_EQ(Outbox(kPolice).size(), 1u);
  EXPECT_TRUE(Outbox(kWijkteam).empty());
  // The disclosure is a decision in the audit log, with the notice's id.
  bool audited = false;
  for (const v1::AuditEvent& e : AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_MATCH_DECISION)) {
    audited = audited || e.notification_id() == change.notification_id();
  }
  EXPECT_TRUE(audited);
}

TEST_F(ChangeNoticesTest, ReopenTellsOthersItReopenedAndItsOwnOrganisationAgain) {
  Open(policy::MakeBuiltinDefaultPolicy());
  const v1::Pseudonym m = RandomPseudonym();
  const std::string police = Submit(kPolice, ValidSignal(m), "p-1");
  Submit(kGgz, ValidSignal(m), "g-1");
  Close(kPolice, police);
  Reopen(kPolice, police);
  const std::vector<v1::Notification> ggz = Outbox(kGgz);
  ASSERT_EQ(ggz.size(), 3u);
  EXPECT_EQ(Changes(ggz[1]), std::vector<int>{v1::SIGNAL_CHANGE_CLOSED});
  EXPECT_EQ(Changes(ggz[2]), std::vector<int>{v1::SIGNAL_CHANGE_REOPENED});
  EXPECT_NE(ggz[1].notification_id(), ggz[2].notification_id());
  // The police, reopening, are told again of GGZ's signal (a new match id).
  const std::vector<v1::Notification> own = Outbox(kPolice);
  ASSERT_EQ(own.size(), 2u);
  EXPECT_EQ(own[1].kind(), v1::NOTIFICATION_KIND_MATCH);
  EXPECT_NE(own[0].notification_id(), own[1].notification_id());
}

TEST_F(ChangeNoticesTest, EachRecipientHearsOnlyTheChangesItsRuleNotifiesAndItsLevelShows) {
  OpenWithLevelsPolicy();
  const v1::Pseudonym child = RandomPseudonym();
  const std::string school = Submit(kSchool, ValidSignal(child, "housing_nuisance"), "s-1");
  Submit(kPolice, ValidSignal(child), "p-1");
  Submit(kGgz, ValidSignal(child), "g-1");
  Submit(kWijkteam, ValidSignal(child), "w-1");
  Escalate(kSchool, school);

  // Details, with escalation, severity, category and contact notified.
  std::vector<v1::Notification> police = OfKind(Outbox(kPolice), v1::NOTIFICATION_KIND_CHANGE);
  ASSERT_EQ(police.size(), 1u);
  EXPECT_EQ(Changes(police[0]), (std::vector<int>{v1::SIGNAL_CHANGE_ESCALATED, v1::SIGNAL_CHANGE_SEVERITY,
                                                  v1::SIGNAL_CHANGE_CATEGORY, v1::SIGNAL_CHANGE_CONTACT}));
  EXPECT_EQ(police[0].other().severity(), v1::SEVERITY_ACUTE);
  EXPECT_EQ(police[0].other().category(), "school_absence");
  EXPECT_EQ(police[0].basis().rule_ids(0), "police-details");
  // Category level with the default changes: the escalation is not shown
  // at this level and a category change is not a default, so only the
  // contact; the notice shows no severity.
  std::vector<v1::Notification> ggz = OfKind(Outbox(kGgz), v1::NOTIFICATION_KIND_CHANGE);
  ASSERT_EQ(ggz.size(), 1u);
  EXPECT_EQ(Changes(ggz[0]), std::vector<int>{v1::SIGNAL_CHANGE_CONTACT});
  EXPECT_EQ(ggz[0].other().severity(), v1::SEVERITY_UNSPECIFIED);
  EXPECT_EQ(ggz[0].other().contact().name(), "Crisisdienst");
  // A rule that notifies no changes.
  EXPECT_TRUE(OfKind(Outbox(kWijkteam), v1::NOTIFICATION_KIND_CHANGE).empty());
  EXPECT_EQ(Outbox(kWijkteam).size(), 1u);
}

TEST_F(ChangeNoticesTest, ANoticeNoLongerAllowedIsWithdrawnWithTheMatchBeforeDelivery) {
  OpenWithLevelsPolicy();
  const v1::Pseudonym m = RandomPseudonym();
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  Submit(kPolice, ValidSignal(m), "p-1");
  v1::UpdateSignalRequest update;
  update.set_signal_id(ggz);
  update.mutable_signal()->mutable_contact()->set_name("Team Zuid");
  update.mutable_update_mask()->add_paths("contact");
  ASSERT_TRUE(ledger_->signals().Update(kGgz, update).ok());
  ASSERT_EQ(Outbox(kPolice).size(), 2u);
  // The police may learn of GGZ's open signals only: once it closes, what
  // they have not received yet never goes out, the change notice included.
  Close(kGgz, ggz);
  EXPECT_TRUE(Outbox(kPolice).empty());
  EXPECT_EQ(AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_NOTIFICATION_WITHDRAWN).size(), 2u);
}

TEST_F(ChangeNoticesTest, RevokingRetractsTheMatchOnceNotEachChange) {
  Open(policy::MakeBuiltinDefaultPolicy());
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  Close(kGgz, ggz);
  Reopen(kGgz, ggz);
  ASSERT_EQ(Deliver(kPolice).size(), 3u);
  v1::RevokeSignalRequest revoke;
  revoke.set_signal_id(ggz);
  revoke.set_reason_class(v1::REVOCATION_REASON_WRONG_PERSON);
  ASSERT_TRUE(ledger_->signals().Revoke(kGgz, revoke).ok());
  const std::vector<v1::Notification> all = Outbox(kPolice);
  const std::vector<v1::Notification> retractions = OfKind(all, v1::NOTIFICATION_KIND_RETRACTION);
  ASSERT_EQ(retractions.size(), 1u);
  EXPECT_EQ(retractions[0].retracts_notification_id(), all[0].notification_id());
}

TEST_F(ChangeNoticesTest, AnUpdateThatChangesNothingShownTellsNothing) {
  Open(policy::MakeBuiltinDefaultPolicy());
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  v1::UpdateSignalRequest update;
  update.set_signal_id(ggz);
  update.mutable_signal()->set_local_reference("case-2");  // never disclosed
  update.mutable_signal()->set_severity(v1::SEVERITY_LOW);  // lowered: not an escalation
  update.mutable_update_mask()->add_paths("local_reference");
  update.mutable_update_mask()->add_paths("severity");
  ASSERT_TRUE(ledger_->signals().Update(kGgz, update).ok());
  EXPECT_EQ(Outbox(kPolice).size(), 1u);
}

}  // namespace
}  // namespace samenloop::broker
