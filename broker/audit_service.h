#ifndef SAMENLOOP_BROKER_AUDIT_SERVICE_H_
#define SAMENLOOP_BROKER_AUDIT_SERVICE_H_

// gRPC edge of the AuditService (auditor certificates only): event queries
// with inclusion proofs, signed tree heads (current and kept ones) and
// consistency proofs over the audit log's Merkle tree (docs/audit.md).
// Every QueryEvents call is itself appended to the log as an AUDIT_QUERY
// event before it is answered. The per-subject report and statistics are
// still to come and answer UNIMPLEMENTED.

#include <functional>

#include "absl/time/time.h"
#include "broker/signal_ledger.h"
#include "broker/store.h"
#include "broker/tree_head_issuer.h"
#include "samenloop/v1/audit.grpc.pb.h"

namespace samenloop::broker {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(const Store* store, SignalLedger* ledger, TreeHeadIssuer* tree_heads,
                   std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), ledger_(ledger), tree_heads_(tree_heads), clock_(std::move(clock)) {}

  grpc::Status QueryEvents(grpc::ServerContext* context, const v1::QueryEventsRequest* request,
                           v1::QueryEventsResponse* response) override;
  grpc::Status GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                           v1::SignedTreeHead* response) override;
  grpc::Status ListTreeHeads(grpc::ServerContext* context, const v1::ListTreeHeadsRequest* request,
                             v1::ListTreeHeadsResponse* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context, const v1::GetConsistencyProofRequest* request,
                                   v1::ConsistencyProof* response) override;

 private:
  absl::Status Query(const CallerIdentity& caller, const v1::QueryEventsRequest& request,
                     v1::QueryEventsResponse& response);

  const Store* store_;
  SignalLedger* ledger_;
  TreeHeadIssuer* tree_heads_;
  std::function<absl::Time()> clock_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_AUDIT_SERVICE_H_
