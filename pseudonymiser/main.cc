// samenloop-pseudonymiser: the OPRF evaluation service and its key tool.
//
//   samenloop-pseudonymiser keygen --out var/pseudonymiser/oprf.key
//   samenloop-pseudonymiser serve --config /etc/samenloop/pseudonymiser.yaml
//   samenloop-pseudonymiser serve --listen 127.0.0.1:7444 --tls-dir var/pki/pseudonymiser
//       --key-file var/pseudonymiser/oprf.key --state-dir var/pseudonymiser/state
// Options given on the command line override the configuration file.

#include <signal.h>

#include <fstream>
#include <iostream>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/cleanup/cleanup.h"

#include "CLI/CLI.hpp"
#include "common/logging.h"
#include "common/metrics_endpoint.h"
#include "common/readiness.h"
#include "common/rpc_metrics.h"
#include "common/server_builder.h"
#include "crypto/hex.h"
#include "pseudonymiser/oprf_key_file.h"
#include "pseudonymiser/pseudonymiser_config.h"
#include "pseudonymiser/pseudonymiser_metrics.h"
#include "pseudonymiser/pseudonymiser_service.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  CLI::App app{"Samenloop pseudonymiser: evaluates the OPRF on blinded elements"};
  app.require_subcommand(1);

  samenloop::pseudonymiser::PseudonymiserConfig config;
  std::string config_file, port_file, key_file;
  CLI::App* serve = app.add_subcommand("serve", "Run the pseudonymiser");
  serve->add_option("--config", config_file, "YAML configuration file (docs/operations.md)");
  CLI::Option* listen = serve->add_option("--listen", config.listen, "host:port (port 0 picks one)");
  CLI::Option* metrics_listen = serve->add_option("--metrics-listen", config.metrics_listen,
                                                  "host:port of the Prometheus /metrics endpoint (empty: off)");
  CLI::Option* tls_dir = serve->add_option("--tls-dir", config.tls_dir, "directory with ca.pem, cert.pem, key.pem");
  CLI::Option* crl_dir = serve->add_option(
      "--crl-dir", config.crl_dir, "directory of CRLs (hashed names); revoked client certificates are refused");
  CLI::Option* key_option = serve->add_option("--key-file", config.key_file, "OPRF key file (mode 0600)");
  CLI::Option* state_dir = serve->add_option("--state-dir", config.state_dir, "quota state directory (RocksDB)");
  CLI::Option* max_batch = serve->add_option("--max-batch", config.max_batch, "most elements per Evaluate call")
                               ->check(CLI::Range(1, 100000));
  CLI::Option* threads = serve->add_option("--threads", config.threads, "evaluation threads (0: all cores)");
  CLI::Option* min_free_disk =
      serve->add_option("--min-free-disk-mb", config.min_free_disk_mb,
                        "refuse evaluations (not ready) while the state directory's disk has less free than this")
          ->check(CLI::Range(0u, 1u << 20));
  CLI::Option* log_format = serve->add_option("--log-format", config.log_format, "json (default) or text");
  CLI::Option* max_age =
      serve->add_option("--max-connection-age-seconds", config.max_connection_age_seconds,
                        "close client connections after this long, so revoked certificates lose access (0: never)")
          ->check(CLI::Range(0, 7 * 86400));
  CLI::Option* max_age_grace =
      serve->add_option("--max-connection-age-grace-seconds", config.max_connection_age_grace_seconds,
                        "how long calls still running on an aged connection may finish")
          ->check(CLI::Range(1, 3600));
  serve->add_option("--port-file", port_file, "write the bound port to this file once serving");

  std::string out;
  std::string mode = "oprf";
  uint32_t epoch = 0;
  CLI::App* keygen = app.add_subcommand("keygen", "Create a new OPRF key file (mode 0600)");
  keygen->add_option("--out", out, "path of the new key file")->required();
  keygen->add_option("--mode", mode, "oprf or voprf")->check(CLI::IsMember({"oprf", "voprf"}))->default_val("oprf");
  keygen->add_option("--epoch", epoch, "key epoch number")->default_val(0);

  CLI::App* public_key = app.add_subcommand("public-key", "Print the public key of a key file (hex)");
  public_key->add_option("--key-file", key_file, "OPRF key file")->required();

  CLI11_PARSE(app, argc, argv);

  if (*keygen) {
    absl::Status status = samenloop::pseudonymiser::GenerateKeyFile(
        out, mode == "voprf" ? samenloop::crypto::OprfMode::kVoprf : samenloop::crypto::OprfMode::kOprf, epoch);
    if (!status.ok()) {
      std::cerr << "samenloop-pseudonymiser: " << status.message() << "\n";
      return 1;
    }
    std::cout << "wrote a new OPRF key (" << mode << ", epoch " << epoch << ") to " << out << "\n";
    return 0;
  }

  if (*serve) {
    // The file supplies defaults; options given on the command line win.
    samenloop::pseudonymiser::PseudonymiserConfig from_flags = config;
    if (!config_file.empty()) {
      absl::StatusOr<samenloop::pseudonymiser::PseudonymiserConfig> loaded =
          samenloop::pseudonymiser::LoadPseudonymiserConfig(config_file);
      if (!loaded.ok()) {
        std::cerr << "samenloop-pseudonymiser: " << loaded.status().message() << "\n";
        return 1;
      }
      config = *std::move(loaded);
      if (listen->count() > 0) config.listen = from_flags.listen;
      if (tls_dir->count() > 0) config.tls_dir = from_flags.tls_dir;
      if (crl_dir->count() > 0) config.crl_dir = from_flags.crl_dir;
      if (metrics_listen->count() > 0) config.metrics_listen = from_flags.metrics_listen;
      if (key_option->count() > 0) config.key_file = from_flags.key_file;
      if (state_dir->count() > 0) config.state_dir = from_flags.state_dir;
      if (max_batch->count() > 0) config.max_batch = from_flags.max_batch;
      if (threads->count() > 0) config.threads = from_flags.threads;
      if (min_free_disk->count() > 0) config.min_free_disk_mb = from_flags.min_free_disk_mb;
      if (log_format->count() > 0) config.log_format = from_flags.log_format;
      if (max_age->count() > 0) config.max_connection_age_seconds = from_flags.max_connection_age_seconds;
      if (max_age_grace->count() > 0) {
        config.max_connection_age_grace_seconds = from_flags.max_connection_age_grace_seconds;
      }
    }
    for (auto [name, value] : {std::pair{"tls_dir", &config.tls_dir}, std::pair{"key_file", &config.key_file},
                               std::pair{"state_dir", &config.state_dir}}) {
      if (value->empty()) {
        std::cerr << "samenloop-pseudonymiser: " << name << " is required (option or configuration file)\n";
        return 1;
      }
    }
    key_file = config.key_file;
    absl::StatusOr<samenloop::LogFormat> format = samenloop::ParseLogFormat(config.log_format);
    if (!format.ok()) {
      std::cerr << "samenloop-pseudonymiser: " << format.status().message() << "\n";
      return 1;
    }
    samenloop::ConfigureLogging(*format, "samenloop-pseudonymiser");
  }

  absl::StatusOr<samenloop::pseudonymiser::OprfKey> key = samenloop::pseudonymiser::LoadKeyFile(key_file);
  if (!key.ok()) {
    std::cerr << "samenloop-pseudonymiser: " << key.status().message() << "\n";
    return 1;
  }
  if (*public_key) {
    std::cout << samenloop::crypto::HexEncode(key->public_key) << "\n";
    return 0;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Ready once the key is loaded and the quota state is open and takes
  // writes; not ready from the moment shutdown begins (common/readiness.h).
  samenloop::Readiness readiness({"key_loaded", "quota_state_open", "quota_state_writable"});
  readiness.Set("key_loaded", true);
  samenloop::RpcMetrics rpc_metrics;
  absl::StatusOr<std::unique_ptr<samenloop::pseudonymiser::QuotaLedger>> quotas =
      samenloop::pseudonymiser::QuotaLedger::Open(config.state_dir, config.quotas, [] { return absl::Now(); },
                                                  uint64_t{config.min_free_disk_mb} << 20);
  if (!quotas.ok()) {
    std::cerr << "samenloop-pseudonymiser: " << quotas.status().message() << "\n";
    return 1;
  }
  readiness.Set("quota_state_open", true);
  // Not ready while the quota state refuses writes (disk full); a probe
  // every 5 seconds notices a filling disk and lets the state recover.
  samenloop::StorageGuard& quota_guard = (*quotas)->guard();
  quota_guard.OnChange([&readiness](bool writable) { readiness.Set("quota_state_writable", writable); });
  readiness.Set("quota_state_writable", quota_guard.Recover());
  std::mutex probe_mutex;
  std::condition_variable probe_wake;
  bool probe_stop = false;
  std::thread probe([&] {
    std::unique_lock<std::mutex> lock(probe_mutex);
    while (!probe_wake.wait_for(lock, std::chrono::seconds(5), [&] { return probe_stop; })) {
      lock.unlock();
      readiness.Set("quota_state_writable", quota_guard.Recover());
      lock.lock();
    }
  });
  absl::Cleanup stop_probe = [&] {
    {
      std::lock_guard<std::mutex> lock(probe_mutex);
      probe_stop = true;
    }
    probe_wake.notify_all();
    probe.join();
  };
  samenloop::pseudonymiser::ServiceOptions service;
  service.max_batch = config.max_batch;
  service.threads = config.threads;
  service.refusals = config.quotas.refused_calls;
  samenloop::pseudonymiser::PseudonymiserServiceImpl impl(&*key, quotas->get(), service);
  // Declared after what it reads, so it is destroyed first.
  std::unique_ptr<samenloop::MetricsEndpoint> metrics;
  if (!config.metrics_listen.empty()) {
    samenloop::pseudonymiser::QuotaLedger* quota_ledger = quotas->get();
    absl::StatusOr<std::unique_ptr<samenloop::MetricsEndpoint>> started = samenloop::MetricsEndpoint::Start(
        config.metrics_listen,
        [&rpc_metrics, quota_ledger, &impl] {
          return rpc_metrics.Render("samenloop_pseudonymiser") +
                 samenloop::pseudonymiser::RenderMetrics(*quota_ledger, impl.turned_away());
        },
        &readiness);
    if (!started.ok()) {
      spdlog::error("pseudonymiser failed to start: {}", started.status().ToString());
      return 1;
    }
    metrics = *std::move(started);
    spdlog::info("metrics on port {}", metrics->port());
  }
  samenloop::ServerOptions server;
  server.listen_address = config.listen;
  server.max_connection_age_seconds = config.max_connection_age_seconds;
  server.max_connection_age_grace_seconds = config.max_connection_age_grace_seconds;
  server.tls = samenloop::TlsFilesFromDirectory(config.tls_dir, config.crl_dir);
  server.rpc_metrics = &rpc_metrics;
  server.readiness = &readiness;
  server.health_service_names = {samenloop::v1::Pseudonymiser::service_full_name()};
  // The largest valid Evaluate is max_batch 32-byte elements (34 bytes each
  // on the wire): allow that with room for a wrongly sized element to be
  // refused by name, and nothing near the 16 MiB default.
  server.max_receive_message_bytes = (64 << 10) + config.max_batch * 64;
  absl::StatusOr<samenloop::RunningServer> running = samenloop::StartServer(server, {&impl});
  if (!running.ok()) {
    spdlog::error("pseudonymiser failed to start: {}", running.status().ToString());
    return 1;
  }
  spdlog::info("pseudonymiser listening on port {} (key epoch {})", running->port, key->epoch);
  if (!port_file.empty()) std::ofstream(port_file) << running->port << "\n";
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received signal {}; shutting down", received);
  readiness.BeginShutdown();
  running->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  running->server->Wait();
  metrics.reset();
  return 0;
}
