#ifndef SAMENLOOP_CRYPTO_EXPAND_MESSAGE_XMD_H_
#define SAMENLOOP_CRYPTO_EXPAND_MESSAGE_XMD_H_

// expand_message_xmd from RFC 9380 §5.3.1, instantiated with SHA-512: the
// building block of RFC 9497's HashToGroup and HashToScalar for the suite
// ristretto255-SHA512. libsodium 1.0.18 has no hash from a string to the
// group, so this one piece is written here, on libsodium's SHA-512.
//
//   std::array<uint8_t, 64> uniform;
//   absl::Status s = ExpandMessageXmdSha512(message, "HashToGroup-...", uniform);

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

// The largest output: 255 SHA-512 blocks.
inline constexpr size_t kExpandMessageXmdSha512MaxBytes = 255 * 64;

// Fills `out` (its size is len_in_bytes) with bytes derived from `message`
// under the domain separation tag `dst`. INVALID_ARGUMENT if dst is empty
// or longer than 255 bytes (RFC 9380 §5.3.3's hashing of long tags is not
// needed by this project), or if out is empty or longer than
// kExpandMessageXmdSha512MaxBytes. The RFC allows len_in_bytes = 0; it is
// refused here because no caller has a use for it.
absl::Status ExpandMessageXmdSha512(absl::Span<const uint8_t> message, absl::string_view dst,
                                    absl::Span<uint8_t> out);

// The same, returning a new vector of `length` bytes.
absl::StatusOr<std::vector<uint8_t>> ExpandMessageXmdSha512(absl::Span<const uint8_t> message,
                                                             absl::string_view dst, size_t length);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_EXPAND_MESSAGE_XMD_H_
