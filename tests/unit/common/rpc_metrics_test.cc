// Request metrics as Prometheus reads them: counts by method and status,
// cumulative latency buckets for unary calls only.

#include "common/rpc_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace samenloop {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RpcMetrics, CountsByMethodAndCodeAndKeepsCumulativeBuckets) {
  RpcMetrics metrics;
  const std::string submit = "/samenloop.v1.SignalService/SubmitSignals";
  metrics.Record(submit, grpc::StatusCode::OK, true, absl::Microseconds(300));
  metrics.Record(submit, grpc::StatusCode::OK, true, absl::Milliseconds(3));
  metrics.Record(submit, grpc::StatusCode::INVALID_ARGUMENT, true, absl::Milliseconds(30));
  metrics.Record("/samenloop.v1.NotificationService/Subscribe", grpc::StatusCode::CANCELLED, false,
                 absl::Minutes(10));
  const std::string page = metrics.Render("samenloop_broker");
  EXPECT_THAT(page, HasSubstr("# TYPE samenloop_broker_grpc_requests_total counter\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_grpc_requests_total{method=\"" + submit + "\",code=\"OK\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_grpc_requests_total{method=\"" + submit +
                              "\",code=\"INVALID_ARGUMENT\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_grpc_requests_total{method=\"/samenloop.v1.NotificationService/"
                              "Subscribe\",code=\"CANCELLED\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("# TYPE samenloop_broker_grpc_request_duration_seconds histogram\n"));
  const std::string bucket = "samenloop_broker_grpc_request_duration_seconds_bucket{method=\"" + submit + "\",le=\"";
  EXPECT_THAT(page, HasSubstr(bucket + "0.0005\"} 1\n"));
  EXPECT_THAT(page, HasSubstr(bucket + "0.0025\"} 1\n"));
  EXPECT_THAT(page, HasSubstr(bucket + "0.005\"} 2\n"));
  EXPECT_THAT(page, HasSubstr(bucket + "0.025\"} 2\n"));
  EXPECT_THAT(page, HasSubstr(bucket + "0.05\"} 3\n"));
  EXPECT_THAT(page, HasSubstr(bucket + "+Inf\"} 3\n"));
  EXPECT_THAT(page, HasSubstr("samenloop_broker_grpc_request_duration_seconds_count{method=\"" + submit + "\"} 3\n"));
  EXPECT_THAT(page, Not(HasSubstr("duration_seconds_count{method=\"/samenloop.v1.NotificationService/Subscribe\"")))
      << "a stream's length is not a latency";
}

TEST(RpcMetrics, StatusCodeNamesAreGrpcs) {
  EXPECT_STREQ(StatusCodeName(grpc::StatusCode::PERMISSION_DENIED), "PERMISSION_DENIED");
  EXPECT_STREQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
}

}  // namespace
}  // namespace samenloop
