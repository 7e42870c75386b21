// Retention-safe audit log (issue 7, item 7): when the sweeper deletes a
// signal, the bodies of the events that name it are redacted to their leaf
// hashes in the same write; the tree, its root and every proof stay valid,
// the expiry event lists the redacted leaves, and queries return them as
// redacted. Real RocksDB in a temporary directory, a real ledger.

#include <sodium.h>

#include <set>

#include "broker/core/schema.h"
#include "audit/index.h"
#include "audit/query.h"
#include "audit/merkle_tree.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/ledger.h"
#include "broker/core/backup.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::TestSecret;
using testing::kGgz;
using testing::kPolice;
using testing::ValidSignal;


class AuditRedactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    LedgerOptions options;
    options.clock = [this] { return now_; };
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), policy::MakeBuiltinDefaultPolicy(), &hub_, options);
  }

  std::string SubmitOne(const CallerIdentity& caller, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response->results(0).signal_id();
  }

  // Every stored leaf: index -> stored value.
  std::map<uint64_t, std::string> Leaves() {
    std::map<uint64_t, std::string> out;
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kAudit);
    for (it->SeekToFirst(); it->Valid(); it->Next()) out[keys::ParseU64(AsView(it->key()))] = it->value().ToString();
    return out;
  }

  static bool Names(const std::string& stored, const std::string& signal_id) {
    v1::AuditEvent event;
    if (!event.ParseFromString(stored)) return false;
    return std::find(event.signal_ids().begin(), event.signal_ids().end(), signal_id) != event.signal_ids().end();
  }

  AuditScan Scan(v1::QueryEventsRequest request, uint64_t end) {
    request.mutable_page()->set_page_size(1000);
    absl::StatusOr<AuditQueryPlan> plan = PlanAuditQuery(request);
    EXPECT_TRUE(plan.ok()) << plan.status();
    absl::StatusOr<AuditScan> scan = ScanAuditLog(*store_, *plan, end);
    EXPECT_TRUE(scan.ok()) << scan.status();
    return *scan;
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
  absl::Time now_ = absl::FromUnixSeconds(1800000000);
};

TEST_F(AuditRedactionTest, AnExpiredSignalsEventsAreRedactedAndTheTreeStillVerifies) {
  const v1::Pseudonym m = RandomPseudonym();
  const std::string police = SubmitOne(kPolice, ValidSignal(m, "domestic_violence"), "p-1");
  const std::string ggz = SubmitOne(kGgz, ValidSignal(m), "g-1");  // two match decisions name both
  v1::CloseSignalRequest close;
  close.set_signal_id(police);
  ASSERT_TRUE(ledger_->signals().Close(kPolice, close).ok());
  now_ += absl::Hours(24 * 365);  // the GGZ signal confirmed later, so it outlives the police one
  v1::UpdateSignalRequest confirm;
  confirm.set_signal_id(ggz);
  *confirm.mutable_signal()->mutable_last_confirmed_at() = ToProto(now_);
  confirm.mutable_update_mask()->add_paths("last_confirmed_at");
  ASSERT_TRUE(ledger_->signals().Update(kGgz, confirm).ok());

  const std::map<uint64_t, std::string> before = Leaves();
  std::set<uint64_t> naming_police;
  for (const auto& [index, stored] : before) {
    if (Names(stored, police)) naming_police.insert(index);
  }
  ASSERT_GE(naming_police.size(), 4u) << "submitted, two decisions, closed";
  const uint64_t size_before = ledger_->events().AuditSize();
  const crypto::MerkleHash root_before = *AuditRoot(*store_, size_before);

  now_ += absl::Hours(24 * 365 * 5 + 24 * 10);  // past the police signal's visible period, not the GGZ one's
  absl::StatusOr<SweepResult> swept = ledger_->retention().SweepExpired();
  ASSERT_TRUE(swept.ok()) << swept.status();
  ASSERT_EQ(swept->expired, 1u) << "only the police signal";
  EXPECT_EQ(swept->redacted, naming_police.size());

  const std::map<uint64_t, std::string> after = Leaves();
  ASSERT_EQ(after.size(), size_before + 1) << "one expiry event";
  for (const auto& [index, stored] : before) {
    if (naming_police.count(index) > 0) {
      EXPECT_TRUE(IsRedactedStub(after.at(index))) << "leaf " << index;
      EXPECT_EQ(after.at(index).find(police), std::string::npos);
      // The stored leaf hash is still the hash of the body that was removed.
      EXPECT_EQ(*AuditLeafHash(*store_, index),
                crypto::HashLeaf(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(stored.data()), stored.size())));
    } else {
      EXPECT_EQ(after.at(index), stored) << "leaf " << index << " does not name the expired signal";
    }
  }
  v1::AuditEvent expired;
  ASSERT_TRUE(expired.ParseFromString(after.at(size_before)));
  EXPECT_EQ(expired.type(), v1::AUDIT_EVENT_TYPE_SIGNAL_EXPIRED);
  EXPECT_EQ(std::set<uint64_t>(expired.redacted_leaves().begin(), expired.redacted_leaves().end()), naming_police);

  // The tree did not change: the old root, consistency, and every proof.
  EXPECT_EQ(*AuditRoot(*store_, size_before), root_before);
  const uint64_t size = ledger_->events().AuditSize();
  const crypto::MerkleHash root = *AuditRoot(*store_, size);
  for (uint64_t index = 0; index < size; ++index) {
    absl::StatusOr<std::vector<crypto::MerkleHash>> proof = AuditInclusionProof(*store_, index, size);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(crypto::VerifyInclusion(index, size, *AuditLeafHash(*store_, index), *proof, root).ok()) << index;
  }
  EXPECT_TRUE(crypto::VerifyConsistency(size_before, size, root_before, root,
                                        *AuditConsistencyProof(*store_, size_before, size))
                  .ok());
  absl::StatusOr<StoreSummary> verified = VerifyStore(*store_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->audit_root, root);

  // Nothing in the audit index names the deleted signal any more.
  EXPECT_TRUE(AuditLeavesOfSignal(*store_, police, size)->empty());

  // A subject query finds the redacted leaves as redacted, a typed one not.
  v1::QueryEventsRequest by_subject;
  by_subject.set_subject_key(Hex(keyer_->KeyFor(m)));
  std::set<uint64_t> redacted_found;
  for (const AuditLeaf& leaf : Scan(by_subject, size).matches) {
    if (leaf.redacted) {
      redacted_found.insert(leaf.index);
      EXPECT_TRUE(leaf.data.empty());
      EXPECT_FALSE(leaf.event.has_value());
    }
  }
  EXPECT_EQ(redacted_found, naming_police);
  v1::QueryEventsRequest typed = by_subject;
  typed.add_types(v1::AUDIT_EVENT_TYPE_MATCH_DECISION);
  for (const AuditLeaf& leaf : Scan(typed, size).matches) EXPECT_FALSE(leaf.redacted) << leaf.index;
  // An unfiltered scan (a complete export) holds every leaf.
  EXPECT_EQ(Scan(v1::QueryEventsRequest(), size).matches.size(), size);

  // Sweeping again changes nothing.
  EXPECT_EQ(ledger_->retention().SweepExpired()->expired, 0u);
  EXPECT_EQ(Leaves().size(), size);
}

}  // namespace
}  // namespace samenloop::broker
