// The ledger with an applied policy and the consent registry, on a real
// RocksDB store: apply and re-evaluation (#5), consent release, objection,
// withdrawal and expiry (#6), each with what the audit log records.

#include <sodium.h>

#include "broker/core/schema.h"
#include "storage/keys.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "policy/rule_policy.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::TestSecret;
using testing::kGgz;
using testing::kPolice;
using testing::kWijkteam;
using testing::ValidSignal;

const CallerIdentity kSchool{"school-de-horizon", Role::kOrg, "school"};
const CallerIdentity kOfficer{"fg-regio", Role::kPrivacyOfficer, ""};

// Police and GGZ learn of each other (existence); the police also of the
// category with GGZ's own signals forbidden to the school; the school learns
// of the local team's involvement with consent.
constexpr char kPolicyHead[] = R"yaml(version: "test-1"
organisation_kinds: [police, ggz, local_team, school]
organisations:
  - { id: politie-amsterdam, kind: police }
  - { id: ggz-inforsa, kind: ggz }
  - { id: wijkteam-west, kind: local_team }
  - { id: school-de-horizon, kind: school }
categories:
  - { id: housing_nuisance, active: 1y, visible: 1y }
  - { id: psychiatric_concern, active: 1y, visible: 1y }
  - { id: school_absence, active: 1y, visible: 1y }
legal_bases:
  - { id: task, citation: "AVG art. 6(1)(e)" }
  - { id: consent, citation: "AVG art. 6(1)(a)" }
rules:
  - { id: partners, effect: permit, recipient: { kinds: [police, ggz] }, source: { kinds: [police, ggz] },
      level: existence_and_contact, legal_basis: task, objection: does_not_stop }
  - { id: school-with-consent, effect: permit, recipient: { kinds: [school] }, source: { kinds: [local_team] },
      level: existence_and_contact, legal_basis: consent, consent: required }
)yaml";

class PolicyConsentLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    Open(policy::MakeBuiltinDefaultPolicy());
  }

  void Open(std::shared_ptr<const policy::DisclosurePolicy> fallback) {
    ledger_.reset();
    store_.reset();
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> policy = StartupPolicy(*store_, fallback);
    ASSERT_TRUE(policy.ok()) << policy.status();
    LedgerOptions options;
    options.clock = [this] { return now_; };
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), *policy, &hub_, options);
  }

  absl::StatusOr<ReevaluationResult> Apply(const std::string& yaml, const std::string& expected = "") {
    policy::LoadedPolicy loaded = policy::LoadPolicy(yaml, "test.yaml");
    EXPECT_NE(loaded.policy, nullptr);
    storage::PolicyRecord record;
    record.set_policy_yaml(yaml);
    record.set_version_hash(loaded.policy->Version());
    record.set_declared_version(loaded.policy->document().version);
    record.set_file_name("test.yaml");
    return ledger_->policy().Apply(kOfficer, loaded.policy, record, expected);
  }

  v1::SubmitSignalResult Submit(const CallerIdentity& caller, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response->results(0);
  }

  // What the recipient has been told: its outbox as a Subscribe stream
  // releases it (a released notification stays told; one not yet released
  // is withdrawn when its disclosure is no longer allowed).
  std::vector<v1::Notification> Outbox(const CallerIdentity& caller) {
    uint64_t next = 0;
    return *ledger_->outbox().ReleaseOutbox(caller.organisation_id, 0, 1000, &next);
  }

  std::vector<v1::AuditEvent> AuditOfType(v1::AuditEventType type) { return testing::AuditEventsOfType(*store_, type); }

  v1::ConsentRecord Record(const v1::Pseudonym& subject, v1::ConsentKind kind) {
    v1::ConsentRecord r;
    *r.mutable_subject() = subject;
    r.set_kind(kind);
    r.set_given_by(v1::CONSENT_GIVER_SUBJECT);
    return r;
  }

  absl::Time now_ = absl::FromCivil(absl::CivilDay(2026, 11, 23), absl::UTCTimeZone());
  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(PolicyConsentLedgerTest, ApplyingAWiderPolicyNotifiesOnlyTheChangedPairsAndAuditsOnlyChanges) {
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  Submit(kGgz, ValidSignal(m, "psychiatric_concern"), "g-1");
  ASSERT_EQ(Outbox(kPolice).size(), 1u);  // built-in: existence and contact
  const size_t decisions_before = AuditOfType(v1::AUDIT_EVENT_TYPE_MATCH_DECISION).size();

  // Same access for GGZ; the police now also learn the category.
  std::string yaml = kPolicyHead;
  yaml += "  - { id: police-category, effect: permit, recipient: { kinds: [police] }, level: category, "
          "legal_basis: task }\n";
  absl::StatusOr<ReevaluationResult> result = Apply(yaml);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->pairs_changed, 1u);
  EXPECT_EQ(result->notifications, 1u);

  std::vector<v1::Notification> police = Outbox(kPolice);
  ASSERT_EQ(police.size(), 2u);
  EXPECT_EQ(police[1].disclosure_level(), v1::DISCLOSURE_LEVEL_CATEGORY);
  EXPECT_EQ(police[1].other().category(), "psychiatric_concern");
  EXPECT_EQ(police[1].basis().rule_ids(0), "police-category");
  EXPECT_EQ(police[1].basis().policy_version(), ledger_->policy().Current()->Version());
  EXPECT_NE(police[1].notification_id(), police[0].notification_id());
  EXPECT_EQ(Outbox(kGgz).size(), 1u) << "an unchanged decision is not notified again";
  EXPECT_EQ(AuditOfType(v1::AUDIT_EVENT_TYPE_MATCH_DECISION).size(), decisions_before + 1);
  std::vector<v1::AuditEvent> applied = AuditOfType(v1::AUDIT_EVENT_TYPE_POLICY_APPLIED);
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].basis().policy_version(), ledger_->policy().Current()->Version());
  EXPECT_EQ(applied[0].actor_organisation(), "fg-regio");
}

