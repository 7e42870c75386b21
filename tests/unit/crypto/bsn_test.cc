#include "crypto/bsn.h"

#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

TEST(ValidateBsn, AcceptsNumbersPassingTheElevenCheck) {
  for (const char* bsn : {"111222333", "123456782", "100000009", "200000007", "999999990"}) {
    EXPECT_TRUE(ValidateBsn(bsn).ok()) << bsn;
  }
}

TEST(ValidateBsn, RefusesWithAClearReasonAndNeverEchoesTheNumber) {
  struct Case {
    const char* bsn;
    const char* reason;
  };
  for (const Case& c : {Case{"111222334", "bsn: fails the 11-check"},
                        Case{"11122233", "bsn: must be exactly 9 digits (got 8 characters)"},
                        Case{"1112223334", "bsn: must be exactly 9 digits (got 10 characters)"},
                        Case{"11122233a", "bsn: must contain digits only"},
                        Case{"111 22233", "bsn: must contain digits only"},
                        Case{"000000000", "bsn: must not be all zeros"},
                        Case{"", "bsn: must be exactly 9 digits (got 0 characters)"}}) {
    absl::Status status = ValidateBsn(c.bsn);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.bsn;
    EXPECT_EQ(status.message(), c.reason);
  }
}

TEST(EncodeBsnOprfInput, IsFixedVersionedAndDomainSeparated) {
  std::vector<uint8_t> encoded = EncodeBsnOprfInput("111222333", 0);
  const std::string expected_prefix = std::string("samenloop-id") + '\0' + '\x01' + '\x01';
  ASSERT_EQ(encoded.size(), expected_prefix.size() + 4 + 1 + 9);
  EXPECT_EQ(std::string(encoded.begin(), encoded.begin() + static_cast<long>(expected_prefix.size())),
            expected_prefix);
  EXPECT_EQ(encoded[expected_prefix.size() + 4], 9);
  EXPECT_EQ(std::string(encoded.end() - 9, encoded.end()), "111222333");
  // Key epochs never collide.
  EXPECT_NE(EncodeBsnOprfInput("111222333", 0), EncodeBsnOprfInput("111222333", 1));
  std::vector<uint8_t> epoch = EncodeBsnOprfInput("111222333", 0x01020304);
  EXPECT_EQ(epoch[15], 1);
  EXPECT_EQ(epoch[18], 4);
}

TEST(WipeString, ZeroesAndClears) {
  std::string bsn = "111222333";
  WipeString(bsn);
  EXPECT_TRUE(bsn.empty());
}

}  // namespace
}  // namespace samenloop::crypto
