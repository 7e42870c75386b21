#ifndef SAMENLOOP_CLIENT_CONNECTION_H_
#define SAMENLOOP_CLIENT_CONNECTION_H_

// Opens an mTLS channel to a Samenloop server with an organisation's
// identity (its certificate, key and the deployment CA).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/tls_files.h"
#include "grpcpp/channel.h"

namespace samenloop::client {

// `address` is host:port; the server certificate must name the host.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& address, const TlsFiles& identity);

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_CONNECTION_H_
