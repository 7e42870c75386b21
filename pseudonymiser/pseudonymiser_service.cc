#include "pseudonymiser/pseudonymiser_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/caller_identity.h"
#include "common/grpc_status.h"
#include "common/request_checks.h"
#include "spdlog/spdlog.h"

namespace samenloop::pseudonymiser {
namespace {

grpc::Status Invalid(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

crypto::OprfMode RequestedMode(v1::OprfMode mode) {
  return mode == v1::OPRF_MODE_VOPRF ? crypto::OprfMode::kVoprf : crypto::OprfMode::kOprf;
}

// The wait, in the trailing metadata the SDK reads (RetryAfter).
void AddRetryAfter(grpc::ServerContext* context, absl::Duration retry_after) {
  if (retry_after == absl::InfiniteDuration()) return;
  context->AddTrailingMetadata("retry-after-ms",
                               absl::StrCat(absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1)))));
}

}  // namespace

PseudonymiserServiceImpl::PseudonymiserServiceImpl(const OprfKey* key, QuotaLedger* quotas, ServiceOptions options)
    : key_(key),
      quotas_(quotas),
      options_(options),
      evaluator_(&key->secret, options.threads),
      refusals_(options.refusals) {}

grpc::Status PseudonymiserServiceImpl::Evaluate(grpc::ServerContext* context,
                                                const v1::EvaluateRequest* request,
                                                v1::EvaluateResponse* response) {
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (caller->role != Role::kOrg) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "only organisation certificates (role org) may pseudonymise");
  }
  // An organisation whose calls keep being refused is turned away before
  // its request is looked at.
  absl::Duration retry_after;
  if (absl::Status admitted = refusals_.Admit(caller->organisation_id, &retry_after); !admitted.ok()) {
    AddRetryAfter(context, retry_after);
    return ToGrpcStatus(admitted);
  }
  grpc::Status status = EvaluateFor(*caller, context, *request, response);
  // Refusals the caller caused count; the server's own trouble (a full
  // quota store: UNAVAILABLE) does not.
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    refusals_.Refused(caller->organisation_id);
  }
  return status;
}

grpc::Status PseudonymiserServiceImpl::EvaluateFor(const CallerIdentity& caller, grpc::ServerContext* context,
                                                   const v1::EvaluateRequest& request,
                                                   v1::EvaluateResponse* response) {
  if (absl::Status known = RefuseUnknownFields(request); !known.ok()) return ToGrpcStatus(known);
  if (!v1::OprfMode_IsValid(request.mode())) return Invalid("mode: unknown value");
  if (RequestedMode(request.mode()) != key_->mode) {
    return Invalid(absl::StrCat("mode: this pseudonymiser runs in ",
                                key_->mode == crypto::OprfMode::kVoprf ? "VOPRF" : "OPRF",
                                " mode (see GetPublicKey)"));
  }
  const int count = request.blinded_elements_size();
  if (count == 0) return Invalid("blinded_elements: at least one element is required");
  if (count > options_.max_batch) {
    return Invalid(absl::StrCat("blinded_elements: at most ", options_.max_batch,
                                " elements per call (got ", count, ")"));
  }

  // Every element is checked (RFC 9496 decoding, not the identity) before
  // the quota is charged and before any scalar multiplication, so a batch
  // with one bad element costs no evaluation work.
  std::vector<crypto::Element> blinded(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const std::string& bytes = request.blinded_elements(i);
    if (bytes.size() != crypto::kElementBytes) {
      return Invalid(absl::StrCat("blinded_elements[", i, "]: must be ", crypto::kElementBytes,
                                  " bytes (got ", bytes.size(), ")"));
    }
    crypto::Element& element = blinded[static_cast<size_t>(i)];
    std::copy(bytes.begin(), bytes.end(), element.begin());
    if (!crypto::IsValidElement(element)) {
      return Invalid(absl::StrCat("blinded_elements[", i, "]: not a valid ristretto255 point (or the identity)"));
    }
  }

  absl::Duration retry_after;
  if (absl::Status charged = quotas_->Charge(caller.organisation_id, static_cast<uint64_t>(count), &retry_after);
      !charged.ok()) {
    if (absl::IsResourceExhausted(charged)) {
      spdlog::warn("quota refused {} element(s) for {}", count, caller.organisation_id);
      AddRetryAfter(context, retry_after);
    }
    return ToGrpcStatus(charged);
  }

  absl::StatusOr<std::vector<crypto::Element>> evaluated = evaluator_.Evaluate(blinded);
  if (!evaluated.ok()) {
    // Cannot happen for elements that passed the checks above; if it does,
    // the charge is given back, as for any refused request.
    if (absl::Status refunded = quotas_->Refund(caller.organisation_id, static_cast<uint64_t>(count));
        !refunded.ok()) {
      return ToGrpcStatus(refunded);
    }
    return ToGrpcStatus(evaluated.status());
  }
  response->mutable_evaluated_elements()->Reserve(count);
  for (const crypto::Element& element : *evaluated) {
    response->add_evaluated_elements(reinterpret_cast<const char*>(element.data()), element.size());
  }
  if (key_->mode == crypto::OprfMode::kVoprf) {
    absl::StatusOr<crypto::Proof> proof = crypto::GenerateProof(key_->secret, key_->public_key, blinded, *evaluated);
    if (!proof.ok()) return ToGrpcStatus(proof.status());
    response->set_proof(reinterpret_cast<const char*>(proof->data()), proof->size());
  }
  response->set_key_epoch(key_->epoch);
  return grpc::Status::OK;
}

grpc::Status PseudonymiserServiceImpl::GetPublicKey(grpc::ServerContext* context,
                                                    const v1::GetPublicKeyRequest* request,
                                                    v1::GetPublicKeyResponse* response) {
  // Any certificate with a Samenloop identity: the key is public, and
  // auditors and operators check it as well as organisations (docs/api.md).
  absl::StatusOr<CallerIdentity> caller = IdentityFromServerContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status known = RefuseUnknownFields(*request); !known.ok()) return ToGrpcStatus(known);
  response->set_public_key(reinterpret_cast<const char*>(key_->public_key.data()), key_->public_key.size());
  response->set_key_epoch(key_->epoch);
  response->set_suite("ristretto255-SHA512");
  response->set_mode(key_->mode == crypto::OprfMode::kVoprf ? v1::OPRF_MODE_VOPRF : v1::OPRF_MODE_OPRF);
  return grpc::Status::OK;
}

}  // namespace samenloop::pseudonymiser
