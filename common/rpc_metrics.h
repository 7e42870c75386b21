#ifndef SAMENLOOP_COMMON_RPC_METRICS_H_
#define SAMENLOOP_COMMON_RPC_METRICS_H_

// Request metrics for every gRPC call a server answers: a count per method
// and status code, and a latency histogram per unary method. Filled by a
// server interceptor (so no service can forget it) and rendered in
// Prometheus text format on the server's /metrics port
// (docs/operations.md "Metrics"). Labels are method names and status codes
// only: nothing from a request ever becomes a label.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"

namespace samenloop {

class RpcMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 12> kBucketSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  // `latency` is recorded for unary calls only: a streaming call's duration
  // is how long the client stayed subscribed, not how fast we answered.
  void Record(const std::string& method, grpc::StatusCode code, bool unary, absl::Duration latency);

  // `prefix` names the server, e.g. "samenloop_broker".
  std::string Render(const std::string& prefix) const;

  // For ServerOptions: one interceptor per call, reporting here.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  struct Latency {
    std::array<uint64_t, kBucketSeconds.size()> buckets{};  // non-cumulative counts
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> calls_;  // (method, code) -> count
  std::map<std::string, Latency> latency_;
};

// "OK", "INVALID_ARGUMENT", ...: the names gRPC documents.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_RPC_METRICS_H_
