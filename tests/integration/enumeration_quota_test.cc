// An organisation that tries to enumerate BSNs through the pseudonymiser is
// stopped at its quota, and a restart (even a crash) gives it no fresh
// quota. Real pseudonymiser process, real mTLS, the SDK as the client.

#include <signal.h>

#include "absl/strings/str_format.h"
#include "client/pseudonymiser_client.h"
#include "gtest/gtest.h"
#include "tests/integration/dev_stack.h"

namespace samenloop::testing {
namespace {

// The valid BSNs in order, as an enumerating attacker would try them.
std::vector<std::string> NextValidBsns(uint64_t* cursor, size_t count) {
  std::vector<std::string> out;
  while (out.size() < count) {
    std::string candidate = absl::StrFormat("%09d", ++*cursor);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (i == 8 ? -1 : 9 - i) * (candidate[static_cast<size_t>(i)] - '0');
    if (sum % 11 == 0) out.push_back(candidate);
  }
  return out;
}

TEST(EnumerationQuota, AnEnumeratingOrganisationIsStoppedAndStaysStoppedAfterACrash) {
  DevStack stack;
  stack.SetPseudonymiserConfig(
      "quotas:\n"
      "  default: {per_second: 2000, burst: 200, per_day: 1000}\n");
  absl::Status started = stack.Start();
  ASSERT_TRUE(started.ok()) << started;

  uint64_t cursor = 100000000;
  uint64_t pseudonymised = 0;
  absl::Status refused;
  client::PseudonymiserClient attacker(stack.PseudonymiserChannelAs("politie-amsterdam"));
  for (int attempt = 0; attempt < 100 && refused.ok(); ++attempt) {  // bounded
    std::vector<std::string> batch = NextValidBsns(&cursor, 100);
    absl::StatusOr<std::vector<v1::Pseudonym>> result = attacker.Pseudonymise(batch);
    if (result.ok()) {
      pseudonymised += result->size();
      continue;
    }
    refused = result.status();
    std::optional<absl::Duration> wait = client::RetryAfter(refused);
    if (refused.message().find("rate limit") != absl::string_view::npos && wait.has_value() &&
        *wait < absl::Seconds(1)) {
      absl::SleepFor(*wait);  // a patient attacker waits out the rate limit...
      refused = absl::OkStatus();
    }
  }
  // ...but not the daily cap.
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_NE(refused.message().find("daily cap"), absl::string_view::npos) << refused;
  EXPECT_EQ(pseudonymised, 1000u);

  stack.StopPseudonymiser(SIGKILL);
  ASSERT_TRUE(stack.StartPseudonymiser().ok());
  client::PseudonymiserClient after_crash(stack.PseudonymiserChannelAs("politie-amsterdam"));
  EXPECT_EQ(after_crash.Pseudonymise(NextValidBsns(&cursor, 1)).status().code(),
            absl::StatusCode::kResourceExhausted);
  // Other organisations keep their own quota.
  client::PseudonymiserClient ggz(stack.PseudonymiserChannelAs("ggz-inforsa"));
  EXPECT_TRUE(ggz.Pseudonymise(NextValidBsns(&cursor, 10)).ok());
}

}  // namespace
}  // namespace samenloop::testing
