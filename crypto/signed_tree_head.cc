#include "crypto/signed_tree_head.h"

#include <sodium.h>

#include <cstdlib>

#include "absl/strings/string_view.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kTreeHeadLabel = "samenloop-tree-head-v1";

void AppendBigEndian(std::vector<uint8_t>& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>((value >> shift) & 0xff));
}

}  // namespace

std::vector<uint8_t> TreeHeadSigningInput(const TreeHead& head) {
  std::vector<uint8_t> out(kTreeHeadLabel.begin(), kTreeHeadLabel.end());
  out.push_back(0x00);
  AppendBigEndian(out, head.tree_size);
  out.insert(out.end(), head.root.begin(), head.root.end());
  AppendBigEndian(out, static_cast<uint64_t>(head.timestamp_ms));
  return out;
}

LogSigningKey LogSigningKey::Generate() {
  if (sodium_init() < 0) std::abort();  // no safe randomness: refuse to continue
  LogSigningKey key;
  LogPublicKey unused{};
  crypto_sign_keypair(unused.data(), key.secret_.data());
  return key;
}

absl::StatusOr<LogSigningKey> LogSigningKey::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() != crypto_sign_SECRETKEYBYTES) {
    return absl::InvalidArgumentError("log signing key: must be 64 bytes (an Ed25519 secret key)");
  }
  LogSigningKey key;
  std::copy(bytes.begin(), bytes.end(), key.secret_.data());
  // libsodium's secret key carries its public key: check they belong together.
  LogPublicKey derived{};
  crypto_sign_ed25519_sk_to_pk(derived.data(), key.secret_.data());
  SecretArray<crypto_sign_SEEDBYTES> seed;
  crypto_sign_ed25519_sk_to_seed(seed.data(), key.secret_.data());
  LogPublicKey expected{};
  SecretArray<crypto_sign_SECRETKEYBYTES> rebuilt;
  crypto_sign_seed_keypair(expected.data(), rebuilt.data(), seed.data());
  if (sodium_memcmp(derived.data(), expected.data(), derived.size()) != 0) {
    return absl::InvalidArgumentError("log signing key: corrupt (its public half does not match)");
  }
  return key;
}

LogPublicKey LogSigningKey::PublicKey() const {
  LogPublicKey out{};
  crypto_sign_ed25519_sk_to_pk(out.data(), secret_.data());
  return out;
}

TreeHeadSignature LogSigningKey::Sign(const TreeHead& head) const {
  const std::vector<uint8_t> message = TreeHeadSigningInput(head);
  TreeHeadSignature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_.data());
  return signature;
}

absl::Status VerifyTreeHead(const TreeHead& head, const TreeHeadSignature& signature, const LogPublicKey& key) {
  const std::vector<uint8_t> message = TreeHeadSigningInput(head);
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) != 0) {
    return absl::InvalidArgumentError("tree head: signature does not verify with the log's public key");
  }
  return absl::OkStatus();
}

}  // namespace samenloop::crypto
