#include "broker/edge/policy_admin_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "audit/events.h"
#include "common/caller_identity.h"
#include "common/grpc_status.h"
#include "common/request_checks.h"
#include "google/protobuf/util/time_util.h"
#include "policy/rule_policy.h"
#include "spdlog/spdlog.h"

namespace samenloop::broker {
namespace {

// Diagnostics in an error message: enough to fix the file, bounded in size.
constexpr size_t kMaxDiagnosticsInError = 20;

v1::PolicyVersion ToVersion(const storage::PolicyRecord& record) {
  v1::PolicyVersion v;
  v.set_version_hash(record.version_hash());
  v.set_declared_version(record.declared_version());
  *v.mutable_applied_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(record.applied_at_unix_ms());
  v.set_applied_by(record.applied_by());
  return v;
}

absl::StatusOr<CallerIdentity> Caller(const grpc::ServerContext& context, std::initializer_list<Role> allowed,
                                      const char* what) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(context);
  if (!caller.ok()) return caller.status();
  for (Role role : allowed) {
    if (caller->role == role) return caller;
  }
  return absl::PermissionDeniedError(what);
}

// Records a refused apply in the audit log (a privacy officer's attempt is
// a decision about access too) and returns the refusal.
grpc::Status Refuse(Ledger& ledger, const CallerIdentity& caller, const absl::Status& status) {
  v1::AuditEvent refused = BaseEvent(v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED, caller, absl::Now());
  // The first line only: the diagnostics name the file's content, the
  // reason says why, bounded.
  const absl::string_view message = status.message();
  refused.set_reason(absl::StrCat("ApplyPolicy: ", message.substr(0, message.find('\n'))));
  if (absl::StatusOr<uint64_t> logged = ledger.events().RecordEvent(std::move(refused)); !logged.ok()) {
    spdlog::error("could not audit a refused policy apply: {}", logged.status().ToString());
  }
  return ToGrpcStatus(status);
}

// A policy version as GetActivePolicy names it: a hex SHA-256, or the
// built-in default's name.
bool IsVersionName(absl::string_view version) {
  if (version.size() > 128) return false;
  for (char c : version) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-')) {
      return false;
    }
  }
  return true;
}

// The checks of the request's own fields, before the policy is parsed.
absl::Status ValidateApplyRequest(const v1::ApplyPolicyRequest& request) {
  if (absl::Status known = RefuseUnknownFields(request); !known.ok()) return known;
  if (request.policy_yaml().empty()) return absl::InvalidArgumentError("policy_yaml: empty");
  if (request.policy_yaml().size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("policy_yaml: at most ", kMaxPolicyBytes, " bytes"));
  }
  if (request.file_name().size() > 255) return absl::InvalidArgumentError("file_name: at most 255 characters");
  if (absl::Status clean = CheckText(request.file_name(), "file_name", 255); !clean.ok()) return clean;
  if (!IsVersionName(request.expected_active_version())) {
    return absl::InvalidArgumentError(
        "expected_active_version: not a policy version (GetActivePolicy's version_hash: at most 128 lowercase "
        "letters, digits, '.', '_', ':' and '-'; empty skips the check)");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status PolicyAdminServiceImpl::ApplyPolicy(grpc::ServerContext* context, const v1::ApplyPolicyRequest* request,
                                                 v1::PolicyVersion* response) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (caller->role != Role::kPrivacyOfficer) {
    // Audited as AUTHENTICATION_FAILED, as every role refusal is (auth_failure_audit.h).
    return ToGrpcStatus(absl::PermissionDeniedError("applying a policy needs a privacy officer certificate"));
  }
  if (absl::Status valid = ValidateApplyRequest(*request); !valid.ok()) return Refuse(*ledger_, *caller, valid);
  const std::string file = request->file_name().empty() ? "policy.yaml" : request->file_name();
  policy::LoadedPolicy loaded = policy::LoadPolicy(request->policy_yaml(), file);
  if (loaded.policy == nullptr) {
    std::vector<std::string> lines;
    for (const policy::Diagnostic& d : loaded.diagnostics) {
      if (d.severity != policy::Diagnostic::Severity::kError) continue;
      if (lines.size() == kMaxDiagnosticsInError) {
        lines.push_back("(more errors: run `samenloop policy check`)");
        break;
      }
      // The diagnostics quote the file (an unknown key, a bad value): never
      // raw, so no control character reaches the caller's terminal. (The
      // parser escapes what it quotes; this catches what it does not.)
      lines.push_back(EscapedPrefix(d.ToString(), 300, /*escape_backslash=*/false));
    }
    return Refuse(*ledger_, *caller,
                  absl::InvalidArgumentError(absl::StrCat("policy_yaml: the policy is invalid and was not applied:\n",
                                                          absl::StrJoin(lines, "\n"))));
  }
  storage::PolicyRecord record;
  record.set_policy_yaml(request->policy_yaml());
  record.set_version_hash(loaded.policy->Version());
  record.set_declared_version(loaded.policy->document().version);
  record.set_file_name(file);
  absl::StatusOr<ReevaluationResult> applied =
      ledger_->policy().Apply(*caller, loaded.policy, record, request->expected_active_version());
  if (!applied.ok()) {
    return absl::IsFailedPrecondition(applied.status()) ? Refuse(*ledger_, *caller, applied.status())
                                                        : ToGrpcStatus(applied.status());
  }
  // The short form of the version: enough to tell policies apart in a log,
  // and a full-length hash would be masked as if it were a key.
  spdlog::info("policy {} applied by {}: {} signal(s) re-evaluated, {} decision(s) changed, {} notification(s)",
               loaded.policy->Version().substr(0, 16), caller->organisation_id, applied->signals, applied->pairs_changed,
               applied->notifications);
  absl::StatusOr<storage::PolicyRecord> active = ledger_->policy().ActiveRecord();
  if (!active.ok()) return ToGrpcStatus(active.status());
  *response = ToVersion(*active);
  return grpc::Status::OK;
}

grpc::Status PolicyAdminServiceImpl::GetActivePolicy(grpc::ServerContext* context,
                                                     const v1::GetActivePolicyRequest* request,
                                                     v1::ActivePolicy* response) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  absl::StatusOr<storage::PolicyRecord> active = ledger_->policy().ActiveRecord();
  if (absl::IsNotFound(active.status())) {
    // The built-in development policy: a version, but no file.
    response->mutable_version()->set_version_hash(ledger_->policy().Current()->Version());
    response->mutable_version()->set_declared_version("built-in development default");
    return grpc::Status::OK;
  }
  if (!active.ok()) return ToGrpcStatus(active.status());
  *response->mutable_version() = ToVersion(*active);
  response->set_policy_yaml(active->policy_yaml());
  return grpc::Status::OK;
}

grpc::Status PolicyAdminServiceImpl::ListPolicyVersions(grpc::ServerContext* context,
                                                        const v1::ListPolicyVersionsRequest* request,
                                                        v1::ListPolicyVersionsResponse* response) {
  absl::StatusOr<CallerIdentity> caller =
      Caller(*context, {Role::kPrivacyOfficer, Role::kAuditor, Role::kOperator},
             "the policy history is for privacy officers, auditors and operators");
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  absl::StatusOr<std::vector<storage::PolicyRecord>> history = ledger_->policy().History();
  if (!history.ok()) return ToGrpcStatus(history.status());
  for (const storage::PolicyRecord& record : *history) *response->add_versions() = ToVersion(record);
  return grpc::Status::OK;
}

}  // namespace samenloop::broker
