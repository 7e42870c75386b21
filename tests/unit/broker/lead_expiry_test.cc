// A lead ends with its signal's expiry (issue 20 item 4) on a real RocksDB
// store: the retention sweeper drops the lead record in the same write and
// audits LEAD_LAPSED; nothing about the person's lead is left behind. Lead
// notification ids are distinct per event.

#include <sodium.h>

#include "audit/events.h"
#include "broker/core/schema.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::AuditEventsOfType;
using testing::kGgz;
using testing::kPolice;
using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

class LeadExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    LedgerOptions options;
    options.clock = [this] { return now_; };
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), policy::MakeBuiltinDefaultPolicy(), &hub_, options);
  }

  std::string Submit(const CallerIdentity& caller, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response->results(0).signal_id();
  }
  std::vector<v1::Notification> Leads(const CallerIdentity& caller) {
    std::vector<v1::Notification> out;
    absl::StatusOr<std::vector<v1::Notification>> all = ledger_->outbox().ReadOutbox(caller.organisation_id, 0, 1000);
    EXPECT_TRUE(all.ok()) << all.status();
    if (!all.ok()) return out;
    for (const v1::Notification& n : *all) {
      if (n.kind() == v1::NOTIFICATION_KIND_LEAD) out.push_back(n);
    }
    return out;
  }
  size_t LeadRecords() {
    size_t count = 0;
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kPairDecisions);
    for (it->Seek("lead/"); it->Valid() && it->key().starts_with("lead/"); it->Next()) ++count;
    return count;
  }

  absl::Time now_ = absl::FromCivil(absl::CivilDay(2026, 3, 1), absl::UTCTimeZone());
  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LeadExpiryTest, AnExpiredLeadEndsSilentlyAndLeavesNoRecord) {
  const v1::Pseudonym m = RandomPseudonym();
  v1::Signal signal = ValidSignal(m);
  *signal.mutable_opened_at() = ToProto(now_);
  Submit(kPolice, signal, "p-1");
  const std::string ggz = Submit(kGgz, signal, "g-1");
  v1::TakeLeadRequest take;
  take.set_signal_id(ggz);
  ASSERT_TRUE(ledger_->leads().Take(kGgz, take).ok());
  EXPECT_EQ(LeadRecords(), 1u);
  ASSERT_EQ(Leads(kPolice).size(), 1u);

  now_ += absl::Hours(24 * 365 * 7);  // past the active year and five visible years
  absl::StatusOr<SweepResult> swept = ledger_->retention().SweepExpired();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(swept->expired, 2u);
  EXPECT_EQ(LeadRecords(), 0u);
  const std::vector<v1::AuditEvent> lapsed = AuditEventsOfType(*store_, v1::AUDIT_EVENT_TYPE_LEAD_LAPSED);
  ASSERT_EQ(lapsed.size(), 1u);
  EXPECT_NE(lapsed[0].reason().find("expired"), std::string::npos);
  EXPECT_TRUE(Leads(kPolice).empty()) << "an expired signal's notices go with it";
}

TEST_F(LeadExpiryTest, EachLeadEventHasItsOwnNotificationId) {
  const v1::Pseudonym m = RandomPseudonym();
  v1::Signal signal = ValidSignal(m);
  *signal.mutable_opened_at() = ToProto(now_);
  Submit(kPolice, signal, "p-1");
  const std::string ggz = Submit(kGgz, signal, "g-1");
  v1::TakeLeadRequest take;
  take.set_signal_id(ggz);
  ASSERT_TRUE(ledger_->leads().Take(kGgz, take).ok());
  v1::CloseSignalRequest close;
  close.set_signal_id(ggz);
  ASSERT_TRUE(ledger_->signals().Close(kGgz, close).ok());
  v1::ReopenSignalRequest reopen;
  reopen.set_signal_id(ggz);
  ASSERT_TRUE(ledger_->signals().Reopen(kGgz, reopen).ok());
  ASSERT_TRUE(ledger_->leads().Take(kGgz, take).ok());
  const std::vector<v1::Notification> told = Leads(kPolice);
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[0].lead_event(), v1::LEAD_EVENT_TAKEN);
  EXPECT_EQ(told[1].lead_event(), v1::LEAD_EVENT_LAPSED);
  EXPECT_EQ(told[2].lead_event(), v1::LEAD_EVENT_TAKEN);
  EXPECT_NE(told[0].notification_id(), told[2].notification_id()) << "the same pair, a new event";
}

}  // namespace
}  // namespace samenloop::broker
