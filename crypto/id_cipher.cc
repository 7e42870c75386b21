#include "crypto/id_cipher.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/string_view.h"

namespace samenloop::crypto {
namespace {

// Binds this use of the index secret (see keyed_index.h for the scheme).
constexpr absl::string_view kLabel = "samenloop/opaque-ids/v1";

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

IdBlock Apply(const SecretArray<16>& key, const IdBlock& in, bool encrypt) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter> ctx(EVP_CIPHER_CTX_new());
  IdBlock out{};
  int written = 0;
  // One block, no padding: ECB of a single block is the raw permutation.
  // A failure here means OpenSSL itself is broken; ids must not silently
  // degrade, so it is fatal.
  if (ctx == nullptr || EVP_CipherInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr,
                                          encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), out.data(), &written, in.data(), static_cast<int>(in.size())) != 1 ||
      written != static_cast<int>(out.size())) {
    std::abort();
  }
  return out;
}

}  // namespace

IdCipher IdCipher::FromIndexSecret(const IndexSecret& secret) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.bytes().data(), secret.bytes().size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size());
  const uint8_t separator = 0x00;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  SecretArray<32> derived;
  crypto_auth_hmacsha256_final(&state, derived.data());
  sodium_memzero(&state, sizeof state);
  IdCipher cipher;
  for (size_t i = 0; i < cipher.key_.size(); ++i) cipher.key_.data()[i] = derived.data()[i];
  return cipher;
}

IdBlock IdCipher::Seal(const IdBlock& plain) const { return Apply(key_, plain, /*encrypt=*/true); }

IdBlock IdCipher::Open(const IdBlock& sealed) const { return Apply(key_, sealed, /*encrypt=*/false); }

}  // namespace samenloop::crypto
