// A full disk fails closed and recovers (docs/operations.md "Disk full"):
// the real broker and pseudonymiser run with their data on small tmpfs file
// systems this test mounts in its own mount namespace. The test fills them
// with a ballast file and checks that writes are refused with UNAVAILABLE
// and a clear message, health turns to not-serving, reads are still served,
// the refusal is logged once, a restart on the full disk comes up (not
// ready) instead of aborting, and that once the ballast is removed the
// servers are ready again by themselves, with every acknowledged signal
// still there after a restart.

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "client/health_check.h"
#include "client/pseudonymiser_client.h"
#include "gtest/gtest.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

// Mounts are made in a mount namespace of this process (so they vanish with
// it and never touch the machine's): as root with CAP_SYS_ADMIN directly,
// otherwise in a new user namespace if the kernel allows unprivileged ones.
// Must run before this process starts any thread.
std::string EnterPrivateMountNamespace() {
  if (unshare(CLONE_NEWNS) != 0) {
    const int first = errno;
    const uid_t uid = getuid();
    const gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
      return absl::StrCat("cannot make a mount namespace (", std::strerror(first), "; a user namespace: ",
                          std::strerror(errno), ")");
    }
    std::ofstream("/proc/self/setgroups") << "deny";
    std::ofstream(absl::StrCat("/proc/self/uid_map")) << "0 " << uid << " 1";
    std::ofstream(absl::StrCat("/proc/self/gid_map")) << "0 " << gid << " 1";
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return absl::StrCat("cannot make the mounts private: ", std::strerror(errno));
  }
  return "";
}

absl::Status MountTmpfs(const std::string& dir, int mebibytes) {
  if (absl::Status s = RunCommand("mkdir -p " + dir); !s.ok()) return s;
  const std::string options = absl::StrCat("size=", mebibytes, "m,mode=0700");
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("mount tmpfs on ", dir, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Writes zeros to `path` until the file system is full.
void FillDisk(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const std::string chunk(1 << 16, '\0');
  while (write(fd, chunk.data(), chunk.size()) > 0) {
  }
  close(fd);
}

size_t CountInFile(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  size_t count = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++count;
  return count;
}

bool WaitForServing(const std::shared_ptr<grpc::Channel>& channel, client::Serving want,
                    absl::Duration timeout = absl::Seconds(20)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    absl::StatusOr<client::Serving> serving = client::CheckServing(channel, "");
    if (serving.ok() && *serving == want) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
}

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = EnterPrivateMountNamespace(); !why.empty()) {
      GTEST_SKIP() << "the full-disk test mounts small tmpfs file systems and " << why
                   << ": run it as root, or where unprivileged user namespaces are enabled "
                      "(sysctl kernel.unprivileged_userns_clone=1)";
    }
    stack_ = std::make_unique<DevStack>();
    for (const auto& [dir, mebibytes] : {std::pair{"broker", BrokerDiskMebibytes()}, std::pair{"pseudonymiser-state", 16}}) {
      ASSERT_TRUE(MountTmpfs(stack_->Sub(dir), mebibytes).ok());
      mounts_.push_back(stack_->Sub(dir));
    }
    // A reserve of 4 MiB on each: writes stop before RocksDB itself runs
    // out. With 0, RocksDB runs out itself (RocksDbRunsOutItself below).
    stack_->SetServerArgs({"--min-free-disk-mb", ReserveMebibytes()});
    ASSERT_TRUE(stack_->Start().ok());
    signals_ = v1::SignalService::NewStub(stack_->BrokerChannelAs("politie-amsterdam"));
  }

  void TearDown() override {
    if (stack_ == nullptr) return;
    if (HasFailure()) {
      for (const std::string& log : {stack_->broker_log(), stack_->Sub("pseudonymiser.log")}) {
        std::ifstream in(log);
        std::cerr << "---- " << log << "\n" << in.rdbuf() << "\n";
      }
    }
    stack_->StopBroker(SIGTERM);
    stack_->StopPseudonymiser(SIGTERM);
    for (const std::string& dir : mounts_) umount2(dir.c_str(), MNT_DETACH);
    stack_.reset();
  }

  virtual std::string ReserveMebibytes() const { return "4"; }
  virtual int BrokerDiskMebibytes() const { return 24; }

  // Submits one signal; its id when acknowledged.
  absl::StatusOr<std::string> Submit(uint32_t person) {
    v1::SubmitSignalsResponse response;
    grpc::Status status = signals_->SubmitSignals(
        Deadline().get(), OneItem(absl::StrCat("full-disk-", person), ValidSignal(person)), &response);
    if (!status.ok()) return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
    if (response.results_size() != 1 || response.results(0).code() != 0) {
      return absl::InternalError("item refused: " + response.DebugString());
    }
    return response.results(0).signal_id();
  }

  grpc::Status Get(const std::string& id) {
    v1::GetSignalRequest request;
    request.set_signal_id(id);
    v1::Signal signal;
    return signals_->GetSignal(Deadline().get(), request, &signal);
  }

  std::unique_ptr<DevStack> stack_;
  std::vector<std::string> mounts_;
  std::unique_ptr<v1::SignalService::Stub> signals_;
};

