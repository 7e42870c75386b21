#include "crypto/secure_bytes.h"

namespace samenloop::crypto {

void WipeBytes(absl::Span<uint8_t> bytes) { sodium_memzero(bytes.data(), bytes.size()); }

void WipeString(std::string& text) {
  // Bytes between size() and capacity() may hold an earlier, longer value.
  // Growing to the capacity never reallocates, and makes them addressable.
  text.resize(text.capacity());
  sodium_memzero(text.data(), text.size());
  text.clear();
}

}  // namespace samenloop::crypto
