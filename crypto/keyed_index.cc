#include "crypto/keyed_index.h"

#include <sodium.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kLabel = "samenloop/subject-key/v1";

}  // namespace

absl::StatusOr<IndexSecret> IndexSecret::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() != kBytes) return absl::InvalidArgumentError("index secret: must be 32 bytes");
  if (sodium_is_zero(bytes.data(), bytes.size())) {
    return absl::InvalidArgumentError("index secret: must not be all zeros");
  }
  IndexSecret secret;
  std::copy(bytes.begin(), bytes.end(), secret.bytes_.begin());
  return secret;
}

IndexSecret::~IndexSecret() { sodium_memzero(bytes_.data(), bytes_.size()); }

IndexSecret::IndexSecret(IndexSecret&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

IndexSecret& IndexSecret::operator=(IndexSecret&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

SubjectKey ComputeSubjectKey(const IndexSecret& secret, absl::Span<const uint8_t> pseudonym) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.bytes().data(), secret.bytes().size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, pseudonym.data(), pseudonym.size());
  SubjectKey key{};
  crypto_auth_hmacsha256_final(&state, key.data());
  sodium_memzero(&state, sizeof state);
  return key;
}

}  // namespace samenloop::crypto
