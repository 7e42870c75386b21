// samenloop-broker: the broker server, and its secret generator.
//
//   samenloop-broker serve --listen 127.0.0.1:7443 --data-dir var/broker
//       --tls-dir var/pki/broker --index-secret var/broker/index.secret
//   samenloop-broker init-secret --out var/broker/index.secret
//   samenloop-broker backup --data-dir var/broker/db --out /backup/2026-11-23
//   samenloop-broker restore --backup /backup/2026-11-23 --data-dir var/broker/db-restored

#include <algorithm>
#include <signal.h>

#include <fstream>
#include <functional>
#include <tuple>
#include <vector>
#include <iostream>

#include "CLI/CLI.hpp"
#include "broker/edge/broker_config.h"
#include "broker/edge/broker_server.h"
#include "broker/core/backup.h"
#include "broker/core/subject_keyer.h"
#include "common/logging.h"
#include "crypto/hex.h"
#include "spdlog/spdlog.h"

namespace {

// Blocks SIGTERM/SIGINT in every thread and waits for one here, so gRPC's
// threads never see the signal and shutdown runs in one known place.
int WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Samenloop broker: matches pseudonymised signals and notifies organisations"};
  app.require_subcommand(1);

  // `serve` reads --config (docs/operations.md) and lets each option given
  // on the command line override the file.
  samenloop::broker::BrokerFileConfig cli;
  std::string config_file;
  std::string port_file;
  CLI::App* serve = app.add_subcommand("serve", "Run the broker");
  serve->add_option("--config", config_file, "YAML configuration file (docs/operations.md)");
  std::vector<std::pair<CLI::Option*, std::function<void(samenloop::broker::BrokerFileConfig&)>>> overrides;
  auto text = [&](const char* flag, std::string samenloop::broker::BrokerFileConfig::*field, const char* help) {
    CLI::Option* option = serve->add_option(flag, cli.*field, help);
    overrides.emplace_back(option, [field, &cli](samenloop::broker::BrokerFileConfig& c) { c.*field = cli.*field; });
  };
  text("--listen", &samenloop::broker::BrokerFileConfig::listen, "host:port to listen on (port 0 picks one)");
  text("--data-dir", &samenloop::broker::BrokerFileConfig::data_dir, "RocksDB directory");
  text("--tls-dir", &samenloop::broker::BrokerFileConfig::tls_dir, "directory with ca.pem, cert.pem, key.pem");
  text("--crl-dir", &samenloop::broker::BrokerFileConfig::crl_dir,
       "directory of CRLs (hashed names); revoked client certificates are refused (default: off)");
  text("--index-secret", &samenloop::broker::BrokerFileConfig::index_secret, "index secret file (mode 0600)");
  text("--log-key", &samenloop::broker::BrokerFileConfig::log_key, "audit log signing key file (mode 0600)");
  text("--metrics-listen", &samenloop::broker::BrokerFileConfig::metrics_listen,
       "host:port for Prometheus /metrics over plain HTTP (default: off)");
  text("--log-format", &samenloop::broker::BrokerFileConfig::log_format, "json (default) or text");
  text("--coordinator", &samenloop::broker::BrokerFileConfig::coordinator,
       "organisation told by the built-in coordination rules (e.g. the regional safety team)");
  serve->add_option("--port-file", port_file, "write the bound port to this file once serving");
  overrides.emplace_back(serve->add_option("--sweep-interval-seconds", cli.sweep_interval_seconds,
                                           "how often the retention sweeper runs (0: never)")
                             ->check(CLI::Range(int64_t{0}, int64_t{7 * 86400})),
                         [&cli](auto& c) { c.sweep_interval_seconds = cli.sweep_interval_seconds; });
  overrides.emplace_back(serve->add_option("--outbox-keep-acknowledged-days", cli.outbox_keep_acknowledged_days,
                                           "how long an acknowledged notification stays in its outbox")
                             ->check(CLI::Range(int64_t{0}, int64_t{3650})),
                         [&cli](auto& c) { c.outbox_keep_acknowledged_days = cli.outbox_keep_acknowledged_days; });
  overrides.emplace_back(serve->add_option("--tree-head-interval-seconds", cli.tree_head_interval_seconds,
                                           "how often a signed tree head is issued and kept when the audit log "
                                           "grew (0: never)")
                             ->check(CLI::Range(int64_t{0}, int64_t{86400})),
                         [&cli](auto& c) { c.tree_head_interval_seconds = cli.tree_head_interval_seconds; });
  overrides.emplace_back(serve->add_option("--suppression-threshold", cli.suppression_threshold,
                                           "statistics cells counting fewer than this are suppressed")
                             ->check(CLI::Range(1, 1000)),
                         [&cli](auto& c) { c.suppression_threshold = cli.suppression_threshold; });
  overrides.emplace_back(serve->add_option("--auth-failures-per-minute", cli.auth_failures_per_minute,
                                           "refused certificates and roles audited one by one per minute; the "
                                           "rest are counted in one event")
                             ->check(CLI::Range(1, 100000)),
                         [&cli](auto& c) { c.auth_failures_per_minute = cli.auth_failures_per_minute; });
  overrides.emplace_back(serve->add_option("--max-connection-age-seconds", cli.max_connection_age_seconds,
                                           "close client connections after this long, so revoked certificates "
                                           "lose access (0: never)")
                             ->check(CLI::Range(0, 7 * 86400)),
                         [&cli](auto& c) { c.max_connection_age_seconds = cli.max_connection_age_seconds; });
  overrides.emplace_back(serve->add_option("--max-connection-age-grace-seconds",
                                           cli.max_connection_age_grace_seconds,
                                           "how long calls still running on an aged connection may finish")
                             ->check(CLI::Range(1, 3600)),
                         [&cli](auto& c) { c.max_connection_age_grace_seconds = cli.max_connection_age_grace_seconds; });
  overrides.emplace_back(serve->add_option("--min-free-disk-mb", cli.min_free_disk_mb,
                                           "refuse writes (not ready) while the data directory's disk has less "
                                           "free than this; ready again by itself when it has")
                             ->check(CLI::Range(0u, 1u << 20)),
                         [&cli](auto& c) { c.min_free_disk_mb = cli.min_free_disk_mb; });
  overrides.emplace_back(serve->add_option("--max-submit-batch", cli.max_submit_batch,
                                           "most signals per SubmitSignals call")
                             ->check(CLI::Range(1, 10000)),
                         [&cli](auto& c) { c.max_submit_batch = cli.max_submit_batch; });

