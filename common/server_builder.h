#ifndef SAMENLOOP_COMMON_SERVER_BUILDER_H_
#define SAMENLOOP_COMMON_SERVER_BUILDER_H_

// Starts a gRPC server the way every Samenloop server runs: mTLS with a
// required client certificate, standard health checking and server
// reflection on, explicit message-size limits.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/readiness.h"
#include "common/rpc_metrics.h"
#include "common/tls_files.h"
#include "grpcpp/server.h"

namespace grpc {
class Service;
namespace experimental {
class ServerInterceptorFactoryInterface;
}
}

namespace samenloop {

struct ServerOptions {
  std::string listen_address = "127.0.0.1:0";
  TlsFiles tls;
  int max_receive_message_bytes = 16 * 1024 * 1024;
  int max_send_message_bytes = 16 * 1024 * 1024;
  int max_concurrent_streams = 256;
  // Connections are closed after this long (plus up to 10% jitter; 0: never),
  // so every client handshakes again at least this often: a certificate
  // revoked since its handshake stops working within this time plus the
  // grace (revocation is only checked in the handshake). Calls still running
  // then get `max_connection_age_grace_seconds` to finish; clients reconnect
  // and Subscribe resumes from its cursor.
  int max_connection_age_seconds = 3600;
  int max_connection_age_grace_seconds = 30;
  // Not owned; may be null. Counts and times every call (common/rpc_metrics.h).
  RpcMetrics* rpc_metrics = nullptr;
  // Not owned; may be null. Drives gRPC health checking for the whole
  // server and for each of health_service_names (common/readiness.h).
  Readiness* readiness = nullptr;
  std::vector<std::string> health_service_names;
};

struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;  // the bound port (useful with port 0)
};

// `interceptors` see every call (e.g. the broker's audit of refused calls).
absl::StatusOr<RunningServer> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors = {});

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_SERVER_BUILDER_H_
