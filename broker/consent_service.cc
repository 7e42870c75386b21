#include "broker/consent_service.h"

#include "common/caller_identity.h"
#include "common/grpc_status.h"

namespace samenloop::broker {
namespace {

absl::StatusOr<CallerIdentity> RequireOrg(const grpc::ServerContext& context) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(context);
  if (!caller.ok()) return caller.status();
  if (caller->role != Role::kOrg) {
    return absl::PermissionDeniedError("consent records are registered by organisations (role org)");
  }
  return caller;
}

template <typename T>
grpc::Status Finish(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status ConsentServiceImpl::RegisterConsent(grpc::ServerContext* context,
                                                 const v1::RegisterConsentRequest* request,
                                                 v1::ConsentRecord* response) {
  absl::StatusOr<CallerIdentity> caller = RequireOrg(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->RegisterConsent(*caller, request->record()), response);
}

grpc::Status ConsentServiceImpl::WithdrawConsent(grpc::ServerContext* context,
                                                 const v1::WithdrawConsentRequest* request,
                                                 v1::ConsentRecord* response) {
  absl::StatusOr<CallerIdentity> caller = RequireOrg(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->WithdrawConsent(*caller, request->consent_id()), response);
}

grpc::Status ConsentServiceImpl::ListConsents(grpc::ServerContext* context, const v1::ListConsentsRequest* request,
                                              v1::ListConsentsResponse* response) {
  absl::StatusOr<CallerIdentity> caller = RequireOrg(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->ListConsents(*caller, *request), response);
}

}  // namespace samenloop::broker