TEST_F(PolicyConsentLedgerTest, ANarrowerPolicyUntellsNothingButAuditsTheChange) {
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  Submit(kWijkteam, ValidSignal(m), "w-1");
  ASSERT_EQ(Outbox(kPolice).size(), 1u);  // built-in allows any two organisations
  ASSERT_TRUE(Apply(kPolicyHead).ok());   // police and local team are no partners here
  EXPECT_EQ(Outbox(kPolice).size(), 1u) << "what was told stays told";
  std::vector<v1::AuditEvent> decisions = AuditOfType(v1::AUDIT_EVENT_TYPE_MATCH_DECISION);
  ASSERT_GE(decisions.size(), 2u);
  EXPECT_EQ(decisions.back().outcome(), v1::DECISION_OUTCOME_DENY);
  EXPECT_EQ(decisions.back().basis().rule_ids(0), policy::kDefaultDenyRule);
  // A new signal is decided under the new policy at once.
  Submit(kGgz, ValidSignal(m), "g-1");
  EXPECT_EQ(Outbox(kPolice).size(), 2u);
  // The local team had not been told yet (nothing released on a stream):
  // under the new policy it may not learn of the police signal, so that
  // notification was withdrawn, and audited, instead of delivered late.
  EXPECT_EQ(Outbox(kWijkteam).size(), 0u);
  std::vector<v1::AuditEvent> withdrawn = AuditOfType(v1::AUDIT_EVENT_TYPE_NOTIFICATION_WITHDRAWN);
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_EQ(withdrawn[0].recipient_organisation(), "wijkteam-west");
}

TEST_F(PolicyConsentLedgerTest, AnOutdatedExpectedVersionChangesNothing) {
  const std::string before = ledger_->policy().Current()->Version();
  absl::StatusOr<ReevaluationResult> result = Apply(kPolicyHead, "0000");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->policy().Current()->Version(), before);
  EXPECT_TRUE(AuditOfType(v1::AUDIT_EVENT_TYPE_POLICY_APPLIED).empty());
  EXPECT_TRUE(absl::IsNotFound(ledger_->policy().ActiveRecord().status()));
  EXPECT_TRUE(Apply(kPolicyHead, before).ok());
}

TEST_F(PolicyConsentLedgerTest, TheAppliedPolicySurvivesARestartAndItsHistoryIsKept) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  std::string second = kPolicyHead;
  second.replace(second.find("test-1"), 6, "test-2");
  ASSERT_TRUE(Apply(second).ok());
  const std::string version = ledger_->policy().Current()->Version();
  Open(policy::MakeBuiltinDefaultPolicy());
  EXPECT_EQ(ledger_->policy().Current()->Version(), version);
  absl::StatusOr<std::vector<storage::PolicyRecord>> history = ledger_->policy().History();
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].declared_version(), "test-1");
  EXPECT_EQ((*history)[1].declared_version(), "test-2");
  EXPECT_EQ((*history)[1].applied_by(), "fg-regio");
}

