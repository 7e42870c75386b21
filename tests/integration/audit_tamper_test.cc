// The auditor's tools against the real broker over mTLS, and tampering with
// the broker's RocksDB while it is stopped: alter a leaf byte, delete a
// leaf, reorder two leaves, alter a node, truncate the log. Each time the
// auditor holds a tree head saved before, and `samenloop audit verify` must
// say so with exit status 1 and name the check that failed; untouched, the
// same commands exit 0 (issue 7).

#include <sys/wait.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "broker/core/schema.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/support/dev_pki.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::testing {
namespace {

using broker::Family;
using broker::Store;

// Exit status of a shell command (-1 if it did not exit normally).
int ExitStatus(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start().ok());
    // Two organisations on the same three people: submissions and decisions.
    for (int person = 0; person < 3; ++person) {
      v1::Pseudonym subject = broker::testing::RandomPseudonym();
      if (person == 0) first_subject_ = subject;
      for (const char* org : {"politie-amsterdam", "ggz-inforsa"}) {
        v1::SubmitSignalsRequest request;
        v1::SubmitSignalItem* item = request.add_items();
        item->set_idempotency_key(absl::StrCat(org, person));
        *item->mutable_signal() = broker::testing::ValidSignal(subject);
        v1::SubmitSignalsResponse response;
        grpc::ClientContext context;
        ASSERT_TRUE(
            v1::SignalService::NewStub(stack_.BrokerChannelAs(org))->SubmitSignals(&context, request, &response).ok());
        ASSERT_EQ(response.results(0).code(), 0);
      }
    }
    ASSERT_EQ(Cli("audit head --out " + Saved()), 0);
    ASSERT_TRUE(RunCommand(absl::StrCat(BinaryPath("samenloop-broker"), " log-public-key --log-key ",
                                        stack_.Sub("broker/log.key"), " > ", stack_.Sub("log.pub")))
                    .ok());
  }

  std::string Saved() const { return stack_.Sub("saved-head.json"); }
  std::string Output() const { return stack_.Sub("verify.out"); }

  int Cli(const std::string& args) {
    return ExitStatus(stack_.CliAs("auditor") + args + " > " + Output() + " 2>&1");
  }
  std::string LastOutput() const { return ReadFileToString(Output()).value_or(""); }

  // Exports the whole log and verifies it against the saved head.
  int ExportAndVerify() {
    if (int code = Cli("audit export --out " + stack_.Sub("export.jsonl")); code != 0) return 100 + code;
    return Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --export ",
                            stack_.Sub("export.jsonl"), " --old-head ", Saved()));
  }

  // Fetches a new head and checks it against the saved one.
  int NewHeadAndVerify() {
    if (int code = Cli("audit head --out " + stack_.Sub("new-head.json")); code != 0) return 100 + code;
    return Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --old-head ", Saved(),
                            " --new-head ", stack_.Sub("new-head.json")));
  }

  // Stops the broker, changes its store, starts it again.
  void Tamper(const std::function<void(Store&)>& change) {
    stack_.StopBroker(SIGTERM);
    {
      absl::StatusOr<std::unique_ptr<Store>> store = broker::OpenBrokerStore(stack_.broker_data_dir());
      ASSERT_TRUE(store.ok()) << store.status();
      change(**store);
    }
    ASSERT_TRUE(stack_.StartBroker().ok());
  }

  static void Put(Store& store, Family family, const std::string& key, const std::string& value) {
    ASSERT_TRUE(store.db()->Put(rocksdb::WriteOptions(), store.Handle(family), key, value).ok());
  }
  static std::string Get(Store& store, Family family, const std::string& key) {
    absl::StatusOr<std::string> value = store.Get(family, key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.value_or("");
  }
  static uint64_t SavedSize(const std::string& path) {
    // The saved head as the auditor's file states it.
    std::string json = ReadFileToString(path).value_or("");
    size_t at = json.find("\"tree_size\":\"");
    EXPECT_NE(at, std::string::npos) << json;
    return std::stoull(json.substr(at + 13));
  }

  DevStack stack_;
  v1::Pseudonym first_subject_;
};

