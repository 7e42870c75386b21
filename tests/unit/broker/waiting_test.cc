// Waiting for a professional (issue 20 item 5) on a real RocksDB store: a
// signal says since when its organisation has no professional assigned,
// recipients at the details level see it, and a coordination rule fires
// when someone has waited too long while new signals arrive.

#include <sodium.h>

#include "audit/events.h"
#include "broker/core/schema.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "policy/rule_policy.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::kGgz;
using testing::kPolice;
using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

const CallerIdentity kGi{"jeugdbescherming-regio", Role::kOrg, "gi"};
const CallerIdentity kSchool{"school-de-horizon", Role::kOrg, "school"};
const CallerIdentity kZvh{"zvh-amsterdam", Role::kOrg, "safety_house"};

// The GI's signals: details to the police, category to GGZ. The safety
// house is told when someone has waited over twelve weeks.
constexpr char kPolicy[] = R"yaml(version: "waiting-1"
organisation_kinds: [police, ggz, gi, school, safety_house]
organisations:
  - { id: politie-amsterdam, kind: police }
  - { id: ggz-inforsa, kind: ggz }
  - { id: jeugdbescherming-regio, kind: gi }
  - { id: school-de-horizon, kind: school }
  - { id: zvh-amsterdam, kind: safety_house }
categories:
  - { id: housing_nuisance, active: 1y, visible: 1y }
  - { id: child_protection, active: 1y, visible: 1y }
legal_bases:
  - { id: task, citation: "AVG art. 6(1)(e)" }
rules:
  - { id: police-details, effect: permit, recipient: { kinds: [police] }, level: details, legal_basis: task }
  - { id: ggz-category, effect: permit, recipient: { kinds: [ggz] }, level: category, legal_basis: task }
coordination:
  - { id: waited-too-long, coordinator: zvh-amsterdam, legal_basis: task, waiting_longer_than: 12w }
)yaml";

class WaitingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    policy::LoadedPolicy loaded = policy::LoadPolicy(kPolicy, "waiting.yaml");
    ASSERT_NE(loaded.policy, nullptr);
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), loaded.policy, &hub_);
  }

  v1::SubmitSignalResult Submit(const CallerIdentity& caller, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response->results(0);
  }
  static v1::Signal Waiting(const v1::Pseudonym& child, absl::Duration for_how_long) {
    v1::Signal signal = ValidSignal(child, "child_protection");
    *signal.mutable_waiting_since() = ToProto(absl::Now() - for_how_long);
    return signal;
  }
  std::vector<v1::Notification> Outbox(const CallerIdentity& caller) {
    return *ledger_->outbox().ReadOutbox(caller.organisation_id, 0, 1000);
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(WaitingTest, RecipientsAtTheDetailsLevelSeeSinceWhenNoProfessionalIsAssigned) {
  const v1::Pseudonym child = RandomPseudonym();
  const v1::SubmitSignalResult gi = Submit(kGi, Waiting(child, absl::Hours(24 * 7 * 20)), "gi-1");
  ASSERT_EQ(gi.code(), 0) << gi.message();
  Submit(kPolice, ValidSignal(child), "p-1");
  Submit(kGgz, ValidSignal(child), "g-1");
  // Each is told of the GI's signal and of the other's (which is not waiting).
  const std::vector<v1::Notification> police = Outbox(kPolice);
  ASSERT_EQ(police.size(), 2u);
  EXPECT_EQ(police[0].other().organisation_id(), kGi.organisation_id);
  EXPECT_TRUE(police[0].other().has_waiting_since());
  EXPECT_FALSE(police[1].other().has_waiting_since());
  const std::vector<v1::Notification> ggz = Outbox(kGgz);
  ASSERT_EQ(ggz.size(), 2u);
  EXPECT_EQ(ggz[0].other().organisation_id(), kGi.organisation_id);
  EXPECT_FALSE(ggz[0].other().has_waiting_since()) << "a details field";
  EXPECT_TRUE(ledger_->signals().Get(kGi, gi.signal_id())->has_waiting_since()) << "the owner reads it back";
}

TEST_F(WaitingTest, ANewSignalWhileSomeoneWaitedTooLongTellsTheCoordinator) {
  const v1::Pseudonym child = RandomPseudonym();
  // A signal that arrives having waited long already (e.g. imported)
  // makes the rule fire for itself...
  Submit(kGi, Waiting(child, absl::Hours(24 * 7 * 20)), "gi-1");
  ASSERT_EQ(Outbox(kZvh).size(), 1u);
  EXPECT_EQ(Outbox(kZvh)[0].coordination_rule_id(), "waited-too-long");
  EXPECT_EQ(Outbox(kZvh)[0].other().organisation_id(), kGi.organisation_id);
  // ...and each new signal while the wait lasts is told too.
  Submit(kSchool, ValidSignal(child), "s-1");
  const std::vector<v1::Notification> told = Outbox(kZvh);
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[1].other().organisation_id(), kSchool.organisation_id);
  EXPECT_EQ(told[1].coordination_count(), 2u);
}

TEST_F(WaitingTest, AProtectedSignalsWaitMakesNoRuleFire) {
  const v1::Pseudonym child = RandomPseudonym();
  v1::Signal hidden = Waiting(child, absl::Hours(24 * 7 * 20));
  hidden.set_protected_(true);
  Submit(kGi, hidden, "gi-1");
  Submit(kSchool, ValidSignal(child), "s-1");
  EXPECT_TRUE(Outbox(kZvh).empty());
}

TEST_F(WaitingTest, WaitingLessThanThePeriodOrAssignedTellsNobody) {
  const v1::Pseudonym child = RandomPseudonym();
  const v1::SubmitSignalResult gi = Submit(kGi, Waiting(child, absl::Hours(24 * 7 * 4)), "gi-1");
  Submit(kSchool, ValidSignal(child), "s-1");
  EXPECT_TRUE(Outbox(kZvh).empty());
  // Assigned: the GI clears waiting_since; long waits elsewhere are gone.
  v1::UpdateSignalRequest assigned;
  assigned.set_signal_id(gi.signal_id());
  assigned.mutable_update_mask()->add_paths("waiting_since");
  ASSERT_TRUE(ledger_->signals().Update(kGi, assigned).ok());
  EXPECT_FALSE(ledger_->signals().Get(kGi, gi.signal_id())->has_waiting_since());
}

TEST_F(WaitingTest, AWaitingSinceInTheFutureIsRefusedNamingTheField) {
  v1::Signal signal = Waiting(RandomPseudonym(), -absl::Hours(24 * 30));
  const v1::SubmitSignalResult result = Submit(kGi, signal, "gi-1");
  EXPECT_EQ(result.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(result.message().find("waiting_since"), std::string::npos) << result.message();
}

}  // namespace
}  // namespace samenloop::broker
