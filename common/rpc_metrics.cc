#include "common/rpc_metrics.h"

#include "absl/strings/str_cat.h"
#include "common/metrics_endpoint.h"

namespace samenloop {
namespace {

// Created by gRPC when a call starts and destroyed when it ends; the time in
// between, up to the status being sent, is the call's latency.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(RpcMetrics* metrics, grpc::experimental::ServerRpcInfo* info)
      : metrics_(metrics),
        method_(info->method() != nullptr ? info->method() : "unknown"),
        unary_(info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY),
        start_(absl::Now()) {}

  ~MetricsInterceptor() override {
    // A call that ends without a status sent (the client went away) still
    // counts, as CANCELLED.
    if (!recorded_) metrics_->Record(method_, grpc::StatusCode::CANCELLED, unary_, absl::Now() - start_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_->Record(method_, methods->GetSendStatus().error_code(), unary_, absl::Now() - start_);
      recorded_ = true;
    }
    methods->Proceed();
  }

 private:
  RpcMetrics* metrics_;
  std::string method_;
  bool unary_;
  absl::Time start_;
  bool recorded_ = false;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info);
  }

 private:
  RpcMetrics* metrics_;
};

}  // namespace

void RpcMetrics::Record(const std::string& method, grpc::StatusCode code, bool unary, absl::Duration latency) {
  const double seconds = absl::ToDoubleSeconds(latency);
  std::lock_guard<std::mutex> lock(mutex_);
  ++calls_[{method, static_cast<int>(code)}];
  if (!unary) return;
  Latency& histogram = latency_[method];
  ++histogram.count;
  histogram.sum_seconds += seconds;
  for (size_t i = 0; i < kBucketSeconds.size(); ++i) {
    if (seconds <= kBucketSeconds[i]) {
      ++histogram.buckets[i];
      break;
    }
  }
}

std::string RpcMetrics::Render(const std::string& prefix) const {
  const std::string calls = prefix + "_grpc_requests_total";
  const std::string seconds = prefix + "_grpc_request_duration_seconds";
  std::string out = absl::StrCat("# HELP ", calls, " gRPC calls answered, by method and status code.\n# TYPE ",
                                 calls, " counter\n");
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, count] : calls_) {
    out += PrometheusLine(calls,
                          absl::StrCat("method=\"", key.first, "\",code=\"",
                                       StatusCodeName(static_cast<grpc::StatusCode>(key.second)), "\""),
                          static_cast<double>(count));
  }
  absl::StrAppend(&out, "# HELP ", seconds, " Time from a unary call's arrival to its status, by method.\n",
                  "# TYPE ", seconds, " histogram\n");
  for (const auto& [method, histogram] : latency_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBucketSeconds.size(); ++i) {
      cumulative += histogram.buckets[i];
      out += PrometheusLine(seconds + "_bucket",
                            absl::StrCat("method=\"", method, "\",le=\"", kBucketSeconds[i], "\""),
                            static_cast<double>(cumulative));
    }
    out += PrometheusLine(seconds + "_bucket", absl::StrCat("method=\"", method, "\",le=\"+Inf\""),
                          static_cast<double>(histogram.count));
    out += PrometheusLine(seconds + "_sum", absl::StrCat("method=\"", method, "\""), histogram.sum_seconds);
    out += PrometheusLine(seconds + "_count", absl::StrCat("method=\"", method, "\""),
                          static_cast<double>(histogram.count));
  }
  return out;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> RpcMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

}  // namespace samenloop
