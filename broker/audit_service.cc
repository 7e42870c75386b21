#include "broker/audit_service.h"

#include "absl/strings/str_cat.h"
#include "broker/audit_tree.h"
#include "common/caller_identity.h"
#include "common/grpc_status.h"
#include "google/protobuf/util/time_util.h"

namespace samenloop::broker {
namespace {

absl::Status RequireAuditor(const grpc::ServerContext& context) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(context);
  if (!caller.ok()) return caller.status();
  if (caller->role != Role::kAuditor) {
    return absl::PermissionDeniedError("the audit log is read with an auditor certificate (role auditor)");
  }
  return absl::OkStatus();
}

template <size_t N>
std::string Bytes(const std::array<uint8_t, N>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

grpc::Status AuditServiceImpl::GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest*,
                                           v1::SignedTreeHead* response) {
  if (absl::Status allowed = RequireAuditor(*context); !allowed.ok()) return ToGrpcStatus(allowed);
  crypto::TreeHead head;
  head.tree_size = ledger_->AuditSize();
  absl::StatusOr<crypto::MerkleHash> root = AuditRoot(*store_, head.tree_size);
  if (!root.ok()) return ToGrpcStatus(root.status());
  head.root = *root;
  head.timestamp_ms = absl::ToUnixMillis(clock_());
  response->set_tree_size(head.tree_size);
  response->set_root_hash(Bytes(head.root));
  *response->mutable_timestamp() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(head.timestamp_ms);
  response->set_signature(Bytes(key_->Sign(head)));
  response->set_log_public_key(Bytes(key_->PublicKey()));
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::GetConsistencyProof(grpc::ServerContext* context,
                                                   const v1::GetConsistencyProofRequest* request,
                                                   v1::ConsistencyProof* response) {
  if (absl::Status allowed = RequireAuditor(*context); !allowed.ok()) return ToGrpcStatus(allowed);
  const uint64_t size = ledger_->AuditSize();
  if (request->first() == 0 || request->first() > request->second() || request->second() > size) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("first, second: need 0 < first <= second <= ", size, " (the current tree size)")));
  }
  absl::StatusOr<std::vector<crypto::MerkleHash>> proof =
      AuditConsistencyProof(*store_, request->first(), request->second());
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  response->set_first(request->first());
  response->set_second(request->second());
  for (const crypto::MerkleHash& hash : *proof) response->add_hashes(Bytes(hash));
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::QueryEvents(grpc::ServerContext* context, const v1::QueryEventsRequest*,
                                           v1::QueryEventsResponse*) {
  if (absl::Status allowed = RequireAuditor(*context); !allowed.ok()) return ToGrpcStatus(allowed);
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "QueryEvents is not implemented yet");
}

grpc::Status AuditServiceImpl::SubjectReport(grpc::ServerContext* context, const v1::SubjectReportRequest*,
                                             v1::SubjectReportResponse*) {
  if (absl::Status allowed = RequireAuditor(*context); !allowed.ok()) return ToGrpcStatus(allowed);
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "SubjectReport is not implemented yet");
}

grpc::Status AuditServiceImpl::GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest*,
                                             v1::GetStatisticsResponse*) {
  if (absl::Status allowed = RequireAuditor(*context); !allowed.ok()) return ToGrpcStatus(allowed);
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "GetStatistics is not implemented yet");
}

}  // namespace samenloop::broker
