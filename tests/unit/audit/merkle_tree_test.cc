// The stored audit tree agrees with the RFC 6962 reference computation over
// the audit log's leaf data, at every size, across batches and restarts, and
// its proofs verify.

#include "audit/events.h"
#include "audit/merkle_tree.h"
#include "crypto/merkle_rfc6962.h"
#include "storage/keys.h"
#include "tests/unit/audit/audit_log_fixture.h"

namespace samenloop::broker {
namespace {

class AuditTreeTest : public testing::AuditLogFixture {
 protected:
  // Appends `count` match decisions about one person in one write.
  void AppendBatch(int count) {
    static uint64_t serial = 0;
    std::vector<v1::AuditEvent> events;
    for (int i = 0; i < count; ++i, ++serial) {
      v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_MATCH_DECISION, {"broker", Role::kOperator, ""},
                                       absl::FromUnixSeconds(1800000000 + static_cast<int64_t>(serial)));
      event.add_subject_keys(std::string(64, 'a'));
      event.add_signal_ids(keys::SignalId(serial + 1));
      event.set_recipient_organisation(serial % 2 == 0 ? "politie-amsterdam" : "ggz-inforsa");
      events.push_back(std::move(event));
    }
    Append(std::move(events));
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
};

TEST_F(AuditTreeTest, StoredTreeMatchesTheReferenceAtEverySizeAcrossBatchesAndRestarts) {
  for (int round = 0; round < 12; ++round) {
    AppendBatch(round + 1);
    if (round == 2 || round == 7) Reopen();  // the frontier is rebuilt from the stored nodes
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
  for (int round = 0; round < 8; ++round) AppendBatch(round % 3 + 2);
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
