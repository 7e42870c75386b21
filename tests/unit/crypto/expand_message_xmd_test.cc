#include "crypto/expand_message_xmd.h"

#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

constexpr char kDst[] = "QUUX-V01-CS02-with-expander-SHA512-256";

std::string Expand(absl::string_view message, size_t length) {
  absl::StatusOr<std::vector<uint8_t>> out = ExpandMessageXmdSha512(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(message.data()), message.size()), kDst, length);
  EXPECT_TRUE(out.ok()) << out.status();
  return HexEncode(*out);
}

// RFC 9380 Appendix K.3, expand_message_xmd(SHA-512).
TEST(ExpandMessageXmdSha512, Rfc9380Vectors) {
  EXPECT_EQ(Expand("", 0x20), "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba");
  EXPECT_EQ(Expand("abc", 0x20), "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc");
  EXPECT_EQ(Expand("abc", 0x80),
            "7f1dddd13c08b543f2e2037b14cefb255b44c83cc397c1786d975653e36a6b11bdd7732d8b38adb4a0edc26a0cef4bb4"
            "5217135456e58fbca1703cd6032cb1347ee720b87972d63fbf232587043ed2901bce7f22610c0419751c065922b48843"
            "1851041310ad659e4b23520e1772ab29dcdeb2002222a363f0c2b1c972b3efe1");
}

TEST(ExpandMessageXmdSha512, RejectsOutOfRangeParameters) {
  std::vector<uint8_t> msg = {1, 2, 3};
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, "", 32).ok());
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, std::string(256, 'd'), 32).ok());
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, kDst, 0).ok());
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, kDst, 255 * 64 + 1).ok());
  EXPECT_TRUE(ExpandMessageXmdSha512(msg, kDst, 255 * 64).ok());
}

}  // namespace
}  // namespace samenloop::crypto
