// The broker's keyed index: deterministic per secret, different across
// secrets and pseudonyms, domain-separated.

#include "crypto/keyed_index.h"

#include <sodium.h>

#include <string>

#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

IndexSecret Secret(uint8_t fill, size_t size = 32) {
  return *IndexSecret::FromBytes(std::vector<uint8_t>(size, fill));
}

TEST(KeyedIndex, DeterministicPerSecretAndDifferentAcrossSecrets) {
  const std::vector<uint8_t> pseudonym(64, 0x42);
  EXPECT_EQ(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(1), pseudonym));
  EXPECT_NE(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(2), pseudonym));
  EXPECT_NE(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(1, 33), pseudonym));
  const std::vector<uint8_t> other(64, 0x43);
  EXPECT_NE(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(1), other));
}

// The documented construction, recomputed with one-shot HMAC-SHA256: the
// label and its 0x00 terminator come first.
TEST(KeyedIndex, IsHmacSha256OverTheLabelledPseudonym) {
  const std::vector<uint8_t> secret(32, 0x07);
  const std::vector<uint8_t> pseudonym(64, 0x42);
  std::string message = std::string("samenloop/subject-key/v1") + '\0';
  message.append(pseudonym.begin(), pseudonym.end());
  SubjectKey expected{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.data(), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, expected.data());
  EXPECT_EQ(ComputeSubjectKey(*IndexSecret::FromBytes(secret), pseudonym), expected);

  SubjectKey unlabelled{};
  crypto_auth_hmacsha256_init(&state, secret.data(), secret.size());
  crypto_auth_hmacsha256_update(&state, pseudonym.data(), pseudonym.size());
  crypto_auth_hmacsha256_final(&state, unlabelled.data());
  EXPECT_NE(ComputeSubjectKey(*IndexSecret::FromBytes(secret), pseudonym), unlabelled);
}

TEST(IndexSecret, AcceptsThirtyTwoToSixtyFourBytesNotAllZero) {
  EXPECT_FALSE(IndexSecret::FromBytes(std::vector<uint8_t>(31, 1)).ok());
  EXPECT_TRUE(IndexSecret::FromBytes(std::vector<uint8_t>(32, 1)).ok());
  EXPECT_TRUE(IndexSecret::FromBytes(std::vector<uint8_t>(64, 1)).ok());
  EXPECT_FALSE(IndexSecret::FromBytes(std::vector<uint8_t>(65, 1)).ok());
  EXPECT_FALSE(IndexSecret::FromBytes(std::vector<uint8_t>(32, 0)).ok());
  EXPECT_EQ(Secret(9, 40).bytes().size(), 40u);
}

TEST(IndexSecret, MovesLeaveNothingBehind) {
  IndexSecret a = Secret(5);
  const std::vector<uint8_t> pseudonym(64, 0x42);
  const SubjectKey before = ComputeSubjectKey(a, pseudonym);
  IndexSecret b = std::move(a);
  EXPECT_EQ(ComputeSubjectKey(b, pseudonym), before);
  EXPECT_TRUE(a.bytes().empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
}

}  // namespace
}  // namespace samenloop::crypto
