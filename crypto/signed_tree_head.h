#ifndef SAMENLOOP_CRYPTO_SIGNED_TREE_HEAD_H_
#define SAMENLOOP_CRYPTO_SIGNED_TREE_HEAD_H_

// Ed25519 signatures (libsodium) over the audit log's tree heads. The signed
// bytes are fixed and versioned (docs/audit.md):
//
//   "samenloop-tree-head-v1" || 0x00 || tree size (uint64, big-endian)
//   || root hash (32 bytes) || timestamp (Unix milliseconds, int64, big-endian)
//
// so an auditor can verify a saved tree head offline with the log's public key.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crypto/merkle_rfc6962.h"
#include "crypto/secure_bytes.h"

namespace samenloop::crypto {

using LogPublicKey = std::array<uint8_t, 32>;
using TreeHeadSignature = std::array<uint8_t, 64>;

struct TreeHead {
  uint64_t tree_size = 0;
  MerkleHash root{};
  int64_t timestamp_ms = 0;
};

std::vector<uint8_t> TreeHeadSigningInput(const TreeHead& head);

// The broker's log signing key (Ed25519 secret key, 64 bytes in libsodium's
// layout). Wiped on destruction.
class LogSigningKey {
 public:
  static LogSigningKey Generate();
  static absl::StatusOr<LogSigningKey> FromBytes(absl::Span<const uint8_t> bytes);

  absl::Span<const uint8_t> bytes() const { return secret_.span(); }
  LogPublicKey PublicKey() const;
  TreeHeadSignature Sign(const TreeHead& head) const;

 private:
  SecretArray<64> secret_;
};

// OK if `signature` is the log key's signature over `head`.
absl::Status VerifyTreeHead(const TreeHead& head, const TreeHeadSignature& signature, const LogPublicKey& key);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_SIGNED_TREE_HEAD_H_
