#include "crypto/expand_message_xmd.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "crypto/secure_bytes.h"

namespace samenloop::crypto {
namespace {

constexpr size_t kHashBytes = crypto_hash_sha512_BYTES;  // b_in_bytes
constexpr size_t kBlockBytes = 128;                        // s_in_bytes, SHA-512's block size

void Update(crypto_hash_sha512_state& state, absl::Span<const uint8_t> bytes) {
  crypto_hash_sha512_update(&state, bytes.data(), bytes.size());
}

// DST_prime = DST || I2OSP(len(DST), 1)
void UpdateDstPrime(crypto_hash_sha512_state& state, absl::string_view dst) {
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(dst.data()), dst.size());
  const uint8_t dst_length = static_cast<uint8_t>(dst.size());
  crypto_hash_sha512_update(&state, &dst_length, 1);
}

}  // namespace

absl::Status ExpandMessageXmdSha512(absl::Span<const uint8_t> message, absl::string_view dst,
                                    absl::Span<uint8_t> out) {
  if (dst.empty() || dst.size() > 255) {
    return absl::InvalidArgumentError("expand_message_xmd: dst must be 1 to 255 bytes");
  }
  const size_t length = out.size();
  if (length == 0 || length > kExpandMessageXmdSha512MaxBytes) {
    return absl::InvalidArgumentError("expand_message_xmd: len_in_bytes must be 1 to 16320");
  }
  const size_t ell = (length + kHashBytes - 1) / kHashBytes;

  // The message may be a BSN encoding; everything derived from it is wiped.
  crypto_hash_sha512_state state;
  std::array<uint8_t, kHashBytes> b0{};
  std::array<uint8_t, kHashBytes> bi{};
  std::array<uint8_t, kHashBytes> chained{};
  WipeOnExit wipe_b0(b0);
  WipeOnExit wipe_bi(bi);
  WipeOnExit wipe_chained(chained);

  // b_0 = H(Z_pad || msg || I2OSP(len_in_bytes, 2) || I2OSP(0, 1) || DST_prime)
  static constexpr std::array<uint8_t, kBlockBytes> kZPad{};
  const std::array<uint8_t, 3> length_and_zero = {static_cast<uint8_t>(length >> 8),
                                                  static_cast<uint8_t>(length & 0xff), 0};
  crypto_hash_sha512_init(&state);
  Update(state, kZPad);
  Update(state, message);
  Update(state, length_and_zero);
  UpdateDstPrime(state, dst);
  crypto_hash_sha512_final(&state, b0.data());

  // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime)
  // b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime)
  for (size_t i = 1; i <= ell; ++i) {
    for (size_t j = 0; j < kHashBytes; ++j) chained[j] = i == 1 ? b0[j] : static_cast<uint8_t>(b0[j] ^ bi[j]);
    const uint8_t counter = static_cast<uint8_t>(i);
    crypto_hash_sha512_init(&state);
    Update(state, chained);
    crypto_hash_sha512_update(&state, &counter, 1);
    UpdateDstPrime(state, dst);
    crypto_hash_sha512_final(&state, bi.data());
    const size_t offset = (i - 1) * kHashBytes;
    const size_t take = std::min(kHashBytes, length - offset);
    std::copy_n(bi.begin(), take, out.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  sodium_memzero(&state, sizeof state);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> ExpandMessageXmdSha512(absl::Span<const uint8_t> message,
                                                             absl::string_view dst, size_t length) {
  if (length > kExpandMessageXmdSha512MaxBytes) {
    return absl::InvalidArgumentError("expand_message_xmd: len_in_bytes must be 1 to 16320");
  }
  std::vector<uint8_t> out(length);
  if (absl::Status status = ExpandMessageXmdSha512(message, dst, absl::MakeSpan(out)); !status.ok()) {
    return status;
  }
  return out;
}

}  // namespace samenloop::crypto
