// Retention and the auditor's tools with the real binaries (issue 7, item
// 7): a signal whose visible period ends a few seconds after it was
// matched and delivered is deleted by `samenloop-broker sweep`; the events
// naming it (submission, decisions, deliveries) are redacted to their leaf
// hashes; a complete export still verifies against a head saved before, the
// subject report says "redacted after retention", and a body removed
// without an expiry event is caught.

#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <thread>

#include "broker/core/schema.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "common/tls_files.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/support/dev_pki.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::testing {
namespace {

int ExitStatus(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The builtin policy keeps a signal active for a year after it was opened
// and visible for five more.
constexpr absl::Duration kRetention = absl::Hours(24 * 365 * 6);
constexpr absl::Duration kLeft = absl::Seconds(6);  // how long the old signal stays live

class AuditRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start().ok());
    subject_ = broker::testing::RandomPseudonym();
    expires_at_ = absl::Now() + kLeft;
    // Police: opened long ago, about to leave its visible period.
    v1::Signal old_signal = broker::testing::ValidSignal(subject_);
    *old_signal.mutable_opened_at() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(expires_at_ - kRetention));
    old_signal_ = Submit("politie-amsterdam", old_signal, "p-1");
    Submit("ggz-inforsa", broker::testing::ValidSignal(subject_), "g-1");
    // Both are told, and the deliveries are audited.
    ASSERT_EQ(stack_.DrainNotifications("politie-amsterdam").size(), 1u);
    ASSERT_EQ(stack_.DrainNotifications("ggz-inforsa").size(), 1u);
    ASSERT_TRUE(RunCommand(absl::StrCat(BinaryPath("samenloop-broker"), " log-public-key --log-key ",
                                        stack_.Sub("broker/log.key"), " > ", stack_.Sub("log.pub")))
                    .ok());
    ASSERT_EQ(Cli("audit head --out " + stack_.Sub("saved-head.json")), 0) << LastOutput();
  }

  std::string Submit(const std::string& org, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    v1::SubmitSignalsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(
        v1::SignalService::NewStub(stack_.BrokerChannelAs(org))->SubmitSignals(&context, request, &response).ok());
    EXPECT_EQ(response.results(0).code(), 0) << response.results(0).message();
    return response.results(0).signal_id();
  }

  // Waits out the old signal's visible period and sweeps the stopped broker.
  void ExpireAndSweep() {
    absl::SleepFor(expires_at_ - absl::Now() + absl::Milliseconds(500));
    stack_.StopBroker(SIGTERM);
    const std::string out = stack_.Sub("sweep.out");
    ASSERT_TRUE(RunCommand(absl::StrCat(BinaryPath("samenloop-broker"), " sweep --data-dir ",
                                        stack_.broker_data_dir(), " > ", out, " 2>&1"))
                    .ok());
    sweep_output_ = ReadFileToString(out).value_or("");
  }

  int Cli(const std::string& args) {
    return ExitStatus(stack_.CliAs("auditor") + args + " > " + stack_.Sub("cli.out") + " 2>&1");
  }
  std::string LastOutput() const { return ReadFileToString(stack_.Sub("cli.out")).value_or(""); }

  int ExportAndVerify() {
    if (int code = Cli("audit export --out " + stack_.Sub("export.jsonl")); code != 0) return 100 + code;
    return Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --export ",
                            stack_.Sub("export.jsonl"), " --old-head ", stack_.Sub("saved-head.json")));
  }

  DevStack stack_;
  v1::Pseudonym subject_;
  absl::Time expires_at_;
  std::string old_signal_;
  std::string sweep_output_;
};

TEST_F(AuditRetentionTest, RedactedEventsStillVerifyAndTheReportSaysSo) {
  ExpireAndSweep();
  // Submitted, a decision each way, and a delivery to each organisation;
  // both notifications name the deleted signal and leave the outboxes.
  EXPECT_EQ(sweep_output_,
            "examined 2 signal(s), expired 1, redacted 5 audit event(s), deleted 2 notification(s)\n");
  ASSERT_TRUE(stack_.StartBroker().ok());

  ASSERT_EQ(ExportAndVerify(), 0) << LastOutput();
  const std::string verified = LastOutput();
  EXPECT_NE(verified.find("ok      5 leaf/leaves redacted after retention, each named by a later SIGNAL_EXPIRED"),
            std::string::npos)
      << verified;
  EXPECT_NE(verified.find("saved head: the first"), std::string::npos) << verified;
  // The export holds no trace of the deleted signal but the expiry event.
  const std::string exported = ReadFileToString(stack_.Sub("export.jsonl")).value_or("");
  size_t mentions = 0;
  for (size_t at = exported.find("\"" + old_signal_ + "\""); at != std::string::npos;
       at = exported.find("\"" + old_signal_ + "\"", at + 1)) {
    ++mentions;
  }
  EXPECT_EQ(mentions, 1u) << "only in the SIGNAL_EXPIRED event";
  EXPECT_NE(exported.find("\"redacted\":true"), std::string::npos);

  // The subject report lists the redacted events as such, and verifies.
  ASSERT_TRUE(RunCommand("echo " + absl::BytesToHexString(subject_.value()) + " > " + stack_.Sub("person.hex")).ok());
  ASSERT_EQ(Cli("audit subject-report --pseudonym-file " + stack_.Sub("person.hex") + " --out " +
                stack_.Sub("report.jsonl")),
            0)
      << LastOutput();
  const std::string report = LastOutput();
  size_t redacted_lines = 0;
  for (size_t at = report.find("redacted after retention"); at != std::string::npos;
       at = report.find("redacted after retention", at + 1)) {
    ++redacted_lines;
  }
  EXPECT_EQ(redacted_lines, 3u) << "the submission and both decisions name the person" << report;
  EXPECT_NE(report.find("signal_expired"), std::string::npos) << report;
  // Its events all verify, redactions included; a subject report is not
  // proven complete (exit 3, docs/audit.md).
  EXPECT_EQ(Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --export ",
                             stack_.Sub("report.jsonl"))),
            3)
      << LastOutput();
}

TEST_F(AuditRetentionTest, ABodyRemovedWithoutAnExpiryIsCaught) {
  ExpireAndSweep();
  {
    // An attacker with disk access makes the GGZ submission (leaf 1) look
    // redacted: its hash still proves it, but no expiry event names it.
    absl::StatusOr<std::unique_ptr<broker::Store>> store = broker::OpenBrokerStore(stack_.broker_data_dir());
    ASSERT_TRUE(store.ok()) << store.status();
    v1::AuditEvent stub;
    stub.set_leaf_index(1);
    stub.set_redacted(true);
    ASSERT_TRUE((*store)->db()->Put(rocksdb::WriteOptions(), (*store)->Handle(broker::Family::kAudit),
                                    broker::keys::U64(1), stub.SerializeAsString())
                    .ok());
  }
  ASSERT_TRUE(stack_.StartBroker().ok());
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("(first: leaf 1) named by no SIGNAL_EXPIRED event"), std::string::npos)
      << LastOutput();
}

}  // namespace
}  // namespace samenloop::testing