TEST_F(PolicyConsentLedgerTest, ReevaluationACrashInterruptedResumesAtStart) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  Submit(kWijkteam, ValidSignal(m), "w-1");
  ASSERT_TRUE(Outbox(kPolice).empty());
  // As if the broker died right after the first write of an apply: the new
  // policy and the marker are stored, no pair has been decided again.
  std::string yaml = kPolicyHead;
  yaml += "  - { id: all, effect: permit, level: existence_and_contact, legal_basis: task }\n";
  storage::PolicyRecord record;
  record.set_policy_yaml(yaml);
  record.set_version_hash(policy::PolicyVersionHash(yaml));
  record.set_file_name("test.yaml");
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Family::kMeta), "policy/active", record.SerializeAsString());
  batch.Put(store_->Handle(Family::kMeta), kReevaluateAllKey, keys::U64(0));
  ASSERT_TRUE(store_->Commit(&batch).ok());
  Open(policy::MakeBuiltinDefaultPolicy());
  EXPECT_EQ(ledger_->policy().Current()->Version(), record.version_hash());
  ASSERT_TRUE(ledger_->reevaluation().Resume().ok());
  EXPECT_EQ(Outbox(kPolice).size(), 1u);
  EXPECT_EQ(Outbox(kWijkteam).size(), 1u);
  EXPECT_TRUE(absl::IsNotFound(store_->Get(Family::kMeta, kReevaluateAllKey).status()));
  ASSERT_TRUE(ledger_->reevaluation().Resume().ok());
  EXPECT_EQ(Outbox(kPolice).size(), 1u) << "done once";
}

TEST_F(PolicyConsentLedgerTest, SignalsMustUseACategoryOfThePolicyInForce) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  v1::SubmitSignalResult result = Submit(kPolice, ValidSignal(RandomPseudonym(), "parenting_support"), "p-1");
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(result.message().find("items[0].signal.category"), std::string::npos) << result.message();
  EXPECT_TRUE(result.signal_id().empty());
}

TEST_F(PolicyConsentLedgerTest, AConsentAfterTheMatchReleasesTheDisclosureAndAWithdrawalStopsNewOnes) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  const v1::Pseudonym mother = RandomPseudonym();
  Submit(kSchool, ValidSignal(mother, "school_absence"), "s-1");
  Submit(kWijkteam, ValidSignal(mother), "w-1");
  EXPECT_TRUE(Outbox(kSchool).empty()) << "no consent yet";

  absl::StatusOr<v1::ConsentRecord> consent = ledger_->consents().RegisterConsent(kWijkteam, Record(mother, v1::CONSENT_KIND_CONSENT));
  ASSERT_TRUE(consent.ok()) << consent.status();
  EXPECT_EQ(consent->consent_id(), "con-1");
  EXPECT_EQ(consent->registered_by(), "wijkteam-west");
  EXPECT_TRUE(consent->subject().value().empty()) << "the broker keeps no pseudonym";
  std::vector<v1::Notification> school = Outbox(kSchool);
  ASSERT_EQ(school.size(), 1u);
  EXPECT_EQ(school[0].basis().rule_ids(0), "school-with-consent");
  ASSERT_EQ(school[0].basis().consent_ids_size(), 1);
  EXPECT_EQ(school[0].basis().consent_ids(0), "con-1");
  std::vector<v1::AuditEvent> registered = AuditOfType(v1::AUDIT_EVENT_TYPE_CONSENT_REGISTERED);
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].consent_id(), "con-1");

  // Only the registering organisation can withdraw it.
  EXPECT_TRUE(absl::IsNotFound(ledger_->consents().WithdrawConsent(kSchool, "con-1").status()));
  ASSERT_TRUE(ledger_->consents().WithdrawConsent(kWijkteam, "con-1").ok());
  EXPECT_EQ(ledger_->consents().WithdrawConsent(kWijkteam, "con-1").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(AuditOfType(v1::AUDIT_EVENT_TYPE_CONSENT_WITHDRAWN).size(), 1u);
  EXPECT_EQ(AuditOfType(v1::AUDIT_EVENT_TYPE_MATCH_DECISION).back().outcome(), v1::DECISION_OUTCOME_DENY);
  // Nothing untold, nothing new.
  Submit(kWijkteam, ValidSignal(mother), "w-2");
  EXPECT_EQ(Outbox(kSchool).size(), 1u);
}

