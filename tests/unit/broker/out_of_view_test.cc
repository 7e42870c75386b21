// "Out of view" coordination rules (issue 20 item 2) on a real RocksDB
// store: the coordinator is told when the last open signal on a person
// closes, with the built-in rule's domestic-violence history condition.

#include <sodium.h>

#include "broker/core/schema.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::kGgz;
using testing::kPolice;
using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

const CallerIdentity kVt{"veilig-thuis-amsterdam", Role::kOrg, "veilig_thuis"};
const CallerIdentity kShelter{"blijf-groep", Role::kOrg, "shelter"};
const CallerIdentity kCoordinator{"zvh-amsterdam", Role::kOrg, "safety_house"};
constexpr char kOutOfViewRule[] = "builtin.coordination.out-of-view-after-domestic-violence";

class OutOfViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), policy::MakeBuiltinDefaultPolicy(kCoordinator.organisation_id),
                              &hub_);
  }

  std::string Submit(const CallerIdentity& caller, v1::Signal signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = std::move(signal);
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->results(0).code(), 0) << response->results(0).message();
    return response->results(0).signal_id();
  }
  void Close(const CallerIdentity& caller, const std::string& id) {
    v1::CloseSignalRequest request;
    request.set_signal_id(id);
    ASSERT_TRUE(ledger_->signals().Close(caller, request).ok());
  }
  // The coordinator's out-of-view notices.
  std::vector<v1::Notification> OutOfView() {
    absl::StatusOr<std::vector<v1::Notification>> all =
        ledger_->outbox().ReadOutbox(kCoordinator.organisation_id, 0, 1000);
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<v1::Notification> out;
    if (!all.ok()) return out;
    for (const v1::Notification& n : *all) {
      if (n.coordination_event() == v1::COORDINATION_EVENT_OUT_OF_VIEW) out.push_back(n);
    }
    return out;
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(OutOfViewTest, TheCoordinatorIsToldWhenTheLastOpenSignalAfterDomesticViolenceCloses) {
  const v1::Pseudonym m = RandomPseudonym();
  const std::string vt = Submit(kVt, ValidSignal(m, "domestic_violence"), "vt-1");
  const std::string police = Submit(kPolice, ValidSignal(m), "p-1");
  Close(kVt, vt);
  EXPECT_TRUE(OutOfView().empty()) << "the police are still involved";
  Close(kPolice, police);
  const std::vector<v1::Notification> told = OutOfView();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].kind(), v1::NOTIFICATION_KIND_COORDINATION);
  EXPECT_EQ(told[0].coordination_rule_id(), kOutOfViewRule);
  EXPECT_EQ(told[0].other().organisation_id(), kPolice.organisation_id) << "the organisation that let go last";
  EXPECT_EQ(told[0].other().contact().name(), "Team Noord");
  EXPECT_EQ(told[0].coordination_count(), 2u);
  EXPECT_EQ(told[0].other().category(), "") << "existence and contact only";
}

TEST_F(OutOfViewTest, WithoutTheHistoryCategoryNobodyIsTold) {
  const v1::Pseudonym m = RandomPseudonym();
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  const std::string police = Submit(kPolice, ValidSignal(m), "p-1");
  Close(kGgz, ggz);
  Close(kPolice, police);
  EXPECT_TRUE(OutOfView().empty());
}

TEST_F(OutOfViewTest, AnotherOpenSignalOfTheSameOrganisationKeepsThePersonInView) {
  const v1::Pseudonym m = RandomPseudonym();
  const std::string dv = Submit(kPolice, ValidSignal(m, "domestic_violence"), "p-1");
  const std::string nuisance = Submit(kPolice, ValidSignal(m), "p-2");
  Close(kPolice, dv);
  EXPECT_TRUE(OutOfView().empty());
  Close(kPolice, nuisance);
  ASSERT_EQ(OutOfView().size(), 1u);
  EXPECT_EQ(OutOfView()[0].coordination_count(), 1u);
}

TEST_F(OutOfViewTest, AProtectedOpenSignalDoesNotKeepThePersonInViewNorCount) {
  // Non-interference: the coordinator may not learn of the shelter's
  // protected signal, so it sees what it would see without it.
  const v1::Pseudonym m = RandomPseudonym();
  const std::string vt = Submit(kVt, ValidSignal(m, "domestic_violence"), "vt-1");
  v1::Signal shelter = ValidSignal(m);
  shelter.set_protected_(true);
  Submit(kShelter, shelter, "b-1");
  Close(kVt, vt);
  const std::vector<v1::Notification> told = OutOfView();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].coordination_count(), 1u);
}

TEST_F(OutOfViewTest, EachTimeThePersonFallsOutOfViewIsANewNotice) {
  const v1::Pseudonym m = RandomPseudonym();
  const std::string vt = Submit(kVt, ValidSignal(m, "domestic_violence"), "vt-1");
  Close(kVt, vt);
  v1::ReopenSignalRequest reopen;
  reopen.set_signal_id(vt);
  ASSERT_TRUE(ledger_->signals().Reopen(kVt, reopen).ok());
  Close(kVt, vt);
  const std::vector<v1::Notification> told = OutOfView();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_NE(told[0].notification_id(), told[1].notification_id());
}

}  // namespace
}  // namespace samenloop::broker
