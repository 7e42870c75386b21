#include "broker/edge/broker_server.h"
#include "broker/core/schema.h"

#include <chrono>

#include "common/tls_files.h"
#include "crypto/secure_bytes.h"
#include "broker/edge/broker_metrics.h"
#include "grpcpp/support/server_interceptor.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "spdlog/spdlog.h"

namespace samenloop::broker {

namespace {

// Readiness conditions, in the order start-up meets them.
constexpr char kStoreOpen[] = "store_open";
constexpr char kPolicyLoaded[] = "policy_loaded";
constexpr char kReevaluationDone[] = "reevaluation_done";
constexpr char kStoreWritable[] = "store_writable";

// A tiny synced write: the store takes durable writes (disk not full, no
// RocksDB background error), which is what acknowledging a signal needs.
// When the store has refused writes, first lets it recover if it can.
absl::Status ProbeStoreWrite(Store& store) {
  if (!store.guard().Recover()) return absl::UnavailableError("the store refuses writes (disk full or failing)");
  rocksdb::WriteBatch batch;
  batch.Put(store.Handle(Family::kMeta), "readiness_probe",
            absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone()));
  return store.Commit(&batch);
}

}  // namespace

BrokerServer::BrokerServer() : readiness_({kStoreOpen, kPolicyLoaded, kReevaluationDone, kStoreWritable}) {}

std::string BrokerServer::RenderMetrics() const {
  std::string out = rpc_metrics_.Render("samenloop_broker");
  PrometheusHelp(out, "samenloop_broker_ready", "gauge", "1 when the broker is ready to serve (see /readyz).");
  out += PrometheusLine("samenloop_broker_ready", "", readiness_.Ready() ? 1 : 0);
  if (const int64_t swept_at = last_sweep_unix_.load(); swept_at > 0) {
    PrometheusHelp(out, "samenloop_broker_signals_live", "gauge",
                   "Signals kept by the last retention sweep, by phase (active: matched and notified; visible: "
                   "history only).");
    out += PrometheusLine("samenloop_broker_signals_live", "phase=\"active\"", static_cast<double>(swept_active_.load()));
    out += PrometheusLine("samenloop_broker_signals_live", "phase=\"visible\"", static_cast<double>(swept_visible_.load()));
    PrometheusHelp(out, "samenloop_broker_last_sweep_timestamp_seconds", "gauge",
                   "When the last retention sweep finished (Unix time).");
    out += PrometheusLine("samenloop_broker_last_sweep_timestamp_seconds", "", static_cast<double>(swept_at));
  }
  if (started_.load(std::memory_order_acquire)) out += RenderBrokerMetrics(*ledger_, *store_);
  return out;
}

