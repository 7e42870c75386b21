// The broker's metrics page: what an operator's Prometheus reads, and that
// it never carries a key or a contact.

#include "broker/core/schema.h"
#include "broker/edge/broker_metrics.h"

#include <sodium.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(BrokerMetrics, CountsSignalsAuditSizeAndOutboxDepthPerRecipient) {
  ASSERT_GE(sodium_init(), 0);
  samenloop::testing::TempDir dir;
  std::unique_ptr<Store> store = *OpenBrokerStore(dir.Sub("db"));
  std::array<uint8_t, 32> secret{};
  secret.fill(5);
  SubjectKeyer keyer(*crypto::IndexSecret::FromBytes(secret));
  NotificationHub hub;
  std::unique_ptr<Ledger> ledger =
      *Ledger::Create(store.get(), &keyer, policy::MakeBuiltinDefaultPolicy(), &hub);
  const v1::Pseudonym m = testing::RandomPseudonym();
  for (const auto& [org, kind] : {std::pair<const char*, const char*>{"politie-amsterdam", "police"},
                                  {"ggz-inforsa", "ggz"}}) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key("k");
    *item->mutable_signal() = testing::ValidSignal(m);
    ASSERT_TRUE(ledger->submission().Submit(CallerIdentity{org, Role::kOrg, kind}, request).ok());
  }
  ASSERT_TRUE(ledger->outbox().Acknowledge(CallerIdentity{"ggz-inforsa", Role::kOrg, "ggz"}, 1).ok());

  const std::string page = RenderBrokerMetrics(*ledger, *store);
  EXPECT_THAT(page, HasSubstr("samenloop_broker_signals_stored_total 2\n"));
  EXPECT_THAT(page, HasSubstr(absl::StrCat("samenloop_broker_audit_tree_size ", ledger->events().AuditSize(), "\n")));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_outbox_depth{recipient=\"politie-amsterdam\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_outbox_depth{recipient=\"ggz-inforsa\"} 0\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_policy_info{version=\"builtin-default-v1\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_store_keys_estimate{family=\"signals\"}"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_store_running_compactions "));
  EXPECT_THAT(page, Not(HasSubstr("Team Noord"))) << "no contact details";
  EXPECT_THAT(page, Not(HasSubstr("020-5550000")));
}

}  // namespace
}  // namespace samenloop::broker
