#ifndef SAMENLOOP_COMMON_READINESS_H_
#define SAMENLOOP_COMMON_READINESS_H_

// What "ready to serve" means for a server, in one place: a set of named
// conditions that must all hold (for the broker: store open, store
// writable, policy loaded, interrupted re-evaluation finished). The state
// feeds both
// - gRPC health checking (grpc.health.v1, over mTLS), for clients and the
//   SDK, per service name and for the whole server (""), and
// - GET /readyz on the plain-HTTP metrics port, for probes such as
//   kubelet's that cannot present a client certificate.
// Once shutdown begins the server is not ready, for good, so load balancers
// stop sending work before in-flight calls are drained.
// Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "grpcpp/health_check_service_interface.h"

namespace samenloop {

class Readiness {
 public:
  // Declares the conditions, all unmet at first.
  explicit Readiness(std::vector<std::string> conditions);

  void Set(const std::string& condition, bool met);
  bool Ready() const;
  // The unmet conditions, by name ("shutting_down" after BeginShutdown).
  std::vector<std::string> Unmet() const;

  // From now on, reports to `health` for the whole server and for each of
  // `service_names` (e.g. "samenloop.v1.SignalService").
  void AttachHealthService(grpc::HealthCheckServiceInterface* health, std::vector<std::string> service_names);

  void BeginShutdown();

 private:
  void PublishLocked();

  mutable std::mutex mutex_;
  std::map<std::string, bool> conditions_;
  bool shutting_down_ = false;
  grpc::HealthCheckServiceInterface* health_ = nullptr;
  std::vector<std::string> service_names_;
};

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_READINESS_H_
