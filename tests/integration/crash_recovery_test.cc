// Crash recovery (issue 9.1): the broker runs under steady load from several
// organisations and is killed with SIGKILL at random moments, then started
// again on the same data. After every restart the audit log must extend the
// last tree head an auditor saved before the crash; at the end every
// acknowledged signal must be there once, nothing unacknowledged may be
// half-written, and every notification due must be in its outbox with the
// ids subscribers already saw. The pseudonymiser's quota is crashed the
// same way. Bounded in time; ctest label `crash` (filter with -LE crash).

#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crypto/merkle_rfc6962.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"

namespace samenloop::testing {
namespace {

const std::vector<std::string> kOrgs = {"politie-amsterdam", "veilig-thuis-amsterdam", "ggz-inforsa"};
constexpr int kCycles = 20;
// Few enough that signals of different organisations meet (each person
// gets dozens), not so few that the notifications (quadratic in the signals
// per person) make the final drain the bulk of the test.
constexpr uint32_t kPersons = 400;
constexpr int kBatch = 4;

crypto::MerkleHash ToHash(const std::string& bytes) {
  crypto::MerkleHash hash{};
  if (bytes.size() == hash.size()) std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

// The broker's address changes at each restart (port 0): clients look it up.
class BrokerAddress {
 public:
  void Set(std::string address) {
    std::lock_guard<std::mutex> lock(mutex_);
    address_ = std::move(address);
  }
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return address_;
  }

 private:
  mutable std::mutex mutex_;
  std::string address_;
};

// What one organisation's client saw: keys the broker acknowledged (with the
// id it gave) and keys whose fate a crash left unknown.
struct ClientRecord {
  std::map<std::string, std::string> acknowledged;  // idempotency key -> signal id
  std::set<std::string> in_doubt;
  std::map<uint64_t, std::string> seen_notifications;  // cursor -> id, from the live subscriber
};

uint32_t PersonOf(const std::string& key) {  // keys look like "<org>/<n>/p<person>"
  return static_cast<uint32_t>(std::stoul(key.substr(key.rfind("/p") + 2)));
}

class CrashRecoveryTest : public ::testing::Test {
 protected:
  std::shared_ptr<grpc::Channel> Channel(const std::string& identity) const {
    const std::string dir = stack_.pki() + "/" + identity;
    return ChannelWith(address_.Get(), dir + "/ca.pem", dir + "/cert.pem", dir + "/key.pem");
  }

  void Load(size_t org_index, ClientRecord* record) {
    const std::string& org = kOrgs[org_index];
    std::mt19937 random(static_cast<uint32_t>(org_index) + 7u);
    int n = 0;
    while (!stop_.load()) {
      v1::SubmitSignalsRequest request;
      std::vector<std::string> keys;
      for (int i = 0; i < kBatch; ++i) {
        const std::string key = absl::StrCat(org, "/", ++n, "/p", random() % kPersons);
        v1::Signal signal = ValidSignal(PersonOf(key));
        signal.set_local_reference(key);
        *request.add_items() = OneItem(key, signal).items(0);
        keys.push_back(key);
      }
      v1::SubmitSignalsResponse response;
      grpc::Status status =
          v1::SignalService::NewStub(Channel(org))->SubmitSignals(Deadline(5).get(), request, &response);
      std::lock_guard<std::mutex> lock(record_mutex_);
      if (status.ok() && response.results_size() == kBatch) {
        for (int i = 0; i < kBatch; ++i) {
          EXPECT_EQ(response.results(i).code(), 0) << response.results(i).message();
          record->acknowledged[keys[static_cast<size_t>(i)]] = response.results(i).signal_id();
        }
      } else {
        for (const std::string& key : keys) record->in_doubt.insert(key);
      }
    }
  }

  // A subscriber that connects, reads a little and disconnects, resuming
  // from what it has seen, across crashes.
  void Subscribe(size_t org_index, ClientRecord* record) {
    uint64_t cursor = 0;
    while (!stop_.load()) {
      v1::SubscribeRequest request;
      request.set_after_cursor(cursor);
      auto context = Deadline(1);
      auto reader = v1::NotificationService::NewStub(Channel(kOrgs[org_index]))->Subscribe(context.get(), request);
      v1::Notification n;
      while (reader->Read(&n)) {
        std::lock_guard<std::mutex> lock(record_mutex_);
        auto [it, inserted] = record->seen_notifications.emplace(n.cursor(), n.notification_id());
        if (!inserted) {
          EXPECT_EQ(it->second, n.notification_id()) << "a cursor changed its notification";
        }
        cursor = n.cursor();
      }
      reader->Finish();
    }
  }

