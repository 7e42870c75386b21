#include "crypto/bsn.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kEncodingTag = "samenloop-id";
constexpr size_t kBsnDigits = 9;

}  // namespace

absl::Status ValidateBsn(absl::string_view bsn) {
  if (bsn.size() != kBsnDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("bsn: must be exactly 9 digits (got ", bsn.size(), " characters)"));
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

std::vector<uint8_t> EncodeBsnOprfInput(absl::string_view validated_bsn, uint32_t key_epoch) {
  std::vector<uint8_t> out;
  out.reserve(kEncodingTag.size() + 8 + validated_bsn.size());
  for (char c : kEncodingTag) out.push_back(static_cast<uint8_t>(c));
  out.push_back(0x00);
  out.push_back(kIdentifierEncodingVersion);
  out.push_back(kIdentifierTypeBsn);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>((key_epoch >> shift) & 0xff));
  out.push_back(static_cast<uint8_t>(validated_bsn.size()));
  for (char c : validated_bsn) out.push_back(static_cast<uint8_t>(c));
  return out;
}

void WipeBytes(absl::Span<uint8_t> bytes) { sodium_memzero(bytes.data(), bytes.size()); }

void WipeString(std::string& text) {
  sodium_memzero(text.data(), text.size());
  text.clear();
}

}  // namespace samenloop::crypto
