#ifndef SAMENLOOP_CRYPTO_ID_CIPHER_H_
#define SAMENLOOP_CRYPTO_ID_CIPHER_H_

// IdCipher is a keyed pseudorandom permutation of 16-byte blocks (AES-128,
// one block, from OpenSSL) for identifiers that must not reveal what they
// number. The broker numbers its signals and notifications internally; what
// it shows to organisations is the encrypted block, so an id says nothing
// about how many other signals exist, yet the broker can read the number back
// without a lookup table.
//
// The key is derived from the broker's index secret with its own label
// (crypto/keyed_index.h), so no new secret needs to be managed:
//
//   IdCipher cipher = IdCipher::FromIndexSecret(secret);
//   IdBlock sealed = cipher.Seal(block);   // cipher.Open(sealed) == block

#include <array>
#include <cstdint>

#include "crypto/keyed_index.h"
#include "crypto/secure_bytes.h"

namespace samenloop::crypto {

using IdBlock = std::array<uint8_t, 16>;

class IdCipher {
 public:
  static IdCipher FromIndexSecret(const IndexSecret& secret);

  IdBlock Seal(const IdBlock& plain) const;
  IdBlock Open(const IdBlock& sealed) const;

 private:
  IdCipher() = default;
  SecretArray<16> key_;
};

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_ID_CIPHER_H_
