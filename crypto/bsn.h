#ifndef SAMENLOOP_CRYPTO_BSN_H_
#define SAMENLOOP_CRYPTO_BSN_H_

// The BSN (burgerservicenummer) as OPRF input: validation and the fixed,
// versioned input encoding (docs/pseudonym-encoding.md). Errors never echo
// the number.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

// OK for exactly 9 ASCII digits, not all zero, passing the 11-check
// 9a+8b+7c+6d+5e+4f+3g+2h-1i ≡ 0 (mod 11). An 8-digit BSN must be
// left-padded with a zero by the caller; it is refused, not guessed.
absl::Status ValidateBsn(absl::string_view bsn);

// Version and identifier-type bytes of the encoding.
inline constexpr uint8_t kIdentifierEncodingVersion = 0x01;
inline constexpr uint8_t kIdentifierTypeBsn = 0x01;

// The OPRF input for a validated BSN under a pseudonymiser key epoch:
//   "samenloop-id" || 0x00 || version (0x01) || type (0x01 = BSN)
//   || key epoch (uint32, big-endian) || length (1 byte, 9) || 9 ASCII digits
std::vector<uint8_t> EncodeBsnOprfInput(absl::string_view validated_bsn, uint32_t key_epoch);

// Overwrites memory that held a BSN or an encoding of one.
void WipeBytes(absl::Span<uint8_t> bytes);
void WipeString(std::string& text);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_BSN_H_
