// Fuzz target: what an auditor's `samenloop audit verify` does with bytes the
// broker (or whoever tampered with it) hands over: RFC 6962 inclusion and
// consistency proof verification (crypto/merkle_rfc6962.h) and the Ed25519
// tree head signature (crypto/signed_tree_head.h).
//
// Input: a small honest tree, and attacker-chosen proofs, hashes, sizes and
// signatures against it:
//   [0] leaves n = 1 + b % 64   [1] leaf seed   [2] index % n   [3] first % (n+1)
//   [4..12) a, [12..20) b: u64 big-endian, used raw (sizes, indexes, timestamp)
//   [20..52) a candidate hash (a leaf hash, an earlier root, a tree head root)
//   [52..)  up to 64 32-byte hashes: a forged proof; its first 64 bytes are
//           also tried as a tree head signature
// Besides crashes and sanitizer reports, these are bugs (abort):
//   - an honest proof does not verify;
//   - a forged inclusion proof verifies a leaf that is not the tree's leaf at
//     that index, or an index outside the tree (the true size and root are
//     given, so that would take a SHA-256 collision);
//   - a forged consistency proof verifies an earlier root other than the
//     true root of the first leaves;
//   - a tree head signature verifies that the log key did not make, or a
//     genuine one still verifies after any field of the head changed.
// Run: tests/fuzz/run.sh or tests/fuzz/ci.sh; the seed corpus replays in
// every ctest run.

#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "crypto/merkle_rfc6962.h"
#include "crypto/signed_tree_head.h"

namespace crypto = samenloop::crypto;

namespace {

constexpr size_t kHeader = 52;

uint64_t BigEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void Require(bool property) {
  if (!property) std::abort();
}

// A fixed key, so a failing input reproduces.
const crypto::LogSigningKey& LogKey() {
  static const crypto::LogSigningKey key = [] {
    if (sodium_init() < 0) std::abort();
    unsigned char seed[crypto_sign_SEEDBYTES] = {42};
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, seed);
    absl::StatusOr<crypto::LogSigningKey> k = crypto::LogSigningKey::FromBytes(sk);
    if (!k.ok()) std::abort();
    return *std::move(k);
  }();
  return key;
}

void CheckProofs(const uint8_t* data, size_t size) {
  const uint64_t n = 1 + data[0] % 64;
  std::vector<crypto::MerkleHash> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t leaf[2] = {data[1], static_cast<uint8_t>(i)};
    leaves.push_back(crypto::HashLeaf(leaf));
  }
  const uint64_t index = data[2] % n;
  const uint64_t first = data[3] % (n + 1);
  const uint64_t a = BigEndian64(data + 4), b = BigEndian64(data + 12);
  crypto::MerkleHash candidate{};
  std::copy_n(data + 20, candidate.size(), candidate.begin());
  std::vector<crypto::MerkleHash> forged((size - kHeader) / 32);
  if (forged.size() > 64) forged.resize(64);
  for (size_t i = 0; i < forged.size(); ++i) std::copy_n(data + kHeader + 32 * i, 32, forged[i].begin());

  const crypto::MerkleHash root = crypto::RootFromLeafHashes(leaves);
  const crypto::MerkleHash first_root =
      crypto::RootFromLeafHashes(absl::MakeConstSpan(leaves).subspan(0, static_cast<size_t>(first)));

  // Honest proofs verify.
  absl::StatusOr<std::vector<crypto::MerkleHash>> path = crypto::InclusionProof(index, n, leaves);
  Require(path.ok() && crypto::VerifyInclusion(index, n, leaves[index], *path, root).ok());
  absl::StatusOr<std::vector<crypto::MerkleHash>> extension = crypto::ConsistencyProof(first, n, leaves);
  Require(extension.ok() && crypto::VerifyConsistency(first, n, first_root, root, *extension).ok());

  // Forged inclusion proofs against the true size and root.
  if (crypto::VerifyInclusion(index, n, candidate, forged, root).ok()) Require(candidate == leaves[index]);
  if (crypto::VerifyInclusion(a, n, candidate, forged, root).ok()) Require(a < n && candidate == leaves[a]);
  // Forged consistency proofs: only the true earlier root is extended.
  if (crypto::VerifyConsistency(first, n, candidate, root, forged).ok()) Require(candidate == first_root);
  if (crypto::VerifyConsistency(a, n, candidate, root, forged).ok()) {
    Require(a <= n);
    Require(candidate ==
            crypto::RootFromLeafHashes(absl::MakeConstSpan(leaves).subspan(0, static_cast<size_t>(a))));
  }
  // Raw sizes from the input (huge, zero, out of order): never crash or
  // hang, and never accept what is out of range.
  if (crypto::VerifyInclusion(a, b, candidate, forged, candidate).ok()) Require(a < b);
  if (crypto::VerifyConsistency(a, b, candidate, candidate, forged).ok()) Require(a <= b);
}

void CheckTreeHead(const uint8_t* data, size_t size) {
  crypto::TreeHead head;
  head.tree_size = BigEndian64(data + 4);
  head.timestamp_ms = static_cast<int64_t>(BigEndian64(data + 12));
  std::copy_n(data + 20, head.root.size(), head.root.begin());
  const crypto::LogSigningKey& key = LogKey();
  const crypto::LogPublicKey public_key = key.PublicKey();
  const crypto::TreeHeadSignature genuine = key.Sign(head);
  Require(crypto::VerifyTreeHead(head, genuine, public_key).ok());

  if (size >= kHeader + 64) {
    crypto::TreeHeadSignature presented{};
    std::copy_n(data + kHeader, presented.size(), presented.begin());
    if (crypto::VerifyTreeHead(head, presented, public_key).ok()) Require(presented == genuine);
  }
  crypto::TreeHead changed = head;
  ++changed.tree_size;
  Require(!crypto::VerifyTreeHead(changed, genuine, public_key).ok());
  changed = head;
  changed.timestamp_ms = static_cast<int64_t>(static_cast<uint64_t>(head.timestamp_ms) + 1);  // wraps, no UB
  Require(!crypto::VerifyTreeHead(changed, genuine, public_key).ok());
  changed = head;
  changed.root[data[2] % changed.root.size()] ^= static_cast<uint8_t>(1u << (data[3] % 8));
  Require(!crypto::VerifyTreeHead(changed, genuine, public_key).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeader) return 0;
  CheckProofs(data, size);
  CheckTreeHead(data, size);
  return 0;
}
