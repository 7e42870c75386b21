#include "common/metrics_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace samenloop {
namespace {

std::string Fetch(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::send(fd, request.data(), request.size(), 0);
  std::string response;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return response;
}

TEST(MetricsEndpoint, ServesPrometheusTextOnMetricsOnly) {
  int renders = 0;
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", [&renders] {
    ++renders;
    return PrometheusLine("samenloop_test_total", "organisation=\"ggz-inforsa\"", 3);
  });
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  std::string ok = Fetch((*endpoint)->port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(ok.find("HTTP/1.0 200 OK"), std::string::npos);
  EXPECT_NE(ok.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(ok.find("samenloop_test_total{organisation=\"ggz-inforsa\"} 3\n"), std::string::npos) << ok;
  std::string missing = Fetch((*endpoint)->port(), "GET /secret HTTP/1.1\r\n\r\n");
  EXPECT_NE(missing.find("404"), std::string::npos);
  EXPECT_EQ(renders, 1);
}

TEST(MetricsEndpoint, BadAddressIsRefused) {
  EXPECT_FALSE(MetricsEndpoint::Start("nonsense", [] { return std::string(); }).ok());
  EXPECT_FALSE(MetricsEndpoint::Start("example.invalid:1", [] { return std::string(); }).ok());
}

}  // namespace
}  // namespace samenloop
