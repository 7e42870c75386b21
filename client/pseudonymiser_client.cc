#include "client/pseudonymiser_client.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "crypto/bsn.h"
#include "crypto/oprf_rfc9497.h"

namespace samenloop::client {
namespace {

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace

PseudonymiserClient::PseudonymiserClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::Pseudonymiser::NewStub(std::move(channel))) {}

absl::Status PseudonymiserClient::LoadKeyInfo() {
  if (have_key_info_) return absl::OkStatus();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::GetPublicKeyResponse response;
  grpc::Status status = stub_->GetPublicKey(&context, v1::GetPublicKeyRequest(), &response);
  if (!status.ok()) return FromGrpc(status, "pseudonymiser GetPublicKey");
  key_epoch_ = response.key_epoch();
  have_key_info_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Pseudonym>> PseudonymiserClient::Pseudonymise(
    absl::Span<const std::string> bsns) {
  if (bsns.empty()) return std::vector<v1::Pseudonym>{};
  // Validate everything before anything leaves the process.
  for (size_t i = 0; i < bsns.size(); ++i) {
    if (absl::Status s = crypto::ValidateBsn(bsns[i]); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("bsns[", i, "]: ", s.message()));
    }
  }
  if (absl::Status s = LoadKeyInfo(); !s.ok()) return s;

  std::vector<std::vector<uint8_t>> inputs;
  std::vector<crypto::BlindedInput> blinded;
  inputs.reserve(bsns.size());
  blinded.reserve(bsns.size());
  v1::EvaluateRequest request;
  request.set_mode(v1::OPRF_MODE_OPRF);
  for (const std::string& bsn : bsns) {
    inputs.push_back(crypto::EncodeBsnOprfInput(bsn, key_epoch_));
    absl::StatusOr<crypto::BlindedInput> b = crypto::Blind(inputs.back(), crypto::OprfMode::kOprf);
    if (!b.ok()) return b.status();
    request.add_blinded_elements(reinterpret_cast<const char*>(b->blinded_element.data()),
                                 b->blinded_element.size());
    blinded.push_back(*std::move(b));
  }

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::EvaluateResponse response;
  grpc::Status status = stub_->Evaluate(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, "pseudonymiser Evaluate");
  if (static_cast<size_t>(response.evaluated_elements_size()) != bsns.size()) {
    return absl::InternalError("pseudonymiser answered with the wrong number of elements");
  }
  if (response.key_epoch() != key_epoch_) {
    have_key_info_ = false;  // the key rotated under us: let the caller retry
    return absl::UnavailableError("pseudonymiser key epoch changed; retry");
  }

  std::vector<v1::Pseudonym> pseudonyms;
  pseudonyms.reserve(bsns.size());
  for (size_t i = 0; i < bsns.size(); ++i) {
    const std::string& bytes = response.evaluated_elements(static_cast<int>(i));
    crypto::Element evaluated{};
    if (bytes.size() != evaluated.size()) {
      return absl::InternalError(absl::StrCat("evaluated_elements[", i, "]: wrong length"));
    }
    std::copy(bytes.begin(), bytes.end(), evaluated.begin());
    absl::StatusOr<crypto::OprfOutput> output = crypto::Finalize(inputs[i], blinded[i].blind, evaluated);
    if (!output.ok()) {
      return absl::Status(output.status().code(), absl::StrCat("evaluated_elements[", i, "]: ",
                                                               output.status().message()));
    }
    v1::Pseudonym pseudonym;
    pseudonym.set_value(reinterpret_cast<const char*>(output->data()), output->size());
    pseudonym.set_key_epoch(key_epoch_);
    pseudonyms.push_back(std::move(pseudonym));
  }
  for (std::vector<uint8_t>& input : inputs) crypto::WipeBytes(absl::MakeSpan(input));
  return pseudonyms;
}

}  // namespace samenloop::client
