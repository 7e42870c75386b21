// Backup, restore and verification of the store, and its schema version
// (issue 10): real RocksDB in temporary directories, a real ledger writing
// signals, notifications and audit events.

#include <sodium.h>

#include <filesystem>
#include <map>

#include "storage/keys.h"
#include "broker/ledger.h"
#include "broker/core/backup.h"
#include "audit/index.h"
#include "broker/core/reads.h"
#include "broker/core/schema.h"
#include "gtest/gtest.h"
#include "tests/support/audit_index_entries.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

// Writes a few matching signals (so there are notifications and decisions).
void Populate(const std::string& data_dir) {
  std::unique_ptr<Store> store = *OpenBrokerStore(data_dir);
  SubjectKeyer keyer(TestSecret());
  NotificationHub hub;
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(store.get(), &keyer, policy::MakeBuiltinDefaultPolicy(), &hub);
  const v1::Pseudonym m = RandomPseudonym();
  for (const auto& [org, kind] : {std::pair<const char*, const char*>{"politie-amsterdam", "police"},
                                  {"ggz-inforsa", "ggz"}, {"wijkteam-west", "local_team"}}) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key("k-1");
    *item->mutable_signal() = ValidSignal(m);
    ASSERT_TRUE(ledger->submission().Submit(CallerIdentity{org, Role::kOrg, kind}, request).ok());
  }
}

class StoreMaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  samenloop::testing::TempDir dir_;
};

TEST_F(StoreMaintenanceTest, ABackupRestoresToTheSameSignalsAndAuditLog) {
  Populate(dir_.Sub("db"));
  absl::StatusOr<StoreSummary> original = [&]() -> absl::StatusOr<StoreSummary> {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
    return VerifyStore(*store);
  }();
  ASSERT_TRUE(original.ok()) << original.status();
  EXPECT_EQ(original->signals, 3u);
  EXPECT_GT(original->audit_size, 3u);  // submissions and match decisions

  absl::StatusOr<StoreSummary> backed_up = BackupStore(dir_.Sub("db"), dir_.Sub("backup"));
  ASSERT_TRUE(backed_up.ok()) << backed_up.status();
  EXPECT_EQ(backed_up->audit_root, original->audit_root);
  EXPECT_FALSE(BackupStore(dir_.Sub("db"), dir_.Sub("backup")).ok()) << "never over an existing backup";

  absl::StatusOr<StoreSummary> restored = RestoreStore(dir_.Sub("backup"), dir_.Sub("restored"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->signals, original->signals);
  EXPECT_EQ(restored->audit_size, original->audit_size);
  EXPECT_EQ(restored->audit_root, original->audit_root);
  EXPECT_EQ(RestoreStore(dir_.Sub("backup"), dir_.Sub("restored")).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "never over a store";

  // The restored store serves: the ledger reads the signals and goes on.
  std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("restored"));
  SubjectKeyer keyer(TestSecret());
  NotificationHub hub;
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(store.get(), &keyer, policy::MakeBuiltinDefaultPolicy(), &hub);
  EXPECT_TRUE(ledger->signals().Get(CallerIdentity{"ggz-inforsa", Role::kOrg, "ggz"}, keyer.Ids().SignalId(2)).ok());
  EXPECT_EQ(ledger->events().AuditSize(), original->audit_size);
  EXPECT_EQ(ledger->outbox().ReadOutbox("politie-amsterdam", 0, 100)->size(), 2u);
}

TEST_F(StoreMaintenanceTest, ABackupOfAStoreInUseIsRefused) {
  std::unique_ptr<Store> open = *OpenBrokerStore(dir_.Sub("db"));
  absl::StatusOr<StoreSummary> backed_up = BackupStore(dir_.Sub("db"), dir_.Sub("backup"));
  EXPECT_EQ(backed_up.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(backed_up.status().message().find("stop the broker first"), std::string::npos) << backed_up.status();
}

TEST_F(StoreMaintenanceTest, VerificationCatchesAnAlteredEvent) {
  Populate(dir_.Sub("db"));
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
    std::string event = *store->Get(Family::kAudit, keys::U64(1));
    event[event.size() / 2] ^= 1;
    rocksdb::WriteBatch batch;
    batch.Put(store->Handle(Family::kAudit), keys::U64(1), event);
    ASSERT_TRUE(store->Commit(&batch).ok());
    absl::StatusOr<StoreSummary> verified = VerifyStore(*store);
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kDataLoss);
  }
  // A backup of a damaged store is made but reported, never silently.
  EXPECT_EQ(BackupStore(dir_.Sub("db"), dir_.Sub("backup")).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(StoreMaintenanceTest, ANewStoreIsStampedAnOldOneMigratedANewerOneRefused) {
  constexpr char kKey[] = "schema_version";
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("new"));
    EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, kKey)), kStoreSchemaVersion);
  }
  // A store written before versions existed: data, no stamp.
  Populate(dir_.Sub("old"));
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("old"));
    rocksdb::WriteBatch batch;
    batch.Delete(store->Handle(Family::kMeta), kKey);
    ASSERT_TRUE(store->Commit(&batch).ok());
  }
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("old"));
    EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, kKey)), kStoreSchemaVersion);
    EXPECT_TRUE(VerifyStore(*store).ok()) << "migration keeps the data and the audit log";
    rocksdb::WriteBatch batch;
    batch.Put(store->Handle(Family::kMeta), kKey, keys::U64(kStoreSchemaVersion + 1));
    ASSERT_TRUE(store->Commit(&batch).ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> newer = OpenBrokerStore(dir_.Sub("old"));
  EXPECT_EQ(newer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.status().message().find("newer than this broker understands"), std::string::npos)
      << newer.status();
}

