#include "crypto/merkle_rfc6962.h"

#include <sodium.h>

#include <bit>
#include <string>

#include "absl/strings/str_cat.h"

namespace samenloop::crypto {
namespace {

// The largest power of two smaller than n (RFC 6962's k), for n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// PATH(m, D[begin:end]) with m relative to begin, appended leaf to root.
void Path(uint64_t m, uint64_t begin, uint64_t end, const SubtreeHashFn& subtree_hash,
          std::vector<MerkleHash>& out) {
  const uint64_t n = end - begin;
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    Path(m, begin, begin + k, subtree_hash, out);
    out.push_back(subtree_hash(begin + k, end));
  } else {
    Path(m - k, begin + k, end, subtree_hash, out);
    out.push_back(subtree_hash(begin, begin + k));
  }
}

// SUBPROOF(m, D[begin:end], b) with m relative to begin.
void SubProof(uint64_t m, uint64_t begin, uint64_t end, bool b, const SubtreeHashFn& subtree_hash,
              std::vector<MerkleHash>& out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!b) out.push_back(subtree_hash(begin, end));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, b, subtree_hash, out);
    out.push_back(subtree_hash(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, subtree_hash, out);
    out.push_back(subtree_hash(begin, begin + k));
  }
}

SubtreeHashFn OverLeafHashes(absl::Span<const MerkleHash> leaf_hashes) {
  return [leaf_hashes](uint64_t begin, uint64_t end) {
    return RootFromLeafHashes(leaf_hashes.subspan(static_cast<size_t>(begin), static_cast<size_t>(end - begin)));
  };
}

}  // namespace

MerkleHash HashLeaf(absl::Span<const uint8_t> data) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kMerkleLeafPrefix, 1);
  crypto_hash_sha256_update(&state, data.data(), data.size());
  MerkleHash out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

MerkleHash HashChildren(const MerkleHash& left, const MerkleHash& right) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kMerkleNodePrefix, 1);
  crypto_hash_sha256_update(&state, left.data(), left.size());
  crypto_hash_sha256_update(&state, right.data(), right.size());
  MerkleHash out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

MerkleHash EmptyRoot() {
  MerkleHash out{};
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

MerkleHash RootFromLeafHashes(absl::Span<const MerkleHash> leaf_hashes) {
  const size_t n = leaf_hashes.size();
  if (n == 0) return EmptyRoot();
  if (n == 1) return leaf_hashes[0];
  const size_t k = static_cast<size_t>(SplitPoint(n));
  return HashChildren(RootFromLeafHashes(leaf_hashes.subspan(0, k)), RootFromLeafHashes(leaf_hashes.subspan(k)));
}

absl::StatusOr<std::vector<MerkleHash>> InclusionProof(uint64_t index, uint64_t tree_size,
                                                       const SubtreeHashFn& subtree_hash) {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("merkle inclusion proof: index ", index, " out of range for tree size ", tree_size));
  }
  std::vector<MerkleHash> proof;
  Path(index, 0, tree_size, subtree_hash, proof);
  return proof;
}

absl::StatusOr<std::vector<MerkleHash>> InclusionProof(uint64_t index, uint64_t tree_size,
                                                       absl::Span<const MerkleHash> leaf_hashes) {
  if (tree_size > leaf_hashes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("merkle inclusion proof: tree size ", tree_size, " exceeds the ",
                                                   leaf_hashes.size(), " leaf hashes given"));
  }
  return InclusionProof(index, tree_size, OverLeafHashes(leaf_hashes));
}

absl::StatusOr<std::vector<MerkleHash>> ConsistencyProof(uint64_t first, uint64_t second,
                                                         const SubtreeHashFn& subtree_hash) {
  if (first > second) {
    return absl::InvalidArgumentError(
        absl::StrCat("merkle consistency proof: first size ", first, " exceeds second size ", second));
  }
  std::vector<MerkleHash> proof;
  if (first == 0 || first == second) return proof;
  SubProof(first, 0, second, true, subtree_hash, proof);
  return proof;
}

absl::StatusOr<std::vector<MerkleHash>> ConsistencyProof(uint64_t first, uint64_t second,
                                                         absl::Span<const MerkleHash> leaf_hashes) {
  if (second > leaf_hashes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("merkle consistency proof: second size ", second,
                                                   " exceeds the ", leaf_hashes.size(), " leaf hashes given"));
  }
  return ConsistencyProof(first, second, OverLeafHashes(leaf_hashes));
}

absl::Status VerifyInclusion(uint64_t index, uint64_t tree_size, const MerkleHash& leaf_hash,
                             absl::Span<const MerkleHash> proof, const MerkleHash& root) {
  // 1.
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("merkle inclusion: index ", index, " out of range for tree size ", tree_size));
  }
  // 2., 3.
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  MerkleHash r = leaf_hash;
  // 4.
  for (const MerkleHash& p : proof) {
    if (sn == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("merkle inclusion: proof too long (", proof.size(), " hashes) for index ", index,
                       " in tree size ", tree_size));
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat("merkle inclusion: proof too short (", proof.size(),
                                                   " hashes) for index ", index, " in tree size ", tree_size));
  }
  if (r != root) return absl::InvalidArgumentError("merkle inclusion: root mismatch");
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t first, uint64_t second, const MerkleHash& first_root,
                               const MerkleHash& second_root, absl::Span<const MerkleHash> proof) {
  if (first > second) {
    return absl::InvalidArgumentError(
        absl::StrCat("merkle consistency: first size ", first, " exceeds second size ", second));
  }
  if (first == 0 || first == second) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("merkle consistency: proof must be empty for sizes ", first,
                                                     " and ", second, ", got ", proof.size(), " hashes"));
    }
    if (first == 0 && first_root != EmptyRoot()) {
      return absl::InvalidArgumentError("merkle consistency: first root is not the empty tree's root");
    }
    if (first == second && first_root != second_root) {
      return absl::InvalidArgumentError("merkle consistency: roots differ for equal tree sizes");
    }
    return absl::OkStatus();
  }
  // RFC 9162 §2.1.4.2, 0 < first < second.
  // 1.
  if (proof.empty()) return absl::InvalidArgumentError("merkle consistency: empty proof");
  // 2. Rather than prepend first_root, start from it and walk the whole proof.
  const bool first_is_power_of_two = std::has_single_bit(first);
  size_t next = 0;
  // 3.
  uint64_t fn = first - 1;
  uint64_t sn = second - 1;
  // 4.
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  MerkleHash fr = first_is_power_of_two ? first_root : proof[next++];
  MerkleHash sr = fr;
  // 6.
  for (; next < proof.size(); ++next) {
    const MerkleHash& c = proof[next];
    if (sn == 0) {
      return absl::InvalidArgumentError(absl::StrCat("merkle consistency: proof too long (", proof.size(),
                                                     " hashes) for sizes ", first, " and ", second));
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // 7.
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat("merkle consistency: proof too short (", proof.size(),
                                                   " hashes) for sizes ", first, " and ", second));
  }
  if (fr != first_root) return absl::InvalidArgumentError("merkle consistency: first root mismatch");
  if (sr != second_root) return absl::InvalidArgumentError("merkle consistency: second root mismatch");
  return absl::OkStatus();
}

}  // namespace samenloop::crypto
