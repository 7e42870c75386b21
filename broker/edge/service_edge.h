#ifndef SAMENLOOP_BROKER_EDGE_SERVICE_EDGE_H_
#define SAMENLOOP_BROKER_EDGE_SERVICE_EDGE_H_

// What every gRPC service edge of the broker does before and after calling
// the ledger: take the caller from its certificate, check the role, refuse
// a request with fields this API version does not define
// (common/request_checks.h), and map an absl result to a grpc::Status.

#include "absl/status/statusor.h"
#include "common/caller_identity.h"
#include "common/grpc_status.h"
#include "common/request_checks.h"
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

// The caller (role org) of a request that holds no unknown fields.
inline absl::StatusOr<CallerIdentity> AdmitOrg(const grpc::ServerContext& context,
                                               const google::protobuf::Message& request,
                                               const char* what = "this call needs an organisation certificate "
                                                                  "(role org)") {
  absl::StatusOr<CallerIdentity> caller = RequireOrg(context, what);
  if (!caller.ok()) return caller;
  if (absl::Status known = RefuseUnknownFields(request); !known.ok()) return known;
  return caller;
}

// Responses hold no unknown fields either: records a broker stored before
// requests were checked for them are cleaned on the way out.
template <typename T>
grpc::Status Finish(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  response->DiscardUnknownFields();
  return grpc::Status::OK;
}

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_SERVICE_EDGE_H_
