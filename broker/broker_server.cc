#include "broker/broker_server.h"

#include <chrono>

#include "common/tls_files.h"
#include "crypto/secure_bytes.h"
#include "broker/broker_metrics.h"
#include "grpcpp/support/server_interceptor.h"
#include "spdlog/spdlog.h"

namespace samenloop::broker {

absl::StatusOr<std::unique_ptr<BrokerServer>> BrokerServer::Start(const BrokerOptions& options) {
  std::unique_ptr<BrokerServer> broker(new BrokerServer());
  absl::StatusOr<std::unique_ptr<SubjectKeyer>> keyer = SubjectKeyer::FromSecretFile(options.index_secret_path);
  if (!keyer.ok()) return keyer.status();
  broker->keyer_ = *std::move(keyer);
  absl::StatusOr<crypto::LogSigningKey> log_key = LoadLogKeyFile(options.log_key_path);
  if (!log_key.ok()) return log_key.status();
  broker->log_key_ = std::make_unique<crypto::LogSigningKey>(*std::move(log_key));
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options.data_dir);
  if (!store.ok()) return store.status();
  broker->store_ = *std::move(store);
  if (!options.coordinator.empty() && !IsValidOrganisationId(options.coordinator)) {
    return absl::InvalidArgumentError("coordinator: not an organisation id");
  }
  // The policy last applied to this store, else the development default.
  absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> policy =
      StartupPolicy(*broker->store_, policy::MakeBuiltinDefaultPolicy(options.coordinator));
  if (!policy.ok()) return policy.status();
  if (!options.coordinator.empty() && (*policy)->Version().find("builtin") == std::string::npos) {
    spdlog::warn("--coordinator is ignored: the applied policy {} declares its own coordination rules",
                 (*policy)->Version());
  }

  LedgerOptions ledger_options;
  ledger_options.max_batch = options.max_submit_batch;
  absl::StatusOr<std::unique_ptr<SignalLedger>> ledger = SignalLedger::Create(
      broker->store_.get(), broker->keyer_.get(), *std::move(policy), &broker->hub_, ledger_options);
  if (!ledger.ok()) return ledger.status();
  broker->ledger_ = *std::move(ledger);
  // Decisions a crash left untaken after a policy or consent change.
  if (absl::Status resumed = broker->ledger_->ResumeReevaluation(); !resumed.ok()) return resumed;

