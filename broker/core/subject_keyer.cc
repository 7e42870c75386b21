#include "broker/core/subject_keyer.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/tls_files.h"
#include "crypto/secure_bytes.h"

namespace samenloop::broker {
namespace {

constexpr size_t kSecretBytes = 32;

}  // namespace

absl::Status SubjectKeyer::GenerateSecretFile(const std::string& path) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  crypto::SecretArray<kSecretBytes> secret;
  randombytes_buf(secret.data(), secret.size());
  return WriteNewSecretFile(path, absl::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
}

absl::StatusOr<std::unique_ptr<SubjectKeyer>> SubjectKeyer::FromSecretFile(const std::string& path) {
  if (absl::Status s = CheckSecretFilePermissions(path); !s.ok()) return s;
  absl::StatusOr<std::string> bytes = ReadFileToString(path);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != kSecretBytes) {
    sodium_memzero(bytes->data(), bytes->size());
    return absl::FailedPreconditionError(absl::StrCat(path, ": index secret must be exactly ", kSecretBytes, " bytes"));
  }
  absl::StatusOr<crypto::IndexSecret> secret = crypto::IndexSecret::FromBytes(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  sodium_memzero(bytes->data(), bytes->size());
  if (!secret.ok()) return secret.status();
  return std::make_unique<SubjectKeyer>(*std::move(secret));
}

SubjectKeyer::SubjectKeyer(crypto::IndexSecret secret)
    : secret_(std::move(secret)), ids_(crypto::IdCipher::FromIndexSecret(secret_)) {}

std::string SubjectKeyer::KeyFor(const v1::Pseudonym& pseudonym) const {
  const std::string& value = pseudonym.value();
  crypto::SubjectKey key = crypto::ComputeSubjectKey(
      secret_, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

}  // namespace samenloop::broker
