#include "crypto/keyed_index.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kLabel = "samenloop/subject-key/v1";

}  // namespace

absl::StatusOr<IndexSecret> IndexSecret::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kMinBytes || bytes.size() > kMaxBytes) {
    return absl::InvalidArgumentError("index secret: must be 32 to 64 bytes");
  }
  if (sodium_is_zero(bytes.data(), bytes.size()) == 1) {
    return absl::InvalidArgumentError("index secret: must not be all zeros");
  }
  IndexSecret secret;
  std::copy(bytes.begin(), bytes.end(), secret.bytes_.data());
  secret.size_ = bytes.size();
  return secret;
}

IndexSecret::IndexSecret(IndexSecret&& other) noexcept
    : bytes_(std::move(other.bytes_)), size_(std::exchange(other.size_, 0)) {}

IndexSecret& IndexSecret::operator=(IndexSecret&& other) noexcept {
  if (this != &other) {
    bytes_ = std::move(other.bytes_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SubjectKey ComputeSubjectKey(const IndexSecret& secret, absl::Span<const uint8_t> pseudonym) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.bytes().data(), secret.bytes().size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size());
  const uint8_t separator = 0x00;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, pseudonym.data(), pseudonym.size());
  SubjectKey key{};
  crypto_auth_hmacsha256_final(&state, key.data());
  sodium_memzero(&state, sizeof state);  // holds the keyed inner and outer states
  return key;
}

}  // namespace samenloop::crypto
