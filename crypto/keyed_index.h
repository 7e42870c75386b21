#ifndef SAMENLOOP_CRYPTO_KEYED_INDEX_H_
#define SAMENLOOP_CRYPTO_KEYED_INDEX_H_

// The broker's index key for a pseudonym:
//
//   SubjectKey = HMAC-SHA256(index_secret, "samenloop/subject-key/v1" || 0x00 || pseudonym)
//
// The broker stores only these keys, never a pseudonym as it arrived, so a
// copy of its database cannot be linked with anything else without the
// secret. The label (ended by 0x00, which the label never contains) binds
// this use of the secret: a future use takes another label, and /v1 lets the
// derivation change without old and new keys colliding.
//
//   absl::StatusOr<IndexSecret> secret = IndexSecret::FromBytes(file_bytes);
//   SubjectKey key = ComputeSubjectKey(*secret, pseudonym);

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/secure_bytes.h"

namespace samenloop::crypto {

using SubjectKey = std::array<uint8_t, 32>;

// The broker's index secret: 32 to 64 random bytes (64 is HMAC-SHA256's
// block size; longer keys would only be hashed down). Wiped on destruction;
// movable, not copyable.
class IndexSecret {
 public:
  static constexpr size_t kMinBytes = 32;
  static constexpr size_t kMaxBytes = 64;

  // INVALID_ARGUMENT for a length outside [32, 64] or all zeros.
  static absl::StatusOr<IndexSecret> FromBytes(absl::Span<const uint8_t> bytes);

  // The source is left empty (and wiped).
  IndexSecret(IndexSecret&& other) noexcept;
  IndexSecret& operator=(IndexSecret&& other) noexcept;
  IndexSecret(const IndexSecret&) = delete;
  IndexSecret& operator=(const IndexSecret&) = delete;
  ~IndexSecret() = default;

  absl::Span<const uint8_t> bytes() const { return bytes_.span().first(size_); }

 private:
  IndexSecret() = default;
  SecretArray<kMaxBytes> bytes_;
  size_t size_ = 0;
};

// Deterministic: the same secret and pseudonym always give the same key.
SubjectKey ComputeSubjectKey(const IndexSecret& secret, absl::Span<const uint8_t> pseudonym);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_KEYED_INDEX_H_
