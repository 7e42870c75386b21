// Store schema 4 -> 5 (broker/core/link_persons.h): a signal's events from
// before named_persons are linked to its related persons by one
// PERSONS_LINKED event, so the related person's subject query lists them,
// with proofs that still verify; the upgrade appends only, and once.
//
// The schema 4 store is built honestly, without rewriting a leaf (which the
// tree forbids): the police signal on the mother is submitted by today's
// ledger *without* related persons, so its events name only the subject,
// exactly as a schema 4 broker wrote every event; then its stored record
// gets the father as a related person (the signal record and the related
// index entry a schema 4 broker kept for a signal submitted with him), and
// the stamp is set to 4. A third signal submitted with a related person by
// today's ledger already names him in its events and needs no link.

#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

#include "audit/events.h"
#include "audit/index.h"
#include "audit/merkle_tree.h"
#include "audit/query.h"
#include "broker/core/backup.h"
#include "broker/core/link_persons.h"
#include "broker/core/reads.h"
#include "broker/core/schema.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::AuditEventsOfType;
using testing::kGgz;
using testing::kPolice;
using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

class PersonsLinkedMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    father_key_ = keyer_.KeyFor(father_);
    {
      std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
      NotificationHub hub;
      std::unique_ptr<Ledger> ledger = *Ledger::Create(store.get(), &keyer_, policy::MakeBuiltinDefaultPolicy(), &hub);
      Submit(*ledger, kPolice, ValidSignal(mother_));  // signal 1: gets the father below
      Submit(*ledger, kGgz, ValidSignal(mother_));     // signal 2: matches 1
      v1::Signal with_related = ValidSignal(other_);
      v1::RelatedPerson* related = with_related.add_related();
      *related->mutable_person() = other_partner_;
      related->set_relation(v1::RELATION_PARTNER);
      related->set_role(v1::PERSON_ROLE_VICTIM);
      Submit(*ledger, kPolice, with_related);  // signal 3: today's events name the partner
      ledger.reset();

      absl::StatusOr<storage::StoredSignal> police = LoadSignal(*store, 1);
      ASSERT_TRUE(police.ok()) << police.status();
      storage::StoredRelated* stored = police->add_related();
      stored->set_key(father_key_);
      stored->set_relation(v1::RELATION_PARTNER);
      stored->set_role(v1::PERSON_ROLE_VICTIM);
      v1::RelatedPerson* shown = police->mutable_signal()->add_related();
      *shown->mutable_person() = father_;
      shown->mutable_person()->clear_value();  // stored signals keep no pseudonym value
      shown->set_relation(v1::RELATION_PARTNER);
      shown->set_role(v1::PERSON_ROLE_VICTIM);
      rocksdb::WriteBatch batch;
      batch.Put(store->Handle(Family::kSignals), keys::SignalKey(1), police->SerializeAsString());
      batch.Put(store->Handle(Family::kRelatedIndex), keys::IndexKey(father_key_, 1), "");
      batch.Put(store->Handle(Family::kMeta), "schema_version", keys::U64(4));
      ASSERT_TRUE(store->Commit(&batch).ok());
      police_id_ = police->signal().signal_id();
      size_before_ = keys::ParseU64(*store->Get(Family::kMeta, keys::NextAuditNumberKey()));
      ASSERT_TRUE(AuditEventsOfType(*store, v1::AUDIT_EVENT_TYPE_PERSONS_LINKED).empty());
      absl::StatusOr<StoreSummary> summary = VerifyStore(*store);
      ASSERT_TRUE(summary.ok()) << summary.status();
      root_before_ = summary->audit_root;
    }
  }

  void Submit(Ledger& ledger, const CallerIdentity& caller, v1::Signal signal) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(absl::StrCat("k-", ++submitted_));
    *item->mutable_signal() = std::move(signal);
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger.submission().Submit(caller, request);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->results(0).code(), 0) << response->results(0).message();
  }

  // The leaves a query with `request`'s filters returns, over the whole log.
  static std::vector<AuditLeaf> Query(const Store& store, const v1::QueryEventsRequest& request) {
    absl::StatusOr<AuditQueryPlan> plan = PlanAuditQuery(request);
    EXPECT_TRUE(plan.ok()) << plan.status();
    const uint64_t end = keys::ParseU64(*store.Get(Family::kMeta, keys::NextAuditNumberKey()));
    absl::StatusOr<AuditScan> scan = ScanAuditLog(store, *plan, end);
    EXPECT_TRUE(scan.ok()) << scan.status();
    return scan.ok() ? scan->matches : std::vector<AuditLeaf>{};
  }

  samenloop::testing::TempDir dir_;
  SubjectKeyer keyer_{TestSecret()};
  const v1::Pseudonym mother_ = RandomPseudonym(), father_ = RandomPseudonym(), other_ = RandomPseudonym(),
                      other_partner_ = RandomPseudonym();
  std::string father_key_, police_id_;
  uint64_t size_before_ = 0;
  crypto::MerkleHash root_before_{};
  int submitted_ = 0;
};

