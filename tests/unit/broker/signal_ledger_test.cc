#include "broker/core/schema.h"
#include "broker/ledger.h"

#include <sodium.h>

#include "storage/keys.h"
#include "gtest/gtest.h"
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


class SignalLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    policy_ = policy::MakeBuiltinDefaultPolicy();
    Reopen();
  }

  // Closes and reopens the store and ledger, as a broker restart would.
  void Reopen() {
    ledger_.reset();
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenBrokerStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<Ledger>> ledger =
        Ledger::Create(store_.get(), keyer_.get(), policy_, &hub_);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
  }

  v1::SubmitSignalResult SubmitOne(const CallerIdentity& caller, const v1::Signal& signal,
                                    const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response->results(0);
  }

  std::vector<v1::Notification> Outbox(const CallerIdentity& caller) {
    absl::StatusOr<std::vector<v1::Notification>> out = ledger_->outbox().ReadOutbox(caller.organisation_id, 0, 1000);
    EXPECT_TRUE(out.ok()) << out.status();
    return *out;
  }

  uint64_t AuditCount() {
    uint64_t count = 0;
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kAudit);
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
    return count;
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  std::shared_ptr<const policy::DisclosurePolicy> policy_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(SignalLedgerTest, SubjectMatchNotifiesBothOrganisationsOnce) {
  v1::Pseudonym m = RandomPseudonym();
  v1::SubmitSignalResult first = SubmitOne(kPolice, ValidSignal(m), "p-1");
  ASSERT_EQ(first.code(), 0) << first.message();
  EXPECT_EQ(first.notifications_created(), 0u);
  v1::SubmitSignalResult second = SubmitOne(kGgz, ValidSignal(m, "psychiatric_concern"), "g-1");
  ASSERT_EQ(second.code(), 0) << second.message();
  // Only what GGZ itself was told: the police's notification would tell GGZ
  // that the police are involved whether or not GGZ may learn of it.
  EXPECT_EQ(second.notifications_created(), 1u);

  std::vector<v1::Notification> police = Outbox(kPolice);
  ASSERT_EQ(police.size(), 1u);
  EXPECT_EQ(police[0].your_signal_id(), first.signal_id());
  EXPECT_EQ(police[0].other().organisation_id(), "ggz-inforsa");
  EXPECT_EQ(police[0].other().organisation_kind(), "ggz");
  EXPECT_EQ(police[0].other().contact().name(), "Team Noord");
  EXPECT_EQ(police[0].disclosure_level(), v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  EXPECT_TRUE(police[0].other().category().empty()) << "category is above the granted level";
  EXPECT_EQ(police[0].match_kind(), v1::MATCH_KIND_SUBJECT);
  ASSERT_EQ(police[0].basis().rule_ids_size(), 1);
  EXPECT_EQ(police[0].basis().rule_ids(0), "builtin.subject-match");
  EXPECT_EQ(police[0].cursor(), 1u);

  std::vector<v1::Notification> ggz = Outbox(kGgz);
  ASSERT_EQ(ggz.size(), 1u);
  EXPECT_EQ(ggz[0].other().organisation_id(), "politie-amsterdam");
  EXPECT_EQ(ggz[0].your_local_reference(), "case-1");
  EXPECT_NE(ggz[0].notification_id(), police[0].notification_id());
}

TEST_F(SignalLedgerTest, DifferentSubjectsAndSameOrganisationDoNotMatch) {
  v1::Pseudonym m = RandomPseudonym();
  SubmitOne(kPolice, ValidSignal(m), "p-1");
  SubmitOne(kPolice, ValidSignal(m), "p-2");
  SubmitOne(kGgz, ValidSignal(RandomPseudonym()), "g-1");
  EXPECT_TRUE(Outbox(kPolice).empty());
  EXPECT_TRUE(Outbox(kGgz).empty());
}

TEST_F(SignalLedgerTest, RetriedIdempotencyKeyNeverDuplicates) {
  v1::Pseudonym m = RandomPseudonym();
  SubmitOne(kPolice, ValidSignal(m), "p-1");
  v1::SubmitSignalResult first = SubmitOne(kGgz, ValidSignal(m), "g-1");
  uint64_t audit_before = AuditCount();
  v1::SubmitSignalResult retry = SubmitOne(kGgz, ValidSignal(m), "g-1");
  EXPECT_TRUE(retry.duplicate());
  EXPECT_EQ(retry.signal_id(), first.signal_id());
  EXPECT_EQ(Outbox(kPolice).size(), 1u);
  EXPECT_EQ(AuditCount(), audit_before);

  // The same key from another organisation is a different signal.
  v1::SubmitSignalResult other_org = SubmitOne(kWijkteam, ValidSignal(m), "g-1");
  EXPECT_FALSE(other_org.duplicate());
}

TEST_F(SignalLedgerTest, DuplicateKeysWithinOneBatchStoreOnce) {
  v1::SubmitSignalsRequest request;
  for (int i = 0; i < 2; ++i) {
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key("same");
    *item->mutable_signal() = ValidSignal(RandomPseudonym());
  }
  absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(kPolice, request);
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->results(0).duplicate());
  EXPECT_TRUE(response->results(1).duplicate());
  EXPECT_EQ(response->results(0).signal_id(), response->results(1).signal_id());
}

