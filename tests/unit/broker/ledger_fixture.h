#ifndef SAMENLOOP_TESTS_UNIT_BROKER_LEDGER_FIXTURE_H_
#define SAMENLOOP_TESTS_UNIT_BROKER_LEDGER_FIXTURE_H_

// A ledger on a real RocksDB store in a temporary directory under a policy
// file's text, with the calls the broker tests make over and over: submit a
// signal, revoke it, read an outbox.

#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "broker/core/schema.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "policy/rule_policy.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker::testing {

class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }

  // Opens the store and the ledger under the policy `yaml` (fails the test
  // when it does not load).
  void StartWith(const std::string& yaml) {
    keyer_ = std::make_unique<SubjectKeyer>(samenloop::broker::testing::TestSecret());
    store_ = *OpenBrokerStore(dir_.Sub("db"));
    policy::LoadedPolicy loaded = policy::LoadPolicy(yaml, "test-policy.yaml");
    ASSERT_NE(loaded.policy, nullptr) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].ToString());
    ledger_ = *Ledger::Create(store_.get(), keyer_.get(), loaded.policy, &hub_);
  }

  // Submits `signal` as `caller`; `key` is its idempotency key and its
  // contact's name (so notifications name it). Returns its id.
  std::string Submit(const CallerIdentity& caller, v1::Signal signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    signal.mutable_contact()->set_name(key);
    *item->mutable_signal() = std::move(signal);
    absl::StatusOr<v1::SubmitSignalsResponse> response = ledger_->submission().Submit(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return "";
    EXPECT_EQ(response->results(0).code(), 0) << response->results(0).message();
    return response->results(0).signal_id();
  }

  void Revoke(const CallerIdentity& caller, const std::string& id) {
    v1::RevokeSignalRequest request;
    request.set_signal_id(id);
    request.set_reason_class(v1::REVOCATION_REASON_WRONG_PERSON);
    ASSERT_TRUE(ledger_->signals().Revoke(caller, request).ok());
  }

  // Everything in `recipient`'s outbox, read without releasing it.
  std::vector<v1::Notification> Outbox(const std::string& recipient) {
    absl::StatusOr<std::vector<v1::Notification>> all = ledger_->outbox().ReadOutbox(recipient, 0, 1000);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *all : std::vector<v1::Notification>{};
  }

  static v1::Signal Related(v1::Signal signal, const v1::Pseudonym& person, v1::Relation relation) {
    v1::RelatedPerson* related = signal.add_related();
    *related->mutable_person() = person;
    related->set_relation(relation);
    return signal;
  }

  samenloop::testing::TempDir dir_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace samenloop::broker::testing

#endif  // SAMENLOOP_TESTS_UNIT_BROKER_LEDGER_FIXTURE_H_
