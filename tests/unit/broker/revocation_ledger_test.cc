// Revocation in the ledger (issue 17): what is withdrawn, what is retracted,
// and what the audit log records, on a real RocksDB store.

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

class RevocationLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keyer_ = std::make_unique<SubjectKeyer>(TestSecret());
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), policy::MakeBuiltinDefaultPolicy(), &hub_);
  }

  std::string Submit(const CallerIdentity& caller, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    return ledger_->submission().Submit(caller, request)->results(0).signal_id();
  }

  std::vector<v1::Notification> Release(const CallerIdentity& caller) {
    uint64_t next = 0;
    return *ledger_->outbox().ReleaseOutbox(caller.organisation_id, 0, 1000, &next);
  }

  void Revoke(const CallerIdentity& caller, const std::string& id) {
    v1::RevokeSignalRequest request;
    request.set_signal_id(id);
    request.set_reason_class(v1::REVOCATION_REASON_WRONG_PERSON);
    ASSERT_TRUE(ledger_->signals().Revoke(caller, request).ok());
  }

  std::vector<v1::AuditEvent> AuditOfType(v1::AuditEventType type) { return testing::AuditEventsOfType(*store_, type); }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(RevocationLedgerTest, UndeliveredNotificationsAreWithdrawnAndAudited) {
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  ASSERT_EQ(ledger_->outbox().ReadOutbox(kPolice.organisation_id, 0, 10)->size(), 1u);
  Revoke(kGgz, ggz);
  EXPECT_TRUE(ledger_->outbox().ReadOutbox(kPolice.organisation_id, 0, 10)->empty());
  EXPECT_TRUE(ledger_->outbox().ReadOutbox(kGgz.organisation_id, 0, 10)->empty()) << "through the revoked signal";
  std::vector<v1::AuditEvent> withdrawn = AuditOfType(v1::AUDIT_EVENT_TYPE_NOTIFICATION_WITHDRAWN);
  ASSERT_EQ(withdrawn.size(), 2u);
  for (const v1::AuditEvent& event : withdrawn) {
    EXPECT_EQ(event.signal_ids(0), ggz);
    EXPECT_EQ(event.subject_keys_size(), 1) << "a family's report finds it";
  }
  EXPECT_TRUE(AuditOfType(v1::AUDIT_EVENT_TYPE_NOTIFICATION_RETRACTED).empty());
}

TEST_F(RevocationLedgerTest, DeliveredNotificationsAreRetractedOnceAndAudited) {
  const v1::Pseudonym m = RandomPseudonym();
  const std::string police = Submit(kPolice, ValidSignal(m), "p-1");
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  const std::vector<v1::Notification> told = Release(kPolice);
  ASSERT_EQ(told.size(), 1u);
  Revoke(kGgz, ggz);
  std::vector<v1::Notification> now = Release(kPolice);
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[1].kind(), v1::NOTIFICATION_KIND_RETRACTION);
  EXPECT_EQ(now[1].retracts_notification_id(), told[0].notification_id());
  EXPECT_EQ(now[1].your_signal_id(), police);
  EXPECT_EQ(now[1].your_local_reference(), "case-1");
  std::vector<v1::AuditEvent> retracted = AuditOfType(v1::AUDIT_EVENT_TYPE_NOTIFICATION_RETRACTED);
  ASSERT_EQ(retracted.size(), 1u);
  EXPECT_EQ(retracted[0].recipient_organisation(), kPolice.organisation_id);
  EXPECT_EQ(retracted[0].notification_id(), now[1].notification_id());
  // Revoking is once: nothing more to withdraw or retract.
  v1::RevokeSignalRequest again;
  again.set_signal_id(ggz);
  EXPECT_EQ(ledger_->signals().Revoke(kGgz, again).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Release(kPolice).size(), 2u);
}

TEST_F(RevocationLedgerTest, ABecomingProtectedSignalIsWithdrawnFromWhoeverWasNotYetTold) {
  const v1::Pseudonym m = RandomPseudonym();
  Submit(kPolice, ValidSignal(m), "p-1");
  const std::string ggz = Submit(kGgz, ValidSignal(m), "g-1");
  v1::UpdateSignalRequest update;
  update.set_signal_id(ggz);
  update.mutable_signal()->set_protected_(true);
  update.mutable_update_mask()->add_paths("protected");
  ASSERT_TRUE(ledger_->signals().Update(kGgz, update).ok());
  for (const v1::Notification& n : Release(kPolice)) {
    EXPECT_NE(n.other().organisation_id(), kGgz.organisation_id) << "the protected signal is never shown";
  }
}

TEST_F(RevocationLedgerTest, AnUnknownReasonClassIsRefused) {
  const std::string police = Submit(kPolice, ValidSignal(RandomPseudonym()), "p-1");
  v1::RevokeSignalRequest request;
  request.set_signal_id(police);
  request.set_reason_class(static_cast<v1::RevocationReason>(99));
  EXPECT_EQ(ledger_->signals().Revoke(kPolice, request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace samenloop::broker
