// The auditor's offline checks without a broker: the streaming root equals
// RFC 6962's for every size, and a consistency check fails for a wrong proof
// or a smaller tree.

#include "client/audit_verify.h"

#include "gtest/gtest.h"

namespace samenloop::client {
namespace {

crypto::MerkleHash Leaf(uint64_t i) {
  const uint8_t data[2] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
  return crypto::HashLeaf(data);
}

TEST(RootBuilder, EqualsTheRfc6962RootForEverySize) {
  std::vector<crypto::MerkleHash> leaves;
  RootBuilder builder;
  EXPECT_EQ(builder.Root(), crypto::EmptyRoot());
  for (uint64_t n = 1; n <= 70; ++n) {
    leaves.push_back(Leaf(n));
    builder.Add(leaves.back());
    EXPECT_EQ(builder.Root(), crypto::RootFromLeafHashes(leaves)) << n;
  }
}

SavedTreeHead Signed(const crypto::LogSigningKey& key, const std::vector<crypto::MerkleHash>& leaves, uint64_t size) {
  SavedTreeHead saved;
  saved.head.tree_size = size;
  saved.head.root = crypto::RootFromLeafHashes(absl::MakeConstSpan(leaves).subspan(0, size));
  saved.head.timestamp_ms = 1700000000000 + static_cast<int64_t>(size);
  saved.signature = key.Sign(saved.head);
  return saved;
}

TEST(VerifyHeadsConsistent, PassesOnlyForAnHonestExtensionSignedByThePinnedKey) {
  const crypto::LogSigningKey key = crypto::LogSigningKey::Generate();
  std::vector<crypto::MerkleHash> leaves;
  for (uint64_t i = 0; i < 13; ++i) leaves.push_back(Leaf(i));
  const SavedTreeHead old_head = Signed(key, leaves, 6), new_head = Signed(key, leaves, 13);
  absl::StatusOr<std::vector<crypto::MerkleHash>> proof = crypto::ConsistencyProof(6, 13, leaves);
  ASSERT_TRUE(proof.ok());

  VerifyReport honest;
  VerifyHeadsConsistent(old_head, new_head, *proof, key.PublicKey(), honest);
  EXPECT_TRUE(honest.ok()) << honest.failed.front();

  VerifyReport other_key;
  VerifyHeadsConsistent(old_head, new_head, *proof, crypto::LogSigningKey::Generate().PublicKey(), other_key);
  EXPECT_EQ(other_key.failed.size(), 2u);

  std::vector<crypto::MerkleHash> rewritten = leaves;
  rewritten[2] = Leaf(99);
  const SavedTreeHead forked = Signed(key, rewritten, 13);
  VerifyReport fork;
  VerifyHeadsConsistent(old_head, forked, *crypto::ConsistencyProof(6, 13, rewritten), key.PublicKey(), fork);
  ASSERT_EQ(fork.failed.size(), 1u);
  EXPECT_NE(fork.failed[0].find("does not extend"), std::string::npos);

  VerifyReport shrunk;
  VerifyHeadsConsistent(new_head, old_head, {}, key.PublicKey(), shrunk);
  ASSERT_EQ(shrunk.failed.size(), 1u);
  EXPECT_NE(shrunk.failed[0].find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace samenloop::client
