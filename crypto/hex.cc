#include "crypto/hex.h"

#include <sodium.h>

#include "absl/status/status.h"

namespace samenloop::crypto {

std::string HexEncode(absl::Span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

absl::StatusOr<std::vector<uint8_t>> HexDecode(absl::string_view hex) {
  if (hex.size() % 2 != 0) return absl::InvalidArgumentError("hex: odd number of digits");
  if (hex.empty()) return std::vector<uint8_t>{};  // sodium_hex2bin wants a non-null buffer
  std::vector<uint8_t> out(hex.size() / 2);
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, &end) != 0 ||
      written != out.size() || end != hex.data() + hex.size()) {
    sodium_memzero(out.data(), out.size());
    return absl::InvalidArgumentError("hex: not a hex string");
  }
  return out;
}

}  // namespace samenloop::crypto
