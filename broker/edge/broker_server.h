#ifndef SAMENLOOP_BROKER_EDGE_BROKER_SERVER_H_
#define SAMENLOOP_BROKER_EDGE_BROKER_SERVER_H_

// BrokerServer wires the broker together: store, index keyer, policy,
// ledger, the gRPC services, and the server itself. Used by the
// samenloop-broker binary and by in-process tests alike.

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "broker/edge/audit_service.h"
#include "broker/edge/auth_failure_audit.h"
#include "broker/notifications/notification_hub.h"
#include "broker/lifecycle/periodic_task.h"
#include "common/metrics_endpoint.h"
#include "common/readiness.h"
#include "common/rpc_metrics.h"
#include "broker/ledger.h"
#include "broker/edge/signal_service.h"
#include "storage/store.h"
#include "broker/core/subject_keyer.h"
#include "audit/tree_heads.h"
#include "common/server_builder.h"
#include "broker/edge/consent_service.h"
#include "broker/edge/policy_admin_service.h"
#include "policy/disclosure_policy.h"

namespace samenloop::broker {

struct BrokerOptions {
  ServerOptions server;
  std::string data_dir;
  std::string index_secret_path;
  std::string log_key_path;  // Ed25519 key that signs the audit log's tree heads
  int max_submit_batch = 1000;
  // Organisation told by the built-in coordination rules; empty: none.
  std::string coordinator;
  // How often the retention sweeper runs; zero turns the schedule off.
  absl::Duration sweep_interval = absl::Hours(1);
  // How long an acknowledged notification stays in its outbox.
  absl::Duration outbox_keep_acknowledged = absl::Hours(24 * 30);
  // How often a signed tree head is issued and kept when the log has grown
  // since the last one; zero turns the schedule off.
  absl::Duration tree_head_interval = absl::Seconds(60);
  // Statistics cells with a count below this are suppressed.
  uint32_t suppression_threshold = 10;
  // Prometheus /metrics, /livez and /readyz (plain HTTP, its own port);
  // empty: off.
  std::string metrics_listen;
  // How often readiness checks that the store still takes a durable write
  // (and, when it did not, whether it can again).
  absl::Duration readiness_probe_interval = absl::Seconds(5);
  // Writes are refused while the data directory's file system has less
  // free than this (docs/operations.md "Disk full").
  uint64_t min_free_disk_bytes = uint64_t{64} << 20;
  // Refused calls (no valid identity, role not allowed) audited one by one
  // per minute; the rest are counted in one event (auth_failure_audit.h).
  uint32_t auth_failures_per_minute = kDefaultAuthFailuresPerMinute;
};

class BrokerServer {
 public:
  static absl::StatusOr<std::unique_ptr<BrokerServer>> Start(const BrokerOptions& options);
  ~BrokerServer();

  int port() const { return running_.port; }
  // The bound /metrics port; 0 when metrics are off.
  int metrics_port() const { return metrics_ != nullptr ? metrics_->port() : 0; }
  // Stops accepting calls, ends subscription streams, waits for in-flight
  // calls (up to the deadline) and closes the store.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  void Wait();

  // Ready when the store is open and writable, the policy is loaded and any
  // re-evaluation a crash interrupted has finished (docs/operations.md).
  const Readiness& readiness() const { return readiness_; }

  // Runs the retention sweeper now, signals then outboxes.
  absl::StatusOr<SweepResult> SweepNow();

 private:
  BrokerServer();
  std::string RenderMetrics() const;

  std::unique_ptr<Store> store_;
  std::unique_ptr<SubjectKeyer> keyer_;
  NotificationHub hub_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<SignalServiceImpl> signal_service_;
  std::unique_ptr<NotificationServiceImpl> notification_service_;
  std::unique_ptr<crypto::LogSigningKey> log_key_;
  std::unique_ptr<TreeHeadIssuer> tree_heads_;
  std::unique_ptr<AuditServiceImpl> audit_service_;
  std::unique_ptr<PolicyAdminServiceImpl> policy_admin_service_;
  std::unique_ptr<ConsentServiceImpl> consent_service_;
  std::unique_ptr<AuthFailureAuditor> auth_failures_;  // outlives the server, whose interceptor uses it
  RunningServer running_;
  bool shut_down_ = false;
  std::unique_ptr<PeriodicTask> sweeper_;
  std::unique_ptr<PeriodicTask> tree_head_schedule_;
  std::unique_ptr<PeriodicTask> auth_failure_flush_;
  RpcMetrics rpc_metrics_;
  Readiness readiness_;
  // Set once every part RenderMetrics reads exists; the metrics endpoint
  // starts before them so that /readyz answers during a long start.
  std::atomic<bool> started_{false};
  // The last retention sweep's tally, for metrics; zero time: none yet.
  std::atomic<uint64_t> swept_active_{0};
  std::atomic<uint64_t> swept_visible_{0};
  std::atomic<int64_t> last_sweep_unix_{0};
  std::unique_ptr<PeriodicTask> readiness_probe_;
  std::unique_ptr<MetricsEndpoint> metrics_;
};

// Writes a new Ed25519 log signing key (mode 0600); never overwrites.
absl::Status GenerateLogKeyFile(const std::string& path);
absl::StatusOr<crypto::LogSigningKey> LoadLogKeyFile(const std::string& path);

// Opens a stopped broker's store and runs the retention sweeper once.
absl::StatusOr<SweepResult> SweepStore(const std::string& data_dir,
                                       absl::Duration outbox_keep_acknowledged = absl::Hours(24 * 30));

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_BROKER_SERVER_H_
