#ifndef SAMENLOOP_BROKER_AUDIT_SERVICE_H_
#define SAMENLOOP_BROKER_AUDIT_SERVICE_H_

// gRPC edge of the AuditService (auditor certificates only): signed tree
// heads and consistency proofs over the audit log's Merkle tree
// (docs/audit.md). Event queries, the per-subject report and statistics are
// still to come and answer UNIMPLEMENTED.

#include <functional>

#include "absl/time/time.h"
#include "broker/signal_ledger.h"
#include "broker/store.h"
#include "crypto/signed_tree_head.h"
#include "samenloop/v1/audit.grpc.pb.h"

namespace samenloop::broker {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(const Store* store, const SignalLedger* ledger, const crypto::LogSigningKey* key,
                   std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), ledger_(ledger), key_(key), clock_(std::move(clock)) {}

  grpc::Status GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                           v1::SignedTreeHead* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context, const v1::GetConsistencyProofRequest* request,
                                   v1::ConsistencyProof* response) override;
  // Not implemented yet; the role is checked first all the same, so a
  // non-auditor is told PERMISSION_DENIED now and after they are written.
  grpc::Status QueryEvents(grpc::ServerContext* context, const v1::QueryEventsRequest* request,
                           v1::QueryEventsResponse* response) override;
  grpc::Status SubjectReport(grpc::ServerContext* context, const v1::SubjectReportRequest* request,
                             v1::SubjectReportResponse* response) override;
  grpc::Status GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                             v1::GetStatisticsResponse* response) override;

 private:
  const Store* store_;
  const SignalLedger* ledger_;
  const crypto::LogSigningKey* key_;
  std::function<absl::Time()> clock_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_AUDIT_SERVICE_H_