TEST_F(PersonsLinkedMigrationTest, TheRelatedPersonsReportListsTheOldEventsThroughOneLinkEvent) {
  std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
  EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, "schema_version")), 5u);
  EXPECT_EQ(kStoreSchemaVersion, 5u);

  // One link event, for the police signal only: the GGZ signal has no
  // related person, and the third signal's events name its related person.
  std::vector<v1::AuditEvent> links = AuditEventsOfType(*store, v1::AUDIT_EVENT_TYPE_PERSONS_LINKED);
  ASSERT_EQ(links.size(), 1u);
  const v1::AuditEvent& link = links[0];
  EXPECT_EQ(link.leaf_index(), size_before_) << "appended after every earlier leaf";
  EXPECT_EQ(link.actor_organisation(), "broker");
  EXPECT_EQ(link.actor_role(), "operator");
  EXPECT_EQ(link.reason(), kPersonsLinkedReason);
  ASSERT_EQ(link.signal_ids_size(), 1);
  EXPECT_EQ(link.signal_ids(0), police_id_);
  ASSERT_EQ(link.named_persons_size(), 1);
  EXPECT_EQ(link.named_persons(0).key(), Hex(father_key_));
  EXPECT_EQ(link.named_persons(0).role(), v1::PERSON_ROLE_VICTIM);
  EXPECT_GE(link.linked_leaves_size(), 3) << "the submission and both match decisions";
  for (uint64_t leaf : link.linked_leaves()) EXPECT_LT(leaf, link.leaf_index());

  // The father's subject query: the old submission and decisions, and the link.
  v1::QueryEventsRequest request;
  request.set_subject_key(Hex(father_key_));
  int submitted = 0, decisions = 0, linked = 0;
  for (const AuditLeaf& leaf : Query(*store, request)) {
    ASSERT_TRUE(leaf.event.has_value());
    submitted += leaf.event->type() == v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED;
    decisions += leaf.event->type() == v1::AUDIT_EVENT_TYPE_MATCH_DECISION;
    linked += leaf.event->type() == v1::AUDIT_EVENT_TYPE_PERSONS_LINKED;
    if (leaf.event->type() == v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED) {
      EXPECT_FALSE(NamesPerson(*leaf.event, Hex(father_key_))) << "its body is as a schema 4 broker wrote it";
    }
  }
  EXPECT_EQ(submitted, 1);
  EXPECT_EQ(decisions, 2);
  EXPECT_EQ(linked, 1);

  // A filter that would leave out the link event leaves out what it links:
  // an answer never holds a leaf without what shows it concerns the person.
  request.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
  EXPECT_TRUE(Query(*store, request).empty());
  request.add_types(v1::AUDIT_EVENT_TYPE_PERSONS_LINKED);
  EXPECT_EQ(Query(*store, request).size(), 2u);

  // The tree was only appended to: it verifies, and extends the old one.
  absl::StatusOr<StoreSummary> summary = VerifyStore(*store);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->audit_size, size_before_ + 1);
  absl::StatusOr<crypto::MerkleHash> old_root = AuditRoot(*store, size_before_);
  ASSERT_TRUE(old_root.ok()) << old_root.status();
  EXPECT_EQ(*old_root, root_before_);
}

TEST_F(PersonsLinkedMigrationTest, OpeningAgainOrAfterACrashAddsNoSecondLinkEvent) {
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
    // As if the broker had stopped after the link events' write, before the stamp.
    rocksdb::WriteBatch batch;
    batch.Put(store->Handle(Family::kMeta), "schema_version", keys::U64(4));
    ASSERT_TRUE(store->Commit(&batch).ok());
  }
  std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
  EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, "schema_version")), 5u);
  EXPECT_EQ(AuditEventsOfType(*store, v1::AUDIT_EVENT_TYPE_PERSONS_LINKED).size(), 1u);
  EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, keys::NextAuditNumberKey())), size_before_ + 1);
  store.reset();
  store = *OpenBrokerStore(dir_.Sub("db"));
  EXPECT_EQ(AuditEventsOfType(*store, v1::AUDIT_EVENT_TYPE_PERSONS_LINKED).size(), 1u);
  EXPECT_TRUE(VerifyStore(*store).ok());

  // The index entries by signal and person are what a rebuild from the
  // leaves writes (the link event's entries for the old leaves included).
  const auto key_entries = [&] {
    std::vector<std::string> entries;
    std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(Family::kAuditKeyIndex);
    for (it->SeekToFirst(); it->Valid(); it->Next()) entries.push_back(it->key().ToString());
    return entries;
  };
  const std::vector<std::string> written = key_entries();
  rocksdb::WriteBatch clear;
  clear.DeleteRange(store->Handle(Family::kAuditKeyIndex), "g", "t");
  ASSERT_TRUE(store->Commit(&clear).ok());
  ASSERT_TRUE(RebuildAuditIndex(*store).ok());
  EXPECT_EQ(key_entries(), written);

  // The ledger goes on after the link event.
  NotificationHub hub;
  std::unique_ptr<Ledger> ledger = *Ledger::Create(store.get(), &keyer_, policy::MakeBuiltinDefaultPolicy(), &hub);
  EXPECT_EQ(ledger->events().AuditSize(), size_before_ + 1);
}

}  // namespace
}  // namespace samenloop::broker
