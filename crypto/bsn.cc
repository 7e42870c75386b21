#include "crypto/bsn.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kEncodingTag = "samenloop-id";
constexpr size_t kBsnDigits = 9;
// 0x00, version, type, 4 epoch bytes, length.
constexpr size_t kHeaderBytes = 1 + 1 + 1 + 4 + 1;

// Version 1 of the input encoding; identifier is at most 255 bytes.
std::vector<uint8_t> Encode(IdentifierType type, absl::string_view identifier, uint32_t key_epoch) {
  std::vector<uint8_t> out(kEncodingTag.size() + kHeaderBytes + identifier.size());
  auto at = std::copy(kEncodingTag.begin(), kEncodingTag.end(), out.begin());
  *at++ = 0x00;
  *at++ = kIdentifierEncodingVersion;
  *at++ = static_cast<uint8_t>(type);
  for (int shift = 24; shift >= 0; shift -= 8) *at++ = static_cast<uint8_t>((key_epoch >> shift) & 0xff);
  *at++ = static_cast<uint8_t>(identifier.size());
  std::copy(identifier.begin(), identifier.end(), at);
  return out;
}

}  // namespace

absl::Status ValidateBsn(absl::string_view bsn) {
  if (bsn.size() != kBsnDigits) {
    // The length is safe to report; an 8-digit number usually lost its zero.
    return absl::InvalidArgumentError(absl::StrCat("bsn: must be exactly 9 digits (got ", bsn.size(),
                                                   " characters",
                                                   bsn.size() == 8 ? "; left-pad an 8-digit BSN with 0" : "", ")"));
  }
  int sum = 0;
  bool all_zero = true;
  for (size_t i = 0; i < kBsnDigits; ++i) {
    const char c = bsn[i];
    if (c < '0' || c > '9') return absl::InvalidArgumentError("bsn: must contain digits only");
    const int digit = c - '0';
    all_zero = all_zero && digit == 0;
    const int weight = i == kBsnDigits - 1 ? -1 : static_cast<int>(kBsnDigits - i);
    sum += weight * digit;
  }
  if (all_zero) return absl::InvalidArgumentError("bsn: must not be all zeros");
  if (sum % 11 != 0) return absl::InvalidArgumentError("bsn: fails the 11-check");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> EncodeIdentifierOprfInput(IdentifierType type, absl::string_view identifier,
                                                               uint32_t key_epoch) {
  if (identifier.empty() || identifier.size() > 255) {
    return absl::InvalidArgumentError("identifier: must be 1 to 255 bytes");
  }
  return Encode(type, identifier, key_epoch);
}

std::vector<uint8_t> EncodeBsnOprfInput(absl::string_view validated_bsn, uint32_t key_epoch) {
  assert(ValidateBsn(validated_bsn).ok());
  if (validated_bsn.size() > 255) std::abort();  // the length byte would be ambiguous
  return Encode(IdentifierType::kBsn, validated_bsn, key_epoch);
}

}  // namespace samenloop::crypto
