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

TEST(ConcurrentSubmit, TwoOrganisationsOnTheSamePersonsAtTheSameMomentArePairedExactlyOnce) {
  ASSERT_GE(sodium_init(), 0);
  samenloop::testing::TempDir dir;
  SubjectKeyer keyer(testing::TestSecret());
  NotificationHub hub;
  std::unique_ptr<Store> store = *OpenBrokerStore(dir.Sub("db"));
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(store.get(), &keyer, policy::MakeBuiltinDefaultPolicy(), &hub);

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

}  // namespace
}  // namespace samenloop::broker
