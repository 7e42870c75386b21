#ifndef SAMENLOOP_CRYPTO_BSN_H_
#define SAMENLOOP_CRYPTO_BSN_H_

// The BSN (burgerservicenummer) as OPRF input: validation, and the fixed,
// versioned input encoding that docs/pseudonym-encoding.md specifies for
// integrating developers. Error messages never contain the number.
//
//   if (absl::Status s = ValidateBsn(bsn); !s.ok()) return s;
//   std::vector<uint8_t> input = EncodeBsnOprfInput(bsn, key_epoch);
//   WipeOnExit wipe_input(input);

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secure_bytes.h"  // WipeBytes, WipeString for buffers that held a BSN

namespace samenloop::crypto {

// OK for exactly 9 ASCII digits, not all zeros, passing the 11-check
// 9a+8b+7c+6d+5e+4f+3g+2h-1i ≡ 0 (mod 11). An 8-digit BSN (one whose leading
// zero was lost) is refused, not guessed: the caller must left-pad it.
absl::Status ValidateBsn(absl::string_view bsn);

// Encoding version and identifier types. A new type or a new layout gets a
// new number; existing numbers never change meaning.
inline constexpr uint8_t kIdentifierEncodingVersion = 0x01;
enum class IdentifierType : uint8_t { kBsn = 0x01 };
inline constexpr uint8_t kIdentifierTypeBsn = static_cast<uint8_t>(IdentifierType::kBsn);

// The version-1 OPRF input for an identifier under a pseudonymiser key
// epoch (20 + identifier length bytes):
//   "samenloop-id" || 0x00 || version 0x01 || type
//   || key epoch (uint32, big-endian) || length (1 byte) || identifier
// INVALID_ARGUMENT if the identifier is empty or longer than 255 bytes.
// It does not validate the identifier's own syntax.
absl::StatusOr<std::vector<uint8_t>> EncodeIdentifierOprfInput(IdentifierType type, absl::string_view identifier,
                                                               uint32_t key_epoch);

// The OPRF input for a BSN that passed ValidateBsn (a precondition, checked
// in debug builds): EncodeIdentifierOprfInput(IdentifierType::kBsn, ...),
// 29 bytes. The result contains the BSN: wipe it after use.
std::vector<uint8_t> EncodeBsnOprfInput(absl::string_view validated_bsn, uint32_t key_epoch);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_BSN_H_