TEST_F(SignalLedgerTest, BadItemFailsAloneAndIsAudited) {
  v1::SubmitSignalsRequest request;
  v1::SubmitSignalItem* good = request.add_items();
  good->set_idempotency_key("a");
  *good->mutable_signal() = ValidSignal(RandomPseudonym());
  v1::SubmitSignalItem* bad = request.add_items();
  bad->set_idempotency_key("b");
  *bad->mutable_signal() = ValidSignal(RandomPseudonym());
  bad->mutable_signal()->set_category("");
  uint64_t audit_before = AuditCount();
  absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(kPolice, request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->results(0).code(), 0);
  EXPECT_EQ(response->results(1).code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(response->results(1).message().find("items[1].signal.category"), std::string::npos);
  EXPECT_TRUE(response->results(1).signal_id().empty());
  // One submitted event and one refusal.
  EXPECT_EQ(AuditCount(), audit_before + 2);
}

TEST_F(SignalLedgerTest, EmptyAndOversizedBatchesAreRefusedWhole) {
  EXPECT_EQ(ledger_->submission().Submit(kPolice, v1::SubmitSignalsRequest()).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::SubmitSignalsRequest big;
  for (int i = 0; i < 1001; ++i) {
    v1::SubmitSignalItem* item = big.add_items();
    item->set_idempotency_key(absl::StrCat("k", i));
    *item->mutable_signal() = ValidSignal(RandomPseudonym());
  }
  absl::Status status = ledger_->submission().Submit(kPolice, big).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditCount(), 0u);
}

TEST_F(SignalLedgerTest, ClosedSignalStillSurfacesAsHistory) {
  v1::Pseudonym m = RandomPseudonym();
  v1::SubmitSignalResult vt = SubmitOne(kPolice, ValidSignal(m, "domestic_violence"), "vt-1");
  v1::CloseSignalRequest close;
  close.set_signal_id(vt.signal_id());
  absl::StatusOr<v1::Signal> closed = ledger_->signals().Close(kPolice, close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->status(), v1::SIGNAL_STATUS_CLOSED);
  EXPECT_TRUE(closed->has_closed_at());

  SubmitOne(kGgz, ValidSignal(m), "g-1");
  ASSERT_EQ(Outbox(kGgz).size(), 1u);
  EXPECT_EQ(Outbox(kGgz)[0].other().organisation_id(), "politie-amsterdam");
  // Closing twice is refused.
  EXPECT_EQ(ledger_->signals().Close(kPolice, close).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SignalLedgerTest, RevokedSignalIsGoneFromMatchingAtOnce) {
  v1::Pseudonym m = RandomPseudonym();
  v1::SubmitSignalResult wrong = SubmitOne(kPolice, ValidSignal(m), "p-1");
  v1::RevokeSignalRequest revoke;
  revoke.set_signal_id(wrong.signal_id());
  revoke.set_reason("wrong person");
  ASSERT_TRUE(ledger_->signals().Revoke(kPolice, revoke).ok());
  SubmitOne(kGgz, ValidSignal(m), "g-1");
  EXPECT_TRUE(Outbox(kGgz).empty());
  EXPECT_TRUE(Outbox(kPolice).empty());
}

TEST_F(SignalLedgerTest, AnotherOrganisationsSignalLooksMissing) {
  v1::SubmitSignalResult police = SubmitOne(kPolice, ValidSignal(RandomPseudonym()), "p-1");
  EXPECT_EQ(ledger_->signals().Get(kGgz, police.signal_id()).status().code(), absl::StatusCode::kNotFound);
  v1::CloseSignalRequest close;
  close.set_signal_id(police.signal_id());
  EXPECT_EQ(ledger_->signals().Close(kGgz, close).status().code(), absl::StatusCode::kNotFound);
  v1::RevokeSignalRequest revoke;
  revoke.set_signal_id(police.signal_id());
  EXPECT_EQ(ledger_->signals().Revoke(kGgz, revoke).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ledger_->signals().Get(kPolice, police.signal_id()).ok());
  EXPECT_EQ(ledger_->signals().Get(kPolice, "sig-x").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SignalLedgerTest, ListOwnPagesThroughOnlyOwnSignals) {
  for (int i = 0; i < 5; ++i) SubmitOne(kPolice, ValidSignal(RandomPseudonym()), absl::StrCat("p-", i));
  SubmitOne(kGgz, ValidSignal(RandomPseudonym()), "g-1");
  v1::ListOwnSignalsRequest request;
  request.mutable_page()->set_page_size(2);
  std::vector<std::string> ids;
  do {
    absl::StatusOr<v1::ListOwnSignalsResponse> page = ledger_->signals().ListOwn(kPolice, request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Signal& s : page->signals()) {
      EXPECT_EQ(s.source_organisation(), "politie-amsterdam");
      ids.push_back(s.signal_id());
    }
    request.mutable_page()->set_page_token(page->next_page_token());
  } while (!request.page().page_token().empty());
  EXPECT_EQ(ids.size(), 5u);
}

TEST_F(SignalLedgerTest, EverythingSurvivesARestart) {
  v1::Pseudonym m = RandomPseudonym();
  v1::SubmitSignalResult first = SubmitOne(kPolice, ValidSignal(m), "p-1");
  SubmitOne(kGgz, ValidSignal(m), "g-1");
  ASSERT_TRUE(ledger_->outbox().Acknowledge(kPolice, 1).ok());
  std::vector<v1::Notification> before = Outbox(kPolice);
  Reopen();
  std::vector<v1::Notification> after = Outbox(kPolice);
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after[0].notification_id(), before[0].notification_id());
  EXPECT_EQ(ledger_->outbox().AcknowledgedCursor("politie-amsterdam"), 1u);
  // Counters continue: no id or cursor is reused.
  v1::SubmitSignalResult third = SubmitOne(kWijkteam, ValidSignal(m), "w-1");
  EXPECT_NE(third.signal_id(), first.signal_id());
  std::vector<v1::Notification> police = Outbox(kPolice);
  ASSERT_EQ(police.size(), 2u);
  EXPECT_EQ(police[1].cursor(), 2u);
  // Idempotency survives too.
  EXPECT_TRUE(SubmitOne(kPolice, ValidSignal(m), "p-1").duplicate());
}

TEST_F(SignalLedgerTest, AcknowledgeIsMonotonicAndBounded) {
  v1::Pseudonym m = RandomPseudonym();
  SubmitOne(kPolice, ValidSignal(m), "p-1");
  SubmitOne(kGgz, ValidSignal(m), "g-1");
  EXPECT_EQ(ledger_->outbox().Acknowledge(kPolice, 2).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ledger_->outbox().Acknowledge(kPolice, 1), 1u);
  EXPECT_EQ(*ledger_->outbox().Acknowledge(kPolice, 0), 1u);
}

TEST_F(SignalLedgerTest, ProtectedSignalIsNotDisclosedButOthersAre) {
  v1::Pseudonym mother = RandomPseudonym();
  v1::Pseudonym father = RandomPseudonym();
  v1::Signal shelter = ValidSignal(mother, "domestic_violence");
  shelter.set_protected_(true);
  *shelter.add_protected_against() = father;
  SubmitOne(kPolice, shelter, "shelter-1");
  SubmitOne(kGgz, ValidSignal(mother), "g-1");
  // GGZ is not told of the protected signal; the shelter side learns of GGZ.
  EXPECT_TRUE(Outbox(kGgz).empty());
  EXPECT_EQ(Outbox(kPolice).size(), 1u);
}

v1::Signal WithRelated(v1::Signal signal, const v1::Pseudonym& person, v1::Relation relation) {
  v1::RelatedPerson* related = signal.add_related();
  *related->mutable_person() = person;
  related->set_relation(relation);
  return signal;
}

TEST_F(SignalLedgerTest, HouseholdMatchThroughARelatedPersonInBothDirections) {
  v1::Pseudonym mother = RandomPseudonym();
  v1::Pseudonym child = RandomPseudonym();
  // Veilig Thuis names the child as the mother's child; the school's signal
  // is about the child and names nobody.
  SubmitOne(kPolice, WithRelated(ValidSignal(mother, "domestic_violence"), child, v1::RELATION_CHILD), "vt-1");
  SubmitOne(kGgz, ValidSignal(child, "school_absence"), "school-1");

  std::vector<v1::Notification> about_mother = Outbox(kPolice);
  ASSERT_EQ(about_mother.size(), 1u);
  EXPECT_EQ(about_mother[0].match_kind(), v1::MATCH_KIND_HOUSEHOLD_RELATED);
  EXPECT_EQ(about_mother[0].relation(), v1::RELATION_CHILD) << "the other subject is the child of ours";
  EXPECT_EQ(about_mother[0].basis().rule_ids(0), "builtin.household-match");

  std::vector<v1::Notification> about_child = Outbox(kGgz);
  ASSERT_EQ(about_child.size(), 1u);
  EXPECT_EQ(about_child[0].match_kind(), v1::MATCH_KIND_HOUSEHOLD_RELATED);
  EXPECT_EQ(about_child[0].relation(), v1::RELATION_PARENT) << "the other subject is the parent of ours";

  // The other way round: the new signal names a subject already known.
  v1::Pseudonym father = RandomPseudonym();
  SubmitOne(kWijkteam, WithRelated(ValidSignal(child), father, v1::RELATION_PARENT), "w-1");
  SubmitOne(kPolice, ValidSignal(father, "domestic_violence"), "p-father");
  bool told_of_father = false;
  for (const v1::Notification& n : Outbox(kWijkteam)) {
    if (n.other().organisation_id() == "politie-amsterdam" && n.relation() == v1::RELATION_PARENT) {
      told_of_father = true;
    }
  }
  EXPECT_TRUE(told_of_father);
}

TEST_F(SignalLedgerTest, SharedRelatedPersonMatchesTwoSignals) {
  v1::Pseudonym child = RandomPseudonym();
  SubmitOne(kPolice, WithRelated(ValidSignal(RandomPseudonym()), child, v1::RELATION_CHILD), "father");
  SubmitOne(kGgz, WithRelated(ValidSignal(RandomPseudonym()), child, v1::RELATION_CHILD), "mother");
  ASSERT_EQ(Outbox(kPolice).size(), 1u);
  EXPECT_EQ(Outbox(kPolice)[0].match_kind(), v1::MATCH_KIND_HOUSEHOLD_SHARED_RELATED);
  EXPECT_EQ(Outbox(kPolice)[0].relation(), v1::RELATION_UNSPECIFIED);
  ASSERT_EQ(Outbox(kGgz).size(), 1u);
}

TEST_F(SignalLedgerTest, APairMatchingSeveralWaysIsNotifiedOnceAsTheClosestKind) {
  v1::Pseudonym m = RandomPseudonym();
  v1::Pseudonym brother = RandomPseudonym();
  SubmitOne(kPolice, WithRelated(ValidSignal(m), brother, v1::RELATION_SIBLING), "p-1");
  SubmitOne(kGgz, WithRelated(ValidSignal(m), brother, v1::RELATION_SIBLING), "g-1");
  ASSERT_EQ(Outbox(kGgz).size(), 1u);
  EXPECT_EQ(Outbox(kGgz)[0].match_kind(), v1::MATCH_KIND_SUBJECT);
}

TEST_F(SignalLedgerTest, HouseholdWithinOneOrganisationIsNotMatched) {
  v1::Pseudonym child = RandomPseudonym();
  SubmitOne(kPolice, WithRelated(ValidSignal(RandomPseudonym()), child, v1::RELATION_CHILD), "p-1");
  SubmitOne(kPolice, ValidSignal(child), "p-2");
  EXPECT_TRUE(Outbox(kPolice).empty());
}

TEST_F(SignalLedgerTest, ShelterIsNeverDisclosedTowardsThePersonItHidesFrom) {
  v1::Pseudonym mother = RandomPseudonym();
  v1::Pseudonym father = RandomPseudonym();
  v1::Signal shelter = ValidSignal(mother, "domestic_violence");
  shelter.set_protected_(true);
  *shelter.add_protected_against() = father;
  SubmitOne(kGgz, shelter, "shelter");
  // The police's signal is about the father and names the mother.
  SubmitOne(kPolice, WithRelated(ValidSignal(father, "domestic_violence"), mother, v1::RELATION_PARTNER), "p-1");
  EXPECT_TRUE(Outbox(kPolice).empty());
}

TEST_F(SignalLedgerTest, NoPseudonymIsEverStored) {
  v1::Pseudonym subject = RandomPseudonym();
  v1::Pseudonym related = RandomPseudonym();
  v1::Signal signal = ValidSignal(subject);
  v1::RelatedPerson* person = signal.add_related();
  *person->mutable_person() = related;
  person->set_relation(v1::RELATION_PARENT);
  SubmitOne(kPolice, signal, "p-1");
  SubmitOne(kGgz, ValidSignal(subject), "g-1");
  for (int f = 0; f < static_cast<int>(Family::kCount); ++f) {
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(static_cast<Family>(f));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      for (const v1::Pseudonym* p : {&subject, &related}) {
        EXPECT_EQ(it->key().ToString().find(p->value()), std::string::npos);
        EXPECT_EQ(it->value().ToString().find(p->value()), std::string::npos);
      }
    }
  }
}

}  // namespace
}  // namespace samenloop::broker

