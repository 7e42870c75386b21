// samenloop-broker: the broker server, and its secret generator.
//
//   samenloop-broker serve --listen 127.0.0.1:7443 --data-dir var/broker
//       --tls-dir var/pki/broker --index-secret var/broker/index.secret
//   samenloop-broker init-secret --out var/broker/index.secret
//   samenloop-broker backup --data-dir var/broker/db --out /backup/2026-11-23
//   samenloop-broker restore --backup /backup/2026-11-23 --data-dir var/broker/db-restored

#include <signal.h>

#include <fstream>
#include <iostream>

#include "CLI/CLI.hpp"
#include "broker/broker_server.h"
#include "broker/store_backup.h"
#include "broker/subject_keyer.h"
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

  samenloop::broker::BrokerOptions options;
  std::string tls_dir;
  std::string port_file;
  CLI::App* serve = app.add_subcommand("serve", "Run the broker");
  serve->add_option("--listen", options.server.listen_address, "host:port to listen on (port 0 picks one)")
      ->default_val("127.0.0.1:7443");
  serve->add_option("--data-dir", options.data_dir, "RocksDB directory")->required();
  serve->add_option("--tls-dir", tls_dir, "directory with ca.pem, cert.pem, key.pem")->required();
  serve->add_option("--index-secret", options.index_secret_path, "index secret file (mode 0600)")->required();
  serve->add_option("--log-key", options.log_key_path, "audit log signing key file (mode 0600)")->required();
  serve->add_option("--port-file", port_file, "write the bound port to this file once serving");
  serve->add_option("--metrics-listen", options.metrics_listen,
                    "host:port for Prometheus /metrics over plain HTTP (default: off)");
  int64_t sweep_seconds = 3600;
  serve->add_option("--sweep-interval-seconds", sweep_seconds, "how often the retention sweeper runs (0: never)")
      ->default_val(3600)->check(CLI::NonNegativeNumber);
  int64_t tree_head_seconds = 60;
  serve->add_option("--tree-head-interval-seconds", tree_head_seconds,
                    "how often a signed tree head is issued and kept when the audit log grew (0: never)")
      ->default_val(60)->check(CLI::NonNegativeNumber);
  serve->add_option("--suppression-threshold", options.suppression_threshold,
                    "statistics cells counting fewer than this are suppressed")
      ->default_val(10)->check(CLI::Range(1, 1000000));
  serve->add_option("--coordinator", options.coordinator,
                    "organisation told by the built-in coordination rules (e.g. the regional safety team)");
  serve->add_option("--max-submit-batch", options.max_submit_batch, "most signals per SubmitSignals call")
      ->default_val(1000)->check(CLI::Range(1, 10000));

  std::string sweep_data_dir;
  CLI::App* sweep = app.add_subcommand("sweep", "Expire signals past their visible period now (broker stopped)");
  sweep->add_option("--data-dir", sweep_data_dir, "RocksDB directory")->required();

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
    absl::StatusOr<samenloop::broker::SweepResult> swept = samenloop::broker::SweepStore(sweep_data_dir);
    if (!swept.ok()) {
      std::cerr << "samenloop-broker: " << swept.status().message() << "\n";
      return 1;
    }
    std::cout << "examined " << swept->examined << " signal(s), expired " << swept->expired << "\n";
    return 0;
  }

  options.sweep_interval = absl::Seconds(sweep_seconds);
  options.tree_head_interval = absl::Seconds(tree_head_seconds);
  BlockTerminationSignals();
  options.server.tls = samenloop::TlsFilesFromDirectory(tls_dir);
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
