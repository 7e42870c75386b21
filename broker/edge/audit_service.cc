#include "broker/edge/audit_service.h"

#include "absl/strings/str_cat.h"
#include "audit/query.h"
#include "audit/statistics.h"
#include "audit/merkle_tree.h"
#include "audit/events.h"
#include "broker/signals/signal_validation.h"
#include "common/caller_identity.h"
#include "common/grpc_status.h"
#include "common/request_checks.h"
#include "google/protobuf/util/time_util.h"

namespace samenloop::broker {
namespace {

using google::protobuf::util::TimeUtil;

absl::StatusOr<CallerIdentity> RequireAuditor(const grpc::ServerContext& context) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(context);
  if (!caller.ok()) return caller.status();
  if (caller->role != Role::kAuditor) {
    return absl::PermissionDeniedError("the audit log is read with an auditor certificate (role auditor)");
  }
  return caller;
}

std::string Bytes(const crypto::MerkleHash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

// A refused query is on the record too, with the rule that was broken only.
absl::Status RecordRefusal(Ledger& ledger, const CallerIdentity& caller, absl::Time now, absl::string_view call,
                           const absl::Status& refusal) {
  v1::AuditEvent refused = BaseEvent(v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED, caller, now);
  refused.set_reason(absl::StrCat(call, ": ", refusal.message()));
  if (absl::StatusOr<uint64_t> logged = ledger.events().RecordEvent(std::move(refused)); !logged.ok()) {
    return logged.status();
  }
  return refusal;
}

// A time range with valid bounds, from before until.
absl::Status ValidateTimeRange(const v1::TimeRange& range) {
  if (range.has_from() && !IsValidTimestamp(range.from())) {
    return absl::InvalidArgumentError("time_range.from: not a valid timestamp");
  }
  if (range.has_until() && !IsValidTimestamp(range.until())) {
    return absl::InvalidArgumentError("time_range.until: not a valid timestamp");
  }
  if (range.has_from() && range.has_until() && FromProto(range.until()) <= FromProto(range.from())) {
    return absl::InvalidArgumentError("time_range: from must be before until (the range is [from, until))");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status AuditServiceImpl::QueryEvents(grpc::ServerContext* context, const v1::QueryEventsRequest* request,
                                           v1::QueryEventsResponse* response) {
  absl::StatusOr<CallerIdentity> caller = RequireAuditor(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) {
    return ToGrpcStatus(RecordRefusal(*ledger_, *caller, clock_(), "QueryEvents", known));
  }
  return ToGrpcStatus(Query(*caller, "QueryEvents", *request, *response));
}

grpc::Status AuditServiceImpl::SubjectReport(grpc::ServerContext* context, const v1::SubjectReportRequest* request,
                                             v1::SubjectReportResponse* response) {
  absl::StatusOr<CallerIdentity> caller = RequireAuditor(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) {
    return ToGrpcStatus(RecordRefusal(*ledger_, *caller, clock_(), "SubjectReport", known));
  }
  if (absl::Status valid = ValidatePseudonym(request->subject(), "subject"); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  // The report is the query by the person's index key: the same proofs, the
  // same paging, and logged the same way (with the key, never the pseudonym).
  v1::QueryEventsRequest query;
  query.set_subject_key(Hex(keyer_->KeyFor(request->subject())));
  *query.mutable_page() = request->page();
  v1::QueryEventsResponse answer;
  if (absl::Status done = Query(*caller, "SubjectReport", query, answer); !done.ok()) return ToGrpcStatus(done);
  response->mutable_events()->Swap(answer.mutable_events());
  *response->mutable_tree_head() = std::move(*answer.mutable_tree_head());
  response->set_next_page_token(answer.next_page_token());
  return grpc::Status::OK;
}

absl::Status AuditServiceImpl::Query(const CallerIdentity& caller, absl::string_view call,
                                     const v1::QueryEventsRequest& request, v1::QueryEventsResponse& response) {
  absl::StatusOr<AuditQueryPlan> plan = PlanAuditQuery(request);
  if (!plan.ok()) return RecordRefusal(*ledger_, caller, clock_(), call, plan.status());
  // The query is on the record before anything is read: an auditor's answer
  // (from its first page on) includes the event that logged the question.
  v1::AuditEvent asked = BaseEvent(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY, caller, clock_());
  DescribeAuditQuery(call, request, asked);
  absl::StatusOr<uint64_t> size = ledger_->events().RecordEvent(std::move(asked));
  if (!size.ok()) return size.status();
  const uint64_t end = plan->first_page ? *size : plan->end;
  if (end > *size) return absl::InvalidArgumentError("page.page_token: not a token from this log");

  absl::StatusOr<v1::SignedTreeHead> head = tree_heads_->Issue(end);
  if (!head.ok()) return head.status();
  absl::StatusOr<AuditScan> scan = ScanAuditLog(*store_, *plan, end);
  if (!scan.ok()) return scan.status();
  for (AuditLeaf& leaf : scan->matches) {
    absl::StatusOr<std::vector<crypto::MerkleHash>> proof = AuditInclusionProof(*store_, leaf.index, end);
    if (!proof.ok()) return proof.status();
    v1::ProvenEvent* proven = response.add_events();
    if (leaf.redacted) {
      // No body: the stub says so, and the proof starts from the stored hash.
      absl::StatusOr<crypto::MerkleHash> hash = AuditLeafHash(*store_, leaf.index);
      if (!hash.ok()) return hash.status();
      proven->mutable_event()->set_leaf_index(leaf.index);
      proven->mutable_event()->set_redacted(true);
      proven->set_leaf_hash(Bytes(*hash));
    }
    if (leaf.event.has_value()) *proven->mutable_event() = *std::move(leaf.event);
    proven->set_leaf_data(std::move(leaf.data));
    proven->mutable_proof()->set_leaf_index(leaf.index);
    proven->mutable_proof()->set_tree_size(end);
    for (const crypto::MerkleHash& hash : *proof) proven->mutable_proof()->add_hashes(Bytes(hash));
  }
  *response.mutable_tree_head() = *std::move(head);
  if (scan->next < end) response.set_next_page_token(AuditPageToken(*plan, scan->next, end));
  return absl::OkStatus();
}

grpc::Status AuditServiceImpl::GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                                             v1::GetStatisticsResponse* response) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (caller->role != Role::kAuditor && caller->role != Role::kPrivacyOfficer) {
    return ToGrpcStatus(absl::PermissionDeniedError("statistics are for auditors and privacy officers"));
  }
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  // Checked before the question is recorded with its range.
  if (absl::Status valid = ValidateTimeRange(request->time_range()); !valid.ok()) return ToGrpcStatus(valid);
  v1::AuditEvent asked = BaseEvent(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY, *caller, clock_());
  std::string range;
  if (request->time_range().has_from()) range += " from=" + TimeUtil::ToString(request->time_range().from());
  if (request->time_range().has_until()) range += " until=" + TimeUtil::ToString(request->time_range().until());
  asked.set_reason(absl::StrCat("GetStatistics:", range.empty() ? " all time" : range));
  absl::StatusOr<uint64_t> size = ledger_->events().RecordEvent(std::move(asked));
  if (!size.ok()) return ToGrpcStatus(size.status());
  absl::StatusOr<v1::GetStatisticsResponse> statistics =
      AuditStatistics(*store_, *size, *request, suppression_threshold_);
  if (!statistics.ok()) return ToGrpcStatus(statistics.status());
  *response = *std::move(statistics);
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                                           v1::SignedTreeHead* response) {
  if (absl::StatusOr<CallerIdentity> caller = RequireAuditor(*context); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  absl::StatusOr<v1::SignedTreeHead> head = tree_heads_->Issue(ledger_->events().AuditSize());
  if (!head.ok()) return ToGrpcStatus(head.status());
  *response = *std::move(head);
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::ListTreeHeads(grpc::ServerContext* context, const v1::ListTreeHeadsRequest* request,
                                             v1::ListTreeHeadsResponse* response) {
  if (absl::StatusOr<CallerIdentity> caller = RequireAuditor(*context); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  absl::StatusOr<v1::ListTreeHeadsResponse> heads = tree_heads_->List(*request);
  if (!heads.ok()) return ToGrpcStatus(heads.status());
  *response = *std::move(heads);
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::GetConsistencyProof(grpc::ServerContext* context,
                                                   const v1::GetConsistencyProofRequest* request,
                                                   v1::ConsistencyProof* response) {
  if (absl::StatusOr<CallerIdentity> caller = RequireAuditor(*context); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  const uint64_t size = ledger_->events().AuditSize();
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

}  // namespace samenloop::broker
