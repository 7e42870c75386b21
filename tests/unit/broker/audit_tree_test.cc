// The stored audit tree agrees with the RFC 6962 reference computation over
// the audit log's leaf data, at every size, across batches and restarts, and
// its proofs verify.

#include "broker/core/schema.h"
#include "audit/merkle_tree.h"

#include <sodium.h>

#include "storage/keys.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::ValidSignal;

class AuditTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(testing::TestSecret());
    policy_ = policy::MakeBuiltinDefaultPolicy();
    Reopen();
  }
  void Reopen() {
    ledger_.reset();
    store_.reset();
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    absl::StatusOr<std::unique_ptr<Ledger>> ledger =
        Ledger::Create(store_.get(), keyer_.get(), policy_, &hub_);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
  }
  // Submits `count` signals on one person from alternating organisations,
  // so each batch appends several events (submission and match decisions).
  void SubmitBatch(int count) {
    static int serial = 0;
    v1::SubmitSignalsRequest request;
    for (int i = 0; i < count; ++i) {
      v1::SubmitSignalItem* item = request.add_items();
      item->set_idempotency_key(absl::StrCat("k", ++serial));
      *item->mutable_signal() = ValidSignal(person_);
    }
    CallerIdentity caller{serial % 2 == 0 ? "politie-amsterdam" : "ggz-inforsa", Role::kOrg, ""};
    ASSERT_TRUE(ledger_->submission().Submit(caller, request).ok());
  }
  std::vector<crypto::MerkleHash> LeafHashes() {
    std::vector<crypto::MerkleHash> leaves;
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kAudit);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      EXPECT_EQ(keys::ParseU64(AsView(it->key())), leaves.size());
      leaves.push_back(crypto::HashLeaf(
          absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(it->value().data()), it->value().size())));
    }
    return leaves;
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  std::shared_ptr<const policy::DisclosurePolicy> policy_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
  v1::Pseudonym person_ = RandomPseudonym();
};

TEST_F(AuditTreeTest, StoredTreeMatchesTheReferenceAtEverySizeAcrossBatchesAndRestarts) {
  for (int round = 0; round < 6; ++round) {
    SubmitBatch(round + 1);
    if (round == 2) Reopen();  // the frontier is rebuilt from the stored nodes
  }
  std::vector<crypto::MerkleHash> leaves = LeafHashes();
  ASSERT_GT(leaves.size(), 40u);
  for (uint64_t size = 0; size <= leaves.size(); ++size) {
    absl::StatusOr<crypto::MerkleHash> root = AuditRoot(*store_, size);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, crypto::RootFromLeafHashes(absl::MakeConstSpan(leaves.data(), size))) << size;
  }
}

TEST_F(AuditTreeTest, ProofsFromStoredNodesVerify) {
  for (int round = 0; round < 4; ++round) SubmitBatch(3);
  std::vector<crypto::MerkleHash> leaves = LeafHashes();
  const uint64_t size = leaves.size();
  const crypto::MerkleHash root = *AuditRoot(*store_, size);
  for (uint64_t index = 0; index < size; ++index) {
    absl::StatusOr<std::vector<crypto::MerkleHash>> proof = AuditInclusionProof(*store_, index, size);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_TRUE(crypto::VerifyInclusion(index, size, leaves[index], *proof, root).ok()) << index;
  }
  for (uint64_t first = 1; first < size; ++first) {
    absl::StatusOr<std::vector<crypto::MerkleHash>> proof = AuditConsistencyProof(*store_, first, size);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_TRUE(crypto::VerifyConsistency(first, size, *AuditRoot(*store_, first), root, *proof).ok()) << first;
  }
  // A changed event no longer verifies.
  crypto::MerkleHash altered = leaves[0];
  altered[0] ^= 1;
  EXPECT_FALSE(crypto::VerifyInclusion(0, size, altered, *AuditInclusionProof(*store_, 0, size), root).ok());
}

}  // namespace
}  // namespace samenloop::broker
