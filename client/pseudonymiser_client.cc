#include "client/pseudonymiser_client.h"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "crypto/bsn.h"
#include "crypto/hex.h"

namespace samenloop::client {
namespace {

constexpr char kRetryAfterPayload[] = "type.samenloop.dev/retry-after-ms";

std::string CacheKey(const std::vector<uint8_t>& input) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()), input.data(), input.size());
  return digest;
}

template <size_t N>
bool CopyExact(const std::string& bytes, std::array<uint8_t, N>* out) {
  if (bytes.size() != N) return false;
  std::copy(bytes.begin(), bytes.end(), out->begin());
  return true;
}

}  // namespace

absl::StatusOr<crypto::Element> ParsePseudonymiserPublicKey(const std::string& hex_or_path) {
  constexpr absl::string_view kField = "pseudonymiser key";
  std::string hex = hex_or_path;
  if (hex.size() != 2 * crypto::kElementBytes) {
    std::ifstream in(hex_or_path);
    if (!in) {
      return absl::InvalidArgumentError(absl::StrCat(kField, ": neither 64 hex digits nor a readable file"));
    }
    std::stringstream text;
    text << in.rdbuf();
    hex = std::string(absl::StripAsciiWhitespace(text.str()));
  }
  absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(hex);
  crypto::Element key{};
  if (!bytes.ok() || bytes->size() != key.size()) {
    return absl::InvalidArgumentError(absl::StrCat(kField, ": must be 64 hex digits"));
  }
  std::copy(bytes->begin(), bytes->end(), key.begin());
  if (!crypto::IsValidElement(key)) {
    return absl::InvalidArgumentError(absl::StrCat(kField, ": not a valid ristretto255 public key"));
  }
  return key;
}

std::optional<absl::Duration> RetryAfter(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kRetryAfterPayload);
  int64_t millis = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &millis)) return std::nullopt;
  return absl::Milliseconds(millis);
}

PseudonymiserClient::PseudonymiserClient(std::shared_ptr<grpc::Channel> channel, PseudonymiserClientOptions options)
    : stub_(v1::Pseudonymiser::NewStub(std::move(channel))), options_(std::move(options)) {}

absl::Status PseudonymiserClient::LoadKeyInfo() {
  if (key_info_.has_value()) return absl::OkStatus();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  v1::GetPublicKeyResponse response;
  grpc::Status status = stub_->GetPublicKey(&context, v1::GetPublicKeyRequest(), &response);
  if (!status.ok()) return FromGrpcStatus(status, "pseudonymiser GetPublicKey");
  KeyInfo info;
  info.epoch = response.key_epoch();
  info.mode = response.mode() == v1::OPRF_MODE_VOPRF ? crypto::OprfMode::kVoprf : crypto::OprfMode::kOprf;
  if (!CopyExact(response.public_key(), &info.public_key) || !crypto::IsValidElement(info.public_key)) {
    return absl::UnavailableError("pseudonymiser GetPublicKey: not a valid public key");
  }
  if (options_.pinned_public_key.has_value() && *options_.pinned_public_key != info.public_key) {
    return absl::FailedPreconditionError(
        "pseudonymiser GetPublicKey: the announced key is not the pinned published key");
  }
  // Without a proof nothing ties the answers to the pinned key: a
  // pseudonymiser announcing OPRF mode to a pinned client is refused, not
  // trusted unchecked.
  if (options_.pinned_public_key.has_value() && info.mode != crypto::OprfMode::kVoprf) {
    return absl::FailedPreconditionError(
        "pseudonymiser GetPublicKey: a key is pinned but the pseudonymiser announces OPRF mode, whose answers "
        "carry no proof; pin only in a VOPRF deployment");
  }
  key_info_ = info;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Pseudonym>> PseudonymiserClient::Pseudonymise(absl::Span<const std::string> bsns) {
  // Validate everything before anything leaves the process.
  for (size_t i = 0; i < bsns.size(); ++i) {
    if (absl::Status s = crypto::ValidateBsn(bsns[i]); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("bsns[", i, "]: ", s.message()));
    }
  }
  if (bsns.empty()) return std::vector<v1::Pseudonym>{};
  if (absl::Status s = LoadKeyInfo(); !s.ok()) return s;
  absl::StatusOr<std::vector<v1::Pseudonym>> result = Evaluate(bsns);
  if (absl::IsUnavailable(result.status())) key_info_.reset();  // re-read the key next time
  return result;
}

