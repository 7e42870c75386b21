// samenloop-pseudonymiser: the OPRF evaluation service and its key tool.
//
//   samenloop-pseudonymiser keygen --out var/pseudonymiser/oprf.key
//   samenloop-pseudonymiser serve --listen 127.0.0.1:7444
//       --tls-dir var/pki/pseudonymiser --key-file var/pseudonymiser/oprf.key

#include <signal.h>

#include <fstream>
#include <iostream>

#include "CLI/CLI.hpp"
#include "common/server_builder.h"
#include "crypto/hex.h"
#include "pseudonymiser/oprf_key_file.h"
#include "pseudonymiser/pseudonymiser_service.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  CLI::App app{"Samenloop pseudonymiser: evaluates the OPRF on blinded elements"};
  app.require_subcommand(1);

  samenloop::ServerOptions server;
  samenloop::pseudonymiser::ServiceOptions service;
  std::string tls_dir, key_file, port_file;
  CLI::App* serve = app.add_subcommand("serve", "Run the pseudonymiser");
  serve->add_option("--listen", server.listen_address, "host:port (port 0 picks one)")->default_val("127.0.0.1:7444");
  serve->add_option("--tls-dir", tls_dir, "directory with ca.pem, cert.pem, key.pem")->required();
  serve->add_option("--key-file", key_file, "OPRF key file (mode 0600)")->required();
  serve->add_option("--port-file", port_file, "write the bound port to this file once serving");
  serve->add_option("--max-batch", service.max_batch, "most elements per Evaluate call")
      ->default_val(10000)->check(CLI::Range(1, 100000));
  serve->add_option("--threads", service.threads, "evaluation threads (0: all cores)")->default_val(0);

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

  server.tls = samenloop::TlsFilesFromDirectory(tls_dir);
  samenloop::pseudonymiser::PseudonymiserServiceImpl impl(&*key, service);
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
  running->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  running->server->Wait();
  return 0;
}
