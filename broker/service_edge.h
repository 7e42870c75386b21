#ifndef SAMENLOOP_BROKER_SERVICE_EDGE_H_
#define SAMENLOOP_BROKER_SERVICE_EDGE_H_

// What every gRPC service edge of the broker does before and after calling
// the ledger: take the caller from its certificate, check the role, and map
// an absl result to a grpc::Status.

#include "absl/status/statusor.h"
#include "common/caller_identity.h"
#include "common/grpc_status.h"
#include "grpcpp/server_context.h"

namespace samenloop::broker {

// Organisation certificates only (role org); `what` says what needs it.
inline absl::StatusOr<CallerIdentity> RequireOrg(const grpc::ServerContext& context,
                                                 const char* what = "this call needs an organisation certificate "
                                                                    "(role org)") {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(context);
  if (!caller.ok()) return caller.status();
  if (caller->role != Role::kOrg) return absl::PermissionDeniedError(what);
  return caller;
}

template <typename T>
grpc::Status Finish(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SERVICE_EDGE_H_
