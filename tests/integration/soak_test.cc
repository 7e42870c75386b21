// Bounded soak (issue 9.6): a real broker over loopback mTLS under a steady
// submission rate from two organisations whose signals match, while their
// subscribers keep connecting, reading a little, acknowledging and
// disconnecting. Afterwards nothing is lost (every notification due was
// delivered at least once, under a stable id), and the broker's resident
// memory and open file descriptors stayed flat after warm-up.
// SAMENLOOP_SOAK_SECONDS sets the length (default 60); label `soak`.

#include <dirent.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"

namespace samenloop::testing {
namespace {

using Clock = std::chrono::steady_clock;

v1::Pseudonym PersonNumber(uint64_t n) {
  v1::Pseudonym p;
  p.set_value(std::string(56, 's') + std::string(reinterpret_cast<const char*>(&n), sizeof n));
  return p;
}

v1::Signal SignalOn(const v1::Pseudonym& subject, const std::string& key) {
  v1::Signal signal;
  *signal.mutable_subject() = subject;
  signal.set_age_band(v1::AGE_BAND_23_PLUS);
  signal.set_category("housing_nuisance");
  signal.set_nature(v1::NATURE_CONCERN);
  signal.mutable_contact()->set_name(key);
  signal.set_local_reference(key);
  return signal;
}

uint64_t ResidentKiB(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

int OpenFds(pid_t pid) {
  int count = 0;
  if (DIR* dir = opendir(absl::StrCat("/proc/", pid, "/fd").c_str())) {
    while (readdir(dir) != nullptr) ++count;
    closedir(dir);
  }
  return count;
}

// One organisation's subscriber: short sessions resuming after the last
// acknowledged cursor, so every disconnect is a resume.
class Subscriber {
 public:
  Subscriber(DevStack& stack, std::string org) : stack_(stack), org_(std::move(org)) {}

  void Run(const std::atomic<bool>& stop) {
    auto notifications = v1::NotificationService::NewStub(stack_.BrokerChannelAs(org_));
    uint32_t session = 0;
    while (!stop) {
      grpc::ClientContext context;
      // Each session lasts 0.3 to 1.5 s, then the client goes away.
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300 + 400 * (session++ % 4)));
      v1::SubscribeRequest request;
      request.set_resume_from_acknowledged(true);
      std::unique_ptr<grpc::ClientReader<v1::Notification>> reader = notifications->Subscribe(&context, request);
      v1::Notification n;
      uint64_t last = 0;
      while (reader->Read(&n)) {
        std::lock_guard<std::mutex> lock(mu_);
        auto [it, inserted] = seen_.emplace(n.notification_id(), n.cursor());
        if (!inserted && it->second != n.cursor()) ++unstable_ids_;
        last = n.cursor();
      }
      (void)reader->Finish();
      if (last > 0) {
        grpc::ClientContext ack_context;
        v1::AcknowledgeRequest ack;
        ack.set_cursor(last);
        v1::AcknowledgeResponse response;
        (void)notifications->Acknowledge(&ack_context, ack, &response);
      }
    }
  }

  // A final drain from the start, to count what the outbox holds.
  size_t OutboxSize() {
    auto notifications = v1::NotificationService::NewStub(stack_.BrokerChannelAs(org_));
    grpc::ClientContext context;
    v1::SubscribeRequest request;
    request.set_stop_when_drained(true);
    std::unique_ptr<grpc::ClientReader<v1::Notification>> reader = notifications->Subscribe(&context, request);
    v1::Notification n;
    size_t count = 0;
    while (reader->Read(&n)) {
      ++count;
      std::lock_guard<std::mutex> lock(mu_);
      seen_.emplace(n.notification_id(), n.cursor());
    }
    return count;
  }

  size_t Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_.size();
  }
  int unstable_ids() const { return unstable_ids_; }

 private:
  DevStack& stack_;
  std::string org_;
  std::mutex mu_;
  std::map<std::string, uint64_t> seen_;  // notification id -> cursor
  int unstable_ids_ = 0;
};

