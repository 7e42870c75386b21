#include "broker/edge/consent_service.h"

#include "broker/consents/consent_validation.h"
#include "broker/edge/service_edge.h"

namespace samenloop::broker {

constexpr char kNeedsOrg[] = "consent records are registered by organisations (role org)";

grpc::Status ConsentServiceImpl::RegisterConsent(grpc::ServerContext* context,
                                                 const v1::RegisterConsentRequest* request,
                                                 v1::ConsentRecord* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request, kNeedsOrg);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->consents().RegisterConsent(*caller, request->record()), response);
}

grpc::Status ConsentServiceImpl::WithdrawConsent(grpc::ServerContext* context,
                                                 const v1::WithdrawConsentRequest* request,
                                                 v1::ConsentRecord* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request, kNeedsOrg);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->consents().WithdrawConsent(*caller, request->consent_id()), response);
}

grpc::Status ConsentServiceImpl::ListConsents(grpc::ServerContext* context, const v1::ListConsentsRequest* request,
                                              v1::ListConsentsResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request, kNeedsOrg);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status valid = ValidateListConsentsRequest(*request); !valid.ok()) return ToGrpcStatus(valid);
  return Finish(ledger_->consents().ListConsents(*caller, *request), response);
}

}  // namespace samenloop::broker