TEST_F(FullDiskTest, BrokerRefusesWritesWhileFullServesReadsAndRecoversWithNothingLost) {
  std::vector<std::string> acknowledged;
  for (uint32_t person = 1; person <= 20; ++person) {
    absl::StatusOr<std::string> id = Submit(person);
    ASSERT_TRUE(id.ok()) << id.status();
    acknowledged.push_back(*id);
  }
  auto health = stack_->BrokerChannelAs("operator");
  ASSERT_TRUE(WaitForServing(health, client::Serving::kServing));

  FillDisk(stack_->Sub("broker/ballast"));
  for (uint32_t person = 100; person < 105; ++person) {
    absl::StatusOr<std::string> refused = Submit(person);
    ASSERT_FALSE(refused.ok()) << "a write was acknowledged on a full disk";
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
    EXPECT_NE(refused.status().message().find("out of disk space"), absl::string_view::npos) << refused.status();
    EXPECT_NE(refused.status().message().find("reads are still served"), absl::string_view::npos);
  }
  EXPECT_TRUE(WaitForServing(health, client::Serving::kNotServing, absl::Seconds(2)))
      << "not serving at once, not only at the next probe";
  for (const std::string& id : acknowledged) EXPECT_TRUE(Get(id).ok()) << id;
  EXPECT_EQ(CountInFile(stack_->broker_log(), "out of disk space or failing"), 1u) << "logged once, not per request";
  EXPECT_EQ(CountInFile(stack_->broker_log(), "Assertion"), 0u);

  // A restart on the full disk comes up, not ready, and serves reads.
  stack_->StopBroker(SIGTERM);
  EXPECT_EQ(CountInFile(stack_->broker_log(), "broker stopped"), 1u) << "a clean stop on the full disk";
  ASSERT_TRUE(stack_->StartBroker().ok()) << "the broker must start on a full disk";
  signals_ = v1::SignalService::NewStub(stack_->BrokerChannelAs("politie-amsterdam"));
  health = stack_->BrokerChannelAs("operator");
  EXPECT_TRUE(WaitForServing(health, client::Serving::kNotServing, absl::Seconds(5)));
  for (const std::string& id : acknowledged) EXPECT_TRUE(Get(id).ok()) << id;
  EXPECT_EQ(Submit(200).status().code(), absl::StatusCode::kUnavailable);

  // Space freed: ready again by itself (the probe runs every 5 seconds).
  ASSERT_EQ(unlink(stack_->Sub("broker/ballast").c_str()), 0);
  EXPECT_TRUE(WaitForServing(health, client::Serving::kServing));
  absl::StatusOr<std::string> after = Submit(300);
  ASSERT_TRUE(after.ok()) << after.status();
  acknowledged.push_back(*after);
  EXPECT_EQ(CountInFile(stack_->broker_log(), "writes accepted again"), 1u);

  // Every acknowledged signal survives a restart.
  stack_->StopBroker(SIGTERM);
  ASSERT_TRUE(stack_->StartBroker().ok());
  EXPECT_EQ(CountInFile(stack_->broker_log(), "Assertion"), 0u);
  signals_ = v1::SignalService::NewStub(stack_->BrokerChannelAs("politie-amsterdam"));
  for (const std::string& id : acknowledged) EXPECT_TRUE(Get(id).ok()) << id;
  v1::ListOwnSignalsRequest list;
  list.mutable_page()->set_page_size(1000);
  v1::ListOwnSignalsResponse listed;
  ASSERT_TRUE(signals_->ListOwnSignals(Deadline().get(), list, &listed).ok());
  EXPECT_EQ(static_cast<size_t>(listed.signals_size()), acknowledged.size()) << "nothing lost, nothing extra";
}

