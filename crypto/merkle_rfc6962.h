#ifndef SAMENLOOP_CRYPTO_MERKLE_RFC6962_H_
#define SAMENLOOP_CRYPTO_MERKLE_RFC6962_H_

// The Merkle tree of a tamper-evident, append-only audit log, in the
// Certificate Transparency shape so that auditors can check it offline with
// nothing but a tree head they kept and the proofs the log hands out:
//
//   hashing    RFC 6962 §2.1 (= RFC 9162 §2.1.1) with SHA-256:
//                leaf  = SHA-256(0x00 || data)
//                node  = SHA-256(0x01 || left || right)
//                empty = SHA-256("")
//              and the tree split at the largest power of two smaller than n.
//   proofs     RFC 6962 §2.1.1 PATH (inclusion) and §2.1.2 PROOF/SUBPROOF
//              (consistency), byte-identical to what a CT log returns.
//   verifying  RFC 9162 §2.1.3.2 and §2.1.4.2, the iterative algorithms.
//
// Why: an inclusion proof shows an auditor that an entry is in the log a tree
// head commits to; a consistency proof shows that a later tree head extends an
// earlier one, i.e. that nothing was rewritten or removed. The distinct leaf
// and node prefixes stop a leaf from being passed off as an inner node.
//
// A proof authenticates a leaf or an earlier root against a root, not the
// tree size on its own: a proof can also verify under another size whose tree
// has the same shape along the path (leaf 0's proof in a 3-leaf tree verifies
// with size 4 and the 3-leaf root). Take size and root together from a signed
// tree head, never one from the log and the other from elsewhere.
//
// Proof generation only needs subtree hashes, asked for through a
// SubtreeHashFn, so a store of nodes can serve them; an overload over an
// in-memory span of leaf hashes is provided as well.

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

using MerkleHash = std::array<uint8_t, 32>;

// Domain-separation prefixes of RFC 6962 §2.1.
inline constexpr uint8_t kMerkleLeafPrefix = 0x00;
inline constexpr uint8_t kMerkleNodePrefix = 0x01;

// SHA-256(0x00 || data).
MerkleHash HashLeaf(absl::Span<const uint8_t> data);
// SHA-256(0x01 || left || right).
MerkleHash HashChildren(const MerkleHash& left, const MerkleHash& right);
// MTH({}) = SHA-256(""), the root of the empty tree.
MerkleHash EmptyRoot();

// MTH(D[0:n]) over leaf hashes (already HashLeaf'ed), RFC 6962 §2.1.
MerkleHash RootFromLeafHashes(absl::Span<const MerkleHash> leaf_hashes);

// Returns MTH(D[begin:end]) for 0 <= begin < end <= tree_size. Proof
// generation asks only for complete subtrees (end - begin a power of two,
// begin a multiple of it) and for ranges ending at the tree size in question.
using SubtreeHashFn = std::function<MerkleHash(uint64_t begin, uint64_t end)>;

// PATH(index, D[0:tree_size]), leaf to root order. INVALID_ARGUMENT if
// index >= tree_size (so always for tree_size 0).
absl::StatusOr<std::vector<MerkleHash>> InclusionProof(uint64_t index, uint64_t tree_size,
                                                       const SubtreeHashFn& subtree_hash);
// The same over leaf hashes; tree_size may be smaller than leaf_hashes.size()
// (a proof against an earlier tree head), not larger.
absl::StatusOr<std::vector<MerkleHash>> InclusionProof(uint64_t index, uint64_t tree_size,
                                                       absl::Span<const MerkleHash> leaf_hashes);

// PROOF(first, D[0:second]). RFC 6962 defines it for 0 < first < second; for
// first == second and for first == 0 the proof is empty (as VerifyConsistency
// expects). INVALID_ARGUMENT if first > second.
absl::StatusOr<std::vector<MerkleHash>> ConsistencyProof(uint64_t first, uint64_t second,
                                                         const SubtreeHashFn& subtree_hash);
// The same over leaf hashes; second <= leaf_hashes.size().
absl::StatusOr<std::vector<MerkleHash>> ConsistencyProof(uint64_t first, uint64_t second,
                                                         absl::Span<const MerkleHash> leaf_hashes);

// RFC 9162 §2.1.3.2. OK iff `proof` shows that `leaf_hash` is leaf `index` of
// the tree of `tree_size` leaves whose root is `root`; INVALID_ARGUMENT with
// the reason otherwise (index out of range, proof too short/long, root
// mismatch).
absl::Status VerifyInclusion(uint64_t index, uint64_t tree_size, const MerkleHash& leaf_hash,
                             absl::Span<const MerkleHash> proof, const MerkleHash& root);

// RFC 9162 §2.1.4.2 for 0 < first < second. OK iff `proof` shows that the
// tree of `second` leaves with root `second_root` extends the tree of `first`
// leaves with root `first_root`; INVALID_ARGUMENT with the reason otherwise.
// Outside the RFC's range (it defines neither case):
//   first > second   always INVALID_ARGUMENT;
//   first == second  the proof must be empty and the roots equal;
//   first == 0       the proof must be empty and first_root must be
//                    EmptyRoot(); every tree extends the empty one, so
//                    second_root is not (and cannot be) checked.
absl::Status VerifyConsistency(uint64_t first, uint64_t second, const MerkleHash& first_root,
                               const MerkleHash& second_root, absl::Span<const MerkleHash> proof);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_MERKLE_RFC6962_H_