  std::string sweep_data_dir;
  int64_t sweep_keep_acknowledged_days = 30;
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Expire signals past their visible period and clean outboxes now (broker stopped)");
  sweep->add_option("--data-dir", sweep_data_dir, "RocksDB directory")->required();
  sweep->add_option("--outbox-keep-acknowledged-days", sweep_keep_acknowledged_days,
                    "how long an acknowledged notification stays in its outbox")
      ->check(CLI::Range(int64_t{0}, int64_t{3650}));

  std::string log_key_out;
  CLI::App* init_log_key = app.add_subcommand("init-log-key", "Create a new audit log signing key (Ed25519, mode 0600)");
  init_log_key->add_option("--out", log_key_out, "path of the new key file")->required();

  std::string public_key_of;
  CLI::App* log_public_key = app.add_subcommand(
      "log-public-key", "Print the audit log's public key (hex) for auditors to pin");
  log_public_key->add_option("--log-key", public_key_of, "audit log signing key file")->required();

  std::string secret_out;
  CLI::App* init_secret = app.add_subcommand("init-secret", "Create a new index secret file (mode 0600)");
  init_secret->add_option("--out", secret_out, "path of the new secret file")->required();

  std::string backup_data_dir, backup_out, restore_from, restore_data_dir, verify_data_dir;
  CLI::App* backup = app.add_subcommand("backup", "Checkpoint a stopped broker's store into a new directory, verified");
  backup->add_option("--data-dir", backup_data_dir, "RocksDB directory of the store")->required();
  backup->add_option("--out", backup_out, "new directory for the backup")->required();
  CLI::App* restore = app.add_subcommand("restore", "Copy a backup into a new data directory and verify it");
  restore->add_option("--backup", restore_from, "a directory made by `backup`")->required();
  restore->add_option("--data-dir", restore_data_dir, "new (empty) RocksDB directory")->required();
  CLI::App* verify_store = app.add_subcommand("verify-store", "Check a stopped broker's store (audit log against its tree)");
  verify_store->add_option("--data-dir", verify_data_dir, "RocksDB directory")->required();

  CLI11_PARSE(app, argc, argv);

  if (*backup || *restore || *verify_store) {
    absl::StatusOr<samenloop::broker::StoreSummary> summary =
        *backup    ? samenloop::broker::BackupStore(backup_data_dir, backup_out)
        : *restore ? samenloop::broker::RestoreStore(restore_from, restore_data_dir)
                   : samenloop::broker::VerifyStoreAt(verify_data_dir);
    if (!summary.ok()) {
      std::cerr << "samenloop-broker: " << summary.status().message() << "\n";
      return 1;
    }
    std::cout << (*backup ? "backup verified: " : *restore ? "restored and verified: " : "verified: ")
              << summary->signals << " signal record(s), audit log of " << summary->audit_size
              << " event(s), root " << samenloop::crypto::HexEncode(summary->audit_root) << "\n";
    return 0;
  }

  if (*init_secret) {
    absl::Status status = samenloop::broker::SubjectKeyer::GenerateSecretFile(secret_out);
    if (!status.ok()) {
      std::cerr << "samenloop-broker: " << status.message() << "\n";
      return 1;
    }
    std::cout << "wrote a new index secret to " << secret_out << "\n";
    return 0;
  }

