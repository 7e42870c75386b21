#include "common/metrics_endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

namespace samenloop {
namespace {

void WriteAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

void PrometheusHelp(std::string& out, const std::string& name, const char* type, const char* help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

std::string PrometheusLine(const std::string& name, const std::string& labels, double value) {
  return absl::StrCat(name, labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ", value, "\n");
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(const std::string& address,
                                                                        std::function<std::string()> render,
                                                                        const Readiness* readiness) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("metrics address '", address, "': expected host:port"));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const std::string host = address.substr(0, colon);
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("metrics address '", address, "': expected an IPv4 host"));
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat("metrics: cannot listen on ", address, ": ", std::strerror(errno)));
  }
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint(fd, ntohs(addr.sin_port), std::move(render), readiness));
  endpoint->thread_ = std::thread([raw = endpoint.get()] { raw->Serve(); });
  return endpoint;
}

MetricsEndpoint::MetricsEndpoint(int fd, int port, std::function<std::string()> render,
                                 const Readiness* readiness)
    : fd_(fd), port_(port), render_(std::move(render)), readiness_(readiness) {}

MetricsEndpoint::~MetricsEndpoint() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
}

void MetricsEndpoint::Serve() {
  while (!stopping_) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 200) <= 0) continue;  // wake up to notice a stop
    int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Answer(client);
    ::close(client);
  }
}

void MetricsEndpoint::Answer(int client) {
  timeval timeout{2, 0};
  ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buffer[1024];
  ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
  if (n <= 0) return;
  absl::string_view request(buffer, static_cast<size_t>(n));
  auto is_get = [request](absl::string_view path) {
    return absl::StartsWith(request, absl::StrCat("GET ", path, " ")) ||
           absl::StartsWith(request, absl::StrCat("GET ", path, "?"));
  };
  auto reply = [client](absl::string_view status, absl::string_view content_type, const std::string& body) {
    WriteAll(client, absl::StrCat("HTTP/1.0 ", status, "\r\nContent-Type: ", content_type,
                                  "\r\nContent-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body));
  };
  if (is_get("/metrics")) {
    reply("200 OK", "text/plain; version=0.0.4", render_());
  } else if (is_get("/livez")) {
    reply("200 OK", "text/plain", "live\n");
  } else if (is_get("/readyz") && readiness_ != nullptr) {
    const std::vector<std::string> unmet = readiness_->Unmet();
    if (unmet.empty()) {
      reply("200 OK", "text/plain", "ready\n");
    } else {
      reply("503 Service Unavailable", "text/plain", absl::StrCat("not ready: ", absl::StrJoin(unmet, ", "), "\n"));
    }
  } else {
    reply("404 Not Found", "text/plain", "");
  }
}

}  // namespace samenloop
