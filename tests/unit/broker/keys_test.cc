#include "storage/keys.h"

#include "gtest/gtest.h"

namespace samenloop::broker::keys {
namespace {

TEST(Keys, U64RoundTripsAndSortsNumerically) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256}, ~uint64_t{0}}) {
    EXPECT_EQ(ParseU64(U64(v)), v);
  }
  EXPECT_LT(U64(255), U64(256));
  EXPECT_LT(OutboxKey("a", 9), OutboxKey("a", 10));
  // A longer organisation id never interleaves with a shorter one's keys.
  EXPECT_LT(OutboxKey("a", ~uint64_t{0}), OutboxKey("a-b", 0));
}

TEST(Keys, SignalIdsParseStrictly) {
  uint64_t n = 0;
  EXPECT_TRUE(ParseSignalId(SignalId(42), &n));
  EXPECT_EQ(n, 42u);
  EXPECT_FALSE(ParseSignalId("sig-", &n));
  EXPECT_FALSE(ParseSignalId("sig-042", &n));
  EXPECT_FALSE(ParseSignalId("sig-4x", &n));
  EXPECT_FALSE(ParseSignalId("42", &n));
  EXPECT_FALSE(ParseSignalId("sig-99999999999999999999999", &n));
}

}  // namespace
}  // namespace samenloop::broker::keys
