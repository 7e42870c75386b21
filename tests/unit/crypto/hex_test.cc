#include "crypto/hex.h"

#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

TEST(Hex, RoundTrips) {
  std::vector<uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(bytes), "0001abff");
  EXPECT_EQ(*HexDecode("0001abff"), bytes);
  EXPECT_EQ(*HexDecode("0001ABFF"), bytes);
  EXPECT_TRUE(HexDecode("")->empty());
}

TEST(Hex, RejectsMalformedInput) {
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(HexDecode("00 1").ok());
}

}  // namespace
}  // namespace samenloop::crypto
