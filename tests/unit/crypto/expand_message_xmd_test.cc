// RFC 9380 Appendix K.3 (expand_message_xmd with SHA-512) vectors and the
// §5.3.1 parameter limits.

#include "crypto/expand_message_xmd.h"

#include <string>

#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

constexpr char kDst[] = "QUUX-V01-CS02-with-expander-SHA512-256";

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string Expand(absl::string_view message, size_t length) {
  absl::StatusOr<std::vector<uint8_t>> out = ExpandMessageXmdSha512(Bytes(message), kDst, length);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? HexEncode(*out) : "";
}

TEST(ExpandMessageXmdSha512, Rfc9380AppendixK3) {
  EXPECT_EQ(Expand("", 0x20), "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba");
  EXPECT_EQ(Expand("abc", 0x20), "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc");
  EXPECT_EQ(Expand("abcdef0123456789", 0x20),
            "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58");
  EXPECT_EQ(Expand("", 0x80),
            "41b037d1734a5f8df225dd8c7de38f851efdb45c372887be655212d07251b921"
            "b052b62eaed99b46f72f2ef4cc96bfaf254ebbbec091e1a3b9e4fb5e5b619d2e"
            "0c5414800a1d882b62bb5cd1778f098b8eb6cb399d5d9d18f5d5842cf5d13d7e"
            "b00a7cff859b605da678b318bd0e65ebff70bec88c753b159a805d2c89c55961");
  EXPECT_EQ(Expand("abc", 0x80),
            "7f1dddd13c08b543f2e2037b14cefb255b44c83cc397c1786d975653e36a6b11"
            "bdd7732d8b38adb4a0edc26a0cef4bb45217135456e58fbca1703cd6032cb134"
            "7ee720b87972d63fbf232587043ed2901bce7f22610c0419751c065922b48843"
            "1851041310ad659e4b23520e1772ab29dcdeb2002222a363f0c2b1c972b3efe1");
}

TEST(ExpandMessageXmdSha512, SpanAndVectorFormsAgreeAndShortOutputsAreNotPrefixes) {
  std::vector<uint8_t> out(100);
  ASSERT_TRUE(ExpandMessageXmdSha512(Bytes("abc"), kDst, absl::MakeSpan(out)).ok());
  EXPECT_EQ(out, *ExpandMessageXmdSha512(Bytes("abc"), kDst, 100));
  // len_in_bytes is hashed into b_0, so a shorter output is not a prefix.
  std::vector<uint8_t> shorter = *ExpandMessageXmdSha512(Bytes("abc"), kDst, 64);
  EXPECT_NE(std::vector<uint8_t>(out.begin(), out.begin() + 64), shorter);
}

TEST(ExpandMessageXmdSha512, EnforcesTheParameterLimits) {
  const std::vector<uint8_t> msg = {1, 2, 3};
  EXPECT_EQ(ExpandMessageXmdSha512(msg, "", 32).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ExpandMessageXmdSha512(msg, std::string(255, 'd'), 32).ok());
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, std::string(256, 'd'), 32).ok());
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, kDst, 0).ok());
  EXPECT_TRUE(ExpandMessageXmdSha512(msg, kDst, 255 * 64).ok());
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, kDst, 255 * 64 + 1).ok());  // ell = 256
  EXPECT_FALSE(ExpandMessageXmdSha512(msg, kDst, 65536).ok());
}

}  // namespace
}  // namespace samenloop::crypto
