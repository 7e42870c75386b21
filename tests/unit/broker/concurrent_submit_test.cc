// Concurrent submissions on the same persons (issue 19): whatever the
// interleaving, every pair of signals from two organisations on one person
// is decided exactly once per direction — never twice, never missed — and
// every acknowledged signal is stored once.

#include <sodium.h>

#include <map>
#include <set>
#include <thread>

#include "broker/core/schema.h"
#include "absl/strings/str_cat.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

// What each test's ledger runs on: a store in a temporary directory.
struct StoreOnDisk {
  samenloop::testing::TempDir dir;
  SubjectKeyer keyer{testing::TestSecret()};
  NotificationHub hub;
  std::unique_ptr<Store> store = *OpenBrokerStore(dir.Sub("db"));
};

TEST(ConcurrentSubmit, TwoOrganisationsOnTheSamePersonsAtTheSameMomentArePairedExactlyOnce) {
  ASSERT_GE(sodium_init(), 0);
  StoreOnDisk disk;
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(disk.store.get(), &disk.keyer, policy::MakeBuiltinDefaultPolicy(), &disk.hub);

  constexpr int kPersons = 40;
  constexpr int kRounds = 5;
  std::vector<v1::Pseudonym> persons;
  for (int i = 0; i < kPersons; ++i) persons.push_back(testing::RandomPseudonym());
  const std::vector<CallerIdentity> organisations = {testing::kPolice, testing::kGgz, testing::kWijkteam};

  // Each organisation submits, in small batches and as fast as it can, one
  // signal per person per round; all three start together.
  std::vector<std::thread> threads;
  for (const CallerIdentity& org : organisations) {
    threads.emplace_back([&, org] {
      for (int round = 0; round < kRounds; ++round) {
        for (int first = 0; first < kPersons; first += 4) {
          v1::SubmitSignalsRequest request;
          for (int p = first; p < first + 4; ++p) {
            v1::SubmitSignalItem* item = request.add_items();
            item->set_idempotency_key(absl::StrCat("r", round, "-p", p));
            *item->mutable_signal() = testing::ValidSignal(persons[static_cast<size_t>(p)]);
          }
          absl::StatusOr<v1::SubmitSignalsResponse> response = ledger->submission().Submit(org, request);
          ASSERT_TRUE(response.ok()) << response.status();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  // Every organisation has kRounds signals per person; every other
  // organisation's signal on the same person is one notification to each
  // of its signals on that person.
  const uint64_t others_per_person = (organisations.size() - 1) * kRounds;
  for (const CallerIdentity& org : organisations) {
    absl::StatusOr<std::vector<v1::Notification>> outbox = ledger->outbox().ReadOutbox(org.organisation_id, 0, 1000000);
    ASSERT_TRUE(outbox.ok());
    std::set<std::string> ids;
    std::map<std::string, uint64_t> per_own_signal;
    for (const v1::Notification& n : *outbox) {
      EXPECT_TRUE(ids.insert(n.notification_id()).second) << "a pair decided twice";
      ++per_own_signal[n.your_signal_id()];
    }
    EXPECT_EQ(per_own_signal.size(), static_cast<size_t>(kPersons * kRounds));
    for (const auto& [signal, count] : per_own_signal) {
      EXPECT_EQ(count, others_per_person) << org.organisation_id << " " << signal << ": a pair missed or doubled";
    }
  }
}

// The race made deterministic: the police's submission has read and decided
// on an empty store when GGZ's submission on the same person commits. The
// police's must then see GGZ's signal (prepare again), so that the pair is
// decided, once per direction, by the police's commit.
TEST(ConcurrentSubmit, ACommitBetweenPrepareAndApplyIsSeen) {
  ASSERT_GE(sodium_init(), 0);
  StoreOnDisk disk;
  const v1::Pseudonym person = testing::RandomPseudonym();
  Ledger* ledger_ptr = nullptr;
  bool interleaved = false;
  LedgerOptions options;
  options.between_prepare_and_apply = [&] {
    if (interleaved) return;
    interleaved = true;
    v1::SubmitSignalsRequest other;
    v1::SubmitSignalItem* item = other.add_items();
    item->set_idempotency_key("ggz-1");
    *item->mutable_signal() = testing::ValidSignal(person);
    absl::StatusOr<v1::SubmitSignalsResponse> committed = ledger_ptr->submission().Submit(testing::kGgz, other);
    ASSERT_TRUE(committed.ok()) << committed.status();
    EXPECT_EQ(committed->results(0).notifications_created(), 0u);  // the police's signal is not there yet
  };
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(disk.store.get(), &disk.keyer, policy::MakeBuiltinDefaultPolicy(), &disk.hub, options);
  ledger_ptr = ledger.get();

  v1::SubmitSignalsRequest request;
  v1::SubmitSignalItem* item = request.add_items();
  item->set_idempotency_key("police-1");
  *item->mutable_signal() = testing::ValidSignal(person);
  absl::StatusOr<v1::SubmitSignalsResponse> response = ledger->submission().Submit(testing::kPolice, request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_TRUE(interleaved);
  EXPECT_EQ(ledger->submission().Reprepared(), 1u);
  EXPECT_EQ(response->results(0).notifications_created(), 1u);
  for (const CallerIdentity& org : {testing::kPolice, testing::kGgz}) {
    absl::StatusOr<std::vector<v1::Notification>> outbox = ledger->outbox().ReadOutbox(org.organisation_id, 0, 100);
    ASSERT_TRUE(outbox.ok());
    EXPECT_EQ(outbox->size(), 1u) << org.organisation_id << ": the pair decided once per direction";
  }
}

// A retried idempotency key committed in between is a duplicate, not a
// second signal.
TEST(ConcurrentSubmit, AnIdempotencyKeyCommittedBetweenPrepareAndApplyIsADuplicate) {
  ASSERT_GE(sodium_init(), 0);
  StoreOnDisk disk;
  v1::SubmitSignalsRequest request;
  v1::SubmitSignalItem* item = request.add_items();
  item->set_idempotency_key("retry-me");
  *item->mutable_signal() = testing::ValidSignal(testing::RandomPseudonym());
  Ledger* ledger_ptr = nullptr;
  std::string first_id;
  LedgerOptions options;
  options.between_prepare_and_apply = [&] {
    if (!first_id.empty()) return;
    first_id = "pending";
    absl::StatusOr<v1::SubmitSignalsResponse> committed = ledger_ptr->submission().Submit(testing::kPolice, request);
    ASSERT_TRUE(committed.ok()) << committed.status();
    first_id = committed->results(0).signal_id();
  };
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(disk.store.get(), &disk.keyer, policy::MakeBuiltinDefaultPolicy(), &disk.hub, options);
  ledger_ptr = ledger.get();
  absl::StatusOr<v1::SubmitSignalsResponse> retried = ledger->submission().Submit(testing::kPolice, request);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->results(0).duplicate());
  EXPECT_EQ(retried->results(0).signal_id(), first_id);
}

}  // namespace
}  // namespace samenloop::broker
