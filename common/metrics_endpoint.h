#ifndef SAMENLOOP_COMMON_METRICS_ENDPOINT_H_
#define SAMENLOOP_COMMON_METRICS_ENDPOINT_H_

// A minimal HTTP endpoint on its own port, apart from the gRPC port:
//   GET /metrics  Prometheus text format
//   GET /livez    200 while the process answers at all
//   GET /readyz   200 when every readiness condition holds, else 503 with
//                 the names of the unmet ones (common/readiness.h)
// It serves nothing else, reads at most one small request per connection,
// and never echoes request content. Metrics carry counts and organisation
// ids only. Plain HTTP because Prometheus and kubelet probes cannot present
// the client certificates the gRPC port requires; bind it to an internal
// address.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/readiness.h"

namespace samenloop {

class MetricsEndpoint {
 public:
  // `address` is host:port (port 0 picks one); `render` returns the
  // /metrics body; `readiness` (not owned, may be null: /readyz then
  // answers 404) must outlive the endpoint.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address,
                                                                std::function<std::string()> render,
                                                                const Readiness* readiness = nullptr);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  MetricsEndpoint(int fd, int port, std::function<std::string()> render, const Readiness* readiness);
  void Serve();
  void Answer(int client);

  int fd_;
  int port_;
  std::function<std::string()> render_;
  const Readiness* readiness_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The # HELP and # TYPE lines that open a metric family.
void PrometheusHelp(std::string& out, const std::string& name, const char* type, const char* help);

// One Prometheus sample line: name{labels} value.
std::string PrometheusLine(const std::string& name, const std::string& labels, double value);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_METRICS_ENDPOINT_H_