TEST_F(AuditTamperTest, AnUntouchedLogVerifies) {
  EXPECT_EQ(ExportAndVerify(), 0) << LastOutput();
  EXPECT_NE(LastOutput().find("verified"), std::string::npos) << LastOutput();
  EXPECT_EQ(NewHeadAndVerify(), 0) << LastOutput();
  EXPECT_NE(LastOutput().find("extends the saved tree"), std::string::npos) << LastOutput();

  // A filtered export verifies its events, but nothing proves it complete:
  // its own exit status, and never the word "verified" alone.
  ASSERT_EQ(Cli("audit export --type match_decision --outcome allow --out " + stack_.Sub("some.jsonl")), 0);
  EXPECT_EQ(Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --export ",
                             stack_.Sub("some.jsonl"))),
            3)
      << LastOutput();
  EXPECT_NE(LastOutput().find("completeness is not established"), std::string::npos) << LastOutput();
  EXPECT_EQ(LastOutput().find("\nverified\n"), std::string::npos) << LastOutput();
  // The wrong pinned key fails; usage errors are 2.
  EXPECT_EQ(Cli(absl::StrCat("audit verify --log-public-key ", std::string(64, 'a'), " --export ",
                             stack_.Sub("some.jsonl"))),
            1);
  EXPECT_NE(LastOutput().find("FAILED  export tree head"), std::string::npos) << LastOutput();
  EXPECT_EQ(Cli("audit verify --export " + stack_.Sub("some.jsonl")), 2);
  EXPECT_EQ(Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"))), 2);
  EXPECT_EQ(Cli("audit export --type nonsense --out " + stack_.Sub("x")), 2);
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// The export header's `complete` flag and filters are not signed: editing
// them must never get an export with events left out printed as verified.
TEST_F(AuditTamperTest, AnEditedCompleteFlagOrFiltersIsNotVerified) {
  ASSERT_EQ(Cli("audit export --out " + stack_.Sub("all.jsonl")), 0) << LastOutput();
  const std::string all = ReadFileToString(stack_.Sub("all.jsonl")).value_or("");
  const size_t header_end = all.find('\n');
  ASSERT_NE(header_end, std::string::npos);
  std::string header = all.substr(0, header_end);
  const size_t flag = header.find("\"complete\":true");
  ASSERT_NE(flag, std::string::npos) << header;
  std::string unmarked = header;
  unmarked.replace(flag, 15, "\"complete\":false");
  // Drop the second event line: complete no longer, and no longer claimed.
  const size_t first_event_end = all.find('\n', header_end + 1);
  const size_t second_event_end = all.find('\n', first_event_end + 1);
  ASSERT_NE(second_event_end, std::string::npos);
  const std::string edited = unmarked + all.substr(header_end, first_event_end - header_end) +
                             all.substr(second_event_end);
  ASSERT_TRUE(WriteFile(stack_.Sub("edited.jsonl"), edited));
  const std::string verify = absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --export ");
  EXPECT_EQ(Cli(verify + stack_.Sub("edited.jsonl")), 3) << LastOutput();
  EXPECT_NE(LastOutput().find("NOT VERIFIED AS COMPLETE"), std::string::npos) << LastOutput();
  EXPECT_EQ(LastOutput().find("\nverified\n"), std::string::npos) << LastOutput();

  // The flag edited away but nothing removed: the leaves still prove it.
  ASSERT_TRUE(WriteFile(stack_.Sub("unmarked.jsonl"), unmarked + all.substr(header_end)));
  EXPECT_EQ(Cli(verify + stack_.Sub("unmarked.jsonl")), 0) << LastOutput();

  // Filters added to the complete header: the header contradicts itself.
  std::string filtered = header;
  const size_t organisation = filtered.find("\"organisation\":\"\"");
  ASSERT_NE(organisation, std::string::npos) << header;
  filtered.replace(organisation, 17, "\"organisation\":\"ggz-inforsa\"");
  ASSERT_TRUE(WriteFile(stack_.Sub("filtered.jsonl"), filtered + all.substr(header_end)));
  EXPECT_EQ(Cli(verify + stack_.Sub("filtered.jsonl")), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("marked complete but carries filters"), std::string::npos) << LastOutput();
}

TEST_F(AuditTamperTest, SubjectReportAndStatisticsThroughTheCli) {
  // As an organisation that holds the BSN would hand it over: hex, in a file.
  const std::string hex = absl::BytesToHexString(first_subject_.value());
  ASSERT_TRUE(RunCommand("echo " + hex + " > " + stack_.Sub("person.hex")).ok());
  ASSERT_EQ(Cli("audit subject-report --pseudonym-file " + stack_.Sub("person.hex") + " --out " +
                stack_.Sub("report.jsonl")),
            0)
      << LastOutput();
  const std::string report = LastOutput();
  EXPECT_NE(report.find("signal_submitted"), std::string::npos) << report;
  EXPECT_NE(report.find("politie-amsterdam"), std::string::npos) << report;
  EXPECT_NE(report.find("to ggz-inforsa"), std::string::npos) << report;
  EXPECT_EQ(report.find(hex), std::string::npos);
  // Every event verifies; a subject report cannot prove it holds them all.
  EXPECT_EQ(Cli(absl::StrCat("audit verify --log-public-key ", stack_.Sub("log.pub"), " --export ",
                             stack_.Sub("report.jsonl"))),
            3)
      << LastOutput();
  ASSERT_TRUE(RunCommand("echo 1234 > " + stack_.Sub("bad.hex")).ok());
  ASSERT_EQ(ExitStatus(stack_.CliAs("privacy-officer") + "audit statistics > " + Output() + " 2>&1"), 0);
  // Three signals per organisation: under the default threshold of 10.
  EXPECT_NE(LastOutput().find("signals_by_category   housing_nuisance/ggz-inforsa"), std::string::npos) << LastOutput();
  EXPECT_NE(LastOutput().find("< 10"), std::string::npos) << LastOutput();
  EXPECT_EQ(Cli("audit subject-report --pseudonym-file " + stack_.Sub("bad.hex")), 2);
}

TEST_F(AuditTamperTest, AlteredLeafByteIsDetected) {
  Tamper([](Store& store) {
    std::string leaf = Get(store, Family::kAudit, broker::keys::U64(2));
    // A byte inside a string keeps the event parseable: the subtle case.
    size_t at = leaf.find("ggz-inforsa");
    if (at == std::string::npos) at = leaf.find("politie-amsterdam");
    ASSERT_NE(at, std::string::npos);
    leaf[at] = 'x';
    Put(store, Family::kAudit, broker::keys::U64(2), leaf);
  });
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  leaf 2: inclusion proof does not verify"), std::string::npos) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  saved head: the first"), std::string::npos) << LastOutput();
}

