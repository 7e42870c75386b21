#ifndef SAMENLOOP_BROKER_BROKER_SERVER_H_
#define SAMENLOOP_BROKER_BROKER_SERVER_H_

// BrokerServer wires the broker together: store, index keyer, policy,
// ledger, the gRPC services, and the server itself. Used by the
// samenloop-broker binary and by in-process tests alike.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "broker/notification_hub.h"
#include "broker/signal_ledger.h"
#include "broker/signal_service.h"
#include "broker/store.h"
#include "broker/subject_keyer.h"
#include "common/server_builder.h"
#include "policy/disclosure_policy.h"

namespace samenloop::broker {

struct BrokerOptions {
  ServerOptions server;
  std::string data_dir;
  std::string index_secret_path;
  int max_submit_batch = 1000;
  // Organisation told by the built-in coordination rules; empty: none.
  std::string coordinator;
};

class BrokerServer {
 public:
  static absl::StatusOr<std::unique_ptr<BrokerServer>> Start(const BrokerOptions& options);
  ~BrokerServer();

  int port() const { return running_.port; }
  // Stops accepting calls, ends subscription streams, waits for in-flight
  // calls (up to the deadline) and closes the store.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  void Wait();

 private:
  BrokerServer() = default;

  std::unique_ptr<Store> store_;
  std::unique_ptr<SubjectKeyer> keyer_;
  std::unique_ptr<policy::DisclosurePolicy> policy_;
  NotificationHub hub_;
  std::unique_ptr<SignalLedger> ledger_;
  std::unique_ptr<SignalServiceImpl> signal_service_;
  std::unique_ptr<NotificationServiceImpl> notification_service_;
  RunningServer running_;
  bool shut_down_ = false;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_BROKER_SERVER_H_
