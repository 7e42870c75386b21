#ifndef SAMENLOOP_CRYPTO_EXPAND_MESSAGE_XMD_H_
#define SAMENLOOP_CRYPTO_EXPAND_MESSAGE_XMD_H_

// expand_message_xmd from RFC 9380 §5.3.1, instantiated with SHA-512: the
// hash-to-field building block that RFC 9497's HashToGroup and HashToScalar
// use for ristretto255-SHA512. libsodium 1.0.18 has no string-to-group hash,
// so this is the one piece of the OPRF written here (on libsodium's SHA-512).

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

// Returns `length` uniformly random bytes derived from `message` under the
// domain separation tag `dst`. INVALID_ARGUMENT if dst is empty or longer
// than 255 bytes, or if length is 0, above 65535 or needs more than 255
// SHA-512 blocks.
absl::StatusOr<std::vector<uint8_t>> ExpandMessageXmdSha512(absl::Span<const uint8_t> message,
                                                             absl::string_view dst, size_t length);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_EXPAND_MESSAGE_XMD_H_
