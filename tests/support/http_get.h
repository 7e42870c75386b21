#ifndef SAMENLOOP_TESTS_SUPPORT_HTTP_GET_H_
#define SAMENLOOP_TESTS_SUPPORT_HTTP_GET_H_

// Sends one raw HTTP request to 127.0.0.1:`port` and returns the whole
// response (status line, headers, body): enough to read the servers'
// /metrics, /livez and /readyz the way Prometheus and kubelet do.

#include <string>

namespace samenloop::testing {

std::string HttpRequest(int port, const std::string& request);
// GET `path` with HTTP/1.1.
std::string HttpGet(int port, const std::string& path);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_SUPPORT_HTTP_GET_H_
