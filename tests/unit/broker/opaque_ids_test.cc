// Opaque ids: round trips, the first format still readable, and ids that
// reveal nothing about the numbers behind them.
#include "broker/core/opaque_ids.h"

#include <set>

#include "gtest/gtest.h"
#include "signal_test_helpers.h"

namespace samenloop::broker {
namespace {

OpaqueIds MakeIds() { return OpaqueIds(crypto::IdCipher::FromIndexSecret(testing::TestSecret())); }

TEST(OpaqueIds, SignalIdsRoundTripForManyNumbers) {
  const OpaqueIds ids = MakeIds();
  std::set<std::string> seen;
  for (uint64_t n : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{1000}, uint64_t{1} << 40, ~uint64_t{0}}) {
    const std::string id = ids.SignalId(n);
    EXPECT_EQ(id.size(), 4u + 26u) << id;
    EXPECT_EQ(id.rfind("sig_", 0), 0u) << id;
    uint64_t back = 0;
    ASSERT_TRUE(ids.ParseSignalId(id, &back)) << id;
    EXPECT_EQ(back, n);
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(OpaqueIds, ConsecutiveNumbersShareNoPrefix) {
  // Arrival order must not show: neighbouring numbers give unrelated ids.
  const OpaqueIds ids = MakeIds();
  size_t common = 0;
  for (uint64_t n = 1; n < 200; ++n) {
    const std::string a = ids.SignalId(n), b = ids.SignalId(n + 1);
    size_t i = 4;
    while (i < a.size() && a[i] == b[i]) ++i;
    common += i - 4;
  }
  // A shared first base32 character happens 1 time in 32.
  EXPECT_LT(common, 30u);
}

TEST(OpaqueIds, MadeUpAndAlteredIdsAreRefused) {
  const OpaqueIds ids = MakeIds();
  uint64_t n = 0;
  std::string id = ids.SignalId(7);
  id[10] = id[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(ids.ParseSignalId(id, &n));
  EXPECT_FALSE(ids.ParseSignalId("sig_aaaaaaaaaaaaaaaaaaaaaaaaaa", &n));
  EXPECT_FALSE(ids.ParseSignalId("sig_", &n));
  EXPECT_FALSE(ids.ParseSignalId("sig_AAAAAAAAAAAAAAAAAAAAAAAAAA", &n));
  EXPECT_FALSE(ids.ParseSignalId(ids.SignalId(7) + "a", &n));
  // Another broker's key: not this broker's id.
  crypto::IndexSecret other_secret = *crypto::IndexSecret::FromBytes(std::vector<uint8_t>(32, 0x42));
  const OpaqueIds other(crypto::IdCipher::FromIndexSecret(other_secret));
  EXPECT_FALSE(ids.ParseSignalId(other.SignalId(7), &n));
}

TEST(OpaqueIds, FirstFormatSignalIdsStayReadable) {
  const OpaqueIds ids = MakeIds();
  uint64_t n = 0;
  ASSERT_TRUE(ids.ParseSignalId("sig-42", &n));
  EXPECT_EQ(n, 42u);
  EXPECT_FALSE(ids.ParseSignalId("sig-042", &n));
}

TEST(OpaqueIds, NotificationIdsRoundTripAndStayReadable) {
  const OpaqueIds ids = MakeIds();
  for (auto kind : {NotificationRef::Kind::kMatch, NotificationRef::Kind::kCoordination,
                    NotificationRef::Kind::kRetraction}) {
    NotificationRef ref{kind, 12345, 678901, 3};
    const std::string id = ids.NotificationId(ref);
    EXPECT_EQ(id.rfind("ntf_", 0), 0u);
    std::optional<NotificationRef> back = ids.ParseNotificationId(id);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->kind, kind);
    EXPECT_EQ(back->signal, 12345u);
    EXPECT_EQ(back->other, 678901u);
    EXPECT_EQ(back->generation, 3u);
  }
  std::optional<NotificationRef> old = ids.ParseNotificationId("ntf-12-34-1");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(SignalsNamedBy(*old), (std::vector<uint64_t>{12, 34}));
  old = ids.ParseNotificationId("ntf-c-zvh-amsterdam-7");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(SignalsNamedBy(*old), (std::vector<uint64_t>{7}));
  EXPECT_EQ(old->other, OpaqueIds::CoordinatorTag("zvh-amsterdam"));
  EXPECT_FALSE(ids.ParseNotificationId("something-else").has_value());
}

TEST(OpaqueIds, RetractionsNameNoSignalToWithdrawThemBy) {
  EXPECT_TRUE(SignalsNamedBy(NotificationRef{NotificationRef::Kind::kRetraction, 1, 2, 1}).empty());
}

}  // namespace
}  // namespace samenloop::broker
