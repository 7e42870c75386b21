#include "common/metrics_endpoint.h"

#include "gtest/gtest.h"
#include "tests/support/http_get.h"

namespace samenloop {
namespace {

using testing::HttpGet;
using testing::HttpRequest;

TEST(MetricsEndpoint, ServesPrometheusTextOnMetricsOnly) {
  int renders = 0;
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", [&renders] {
    ++renders;
    return PrometheusLine("samenloop_test_total", "organisation=\"ggz-inforsa\"", 3);
  });
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  std::string ok = HttpGet((*endpoint)->port(), "/metrics");
  EXPECT_NE(ok.find("HTTP/1.0 200 OK"), std::string::npos);
  EXPECT_NE(ok.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(ok.find("samenloop_test_total{organisation=\"ggz-inforsa\"} 3\n"), std::string::npos) << ok;
  std::string missing = HttpRequest((*endpoint)->port(), "GET /secret HTTP/1.1\r\n\r\n");
  EXPECT_NE(missing.find("404"), std::string::npos);
  EXPECT_EQ(renders, 1);
}

TEST(MetricsEndpoint, ReadyzFollowsTheReadinessConditionsAndLivezAlwaysAnswers) {
  Readiness readiness({"store_open", "policy_loaded"});
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", [] { return std::string(); }, &readiness);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  const int port = (*endpoint)->port();
  EXPECT_NE(HttpGet(port, "/livez").find("HTTP/1.0 200 OK"), std::string::npos);
  std::string waiting = HttpGet(port, "/readyz");
  EXPECT_NE(waiting.find("HTTP/1.0 503"), std::string::npos) << waiting;
  EXPECT_NE(waiting.find("not ready: policy_loaded, store_open"), std::string::npos) << waiting;
  readiness.Set("store_open", true);
  readiness.Set("policy_loaded", true);
  std::string ready = HttpGet(port, "/readyz");
  EXPECT_NE(ready.find("HTTP/1.0 200 OK"), std::string::npos) << ready;
  readiness.BeginShutdown();
  EXPECT_NE(HttpGet(port, "/readyz").find("not ready: shutting_down"), std::string::npos);
}

TEST(MetricsEndpoint, ReadyzIsNotFoundWithoutReadiness) {
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", [] { return std::string(); });
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_NE(HttpGet((*endpoint)->port(), "/readyz").find("404"), std::string::npos);
}

TEST(MetricsEndpoint, BadAddressIsRefused) {
  EXPECT_FALSE(MetricsEndpoint::Start("nonsense", [] { return std::string(); }).ok());
  EXPECT_FALSE(MetricsEndpoint::Start("example.invalid:1", [] { return std::string(); }).ok());
}

}  // namespace
}  // namespace samenloop
