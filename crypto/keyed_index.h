#ifndef SAMENLOOP_CRYPTO_KEYED_INDEX_H_
#define SAMENLOOP_CRYPTO_KEYED_INDEX_H_

// The broker's index key for a pseudonym:
//   SubjectKey = HMAC-SHA256(index_secret, "samenloop/subject-key/v1" || 0x00 || pseudonym)
// The broker stores only these keys, never a pseudonym as it arrived, so a
// copy of its database cannot be linked with anything without the secret.
// The label separates this use of the secret from any future one.

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

using SubjectKey = std::array<uint8_t, 32>;

// The broker's index secret: 32 bytes, zeroed on destruction, movable only.
class IndexSecret {
 public:
  static constexpr size_t kBytes = 32;
  static absl::StatusOr<IndexSecret> FromBytes(absl::Span<const uint8_t> bytes);

  ~IndexSecret();
  IndexSecret(IndexSecret&& other) noexcept;
  IndexSecret& operator=(IndexSecret&& other) noexcept;
  IndexSecret(const IndexSecret&) = delete;
  IndexSecret& operator=(const IndexSecret&) = delete;

  const std::array<uint8_t, kBytes>& bytes() const { return bytes_; }

 private:
  IndexSecret() = default;
  std::array<uint8_t, kBytes> bytes_{};
};

SubjectKey ComputeSubjectKey(const IndexSecret& secret, absl::Span<const uint8_t> pseudonym);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_KEYED_INDEX_H_