TEST_F(StoreMaintenanceTest, AVersion1StoreGetsTheAuditIndexBuiltFromItsLeaves) {
  Populate(dir_.Sub("db"));
  std::map<std::string, std::string> written;
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
    written = samenloop::testing::AuditIndexEntries(*store);
    ASSERT_FALSE(written.empty()) << "the ledger indexes every event as it appends it";
    // Make it what schema version 1 wrote: no audit index family at all.
    ASSERT_TRUE(store->db()->DropColumnFamily(store->Handle(Family::kAuditIndex)).ok());
    ASSERT_TRUE(store->db()->DropColumnFamily(store->Handle(Family::kAuditKeyIndex)).ok());
    rocksdb::WriteBatch batch;
    batch.Put(store->Handle(Family::kMeta), "schema_version", keys::U64(1));
    ASSERT_TRUE(store->Commit(&batch).ok());
  }
  {
    // Opening creates the family empty, and the migration fills it with
    // exactly what the ledger would have written.
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
    EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, "schema_version")), kStoreSchemaVersion);
    EXPECT_EQ(samenloop::testing::AuditIndexEntries(*store), written);
    EXPECT_TRUE(VerifyStore(*store).ok());
  }
}

TEST_F(StoreMaintenanceTest, AVersion3StoreGetsItsSignalAndSubjectEntriesMoved) {
  Populate(dir_.Sub("db"));
  std::map<std::string, std::string> written;
  {
    std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
    written = samenloop::testing::AuditIndexEntries(*store);
    // Make it what schema version 3 wrote: one audit_index family with
    // every entry, and no audit_key_index.
    rocksdb::WriteBatch batch;
    std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(Family::kAuditKeyIndex);
    for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Put(store->Handle(Family::kAuditIndex), it->key(), it->value());
    batch.Put(store->Handle(Family::kMeta), "schema_version", keys::U64(3));
    ASSERT_TRUE(store->Commit(&batch).ok());
    ASSERT_TRUE(store->db()->DropColumnFamily(store->Handle(Family::kAuditKeyIndex)).ok());
  }
  std::unique_ptr<Store> store = *OpenBrokerStore(dir_.Sub("db"));
  EXPECT_EQ(keys::ParseU64(*store->Get(Family::kMeta, "schema_version")), kStoreSchemaVersion);
  EXPECT_EQ(samenloop::testing::AuditIndexEntries(*store), written);
  // A signal's events are found through the moved entries.
  SubjectKeyer keyer(TestSecret());
  NotificationHub hub;
  std::unique_ptr<Ledger> ledger = *Ledger::Create(store.get(), &keyer, policy::MakeBuiltinDefaultPolicy(), &hub);
  absl::StatusOr<storage::StoredSignal> first = LoadSignal(*store, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(AuditLeavesOfSignal(*store, first->signal().signal_id(), ledger->events().AuditSize())->empty());
}

}  // namespace
}  // namespace samenloop::broker
