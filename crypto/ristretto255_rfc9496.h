#ifndef SAMENLOOP_CRYPTO_RISTRETTO255_RFC9496_H_
#define SAMENLOOP_CRYPTO_RISTRETTO255_RFC9496_H_

// RFC 9496 §4.3.1 (ristretto255 Decode), the checks on the encoding itself
// that libsodium 1.0.18 leaves out: interpreted as a little-endian integer
// s, the 32 bytes must be below p = 2^255 - 19 (so bit 255 is clear and the
// value is reduced), and s must not be negative (its lowest bit clear).
// libsodium's crypto_core_ristretto255_is_valid_point masks bit 255 off and
// so accepts a valid point with that bit set: a second encoding of the same
// element. The remaining steps of Decode (x^2 a square, x*y non-negative,
// y non-zero) are libsodium's.
//
//   if (!IsCanonicalRistretto255Encoding(bytes)) return error;
//
// Constant time in the bytes (elements are public, but a check that does
// not branch on them costs nothing).

#include <cstdint>

#include "absl/types/span.h"

namespace samenloop::crypto {

inline constexpr size_t kRistretto255EncodingBytes = 32;

// True when `bytes` is 32 bytes holding a canonical (s < p), non-negative
// field element: the encoding checks of RFC 9496 §4.3.1 steps 1 and 2.
bool IsCanonicalRistretto255Encoding(absl::Span<const uint8_t> bytes);

// The whole of RFC 9496 Decode: canonical, and a ristretto255 element
// (libsodium's crypto_core_ristretto255_is_valid_point for the rest). The
// identity passes (it is a valid element); callers that refuse it check
// that separately.
bool IsValidRistretto255Encoding(absl::Span<const uint8_t> bytes);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_RISTRETTO255_RFC9496_H_
