#include "crypto/expand_message_xmd.h"

#include <sodium.h>

#include <array>

#include "absl/status/status.h"

namespace samenloop::crypto {
namespace {

constexpr size_t kHashBytes = crypto_hash_sha512_BYTES;  // b_in_bytes
constexpr size_t kBlockBytes = 128;                        // s_in_bytes (SHA-512 block size)

void UpdateDstPrime(crypto_hash_sha512_state* state, absl::string_view dst) {
  crypto_hash_sha512_update(state, reinterpret_cast<const unsigned char*>(dst.data()), dst.size());
  const unsigned char dst_length = static_cast<unsigned char>(dst.size());
  crypto_hash_sha512_update(state, &dst_length, 1);
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> ExpandMessageXmdSha512(absl::Span<const uint8_t> message,
                                                             absl::string_view dst, size_t length) {
  if (dst.empty() || dst.size() > 255) {
    return absl::InvalidArgumentError("expand_message_xmd: DST must be 1 to 255 bytes");
  }
  const size_t blocks = (length + kHashBytes - 1) / kHashBytes;  // ell
  if (length == 0 || length > 65535 || blocks > 255) {
    return absl::InvalidArgumentError("expand_message_xmd: length out of range");
  }

  // b_0 = H(Z_pad || msg || I2OSP(len, 2) || I2OSP(0, 1) || DST_prime)
  std::array<unsigned char, kHashBytes> b0{};
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  const std::array<unsigned char, kBlockBytes> z_pad{};
  crypto_hash_sha512_update(&state, z_pad.data(), z_pad.size());
  crypto_hash_sha512_update(&state, message.data(), message.size());
  const unsigned char suffix[3] = {static_cast<unsigned char>(length >> 8),
                                   static_cast<unsigned char>(length & 0xff), 0};
  crypto_hash_sha512_update(&state, suffix, sizeof suffix);
  UpdateDstPrime(&state, dst);
  crypto_hash_sha512_final(&state, b0.data());

  // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime);
  // b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime)
  std::vector<uint8_t> out;
  out.reserve(blocks * kHashBytes);
  std::array<unsigned char, kHashBytes> previous{};
  for (size_t i = 1; i <= blocks; ++i) {
    std::array<unsigned char, kHashBytes> input{};
    for (size_t j = 0; j < kHashBytes; ++j) {
      input[j] = static_cast<unsigned char>(i == 1 ? b0[j] : (b0[j] ^ previous[j]));
    }
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, input.data(), input.size());
    const unsigned char counter = static_cast<unsigned char>(i);
    crypto_hash_sha512_update(&state, &counter, 1);
    UpdateDstPrime(&state, dst);
    crypto_hash_sha512_final(&state, previous.data());
    out.insert(out.end(), previous.begin(), previous.end());
  }
  sodium_memzero(b0.data(), b0.size());
  sodium_memzero(previous.data(), previous.size());
  out.resize(length);
  return out;
}

}  // namespace samenloop::crypto
