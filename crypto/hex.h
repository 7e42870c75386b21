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

// Lowercase hex, two digits per byte.
std::string HexEncode(absl::Span<const uint8_t> bytes);
// Accepts upper- and lowercase digits, nothing else (no spaces, no 0x).
// INVALID_ARGUMENT for an odd length or a non-hex character; the input is
// never echoed, since it may be a key.
absl::StatusOr<std::vector<uint8_t>> HexDecode(absl::string_view hex);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_HEX_H_