  v1::SignedTreeHead TreeHead() const {
    v1::SignedTreeHead head;
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (v1::AuditService::NewStub(Channel("auditor"))
              ->GetTreeHead(Deadline(5).get(), v1::GetTreeHeadRequest(), &head)
              .ok()) {
        return head;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "no tree head";
    return head;
  }

  // The log after the restart must extend the head saved before the crash.
  void ExpectExtends(const v1::SignedTreeHead& saved, const v1::SignedTreeHead& now) const {
    ASSERT_GE(now.tree_size(), saved.tree_size()) << "a signed audit event was lost";
    if (saved.tree_size() == 0 || saved.tree_size() == now.tree_size()) {
      EXPECT_EQ(saved.root_hash(), now.root_hash());
      return;
    }
    v1::GetConsistencyProofRequest request;
    request.set_first(saved.tree_size());
    request.set_second(now.tree_size());
    v1::ConsistencyProof proof;
    ASSERT_TRUE(
        v1::AuditService::NewStub(Channel("auditor"))->GetConsistencyProof(Deadline(5).get(), request, &proof).ok());
    std::vector<crypto::MerkleHash> hashes;
    for (const std::string& h : proof.hashes()) hashes.push_back(ToHash(h));
    absl::Status verified = crypto::VerifyConsistency(saved.tree_size(), now.tree_size(), ToHash(saved.root_hash()),
                                                      ToHash(now.root_hash()), hashes);
    EXPECT_TRUE(verified.ok()) << verified;
  }

  DevStack stack_;
  BrokerAddress address_;
  std::atomic<bool> stop_{false};
  std::mutex record_mutex_;
};

TEST_F(CrashRecoveryTest, BrokerKilledUnderLoadLosesNothingAcknowledged) {
  ASSERT_TRUE(stack_.Start().ok());
  address_.Set(stack_.broker_address());
  std::vector<ClientRecord> records(kOrgs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < kOrgs.size(); ++i) {
    threads.emplace_back([this, i, &records] { Load(i, &records[i]); });
    threads.emplace_back([this, i, &records] { Subscribe(i, &records[i]); });
  }
  std::mt19937 random(20260);
  const absl::Time deadline = absl::Now() + absl::Minutes(4);
  int cycles = 0;
  for (; cycles < kCycles && absl::Now() < deadline; ++cycles) {
    absl::SleepFor(absl::Milliseconds(200 + random() % 600));
    const v1::SignedTreeHead saved = TreeHead();
    absl::SleepFor(absl::Milliseconds(random() % 100));
    stack_.StopBroker(SIGKILL);
    ASSERT_TRUE(stack_.StartBroker().ok()) << "restart " << cycles;
    address_.Set(stack_.broker_address());
    ExpectExtends(saved, TreeHead());
  }
  absl::SleepFor(absl::Milliseconds(500));
  stop_ = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(cycles, kCycles) << "the time bound cut the cycles short";

  // Which live signals exist, per organisation and person, by local reference.
  std::map<uint32_t, std::map<std::string, std::set<std::string>>> signals_on_person;  // person -> org -> ids
  for (size_t o = 0; o < kOrgs.size(); ++o) {
    const ClientRecord& record = records[o];
    ASSERT_GT(record.acknowledged.size(), 20u) << "the load was too light to test anything";
    std::map<std::string, std::string> present;  // key -> id
    std::string token;
    auto stub = v1::SignalService::NewStub(Channel(kOrgs[o]));
    do {
      v1::ListOwnSignalsRequest request;
      request.mutable_page()->set_page_size(1000);
      request.mutable_page()->set_page_token(token);
      v1::ListOwnSignalsResponse page;
      ASSERT_TRUE(stub->ListOwnSignals(Deadline().get(), request, &page).ok());
      for (const v1::Signal& s : page.signals()) {
        const std::string& key = s.local_reference();
        EXPECT_TRUE(present.emplace(key, s.signal_id()).second) << "a key was stored twice";
        EXPECT_TRUE(record.acknowledged.count(key) == 1 || record.in_doubt.count(key) == 1)
            << "a signal nobody submitted";
        signals_on_person[PersonOf(key)][kOrgs[o]].insert(s.signal_id());
      }
      token = page.next_page_token();
    } while (!token.empty());
    for (const auto& [key, id] : record.acknowledged) {
      auto it = present.find(key);
      ASSERT_NE(it, present.end()) << "acknowledged signal lost: " << key;
      EXPECT_EQ(it->second, id);
    }
    // A retry of every in-doubt key is safe: duplicate if it was written.
    for (const std::string& key : record.in_doubt) {
      v1::Signal signal = ValidSignal(PersonOf(key));
      signal.set_local_reference(key);
      v1::SubmitSignalsResponse response;
      ASSERT_TRUE(stub->SubmitSignals(Deadline().get(), OneItem(key, signal), &response).ok());
      EXPECT_EQ(response.results(0).duplicate(), present.count(key) == 1) << key;
      if (!response.results(0).duplicate()) signals_on_person[PersonOf(key)][kOrgs[o]].insert(response.results(0).signal_id());
    }
  }

  // Every notification due is there, once per pair, with the ids already seen.
  for (size_t o = 0; o < kOrgs.size(); ++o) {
    const std::vector<v1::Notification> outbox = stack_.DrainNotifications(kOrgs[o]);
    EXPECT_GT(outbox.size(), 1000u) << "too few matches to test their notifications";
    std::map<uint64_t, std::string> by_cursor;
    std::set<std::string> ids;
    std::map<std::string, int> per_own_signal;
    for (const v1::Notification& n : outbox) {
      by_cursor[n.cursor()] = n.notification_id();
      EXPECT_TRUE(ids.insert(n.notification_id()).second) << "notification id repeated";
      if (n.kind() == v1::NOTIFICATION_KIND_MATCH) ++per_own_signal[n.your_signal_id()];
    }
    for (const auto& [cursor, id] : records[o].seen_notifications) {
      auto it = by_cursor.find(cursor);
      ASSERT_NE(it, by_cursor.end()) << "a delivered notification vanished";
      EXPECT_EQ(it->second, id) << "a delivered notification changed its id";
    }
    for (const auto& [person, by_org] : signals_on_person) {
      auto own = by_org.find(kOrgs[o]);
      if (own == by_org.end()) continue;
      size_t others = 0;
      for (const auto& [org, ids_of_org] : by_org) {
        if (org != kOrgs[o]) others += ids_of_org.size();
      }
      for (const std::string& id : own->second) {
        EXPECT_EQ(static_cast<size_t>(per_own_signal[id]), others)
            << kOrgs[o] << " " << id << ": one notification per matching signal of another organisation";
        per_own_signal.erase(id);
      }
    }
    EXPECT_TRUE(per_own_signal.empty()) << "notifications about signals that do not exist";
  }
}

TEST_F(CrashRecoveryTest, PseudonymiserQuotaSurvivesRepeatedCrashes) {
  stack_.SetPseudonymiserConfig("quotas:\n  default: {per_second: 100000, burst: 100000, per_day: 400}\n");
  ASSERT_TRUE(stack_.Start().ok());
  const std::string element = [] {
    const unsigned char g[32] = {0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71, 0xa8, 0x84, 0xa9,
                                 0x61, 0xc5, 0x00, 0x51, 0x5f, 0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82,
                                 0xdd, 0x8d, 0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76};
    return std::string(reinterpret_cast<const char*>(g), sizeof g);
  }();
  std::atomic<uint64_t> granted{0};
  std::mt19937 random(7);
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    std::atomic<bool> stop{false};
    std::thread client([&] {
      auto stub = v1::Pseudonymiser::NewStub(stack_.PseudonymiserChannelAs("politie-amsterdam"));
      while (!stop.load()) {
        v1::EvaluateRequest request;
        request.add_blinded_elements(element);
        v1::EvaluateResponse response;
        if (stub->Evaluate(Deadline(2).get(), request, &response).ok()) ++granted;
        absl::SleepFor(absl::Milliseconds(5));
      }
    });
    absl::SleepFor(absl::Milliseconds(50 + random() % 150));
    stack_.StopPseudonymiser(SIGKILL);
    stop = true;
    client.join();
    ASSERT_TRUE(stack_.StartPseudonymiser().ok());
  }
  EXPECT_GT(granted.load(), 0u);
  EXPECT_LE(granted.load(), 400u) << "a crash gave back quota that was spent";
  // Whatever was granted stays spent: asking for the rest plus one fails.
  v1::EvaluateRequest rest;
  for (uint64_t i = granted.load(); i <= 400; ++i) rest.add_blinded_elements(element);
  v1::EvaluateResponse response;
  EXPECT_EQ(v1::Pseudonymiser::NewStub(stack_.PseudonymiserChannelAs("politie-amsterdam"))
                ->Evaluate(Deadline(10).get(), rest, &response)
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace samenloop::testing
