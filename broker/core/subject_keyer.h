#ifndef SAMENLOOP_BROKER_CORE_SUBJECT_KEYER_H_
#define SAMENLOOP_BROKER_CORE_SUBJECT_KEYER_H_

// SubjectKeyer turns a pseudonym into the broker's index key:
// HMAC-SHA256 under the broker's index secret (crypto/keyed_index.h). The
// pseudonym as it arrived is never stored; a copy of the database is useless
// for linking with any other system without the secret.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "broker/core/opaque_ids.h"
#include "crypto/keyed_index.h"
#include "samenloop/v1/common.pb.h"

namespace samenloop::broker {

class SubjectKeyer {
 public:
  // Loads the index secret from a file readable by the owner only.
  static absl::StatusOr<std::unique_ptr<SubjectKeyer>> FromSecretFile(const std::string& path);
  // Writes a new random secret file with mode 0600; refuses to overwrite.
  static absl::Status GenerateSecretFile(const std::string& path);

  explicit SubjectKeyer(crypto::IndexSecret secret);

  // 32-byte index key of a (validated, 64-byte) pseudonym.
  std::string KeyFor(const v1::Pseudonym& pseudonym) const;

  // The ids organisations see, keyed from the same secret (opaque_ids.h).
  const OpaqueIds& Ids() const { return ids_; }

 private:
  crypto::IndexSecret secret_;
  OpaqueIds ids_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_SUBJECT_KEYER_H_
