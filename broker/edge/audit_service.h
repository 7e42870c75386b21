#ifndef SAMENLOOP_BROKER_EDGE_AUDIT_SERVICE_H_
#define SAMENLOOP_BROKER_EDGE_AUDIT_SERVICE_H_

// gRPC edge of the AuditService (auditor certificates only): event queries
// with inclusion proofs, signed tree heads (current and kept ones) and
// consistency proofs over the audit log's Merkle tree (docs/audit.md).
// Every QueryEvents, SubjectReport and GetStatistics call is itself
// appended to the log as an AUDIT_QUERY event before it is answered.
// Statistics are also open to privacy officers, with small cells suppressed
// (audit/statistics.h).

#include <functional>

#include "absl/time/time.h"
#include "broker/ledger.h"
#include "storage/store.h"
#include "broker/core/subject_keyer.h"
#include "audit/tree_heads.h"
#include "samenloop/v1/audit.grpc.pb.h"

namespace samenloop::broker {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  // `keyer` turns a report's pseudonym into its index key.
  AuditServiceImpl(const Store* store, Ledger* ledger, TreeHeadIssuer* tree_heads, const SubjectKeyer* keyer,
                   uint32_t suppression_threshold,
                   std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), ledger_(ledger), tree_heads_(tree_heads), keyer_(keyer),
        suppression_threshold_(suppression_threshold), clock_(std::move(clock)) {}

  grpc::Status QueryEvents(grpc::ServerContext* context, const v1::QueryEventsRequest* request,
                           v1::QueryEventsResponse* response) override;
  grpc::Status SubjectReport(grpc::ServerContext* context, const v1::SubjectReportRequest* request,
                             v1::SubjectReportResponse* response) override;
  grpc::Status GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                             v1::GetStatisticsResponse* response) override;
  grpc::Status GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                           v1::SignedTreeHead* response) override;
  grpc::Status ListTreeHeads(grpc::ServerContext* context, const v1::ListTreeHeadsRequest* request,
                             v1::ListTreeHeadsResponse* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context, const v1::GetConsistencyProofRequest* request,
                                   v1::ConsistencyProof* response) override;

 private:
  // QueryEvents' work, also for SubjectReport (`call` names it in the log).
  absl::Status Query(const CallerIdentity& caller, absl::string_view call, const v1::QueryEventsRequest& request,
                     v1::QueryEventsResponse& response);

  const Store* store_;
  Ledger* ledger_;
  TreeHeadIssuer* tree_heads_;
  const SubjectKeyer* keyer_;
  uint32_t suppression_threshold_;
  std::function<absl::Time()> clock_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_AUDIT_SERVICE_H_
