#include "crypto/hex.h"

#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

TEST(Hex, RoundTrips) {
  const std::vector<uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(bytes), "0001abff");
  EXPECT_EQ(*HexDecode("0001abff"), bytes);
  EXPECT_EQ(*HexDecode("0001ABFF"), bytes);
  EXPECT_EQ(HexEncode({}), "");
  EXPECT_TRUE(HexDecode("")->empty());
}

TEST(Hex, RejectsMalformedInputWithoutEchoingIt) {
  for (const char* bad : {"abc", "zz", "00 1", "0x00", "00\n"}) {
    absl::StatusOr<std::vector<uint8_t>> decoded = HexDecode(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(decoded.status().message().find(bad), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace samenloop::crypto