  broker->signal_service_ = std::make_unique<SignalServiceImpl>(broker->ledger_.get());
  broker->notification_service_ =
      std::make_unique<NotificationServiceImpl>(broker->ledger_.get(), &broker->hub_);
  broker->tree_heads_ = std::make_unique<TreeHeadIssuer>(broker->store_.get(), broker->log_key_.get());
  broker->audit_service_ =
      std::make_unique<AuditServiceImpl>(broker->store_.get(), broker->ledger_.get(), broker->tree_heads_.get(),
                                         broker->keyer_.get(), options.suppression_threshold);
  broker->policy_admin_service_ = std::make_unique<PolicyAdminServiceImpl>(broker->ledger_.get());
  broker->consent_service_ = std::make_unique<ConsentServiceImpl>(broker->ledger_.get());
  SignalLedger* recording = broker->ledger_.get();
  broker->auth_failures_ = std::make_unique<AuthFailureAuditor>(
      [recording](std::vector<v1::AuditEvent> events) { return recording->RecordEvents(std::move(events)).status(); },
      options.auth_failures_per_minute, [recording] { return recording->Now(); });
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeAuthFailureInterceptor(broker->auth_failures_.get()));
  absl::StatusOr<RunningServer> running =
      StartServer(options.server,
                  {broker->signal_service_.get(), broker->notification_service_.get(), broker->audit_service_.get(),
                   broker->policy_admin_service_.get(), broker->consent_service_.get()},
                  std::move(interceptors));
  if (!running.ok()) return running.status();
  broker->running_ = *std::move(running);
  if (!options.metrics_listen.empty()) {
    BrokerServer* raw = broker.get();
    absl::StatusOr<std::unique_ptr<MetricsEndpoint>> metrics = MetricsEndpoint::Start(
        options.metrics_listen, [raw] { return RenderBrokerMetrics(*raw->ledger_, *raw->store_); });
    if (!metrics.ok()) return metrics.status();
    broker->metrics_ = *std::move(metrics);
  }
  if (options.sweep_interval > absl::ZeroDuration()) {
    SignalLedger* sweeping = broker->ledger_.get();
    broker->sweeper_ = std::make_unique<PeriodicTask>(options.sweep_interval, [sweeping] {
      absl::StatusOr<SweepResult> swept = sweeping->SweepExpired();
      if (!swept.ok()) {
        spdlog::error("retention sweep failed: {}", swept.status().ToString());
      } else if (swept->expired > 0) {
        spdlog::info("retention sweep expired {} of {} signal(s), redacted {} audit event(s)", swept->expired,
                     swept->examined, swept->redacted);
      }
    });
  }
  if (options.tree_head_interval > absl::ZeroDuration()) {
    SignalLedger* log = broker->ledger_.get();
    TreeHeadIssuer* issuer = broker->tree_heads_.get();
    broker->tree_head_schedule_ = std::make_unique<PeriodicTask>(options.tree_head_interval, [log, issuer] {
      absl::StatusOr<bool> issued = issuer->IssueIfGrown(log->AuditSize());
      if (!issued.ok()) spdlog::error("scheduled tree head failed: {}", issued.status().ToString());
    });
  }
  // The count of a minute's authentication failures over the limit is
  // written even when no failure follows it.
  AuthFailureAuditor* auth_failures = broker->auth_failures_.get();
  broker->auth_failure_flush_ =
      std::make_unique<PeriodicTask>(absl::Seconds(60), [auth_failures] { auth_failures->Flush(); });
  return broker;
}

void BrokerServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  metrics_.reset();
  if (sweeper_ != nullptr) sweeper_->Stop();
  if (tree_head_schedule_ != nullptr) tree_head_schedule_->Stop();
  if (auth_failure_flush_ != nullptr) auth_failure_flush_->Stop();
  hub_.Shutdown();  // ends waiting subscription streams
  running_.server->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
}

absl::Status GenerateLogKeyFile(const std::string& path) {
  crypto::LogSigningKey key = crypto::LogSigningKey::Generate();
  return WriteNewSecretFile(path, absl::string_view(reinterpret_cast<const char*>(key.bytes().data()),
                                                    key.bytes().size()));
}

absl::StatusOr<crypto::LogSigningKey> LoadLogKeyFile(const std::string& path) {
  if (absl::Status s = CheckSecretFilePermissions(path); !s.ok()) return s;
  absl::StatusOr<std::string> bytes = ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<crypto::LogSigningKey> key = crypto::LogSigningKey::FromBytes(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  crypto::WipeString(*bytes);
  if (!key.ok()) return absl::FailedPreconditionError(absl::StrCat(path, ": ", key.status().message()));
  return key;
}

absl::StatusOr<SweepResult> SweepStore(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(data_dir);
  if (!store.ok()) return store.status();
  // Retention comes from the policy in force.
  absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> policy =
      StartupPolicy(**store, policy::MakeBuiltinDefaultPolicy());
  if (!policy.ok()) return policy.status();
  NotificationHub hub;
  // Sweeping never computes an index key, so no secret is needed.
  absl::StatusOr<std::unique_ptr<SignalLedger>> ledger =
      SignalLedger::Create(store->get(), /*keyer=*/nullptr, *std::move(policy), &hub);
  if (!ledger.ok()) return ledger.status();
  return (*ledger)->SweepExpired();
}

void BrokerServer::Wait() { running_.server->Wait(); }

BrokerServer::~BrokerServer() {
  if (running_.server != nullptr) Shutdown();
}

}  // namespace samenloop::broker