  if (*init_log_key) {
    absl::Status status = samenloop::broker::GenerateLogKeyFile(log_key_out);
    if (!status.ok()) {
      std::cerr << "samenloop-broker: " << status.message() << "\n";
      return 1;
    }
    std::cout << "wrote a new audit log signing key to " << log_key_out << "\n";
    return 0;
  }

  if (*log_public_key) {
    absl::StatusOr<samenloop::crypto::LogSigningKey> key = samenloop::broker::LoadLogKeyFile(public_key_of);
    if (!key.ok()) {
      std::cerr << "samenloop-broker: " << key.status().message() << "\n";
      return 1;
    }
    std::cout << samenloop::crypto::HexEncode(key->PublicKey()) << "\n";
    return 0;
  }

  if (*sweep) {
    absl::StatusOr<samenloop::broker::SweepResult> swept = samenloop::broker::SweepStore(
        sweep_data_dir, absl::Hours(24 * sweep_keep_acknowledged_days));
    if (!swept.ok()) {
      std::cerr << "samenloop-broker: " << swept.status().message() << "\n";
      return 1;
    }
    std::cout << "examined " << swept->examined << " signal(s), expired " << swept->expired << ", redacted "
              << swept->redacted << " audit event(s), deleted " << swept->notifications_deleted
              << " notification(s)\n";
    return 0;
  }

  samenloop::broker::BrokerFileConfig config;
  if (!config_file.empty()) {
    absl::StatusOr<samenloop::broker::BrokerFileConfig> loaded = samenloop::broker::LoadBrokerConfig(config_file);
    if (!loaded.ok()) {
      std::cerr << "samenloop-broker: " << loaded.status().message() << "\n";
      return 1;
    }
    config = *std::move(loaded);
  }
  for (auto& [option, apply] : overrides) {
    if (option->count() > 0) apply(config);
  }
  for (const auto& [value, key, flag] :
       {std::tuple<const std::string*, const char*, const char*>{&config.data_dir, "data_dir", "--data-dir"},
        {&config.tls_dir, "tls_dir", "--tls-dir"},
        {&config.index_secret, "index_secret", "--index-secret"},
        {&config.log_key, "log_key", "--log-key"}}) {
    if (value->empty()) {
      std::cerr << "samenloop-broker: " << key << " is required (in --config or as " << flag << ")\n";
      return 1;
    }
  }
  absl::StatusOr<samenloop::LogFormat> log_format = samenloop::ParseLogFormat(config.log_format);
  if (!log_format.ok()) {
    std::cerr << "samenloop-broker: " << log_format.status().message() << "\n";
    return 1;
  }
  samenloop::ConfigureLogging(*log_format, "samenloop-broker");
  samenloop::broker::BrokerOptions options;
  options.server.listen_address = config.listen;
  options.server.max_connection_age_seconds = config.max_connection_age_seconds;
  options.server.max_connection_age_grace_seconds = config.max_connection_age_grace_seconds;
  options.data_dir = config.data_dir;
  options.index_secret_path = config.index_secret;
  options.log_key_path = config.log_key;
  options.metrics_listen = config.metrics_listen;
  options.coordinator = config.coordinator;
  options.max_submit_batch = config.max_submit_batch;
  options.min_free_disk_bytes = uint64_t{config.min_free_disk_mb} << 20;
  // Room for the largest valid request: a full SubmitSignals batch (a signal
  // at every limit is under 10 KiB) or a 4 MiB policy; at least 16 MiB.
  options.server.max_receive_message_bytes =
      std::max(16 << 20, (64 << 10) + config.max_submit_batch * (10 << 10));
  options.suppression_threshold = config.suppression_threshold;
  options.auth_failures_per_minute = config.auth_failures_per_minute;
  options.sweep_interval = absl::Seconds(config.sweep_interval_seconds);
  options.outbox_keep_acknowledged = absl::Hours(24 * config.outbox_keep_acknowledged_days);
  options.tree_head_interval = absl::Seconds(config.tree_head_interval_seconds);
  const std::string tls_dir = config.tls_dir;
  BlockTerminationSignals();
  options.server.tls = samenloop::TlsFilesFromDirectory(tls_dir, config.crl_dir);
  absl::StatusOr<std::unique_ptr<samenloop::broker::BrokerServer>> broker =
      samenloop::broker::BrokerServer::Start(options);
  if (!broker.ok()) {
    spdlog::error("broker failed to start: {}", broker.status().ToString());
    return 1;
  }
  spdlog::info("broker listening on port {} (data dir {})", (*broker)->port(), options.data_dir);
  if (!port_file.empty()) {
    std::ofstream(port_file) << (*broker)->port() << "\n";
  }
  int received = WaitForTerminationSignal();
  spdlog::info("received signal {}; shutting down", received);
  (*broker)->Shutdown();
  (*broker)->Wait();
  broker->reset();
  spdlog::info("broker stopped");
  return 0;
}
