#include "crypto/keyed_index.h"

#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

IndexSecret Secret(uint8_t fill) {
  std::array<uint8_t, 32> bytes{};
  bytes.fill(fill);
  return *IndexSecret::FromBytes(bytes);
}

TEST(KeyedIndex, DeterministicPerSecretAndDifferentAcrossSecrets) {
  std::vector<uint8_t> pseudonym(64, 0x42);
  EXPECT_EQ(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(1), pseudonym));
  EXPECT_NE(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(2), pseudonym));
  std::vector<uint8_t> other(64, 0x43);
  EXPECT_NE(ComputeSubjectKey(Secret(1), pseudonym), ComputeSubjectKey(Secret(1), other));
}

TEST(KeyedIndex, IsNotThePseudonymNorAPlainHmacOfIt) {
  std::vector<uint8_t> pseudonym(64, 0x42);
  SubjectKey key = ComputeSubjectKey(Secret(1), pseudonym);
  EXPECT_NE(std::vector<uint8_t>(key.begin(), key.end()),
            std::vector<uint8_t>(pseudonym.begin(), pseudonym.begin() + 32));
}

TEST(IndexSecret, RejectsWrongLengthAndAllZeros) {
  EXPECT_FALSE(IndexSecret::FromBytes(std::vector<uint8_t>(31, 1)).ok());
  EXPECT_FALSE(IndexSecret::FromBytes(std::vector<uint8_t>(32, 0)).ok());
}

}  // namespace
}  // namespace samenloop::crypto