TEST_F(FullDiskTest, PseudonymiserQuotaStateFailsClosedAndRecovers) {
  client::PseudonymiserClient police(stack_->PseudonymiserChannelAs("politie-amsterdam"));
  ASSERT_TRUE(police.Pseudonymise(std::vector<std::string>{"111222333"}).ok());
  auto health = stack_->PseudonymiserChannelAs("operator");
  ASSERT_TRUE(WaitForServing(health, client::Serving::kServing));

  FillDisk(stack_->Sub("pseudonymiser-state/ballast"));
  for (int i = 0; i < 3; ++i) {
    // A charge that cannot be recorded is not granted: nothing is evaluated.
    absl::StatusOr<std::vector<v1::Pseudonym>> refused = police.Pseudonymise(std::vector<std::string>{"123456782"});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
    EXPECT_NE(refused.status().message().find("quota state is out of disk space"), absl::string_view::npos)
        << refused.status();
  }
  EXPECT_TRUE(WaitForServing(health, client::Serving::kNotServing, absl::Seconds(2)));
  EXPECT_EQ(CountInFile(stack_->Sub("pseudonymiser.log"), "out of disk space or failing"), 1u);

  ASSERT_EQ(unlink(stack_->Sub("pseudonymiser-state/ballast").c_str()), 0);
  EXPECT_TRUE(WaitForServing(health, client::Serving::kServing));
  EXPECT_TRUE(police.Pseudonymise(std::vector<std::string>{"123456782"}).ok());
}

// A disk filled to the last byte, with no reserve, while the broker is
// down: RocksDB cannot even write its MANIFEST to open the store. The
// broker must say so and exit (it aborted on every such restart before),
// and start with everything acknowledged once space is freed.
class FullDiskWithoutReserveTest : public FullDiskTest {
 protected:
  std::string ReserveMebibytes() const override { return "0"; }
};

TEST_F(FullDiskWithoutReserveTest, AStartOnADiskFullToTheLastByteFailsCleanlyThenSucceeds) {
  std::vector<std::string> acknowledged;
  for (uint32_t person = 1; person <= 10; ++person) {
    absl::StatusOr<std::string> id = Submit(person);
    ASSERT_TRUE(id.ok()) << id.status();
    acknowledged.push_back(*id);
  }
  stack_->StopBroker(SIGTERM);
  FillDisk(stack_->Sub("broker/ballast"));
  EXPECT_FALSE(stack_->StartBroker().ok());
  EXPECT_EQ(CountInFile(stack_->broker_log(), "Assertion"), 0u) << "refused, not aborted";
  EXPECT_GE(CountInFile(stack_->broker_log(), "No space left on device"), 1u);

  ASSERT_EQ(unlink(stack_->Sub("broker/ballast").c_str()), 0);
  ASSERT_TRUE(stack_->StartBroker().ok());
  signals_ = v1::SignalService::NewStub(stack_->BrokerChannelAs("politie-amsterdam"));
  for (const std::string& id : acknowledged) EXPECT_TRUE(Get(id).ok()) << id;
  EXPECT_TRUE(Submit(11).ok());
}

}  // namespace
}  // namespace samenloop::testing