TEST_F(PolicyConsentLedgerTest, AnObjectionStopsOnlyWhatRestsOnConsent) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  const v1::Pseudonym father = RandomPseudonym();
  ASSERT_TRUE(ledger_->consents().RegisterConsent(kWijkteam, Record(father, v1::CONSENT_KIND_CONSENT)).ok());
  ASSERT_TRUE(ledger_->consents().RegisterConsent(kWijkteam, Record(father, v1::CONSENT_KIND_OBJECTION)).ok());
  Submit(kSchool, ValidSignal(father, "school_absence"), "s-1");
  Submit(kPolice, ValidSignal(father), "p-1");
  Submit(kWijkteam, ValidSignal(father), "w-1");
  Submit(kGgz, ValidSignal(father), "g-1");
  EXPECT_TRUE(Outbox(kSchool).empty()) << "equal specificity: the objection wins";
  EXPECT_EQ(Outbox(kPolice).size(), 1u) << "the partners' task does not rest on consent";
}

TEST_F(PolicyConsentLedgerTest, AnExpiredConsentStopsCountingWithoutARestart) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  const v1::Pseudonym mother = RandomPseudonym();
  v1::ConsentRecord record = Record(mother, v1::CONSENT_KIND_CONSENT);
  record.mutable_valid_until()->set_seconds(absl::ToUnixSeconds(now_ + absl::Hours(24)));
  ASSERT_TRUE(ledger_->consents().RegisterConsent(kWijkteam, record).ok());
  Submit(kSchool, ValidSignal(mother, "school_absence"), "s-1");
  Submit(kWijkteam, ValidSignal(mother), "w-1");
  EXPECT_EQ(Outbox(kSchool).size(), 1u);
  now_ += absl::Hours(25);
  Submit(kSchool, ValidSignal(mother, "school_absence"), "s-2");
  EXPECT_EQ(Outbox(kSchool).size(), 1u) << "the consent ended yesterday";
}

TEST_F(PolicyConsentLedgerTest, ConsentRecordsAreValidatedAndListedForTheirOwnerOnly) {
  ASSERT_TRUE(Apply(kPolicyHead).ok());
  const v1::Pseudonym child = RandomPseudonym();
  v1::ConsentRecord bad = Record(child, v1::CONSENT_KIND_CONSENT);
  bad.set_given_by(v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY);
  absl::Status status = ledger_->consents().RegisterConsent(kWijkteam, bad).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("record.giver"), std::string::npos) << status;
  bad = Record(child, v1::CONSENT_KIND_CONSENT);
  bad.mutable_scope()->add_categories("unknown_category");
  status = ledger_->consents().RegisterConsent(kWijkteam, bad).status();
  EXPECT_NE(status.message().find("record.scope.categories[0]"), std::string::npos) << status;
  bad = Record(child, v1::CONSENT_KIND_UNSPECIFIED);
  EXPECT_NE(ledger_->consents().RegisterConsent(kWijkteam, bad).status().message().find("record.kind"), std::string::npos);
  EXPECT_TRUE(AuditOfType(v1::AUDIT_EVENT_TYPE_CONSENT_REGISTERED).empty()) << "a refused record changes nothing";

  v1::ConsentRecord parent = Record(child, v1::CONSENT_KIND_CONSENT);
  parent.set_given_by(v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY);
  *parent.mutable_giver() = RandomPseudonym();
  ASSERT_TRUE(ledger_->consents().RegisterConsent(kWijkteam, parent).ok());
  ASSERT_TRUE(ledger_->consents().RegisterConsent(kGgz, Record(child, v1::CONSENT_KIND_OBJECTION)).ok());
  v1::ListConsentsRequest request;
  absl::StatusOr<v1::ListConsentsResponse> own = ledger_->consents().ListConsents(kWijkteam, request);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->records_size(), 1);
  EXPECT_EQ(own->records(0).given_by(), v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY);
  EXPECT_TRUE(own->records(0).giver().value().empty());
  *request.mutable_subject() = child;
  EXPECT_EQ(ledger_->consents().ListConsents(kGgz, request)->records_size(), 1);
  *request.mutable_subject() = RandomPseudonym();
  EXPECT_EQ(ledger_->consents().ListConsents(kGgz, request)->records_size(), 0);
}

}  // namespace
}  // namespace samenloop::broker