absl::StatusOr<std::unique_ptr<BrokerServer>> BrokerServer::Start(const BrokerOptions& options) {
  std::unique_ptr<BrokerServer> broker(new BrokerServer());
  // First, so that probes see "not ready" (not "down") while a large store
  // opens, migrates or finishes an interrupted re-evaluation.
  if (!options.metrics_listen.empty()) {
    BrokerServer* raw = broker.get();
    absl::StatusOr<std::unique_ptr<MetricsEndpoint>> metrics = MetricsEndpoint::Start(
        options.metrics_listen, [raw] { return raw->RenderMetrics(); }, &broker->readiness_);
    if (!metrics.ok()) return metrics.status();
    broker->metrics_ = *std::move(metrics);
  }
  absl::StatusOr<std::unique_ptr<SubjectKeyer>> keyer = SubjectKeyer::FromSecretFile(options.index_secret_path);
  if (!keyer.ok()) return keyer.status();
  broker->keyer_ = *std::move(keyer);
  absl::StatusOr<crypto::LogSigningKey> log_key = LoadLogKeyFile(options.log_key_path);
  if (!log_key.ok()) return log_key.status();
  broker->log_key_ = std::make_unique<crypto::LogSigningKey>(*std::move(log_key));
  absl::StatusOr<std::unique_ptr<Store>> store = OpenBrokerStore(options.data_dir, options.min_free_disk_bytes);
  if (!store.ok()) return store.status();
  broker->store_ = *std::move(store);
  broker->readiness_.Set(kStoreOpen, true);
  // Not ready the moment a write is refused, not only at the next probe.
  Readiness* readiness = &broker->readiness_;
  broker->store_->guard().OnChange([readiness](bool writable) { readiness->Set(kStoreWritable, writable); });
  broker->readiness_.Set(kStoreWritable, ProbeStoreWrite(*broker->store_).ok());
  if (!options.coordinator.empty() && !IsValidOrganisationId(options.coordinator)) {
    return absl::InvalidArgumentError("coordinator: not an organisation id");
  }
  // The policy last applied to this store, else the development default.
  absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> policy =
      StartupPolicy(*broker->store_, policy::MakeBuiltinDefaultPolicy(options.coordinator));
  if (!policy.ok()) return policy.status();
  if (!options.coordinator.empty() && (*policy)->Version().find("builtin") == std::string::npos) {
    spdlog::warn("--coordinator is ignored: the applied policy {} declares its own coordination rules",
                 (*policy)->Version().substr(0, 16));
  }

  LedgerOptions ledger_options;
  ledger_options.max_batch = options.max_submit_batch;
  ledger_options.outbox_keep_acknowledged = options.outbox_keep_acknowledged;
  absl::StatusOr<std::unique_ptr<Ledger>> ledger = Ledger::Create(
      broker->store_.get(), broker->keyer_.get(), *std::move(policy), &broker->hub_, ledger_options);
  if (!ledger.ok()) return ledger.status();
  broker->ledger_ = *std::move(ledger);
  broker->readiness_.Set(kPolicyLoaded, true);
  // Decisions a crash left untaken after a policy or consent change.
  if (absl::Status resumed = broker->ledger_->reevaluation().Resume(); !resumed.ok()) return resumed;
  broker->readiness_.Set(kReevaluationDone, true);

  broker->signal_service_ = std::make_unique<SignalServiceImpl>(broker->ledger_.get());
  broker->notification_service_ =
      std::make_unique<NotificationServiceImpl>(broker->ledger_.get(), &broker->hub_);
  broker->tree_heads_ = std::make_unique<TreeHeadIssuer>(broker->store_.get(), broker->log_key_.get());
  broker->audit_service_ =
      std::make_unique<AuditServiceImpl>(broker->store_.get(), broker->ledger_.get(), broker->tree_heads_.get(),
                                         broker->keyer_.get(), options.suppression_threshold);
  broker->policy_admin_service_ = std::make_unique<PolicyAdminServiceImpl>(broker->ledger_.get());
  broker->consent_service_ = std::make_unique<ConsentServiceImpl>(broker->ledger_.get());
  Ledger* recording = broker->ledger_.get();
  broker->auth_failures_ = std::make_unique<AuthFailureAuditor>(
      [recording](std::vector<v1::AuditEvent> events) { return recording->events().RecordEvents(std::move(events)).status(); },
      options.auth_failures_per_minute, [recording] { return recording->Now(); });
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeAuthFailureInterceptor(broker->auth_failures_.get()));
  broker->started_.store(true, std::memory_order_release);
  ServerOptions server = options.server;
  server.rpc_metrics = &broker->rpc_metrics_;
  server.readiness = &broker->readiness_;
  server.health_service_names = {v1::SignalService::service_full_name(),
                                 v1::NotificationService::service_full_name(),
                                 v1::AuditService::service_full_name(),
                                 v1::PolicyAdminService::service_full_name(),
                                 v1::ConsentService::service_full_name()};
  absl::StatusOr<RunningServer> running =
      StartServer(server,
                  {broker->signal_service_.get(), broker->notification_service_.get(), broker->audit_service_.get(),
                   broker->policy_admin_service_.get(), broker->consent_service_.get()},
                  std::move(interceptors));
  if (!running.ok()) return running.status();
  broker->running_ = *std::move(running);
  if (options.readiness_probe_interval > absl::ZeroDuration()) {
    BrokerServer* raw = broker.get();
    broker->readiness_probe_ = std::make_unique<PeriodicTask>(options.readiness_probe_interval, [raw] {
      // The store logs its own refusals and recovery, once each.
      raw->readiness_.Set(kStoreWritable, ProbeStoreWrite(*raw->store_).ok());
    });
  }
  if (options.sweep_interval > absl::ZeroDuration()) {
    BrokerServer* raw = broker.get();
    broker->sweeper_ = std::make_unique<PeriodicTask>(options.sweep_interval, [raw] {
      absl::StatusOr<SweepResult> swept = raw->SweepNow();
      if (!swept.ok()) {
        spdlog::error("retention sweep failed: {}", swept.status().ToString());
        return;
      }
      if (swept->expired > 0 || swept->notifications_deleted > 0) {
        spdlog::info("retention sweep expired {} of {} signal(s), redacted {} audit event(s) and deleted {} "
                     "notification(s)",
                     swept->expired, swept->examined, swept->redacted, swept->notifications_deleted);
      }
      raw->swept_active_.store(swept->active);
      raw->swept_visible_.store(swept->visible);
      raw->last_sweep_unix_.store(absl::ToUnixSeconds(absl::Now()));
    });
  }
  if (options.tree_head_interval > absl::ZeroDuration()) {
    Ledger* log = broker->ledger_.get();
    TreeHeadIssuer* issuer = broker->tree_heads_.get();
    broker->tree_head_schedule_ = std::make_unique<PeriodicTask>(options.tree_head_interval, [log, issuer] {
      absl::StatusOr<bool> issued = issuer->IssueIfGrown(log->events().AuditSize());
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
  // Not ready first, so balancers stop routing here while calls drain.
  readiness_.BeginShutdown();
  metrics_.reset();
  if (readiness_probe_ != nullptr) readiness_probe_->Stop();
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

namespace {

absl::StatusOr<SweepResult> SweepSignalsThenOutboxes(Ledger& ledger) {
  absl::StatusOr<SweepResult> swept = ledger.retention().SweepExpired();
  if (!swept.ok()) return swept.status();
  absl::StatusOr<OutboxSweepResult> outboxes = ledger.retention().SweepOutbox();
  if (!outboxes.ok()) return outboxes.status();
  swept->notifications_deleted += outboxes->deleted;
  return swept;
}

}  // namespace

absl::StatusOr<SweepResult> BrokerServer::SweepNow() { return SweepSignalsThenOutboxes(*ledger_); }

absl::StatusOr<SweepResult> SweepStore(const std::string& data_dir, absl::Duration outbox_keep_acknowledged) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenBrokerStore(data_dir);
  if (!store.ok()) return store.status();
  // Retention comes from the policy in force.
  absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> policy =
      StartupPolicy(**store, policy::MakeBuiltinDefaultPolicy());
  if (!policy.ok()) return policy.status();
  NotificationHub hub;
  // Sweeping never computes an index key, so no secret is needed.
  LedgerOptions options;
  options.outbox_keep_acknowledged = outbox_keep_acknowledged;
  absl::StatusOr<std::unique_ptr<Ledger>> ledger =
      Ledger::Create(store->get(), /*keyer=*/nullptr, *std::move(policy), &hub, options);
  if (!ledger.ok()) return ledger.status();
  return SweepSignalsThenOutboxes(**ledger);
}

void BrokerServer::Wait() { running_.server->Wait(); }

BrokerServer::~BrokerServer() {
  if (running_.server != nullptr) Shutdown();
}

}  // namespace samenloop::broker