TEST(Soak, SteadyLoadWithChurningSubscribersLosesNothingAndStaysFlat) {
  const char* env = std::getenv("SAMENLOOP_SOAK_SECONDS");
  const int seconds = env != nullptr ? std::atoi(env) : 60;
  DevStack stack;
  ASSERT_TRUE(stack.Start().ok());
  const pid_t broker = stack.broker_pid();

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> pairs{0};
  std::atomic<int> submit_failures{0};
  // Every 100 ms each organisation submits 10 signals; the GGZ signals are
  // on the persons the police submitted on just before: 200 signals/s and
  // 100 matching pairs/s, each notified in both directions.
  std::thread producer([&] {
    auto police = v1::SignalService::NewStub(stack.BrokerChannelAs("politie-amsterdam"));
    auto ggz = v1::SignalService::NewStub(stack.BrokerChannelAs("ggz-inforsa"));
    uint64_t person = 0;
    auto tick = Clock::now();
    for (int round = 0; !stop; ++round) {
      for (auto* stub : {police.get(), ggz.get()}) {
        v1::SubmitSignalsRequest request;
        for (int i = 0; i < 10; ++i) {
          v1::SubmitSignalItem* item = request.add_items();
          item->set_idempotency_key(absl::StrCat("soak-", round, "-", i));
          *item->mutable_signal() = SignalOn(PersonNumber(person + static_cast<uint64_t>(i)), item->idempotency_key());
        }
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        v1::SubmitSignalsResponse response;
        if (!stub->SubmitSignals(&context, request, &response).ok()) ++submit_failures;
      }
      person += 10;
      pairs += 10;
      tick += std::chrono::milliseconds(100);
      std::this_thread::sleep_until(tick);
    }
  });
  Subscriber police_side(stack, "politie-amsterdam"), ggz_side(stack, "ggz-inforsa");
  std::thread s1([&] { police_side.Run(stop); });
  std::thread s2([&] { ggz_side.Run(stop); });

  // Resident memory and descriptors, sampled every second after a warm-up
  // of a quarter of the run.
  std::vector<uint64_t> rss;
  std::vector<int> fds;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  const auto warm = Clock::now() + std::chrono::seconds(seconds / 4);
  while (Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (Clock::now() < warm) continue;
    rss.push_back(ResidentKiB(broker));
    fds.push_back(OpenFds(broker));
  }
  stop = true;
  producer.join();
  s1.join();
  s2.join();

  EXPECT_EQ(submit_failures, 0);
  // Nothing lost: each pair notified to both sides, every one delivered.
  const uint64_t due = pairs;
  EXPECT_EQ(police_side.OutboxSize(), due);
  EXPECT_EQ(ggz_side.OutboxSize(), due);
  EXPECT_EQ(police_side.Seen(), due);
  EXPECT_EQ(ggz_side.Seen(), due);
  EXPECT_EQ(police_side.unstable_ids() + ggz_side.unstable_ids(), 0) << "a notification id moved";

  // Flat: the second half of the samples stays within bounds of the first.
  ASSERT_GE(rss.size(), 4u);
  const size_t half = rss.size() / 2;
  const uint64_t rss_first = *std::max_element(rss.begin(), rss.begin() + static_cast<std::ptrdiff_t>(half));
  const uint64_t rss_last = *std::max_element(rss.begin() + static_cast<std::ptrdiff_t>(half), rss.end());
  const int fds_first = *std::max_element(fds.begin(), fds.begin() + static_cast<std::ptrdiff_t>(half));
  const int fds_last = *std::max_element(fds.begin() + static_cast<std::ptrdiff_t>(half), fds.end());
  // Memtables and caches fill up in steps, so allow 25% and 32 MiB; a leak
  // per notification or connection grows without bound and exceeds it.
  EXPECT_LE(rss_last, rss_first + std::max<uint64_t>(rss_first / 4, 32 * 1024))
      << "resident memory grew from " << rss_first << " KiB to " << rss_last << " KiB";
  EXPECT_LE(fds_last, fds_first + 16) << "open descriptors grew from " << fds_first << " to " << fds_last;
}

}  // namespace
}  // namespace samenloop::testing
