#include "crypto/signed_tree_head.h"

#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

TEST(SignedTreeHead, SigningInputIsTheDocumentedLayout) {
  TreeHead head;
  head.tree_size = 0x0102;
  head.root.fill(0xab);
  head.timestamp_ms = 0x0a0b;
  std::vector<uint8_t> input = TreeHeadSigningInput(head);
  const std::string label = "samenloop-tree-head-v1";
  ASSERT_EQ(input.size(), label.size() + 1 + 8 + 32 + 8);
  EXPECT_EQ(std::string(input.begin(), input.begin() + static_cast<long>(label.size())), label);
  EXPECT_EQ(input[label.size()], 0);
  EXPECT_EQ(input[label.size() + 7], 0x01);
  EXPECT_EQ(input[label.size() + 8], 0x02);
  EXPECT_EQ(input[label.size() + 9], 0xab);
  EXPECT_EQ(input.back(), 0x0b);
}

TEST(SignedTreeHead, SignsAndVerifiesAndAnyChangeFails) {
  LogSigningKey key = LogSigningKey::Generate();
  TreeHead head{42, EmptyRoot(), 1800000000000};
  TreeHeadSignature signature = key.Sign(head);
  EXPECT_TRUE(VerifyTreeHead(head, signature, key.PublicKey()).ok());

  TreeHead bigger = head;
  bigger.tree_size = 43;
  EXPECT_FALSE(VerifyTreeHead(bigger, signature, key.PublicKey()).ok());
  TreeHead later = head;
  later.timestamp_ms += 1;
  EXPECT_FALSE(VerifyTreeHead(later, signature, key.PublicKey()).ok());
  TreeHead other_root = head;
  other_root.root[31] ^= 1;
  EXPECT_FALSE(VerifyTreeHead(other_root, signature, key.PublicKey()).ok());
  EXPECT_FALSE(VerifyTreeHead(head, signature, LogSigningKey::Generate().PublicKey()).ok());
}

TEST(SignedTreeHead, KeyRoundTripsThroughBytesAndCorruptionIsRefused) {
  LogSigningKey key = LogSigningKey::Generate();
  std::vector<uint8_t> bytes(key.bytes().begin(), key.bytes().end());
  absl::StatusOr<LogSigningKey> loaded = LogSigningKey::FromBytes(bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->PublicKey(), key.PublicKey());
  bytes[40] ^= 1;  // the public half
  EXPECT_FALSE(LogSigningKey::FromBytes(bytes).ok());
  EXPECT_FALSE(LogSigningKey::FromBytes(std::vector<uint8_t>(32, 1)).ok());
}

}  // namespace
}  // namespace samenloop::crypto
