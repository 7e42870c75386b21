#ifndef SAMENLOOP_CRYPTO_HEX_H_
#define SAMENLOOP_CRYPTO_HEX_H_

// Lowercase hex encoding for keys, proofs and test vectors (libsodium's
// constant-time sodium_bin2hex / sodium_hex2bin underneath, since the bytes
// may be secret).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

std::string HexEncode(absl::Span<const uint8_t> bytes);
// INVALID_ARGUMENT for odd length or a non-hex character (never echoed).
absl::StatusOr<std::vector<uint8_t>> HexDecode(absl::string_view hex);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_HEX_H_
