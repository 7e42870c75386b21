#ifndef SAMENLOOP_COMMON_GRPC_STATUS_H_
#define SAMENLOOP_COMMON_GRPC_STATUS_H_

// The one place where an internal absl::Status becomes the grpc::Status a
// client sees. Abseil's codes are gRPC's codes, so only the type changes.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace samenloop {

grpc::Status ToGrpcStatus(const absl::Status& status);

// The other way, on the client side: "<what>: <server's message>".
absl::Status FromGrpcStatus(const grpc::Status& status, absl::string_view what);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_GRPC_STATUS_H_