absl::StatusOr<std::vector<v1::Pseudonym>> PseudonymiserClient::Evaluate(absl::Span<const std::string> bsns) {
  const KeyInfo info = *key_info_;
  std::vector<v1::Pseudonym> pseudonyms(bsns.size());
  std::vector<std::vector<uint8_t>> inputs(bsns.size());
  // The encoded inputs contain the BSNs: wipe them on every way out.
  absl::Cleanup wipe_inputs = [&inputs] {
    for (std::vector<uint8_t>& input : inputs) crypto::WipeBytes(absl::MakeSpan(input));
  };
  std::vector<std::string> cache_keys(bsns.size());
  std::vector<size_t> pending;  // positions that need the pseudonymiser
  std::vector<crypto::BlindedInput> blinded;
  std::vector<crypto::Element> blinded_elements;
  v1::EvaluateRequest request;
  request.set_mode(info.mode == crypto::OprfMode::kVoprf ? v1::OPRF_MODE_VOPRF : v1::OPRF_MODE_OPRF);
  for (size_t i = 0; i < bsns.size(); ++i) {
    inputs[i] = crypto::EncodeBsnOprfInput(bsns[i], info.epoch);
    if (options_.cache_capacity > 0) {
      cache_keys[i] = CacheKey(inputs[i]);
      if (auto hit = cache_.find(cache_keys[i]); hit != cache_.end()) {
        pseudonyms[i] = hit->second;
        ++cache_hits_;
        continue;
      }
    }
    absl::StatusOr<crypto::BlindedInput> b = crypto::Blind(inputs[i], info.mode);
    if (!b.ok()) return b.status();
    request.add_blinded_elements(reinterpret_cast<const char*>(b->blinded_element.data()), b->blinded_element.size());
    blinded_elements.push_back(b->blinded_element);
    blinded.push_back(*std::move(b));
    pending.push_back(i);
  }

  if (!pending.empty()) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    v1::EvaluateResponse response;
    grpc::Status status = stub_->Evaluate(&context, request, &response);
    if (!status.ok()) {
      absl::Status error = FromGrpcStatus(status, "pseudonymiser Evaluate");
      auto hint = context.GetServerTrailingMetadata().find("retry-after-ms");
      if (hint != context.GetServerTrailingMetadata().end()) {
        error.SetPayload(kRetryAfterPayload, absl::Cord(std::string(hint->second.data(), hint->second.size())));
      }
      return error;
    }
    if (response.key_epoch() != info.epoch) return absl::UnavailableError("pseudonymiser key epoch changed; retry");
    if (static_cast<size_t>(response.evaluated_elements_size()) != pending.size()) {
      return absl::InternalError("pseudonymiser answered with the wrong number of elements");
    }
    std::vector<crypto::Element> evaluated(pending.size());
    for (size_t j = 0; j < pending.size(); ++j) {
      if (!CopyExact(response.evaluated_elements(static_cast<int>(j)), &evaluated[j])) {
        return absl::InternalError(absl::StrCat("evaluated_elements[", j, "]: wrong length"));
      }
    }
    if (info.mode == crypto::OprfMode::kVoprf) {
      crypto::Proof proof{};
      if (!CopyExact(response.proof(), &proof)) return absl::DataLossError("pseudonymiser proof: wrong length");
      if (absl::Status verified = crypto::VerifyProof(info.public_key, blinded_elements, evaluated, proof);
          !verified.ok()) {
        return absl::DataLossError("pseudonymiser proof does not verify: the published key was not used");
      }
    }
    for (size_t j = 0; j < pending.size(); ++j) {
      const size_t i = pending[j];
      absl::StatusOr<crypto::OprfOutput> output = crypto::Finalize(inputs[i], blinded[j].blind, evaluated[j]);
      if (!output.ok()) {
        return absl::Status(output.status().code(),
                            absl::StrCat("evaluated_elements[", j, "]: ", output.status().message()));
      }
      pseudonyms[i].set_value(reinterpret_cast<const char*>(output->data()), output->size());
      pseudonyms[i].set_key_epoch(info.epoch);
      sodium_memzero(output->data(), output->size());
      if (options_.cache_capacity > 0) Remember(cache_keys[i], pseudonyms[i]);
    }
  }
  return pseudonyms;
}

void PseudonymiserClient::Remember(const std::string& cache_key, const v1::Pseudonym& pseudonym) {
  if (!cache_.emplace(cache_key, pseudonym).second) return;
  cache_order_.push_back(cache_key);
  while (cache_order_.size() > options_.cache_capacity) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

}  // namespace samenloop::client
