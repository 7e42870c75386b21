#ifndef SAMENLOOP_COMMON_METRICS_ENDPOINT_H_
#define SAMENLOOP_COMMON_METRICS_ENDPOINT_H_

// A minimal HTTP endpoint that serves Prometheus text format on GET
// /metrics, on its own port, apart from the gRPC port. It serves nothing
// else, reads at most one small request per connection, and never echoes
// request content. Metrics carry counts and organisation ids only.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace samenloop {

class MetricsEndpoint {
 public:
  // `address` is host:port (port 0 picks one); `render` returns the body.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address,
                                                                std::function<std::string()> render);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  int port() const { return port_; }

 private:
  MetricsEndpoint(int fd, int port, std::function<std::string()> render);
  void Serve();
  void Answer(int client);

  int fd_;
  int port_;
  std::function<std::string()> render_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// One Prometheus sample line: name{labels} value.
std::string PrometheusLine(const std::string& name, const std::string& labels, double value);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_METRICS_ENDPOINT_H_
