// `samenloop watch` follows an organisation's notifications across broken
// connections. With a one-second maximum connection age the broker closes
// the stream's connection again and again (as it does hourly by default, so
// that revoked certificates lose access); watch resumes after the last
// cursor it showed, so every notification appears exactly once, in order.

#include <signal.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

void Submit(const DevStack& stack, const std::string& org, uint32_t person, const std::string& key) {
  v1::SubmitSignalsResponse response;
  grpc::Status status = v1::SignalService::NewStub(stack.BrokerChannelAs(org))
                            ->SubmitSignals(Deadline().get(), OneItem(key, ValidSignal(person)), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results(0).code(), 0) << response.results(0).message();
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(ReadFileToString(path).value_or(""), '\n', absl::SkipEmpty())) {
    lines.emplace_back(line);
  }
  return lines;
}

TEST(WatchTest, FollowsAcrossConnectionsTheBrokerClosesForAge) {
  DevStack stack;
  stack.SetServerArgs({"--max-connection-age-seconds", "1", "--max-connection-age-grace-seconds", "1"});
  ASSERT_TRUE(stack.Start().ok());
  const std::string out = stack.Sub("watch.out"), err = stack.Sub("watch.err"), pid_file = stack.Sub("watch.pid");
  ASSERT_TRUE(RunCommand(absl::StrCat(stack.CliAs("politie-amsterdam"), "--json watch > ", out, " 2> ", err,
                                      " & echo $! > ", pid_file))
                  .ok());
  const pid_t watch = static_cast<pid_t>(std::stol(ReadFileToString(pid_file).value_or("0")));
  ASSERT_GT(watch, 0);

  // One match every 700 ms for 6 s: the stream's connection is closed for
  // age several times while notifications keep coming.
  constexpr uint32_t kMatches = 8;
  for (uint32_t person = 1; person <= kMatches; ++person) {
    Submit(stack, "politie-amsterdam", person, absl::StrCat("p-", person));
    Submit(stack, "ggz-inforsa", person, absl::StrCat("g-", person));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Lines(out).size() < kMatches && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // would a duplicate follow?
  const bool still_following = kill(watch, 0) == 0;
  kill(watch, SIGTERM);
  EXPECT_TRUE(still_following) << "watch stopped: " << ReadFileToString(err).value_or("");

  std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), kMatches) << ReadFileToString(out).value_or("");
  for (size_t i = 0; i < lines.size(); ++i) {
    // Cursors are 1, 2, 3, ... in this outbox: none skipped, none twice.
    EXPECT_NE(lines[i].find(absl::StrCat("\"cursor\":\"", i + 1, "\"")), std::string::npos) << lines[i];
  }
}

}  // namespace
}  // namespace samenloop::testing
