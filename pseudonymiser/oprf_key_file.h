#ifndef SAMENLOOP_PSEUDONYMISER_OPRF_KEY_FILE_H_
#define SAMENLOOP_PSEUDONYMISER_OPRF_KEY_FILE_H_

// The pseudonymiser's OPRF key file. It holds the one secret that turns a
// BSN into a pseudonym, so it is written with mode 0600 and the server
// refuses to load a file that group or others can read. Format (text):
//
//   # samenloop-pseudonymiser OPRF key: keep secret
//   suite: ristretto255-SHA512
//   mode: oprf
//   epoch: 0
//   secret: <64 hex digits: the private scalar, little-endian>
//
// Only the pseudonymiser's binary and configuration refer to this file;
// the broker has no option that could load it.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "crypto/oprf_rfc9497.h"

namespace samenloop::pseudonymiser {

struct OprfKey {
  crypto::OprfMode mode = crypto::OprfMode::kOprf;
  uint32_t epoch = 0;
  crypto::OprfSecretKey secret;
  crypto::Element public_key{};
};

// Generates a fresh random key and writes it; refuses to overwrite a file.
absl::Status GenerateKeyFile(const std::string& path, crypto::OprfMode mode, uint32_t epoch);

absl::StatusOr<OprfKey> LoadKeyFile(const std::string& path);

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_OPRF_KEY_FILE_H_
