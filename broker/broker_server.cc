#include "broker/broker_server.h"

#include <chrono>

namespace samenloop::broker {

absl::StatusOr<std::unique_ptr<BrokerServer>> BrokerServer::Start(const BrokerOptions& options) {
  std::unique_ptr<BrokerServer> broker(new BrokerServer());
  absl::StatusOr<std::unique_ptr<SubjectKeyer>> keyer = SubjectKeyer::FromSecretFile(options.index_secret_path);
  if (!keyer.ok()) return keyer.status();
  broker->keyer_ = *std::move(keyer);
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options.data_dir);
  if (!store.ok()) return store.status();
  broker->store_ = *std::move(store);
  if (!options.coordinator.empty() && !IsValidOrganisationId(options.coordinator)) {
    return absl::InvalidArgumentError("coordinator: not an organisation id");
  }
  broker->policy_ = policy::MakeBuiltinDefaultPolicy(options.coordinator);

  LedgerOptions ledger_options;
  ledger_options.max_batch = options.max_submit_batch;
  absl::StatusOr<std::unique_ptr<SignalLedger>> ledger = SignalLedger::Create(
      broker->store_.get(), broker->keyer_.get(), broker->policy_.get(), &broker->hub_, ledger_options);
  if (!ledger.ok()) return ledger.status();
  broker->ledger_ = *std::move(ledger);

  broker->signal_service_ = std::make_unique<SignalServiceImpl>(broker->ledger_.get());
  broker->notification_service_ =
      std::make_unique<NotificationServiceImpl>(broker->ledger_.get(), &broker->hub_);
  absl::StatusOr<RunningServer> running = StartServer(
      options.server, {broker->signal_service_.get(), broker->notification_service_.get()});
  if (!running.ok()) return running.status();
  broker->running_ = *std::move(running);
  return broker;
}

void BrokerServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  hub_.Shutdown();  // ends waiting subscription streams
  running_.server->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
}

void BrokerServer::Wait() { running_.server->Wait(); }

BrokerServer::~BrokerServer() {
  if (running_.server != nullptr) Shutdown();
}

}  // namespace samenloop::broker