TEST_F(AuditTamperTest, DeletedLeafIsDetected) {
  Tamper([](Store& store) {
    ASSERT_TRUE(store.db()->Delete(rocksdb::WriteOptions(), store.Handle(Family::kAudit), broker::keys::U64(3)).ok());
  });
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  complete export: leaf 3 is missing"), std::string::npos) << LastOutput();
}

TEST_F(AuditTamperTest, ReorderedLeavesAreDetected) {
  Tamper([](Store& store) {
    const std::string one = Get(store, Family::kAudit, broker::keys::U64(1));
    const std::string four = Get(store, Family::kAudit, broker::keys::U64(4));
    Put(store, Family::kAudit, broker::keys::U64(1), four);
    Put(store, Family::kAudit, broker::keys::U64(4), one);
  });
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  leaf 1: its data is the event of leaf 4"), std::string::npos) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  leaf 4: inclusion proof does not verify"), std::string::npos) << LastOutput();
}

TEST_F(AuditTamperTest, AlteredInnerNodeIsDetectedByTheProofsThatUseIt) {
  Tamper([](Store& store) {
    // Level 1, index 0: the hash of leaves 0 and 1, a sibling in the proofs
    // of leaves 2 and 3.
    const std::string key = std::string(1, '\x01') + broker::keys::U64(0);
    std::string node = Get(store, Family::kAuditNodes, key);
    node[0] = static_cast<char>(node[0] ^ 1);
    Put(store, Family::kAuditNodes, key, node);
  });
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  leaf 2: inclusion proof does not verify"), std::string::npos) << LastOutput();
}

TEST_F(AuditTamperTest, AlteredTopNodeBreaksConsistencyWithTheSavedHead) {
  const uint64_t saved = SavedSize(Saved());
  uint32_t level = 0;
  while ((uint64_t{2} << level) <= saved) ++level;  // largest complete subtree of the saved tree
  Tamper([level](Store& store) {
    const std::string key = std::string(1, static_cast<char>(level)) + broker::keys::U64(0);
    std::string node = Get(store, Family::kAuditNodes, key);
    node[5] = static_cast<char>(node[5] ^ 0x80);
    Put(store, Family::kAuditNodes, key, node);
  });
  EXPECT_EQ(NewHeadAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED  consistency: the new head does not extend the old one"), std::string::npos)
      << LastOutput();
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
}

TEST_F(AuditTamperTest, TruncatedLogIsDetected) {
  const uint64_t saved = SavedSize(Saved());
  ASSERT_GT(saved, 4u);
  Tamper([saved](Store& store) {
    // What a careful tamperer does: drop the newest leaves and wind the
    // counter back, so that the broker starts cleanly on the shorter log.
    for (uint64_t i = saved - 3; i < saved; ++i) {
      ASSERT_TRUE(store.db()->Delete(rocksdb::WriteOptions(), store.Handle(Family::kAudit), broker::keys::U64(i)).ok());
    }
    Put(store, Family::kMeta, broker::keys::NextAuditNumberKey(), broker::keys::U64(saved - 3));
  });
  EXPECT_EQ(NewHeadAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("truncated or rolled back"), std::string::npos) << LastOutput();
  EXPECT_EQ(ExportAndVerify(), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("truncated or rolled back"), std::string::npos) << LastOutput();
}

}  // namespace
}  // namespace samenloop::testing