namespace samenloop::broker {
namespace {

v1::UpdateSignalRequest UpdateOf(const std::string& id, const v1::Signal& signal, std::vector<std::string> paths) {
  v1::UpdateSignalRequest request;
  request.set_signal_id(id);
  *request.mutable_signal() = signal;
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return request;
}

TEST_F(SignalLedgerTest, UpdateChangesOnlyTheMaskedFields) {
  v1::SubmitSignalResult sent = SubmitOne(kPolice, ValidSignal(RandomPseudonym()), "p-1");
  v1::Signal change;
  change.set_severity(v1::SEVERITY_ACUTE);
  change.mutable_contact()->set_name("Team Zuid");
  change.set_category("ignored_because_not_masked");
  absl::StatusOr<v1::Signal> updated = ledger_->signals().Update(kPolice, UpdateOf(sent.signal_id(), change, {"severity", "contact"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->severity(), v1::SEVERITY_ACUTE);
  EXPECT_EQ(updated->contact().name(), "Team Zuid");
  EXPECT_EQ(updated->category(), "housing_nuisance");
  EXPECT_EQ(updated->revision(), 2u);
  EXPECT_EQ(ledger_->signals().Get(kPolice, sent.signal_id())->contact().name(), "Team Zuid");
}

TEST_F(SignalLedgerTest, UpdateRefusesUnknownFieldsBadValuesAndOthersSignals) {
  v1::SubmitSignalResult sent = SubmitOne(kPolice, ValidSignal(RandomPseudonym()), "p-1");
  v1::Signal change;
  absl::Status no_mask = ledger_->signals().Update(kPolice, UpdateOf(sent.signal_id(), change, {})).status();
  EXPECT_EQ(no_mask.code(), absl::StatusCode::kInvalidArgument);
  absl::Status forbidden = ledger_->signals().Update(kPolice, UpdateOf(sent.signal_id(), change, {"status"})).status();
  EXPECT_NE(forbidden.message().find("update_mask.paths[0]: cannot be updated"), absl::string_view::npos)
      << forbidden;
  change.set_category("Not A Category");
  absl::Status invalid = ledger_->signals().Update(kPolice, UpdateOf(sent.signal_id(), change, {"category"})).status();
  EXPECT_NE(invalid.message().find("signal.category:"), absl::string_view::npos) << invalid;
  EXPECT_EQ(ledger_->signals().Update(kGgz, UpdateOf(sent.signal_id(), change, {"severity"})).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ledger_->signals().Get(kPolice, sent.signal_id())->revision(), 1u) << "refusals change nothing";
}

TEST_F(SignalLedgerTest, UpdatedRelatedPersonsAreReindexedAndMatched) {
  v1::Pseudonym child = RandomPseudonym();
  v1::Pseudonym other_child = RandomPseudonym();
  SubmitOne(kGgz, ValidSignal(child, "school_absence"), "school-1");
  v1::SubmitSignalResult mother = SubmitOne(kPolice, ValidSignal(RandomPseudonym()), "p-1");
  EXPECT_TRUE(Outbox(kPolice).empty());

  v1::Signal change = WithRelated(v1::Signal(), child, v1::RELATION_CHILD);
  ASSERT_TRUE(ledger_->signals().Update(kPolice, UpdateOf(mother.signal_id(), change, {"related"})).ok());
  ASSERT_EQ(Outbox(kPolice).size(), 1u) << "the new related person matches the school's signal";
  EXPECT_EQ(Outbox(kPolice)[0].relation(), v1::RELATION_CHILD);

  // Replacing the list removes the old index entry: a new signal on the
  // first child no longer meets the police signal.
  change = WithRelated(v1::Signal(), other_child, v1::RELATION_CHILD);
  ASSERT_TRUE(ledger_->signals().Update(kPolice, UpdateOf(mother.signal_id(), change, {"related"})).ok());
  SubmitOne(kWijkteam, ValidSignal(child), "w-1");
  for (const v1::Notification& n : Outbox(kWijkteam)) EXPECT_NE(n.other().organisation_id(), "politie-amsterdam");
}

}  // namespace
}  // namespace samenloop::broker

namespace samenloop::broker {
namespace {

class RetentionTest : public SignalLedgerTest {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    policy_ = policy::MakeBuiltinDefaultPolicy();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenBrokerStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok());
    store_ = *std::move(store);
    LedgerOptions options;
    options.clock = [this] { return now_; };
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), policy_, &hub_, options);
  }
  absl::Time now_ = absl::FromUnixSeconds(1800000000);
};

