#ifndef SAMENLOOP_TESTS_INTEGRATION_DEV_STACK_H_
#define SAMENLOOP_TESTS_INTEGRATION_DEV_STACK_H_

// DevStack runs the real samenloop-pseudonymiser and samenloop-broker
// binaries as child processes on ephemeral loopback ports, with a fresh dev
// PKI, OPRF key and index secret in a temporary directory: the same stack
// quickstart.sh starts, made hermetic for tests.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/channel.h"
#include "samenloop/v1/notifications.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace samenloop::testing {

class DevStack {
 public:
  // Optional pseudonymiser configuration (YAML), written before Start().
  void SetPseudonymiserConfig(const std::string& yaml) { pseudonymiser_config_ = yaml; }
  // Extra deploy/dev-pki.sh options for the PKI Start() makes (e.g.
  // "--revoke NAME"), so the CRL exists before the servers start. Stacks
  // with the same options share one CA (MakeCachedDevPki).
  void SetPkiOptions(const std::string& options) { pki_options_ = options; }
  // Both servers check client certificates against the CRLs in `dir`
  // (--crl-dir); e.g. pki() + "/crl", the directory dev-pki.sh publishes.
  void SetCrlDir(const std::string& dir) { crl_dir_ = dir; }
  // Options both servers take (e.g. "--max-connection-age-seconds", "2"),
  // appended to their command lines.
  void SetServerArgs(std::vector<std::string> args) { server_args_ = std::move(args); }
  // The OPRF key Start() makes: "oprf" (the default) or "voprf".
  void SetOprfMode(const std::string& mode) { oprf_mode_ = mode; }

  absl::Status Start();
  absl::Status StartBroker();
  absl::Status StartPseudonymiser();
  void StopPseudonymiser(int signal);
  // Stops the broker with `signal` (SIGTERM: graceful; SIGKILL: crash).
  void StopBroker(int signal);

  std::string pki() const { return dir_.Sub("pki"); }
  std::string broker_data_dir() const { return dir_.Sub("broker/db"); }
  std::string broker_log() const { return dir_.Sub("broker.log"); }
  pid_t broker_pid() const { return broker_.pid(); }  // for resource checks
  std::string broker_address() const;
  std::string pseudonymiser_address() const;
  std::string Sub(const std::string& name) const { return dir_.Sub(name); }

  // Shell prefix that runs the samenloop CLI against this stack as
  // `identity`: append the subcommand and its options.
  std::string CliAs(const std::string& identity) const;

  std::shared_ptr<grpc::Channel> BrokerChannelAs(const std::string& identity) const;
  std::shared_ptr<grpc::Channel> PseudonymiserChannelAs(const std::string& identity) const;

  // Every notification in `identity`'s outbox, read over Subscribe.
  std::vector<v1::Notification> DrainNotifications(const std::string& identity) const;

 private:
  // The options both servers take: --crl-dir and SetServerArgs().
  void AppendSharedServerArgs(std::vector<std::string>& argv) const;

  TempDir dir_;
  ChildProcess pseudonymiser_;
  ChildProcess broker_;
  std::string pseudonymiser_config_;
  std::string pki_options_;
  std::string crl_dir_;
  std::vector<std::string> server_args_;
  std::string oprf_mode_ = "oprf";
  int pseudonymiser_port_ = 0;
  int broker_port_ = 0;
};

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_INTEGRATION_DEV_STACK_H_
