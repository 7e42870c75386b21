#ifndef SAMENLOOP_CRYPTO_SECURE_BYTES_H_
#define SAMENLOOP_CRYPTO_SECURE_BYTES_H_

// Memory that held a secret (a key, a blind, a BSN) is overwritten before it
// is released, with sodium_memzero so the compiler cannot drop the write.
//
// SecretArray<N> is a fixed-size buffer that wipes itself on destruction and
// can be moved (the source is wiped) but not copied, so a secret exists in
// exactly one place that the type system can see.
//
//   SecretArray<32> key;
//   randombytes_buf(key.data(), key.size());
//
// WipeOnExit wipes a local container on every way out of a scope, including
// early error returns:
//
//   std::vector<uint8_t> input = EncodeBsnOprfInput(bsn, epoch);
//   WipeOnExit wipe_input(input);

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/types/span.h"

namespace samenloop::crypto {

// Overwrites `bytes` with zeros.
void WipeBytes(absl::Span<uint8_t> bytes);

// Overwrites every byte `text` owns (its whole capacity, not only its
// size) and leaves it empty.
void WipeString(std::string& text);

template <size_t N>
class SecretArray {
 public:
  SecretArray() = default;
  ~SecretArray() { Wipe(); }

  SecretArray(SecretArray&& other) noexcept : bytes_(other.bytes_) { other.Wipe(); }
  SecretArray& operator=(SecretArray&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      other.Wipe();
    }
    return *this;
  }
  SecretArray(const SecretArray&) = delete;
  SecretArray& operator=(const SecretArray&) = delete;

  static constexpr size_t size() { return N; }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  absl::Span<uint8_t> span() { return absl::MakeSpan(bytes_); }
  absl::Span<const uint8_t> span() const { return absl::MakeConstSpan(bytes_); }
  const std::array<uint8_t, N>& array() const { return bytes_; }

  void Wipe() { sodium_memzero(bytes_.data(), bytes_.size()); }

 private:
  std::array<uint8_t, N> bytes_{};
};

// Wipes a contiguous container of trivially copyable elements (std::array,
// std::vector, std::string) when the scope ends. The range is read at that
// moment, so a vector may grow in between.
template <typename Container>
class WipeOnExit {
 public:
  explicit WipeOnExit(Container& container) : container_(container) {}
  ~WipeOnExit() { sodium_memzero(container_.data(), container_.size() * sizeof(*container_.data())); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  Container& container_;
};

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_SECURE_BYTES_H_
