#ifndef SAMENLOOP_CLIENT_HEALTH_CHECK_H_
#define SAMENLOOP_CLIENT_HEALTH_CHECK_H_

// Asks a Samenloop server whether it is ready to serve, over the standard
// gRPC health checking protocol and the caller's own mTLS channel. An
// organisation system calls this for the pseudonymiser and the broker
// before it starts a bulk import, and from its own readiness probe: its
// integration is only ready when both servers are (docs/operations.md
// "Health and readiness").

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace samenloop::client {

enum class Serving { kServing, kNotServing, kUnknownService };

// `service` is a full service name such as "samenloop.v1.SignalService", or
// empty for the server as a whole. An unreachable server, a refused
// certificate or a timeout is an error status, not kNotServing.
absl::StatusOr<Serving> CheckServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                                     absl::Duration timeout = absl::Seconds(5));

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_HEALTH_CHECK_H_
