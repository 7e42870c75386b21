#ifndef SAMENLOOP_BROKER_EDGE_POLICY_ADMIN_SERVICE_H_
#define SAMENLOOP_BROKER_EDGE_POLICY_ADMIN_SERVICE_H_

// gRPC edge of PolicyAdminService (docs/policy-guide.md "Applying a
// policy"): only a privacy officer applies; the file is parsed, validated
// and compiled here with the same engine as the CLI's tools, refused whole
// with its diagnostics when invalid, and handed to the ledger to apply.
// Any authenticated caller may read the active version; the history is for
// privacy officers, auditors and operators.

#include "broker/ledger.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"

namespace samenloop::broker {

class PolicyAdminServiceImpl final : public v1::PolicyAdminService::Service {
 public:
  explicit PolicyAdminServiceImpl(Ledger* ledger) : ledger_(ledger) {}

  grpc::Status ApplyPolicy(grpc::ServerContext* context, const v1::ApplyPolicyRequest* request,
                           v1::PolicyVersion* response) override;
  grpc::Status GetActivePolicy(grpc::ServerContext* context, const v1::GetActivePolicyRequest* request,
                               v1::ActivePolicy* response) override;
  grpc::Status ListPolicyVersions(grpc::ServerContext* context, const v1::ListPolicyVersionsRequest* request,
                                  v1::ListPolicyVersionsResponse* response) override;

 private:
  Ledger* ledger_;
};

// The largest policy file ApplyPolicy accepts.
inline constexpr size_t kMaxPolicyBytes = 4 << 20;

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_POLICY_ADMIN_SERVICE_H_
