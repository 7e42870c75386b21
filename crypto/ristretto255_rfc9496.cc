#include "crypto/ristretto255_rfc9496.h"

#include <sodium.h>

namespace samenloop::crypto {

bool IsCanonicalRistretto255Encoding(absl::Span<const uint8_t> bytes) {
  if (bytes.size() != kRistretto255EncodingBytes) return false;
  // p = 2^255 - 19 is, little-endian, ed ff ff ... ff 7f. s >= p exactly
  // when bit 255 is set, or bytes 1..30 are all ff, byte 31 is 7f and byte
  // 0 is at least ed.
  const unsigned top_bit = bytes[31] >> 7;
  unsigned all_ones = static_cast<unsigned>(bytes[31] ^ 0x7f);
  for (size_t i = 1; i < 31; ++i) all_ones |= static_cast<unsigned>(bytes[i] ^ 0xff);
  const unsigned is_max_high = ((all_ones - 1U) >> 8) & 1U;          // 1 when bytes 1..31 are ff..ff 7f
  const unsigned low_at_least_ed = ((0xecU - bytes[0]) >> 8) & 1U;  // 1 when byte 0 >= 0xed
  const unsigned not_below_p = top_bit | (is_max_high & low_at_least_ed);
  // IS_NEGATIVE(s) for a reduced s is its lowest bit.
  const unsigned negative = bytes[0] & 1U;
  return (not_below_p | negative) == 0;
}

bool IsValidRistretto255Encoding(absl::Span<const uint8_t> bytes) {
  return IsCanonicalRistretto255Encoding(bytes) && crypto_core_ristretto255_is_valid_point(bytes.data()) == 1;
}

}  // namespace samenloop::crypto
