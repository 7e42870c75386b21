#include "tests/integration/dev_stack.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "client/connection.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {

absl::Status DevStack::Start() {
  if (absl::Status s = MakeCachedDevPki(pki(), pki_options_); !s.ok()) return s;
  if (absl::Status s = RunCommand(absl::StrCat(BinaryPath("samenloop-pseudonymiser"), " keygen --mode ", oprf_mode_,
                                               " --out ", Sub("oprf.key"), " >/dev/null"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RunCommand(absl::StrCat("mkdir -p ", Sub("broker"), " && ", BinaryPath("samenloop-broker"),
                                               " init-secret --out ", Sub("broker/index.secret"), " >/dev/null && ",
                                               BinaryPath("samenloop-broker"), " init-log-key --out ", Sub("broker/log.key"),
                                               " >/dev/null"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = StartPseudonymiser(); !s.ok()) return s;
  return StartBroker();
}

void DevStack::AppendSharedServerArgs(std::vector<std::string>& argv) const {
  if (!crl_dir_.empty()) {
    argv.push_back("--crl-dir");
    argv.push_back(crl_dir_);
  }
  argv.insert(argv.end(), server_args_.begin(), server_args_.end());
}

absl::Status DevStack::StartPseudonymiser() {
  std::vector<std::string> argv = {BinaryPath("samenloop-pseudonymiser"), "serve", "--listen", "127.0.0.1:0",
                                   "--tls-dir", pki() + "/pseudonymiser", "--key-file", Sub("oprf.key"),
                                   "--state-dir", Sub("pseudonymiser-state"), "--metrics-listen",
                                   "127.0.0.1:0", "--port-file",
                                   Sub("pseudonymiser.port")};
  AppendSharedServerArgs(argv);
  if (!pseudonymiser_config_.empty()) {
    std::ofstream(Sub("pseudonymiser.yaml")) << pseudonymiser_config_;
    argv.push_back("--config");
    argv.push_back(Sub("pseudonymiser.yaml"));
  }
  absl::StatusOr<int> port = pseudonymiser_.Start(argv, Sub("pseudonymiser.port"), Sub("pseudonymiser.log"));
  if (!port.ok()) return port.status();
  pseudonymiser_port_ = *port;
  return absl::OkStatus();
}

void DevStack::StopPseudonymiser(int signal) { pseudonymiser_.Stop(signal); }

absl::Status DevStack::StartBroker() {
  std::vector<std::string> argv = {
      BinaryPath("samenloop-broker"), "serve", "--listen", "127.0.0.1:0", "--tls-dir", pki() + "/broker",
      "--data-dir", broker_data_dir(), "--index-secret", Sub("broker/index.secret"), "--log-key",
      Sub("broker/log.key"), "--coordinator",
      "zvh-amsterdam", "--port-file",
      Sub("broker.port")};
  AppendSharedServerArgs(argv);
  absl::StatusOr<int> port = broker_.Start(argv, Sub("broker.port"), broker_log());
  if (!port.ok()) return port.status();
  broker_port_ = *port;
  return absl::OkStatus();
}

void DevStack::StopBroker(int signal) { broker_.Stop(signal); }

std::string DevStack::broker_address() const { return absl::StrCat("localhost:", broker_port_); }
std::string DevStack::pseudonymiser_address() const { return absl::StrCat("localhost:", pseudonymiser_port_); }

std::string DevStack::CliAs(const std::string& identity) const {
  return absl::StrCat("SAMENLOOP_BROKER=", broker_address(), " SAMENLOOP_PSEUDONYMISER=", pseudonymiser_address(), " ",
                      BinaryPath("samenloop"), " --identity ", pki(), "/", identity, " ");
}

std::shared_ptr<grpc::Channel> DevStack::BrokerChannelAs(const std::string& identity) const {
  return *client::Connect(broker_address(), TlsFilesFromDirectory(pki() + "/" + identity));
}

std::shared_ptr<grpc::Channel> DevStack::PseudonymiserChannelAs(const std::string& identity) const {
  return *client::Connect(pseudonymiser_address(), TlsFilesFromDirectory(pki() + "/" + identity));
}

std::vector<v1::Notification> DevStack::DrainNotifications(const std::string& identity) const {
  auto stub = v1::NotificationService::NewStub(BrokerChannelAs(identity));
  grpc::ClientContext context;
  // Every delivery is audited (a synced write per page of 1024): a backlog
  // of a million notifications, as the crash test builds, takes a while.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::SubscribeRequest request;
  request.set_stop_when_drained(true);
  auto reader = stub->Subscribe(&context, request);
  std::vector<v1::Notification> out;
  v1::Notification notification;
  while (reader->Read(&notification)) out.push_back(notification);
  grpc::Status status = reader->Finish();
  if (!status.ok()) ADD_FAILURE() << "Subscribe as " << identity << ": " << status.error_message();
  return out;
}

}  // namespace samenloop::testing
