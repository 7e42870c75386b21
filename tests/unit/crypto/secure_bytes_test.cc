#include "crypto/secure_bytes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

TEST(SecretArray, MoveWipesTheSource) {
  SecretArray<4> a;
  std::fill(a.data(), a.data() + a.size(), uint8_t{7});
  SecretArray<4> b = std::move(a);
  EXPECT_EQ(b.array(), (std::array<uint8_t, 4>{7, 7, 7, 7}));
  EXPECT_EQ(a.array(), (std::array<uint8_t, 4>{}));  // NOLINT(bugprone-use-after-move)
  SecretArray<4> c;
  c = std::move(b);
  EXPECT_EQ(c.array(), (std::array<uint8_t, 4>{7, 7, 7, 7}));
  EXPECT_EQ(b.array(), (std::array<uint8_t, 4>{}));  // NOLINT(bugprone-use-after-move)
  static_assert(!std::is_copy_constructible_v<SecretArray<4>>);
}

TEST(WipeOnExit, WipesAtTheEndOfTheScopeWhateverTheSizeThen) {
  std::vector<uint8_t> buffer = {1, 2};
  {
    WipeOnExit wipe(buffer);
    buffer.push_back(3);
  }
  EXPECT_EQ(buffer, (std::vector<uint8_t>{0, 0, 0}));
}

TEST(WipeString, ZeroesAndClears) {
  std::string bsn = "111222333";
  WipeString(bsn);
  EXPECT_TRUE(bsn.empty());
  std::vector<uint8_t> bytes = {1, 2, 3};
  WipeBytes(absl::MakeSpan(bytes));
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0, 0, 0}));
}

}  // namespace
}  // namespace samenloop::crypto