TEST_F(RetentionTest, ClosedSignalSurfacesDuringItsVisiblePeriodThenExpires) {
  v1::Pseudonym m = RandomPseudonym();
  v1::SubmitSignalResult vt = SubmitOne(kPolice, ValidSignal(m, "domestic_violence"), "vt-1");
  v1::CloseSignalRequest close;
  close.set_signal_id(vt.signal_id());
  ASSERT_TRUE(ledger_->signals().Close(kPolice, close).ok());

  now_ += absl::Hours(24 * 365 * 4);  // four years later: still history
  EXPECT_EQ(ledger_->retention().SweepExpired()->expired, 0u);
  SubmitOne(kGgz, ValidSignal(m), "g-1");
  EXPECT_EQ(Outbox(kGgz).size(), 1u);

  now_ += absl::Hours(24 * 365 * 2);  // six years after closing: past the visible period
  // Not yet swept, but already out of matching.
  SubmitOne(kWijkteam, ValidSignal(m), "w-1");
  for (const v1::Notification& n : Outbox(kWijkteam)) EXPECT_NE(n.other().organisation_id(), "politie-amsterdam");

  uint64_t audit_before = AuditCount();
  absl::StatusOr<SweepResult> swept = ledger_->retention().SweepExpired();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->expired, 1u);
  EXPECT_EQ(ledger_->signals().Get(kPolice, vt.signal_id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(AuditCount(), audit_before + 1);
  // Physically gone: no key of any column family mentions its number.
  uint64_t number = 0;
  ASSERT_TRUE(keyer_->Ids().ParseSignalId(vt.signal_id(), &number));
  EXPECT_FALSE(store_->Get(Family::kSignals, keys::SignalKey(number)).ok());
  EXPECT_FALSE(store_->Get(Family::kIdempotency, keys::IdempotencyKey("politie-amsterdam", "vt-1")).ok());
  EXPECT_EQ(ledger_->retention().SweepExpired()->expired, 0u) << "sweeping is idempotent";
}

TEST_F(RetentionTest, OutboxesForgetNotificationsAboutExpiredSignalsAndOldAcknowledgedOnes) {
  v1::Pseudonym m = RandomPseudonym();
  SubmitOne(kPolice, ValidSignal(m), "p-1");
  SubmitOne(kGgz, ValidSignal(m), "g-1");
  ASSERT_EQ(Outbox(kPolice).size(), 1u);
  ASSERT_EQ(Outbox(kGgz).size(), 1u);
  EXPECT_EQ(ledger_->retention().SweepOutbox()->deleted, 0u) << "nothing taken, nothing expired";

  ASSERT_TRUE(ledger_->outbox().Acknowledge(kGgz, Outbox(kGgz)[0].cursor()).ok());
  now_ += absl::Hours(24 * 29);
  EXPECT_EQ(ledger_->retention().SweepOutbox()->deleted, 0u) << "acknowledged, but kept 30 days";
  now_ += absl::Hours(24 * 2);
  absl::StatusOr<OutboxSweepResult> swept = ledger_->retention().SweepOutbox();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->examined, 2u);
  EXPECT_EQ(swept->deleted, 1u);
  EXPECT_TRUE(Outbox(kGgz).empty());
  ASSERT_EQ(Outbox(kPolice).size(), 1u) << "never acknowledged: kept while both signals live";

  now_ += absl::Hours(24 * 365 * 7);  // both signals past their visible period
  absl::StatusOr<SweepResult> expired = ledger_->retention().SweepExpired();
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->expired, 2u);
  EXPECT_EQ(expired->notifications_deleted, 1u) << "what it described is gone, in the expiry's own write";
  EXPECT_EQ(ledger_->retention().SweepOutbox()->deleted, 0u);
  EXPECT_TRUE(Outbox(kPolice).empty());
  // New notifications keep counting from the old cursors.
  SubmitOne(kPolice, ValidSignal(m), "p-2");
  SubmitOne(kGgz, ValidSignal(m), "g-2");
  ASSERT_EQ(Outbox(kGgz).size(), 1u);
  EXPECT_EQ(Outbox(kGgz)[0].cursor(), 2u);
}


TEST_F(RetentionTest, AnOpenSignalNotConfirmedForAYearBecomesHistory) {
  v1::Pseudonym m = RandomPseudonym();
  SubmitOne(kPolice, ValidSignal(m), "p-1");
  now_ += absl::Hours(24 * 365 * 5 + 24 * 200);  // active one year + visible five, nearly
  SubmitOne(kGgz, ValidSignal(m), "g-1");
  EXPECT_EQ(Outbox(kGgz).size(), 1u) << "still visible history";
  now_ += absl::Hours(24 * 200);
  EXPECT_EQ(ledger_->retention().SweepExpired()->expired, 1u);
}

}  // namespace
}  // namespace samenloop::broker
