#include "crypto/merkle_rfc6962.h"

#include <sodium.h>

#include <bit>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "crypto/hex.h"
#include "gtest/gtest.h"
#include "tests/support/mini_json.h"

namespace samenloop::crypto {
namespace {

using samenloop::testing::JsonValue;

// tests/data/vectors/rfc6962-ct-reference.json: the Certificate Transparency
// reference tree (8 leaves, roots for sizes 0-8, some proofs).
const JsonValue& Reference() {
  static const JsonValue* reference = [] {
    std::ifstream in(std::string(SAMENLOOP_TEST_DATA_DIR) + "/vectors/rfc6962-ct-reference.json");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = samenloop::testing::ParseJson(text.str());
    if (!parsed.ok()) {
      std::cerr << parsed.status() << "\n";
      std::abort();
    }
    return new JsonValue(*std::move(parsed));
  }();
  return *reference;
}

MerkleHash Hash(const JsonValue& hex) {
  std::vector<uint8_t> bytes = HexDecode(hex.string).value();
  if (bytes.size() != 32) std::abort();
  MerkleHash out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::vector<MerkleHash> Hashes(const JsonValue& array) {
  std::vector<MerkleHash> out;
  for (const JsonValue& hex : array.array) out.push_back(Hash(hex));
  return out;
}

std::vector<MerkleHash> ReferenceLeafHashes() {
  std::vector<MerkleHash> out;
  for (const JsonValue& hex : Reference()["leaves_hex"].array) out.push_back(HashLeaf(HexDecode(hex.string).value()));
  return out;
}

uint64_t Size(const JsonValue& number) { return static_cast<uint64_t>(number.number); }

std::string Hex(const MerkleHash& hash) { return HexEncode(hash); }

std::vector<MerkleHash> LeafHashes(size_t count) {
  std::vector<MerkleHash> out;
  for (size_t i = 0; i < count; ++i) {
    const std::string leaf = "leaf-" + std::to_string(i);
    out.push_back(HashLeaf(absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(leaf.data()), leaf.size())));
  }
  return out;
}

// Memoised MTH(D[begin:end]) over a fixed list of leaf hashes, so that the
// proofs for every size up to a few hundred cost a few hashes each.
class SubtreeCache {
 public:
  explicit SubtreeCache(std::vector<MerkleHash> leaves)
      : leaves_(std::move(leaves)), memo_((leaves_.size() + 1) * (leaves_.size() + 1)) {}

  MerkleHash Get(uint64_t begin, uint64_t end) {
    if (begin >= end || end > leaves_.size()) std::abort();
    if (end - begin == 1) return leaves_[begin];
    std::optional<MerkleHash>& slot = memo_[begin * (leaves_.size() + 1) + end];
    if (!slot) {
      const uint64_t k = std::bit_floor(end - begin - 1);
      slot = HashChildren(Get(begin, begin + k), Get(begin + k, end));
    }
    return *slot;
  }

  SubtreeHashFn Fn() {
    return [this](uint64_t begin, uint64_t end) { return Get(begin, end); };
  }

  const std::vector<MerkleHash>& leaves() const { return leaves_; }

 private:
  std::vector<MerkleHash> leaves_;
  std::vector<std::optional<MerkleHash>> memo_;
};

// --- Hashing -------------------------------------------------------------

TEST(MerkleHashing, PrefixesAndEmptyRoot) {
  EXPECT_EQ(kMerkleLeafPrefix, 0x00);
  EXPECT_EQ(kMerkleNodePrefix, 0x01);
  EXPECT_EQ(Hex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootFromLeafHashes({}), EmptyRoot());

  const std::vector<uint8_t> data = {1, 2, 3};
  std::vector<uint8_t> prefixed = {0x00, 1, 2, 3};
  MerkleHash expected{};
  crypto_hash_sha256(expected.data(), prefixed.data(), prefixed.size());
  EXPECT_EQ(HashLeaf(data), expected);

  const MerkleHash left = HashLeaf(std::vector<uint8_t>{0xaa});
  const MerkleHash right = HashLeaf(std::vector<uint8_t>{0xbb});
  std::vector<uint8_t> node = {0x01};
  node.insert(node.end(), left.begin(), left.end());
  node.insert(node.end(), right.begin(), right.end());
  crypto_hash_sha256(expected.data(), node.data(), node.size());
  EXPECT_EQ(HashChildren(left, right), expected);
  EXPECT_NE(HashChildren(right, left), expected);
}

// --- Known answers: the CT reference tree --------------------------------

TEST(MerkleKnownAnswer, RootsForSizes0To8) {
  const std::vector<MerkleHash> leaves = ReferenceLeafHashes();
  ASSERT_EQ(leaves.size(), 8u);
  for (size_t n = 0; n <= 8; ++n) {
    EXPECT_EQ(Hex(RootFromLeafHashes(absl::Span<const MerkleHash>(leaves).subspan(0, n))),
              Reference()["roots_by_size"][std::to_string(n)].string)
        << "size " << n;
  }
}

TEST(MerkleKnownAnswer, InclusionProofsGeneratedAndVerified) {
  const std::vector<MerkleHash> leaves = ReferenceLeafHashes();
  SubtreeCache cache(leaves);
  ASSERT_FALSE(Reference()["inclusion"].array.empty());
  for (const JsonValue& vector : Reference()["inclusion"].array) {
    const uint64_t index = Size(vector["index"]);
    const uint64_t size = Size(vector["size"]);
    const std::vector<MerkleHash> expected = Hashes(vector["proof"]);
    const MerkleHash root = Hash(Reference()["roots_by_size"][std::to_string(size)]);
    SCOPED_TRACE(::testing::Message() << "index " << index << " size " << size);

    absl::StatusOr<std::vector<MerkleHash>> from_span = InclusionProof(index, size, leaves);
    ASSERT_TRUE(from_span.ok()) << from_span.status();
    EXPECT_EQ(*from_span, expected);
    absl::StatusOr<std::vector<MerkleHash>> from_callback = InclusionProof(index, size, cache.Fn());
    ASSERT_TRUE(from_callback.ok()) << from_callback.status();
    EXPECT_EQ(*from_callback, expected);

    EXPECT_TRUE(VerifyInclusion(index, size, leaves[index], expected, root).ok());
  }
}

TEST(MerkleKnownAnswer, ConsistencyProofsGeneratedAndVerified) {
  const std::vector<MerkleHash> leaves = ReferenceLeafHashes();
  SubtreeCache cache(leaves);
  ASSERT_FALSE(Reference()["consistency"].array.empty());
  for (const JsonValue& vector : Reference()["consistency"].array) {
    const uint64_t first = Size(vector["first"]);
    const uint64_t second = Size(vector["second"]);
    const std::vector<MerkleHash> expected = Hashes(vector["proof"]);
    const MerkleHash first_root = Hash(Reference()["roots_by_size"][std::to_string(first)]);
    const MerkleHash second_root = Hash(Reference()["roots_by_size"][std::to_string(second)]);
    SCOPED_TRACE(::testing::Message() << "first " << first << " second " << second);

    absl::StatusOr<std::vector<MerkleHash>> from_span = ConsistencyProof(first, second, leaves);
    ASSERT_TRUE(from_span.ok()) << from_span.status();
    EXPECT_EQ(*from_span, expected);
    absl::StatusOr<std::vector<MerkleHash>> from_callback = ConsistencyProof(first, second, cache.Fn());
    ASSERT_TRUE(from_callback.ok()) << from_callback.status();
    EXPECT_EQ(*from_callback, expected);

    EXPECT_TRUE(VerifyConsistency(first, second, first_root, second_root, expected).ok());
  }
}

TEST(MerkleKnownAnswer, EveryProofOfTheReferenceTreeVerifiesAgainstItsRoots) {
  const std::vector<MerkleHash> leaves = ReferenceLeafHashes();
  for (uint64_t n = 1; n <= 8; ++n) {
    const MerkleHash root = Hash(Reference()["roots_by_size"][std::to_string(n)]);
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(i, n, leaves);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyInclusion(i, n, leaves[i], *proof, root).ok()) << i << " of " << n;
    }
    for (uint64_t m = 0; m <= n; ++m) {
      const MerkleHash first_root = Hash(Reference()["roots_by_size"][std::to_string(m)]);
      auto proof = ConsistencyProof(m, n, leaves);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyConsistency(m, n, first_root, root, *proof).ok()) << m << " to " << n;
    }
  }
}

// --- Properties over sizes 1..300 ----------------------------------------

constexpr uint64_t kMaxSize = 300;

TEST(MerkleProperty, EveryInclusionProofVerifiesUpTo300) {
  SubtreeCache cache(LeafHashes(kMaxSize));
  const SubtreeHashFn fn = cache.Fn();
  uint64_t checked = 0;
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const MerkleHash root = RootFromLeafHashes(absl::Span<const MerkleHash>(cache.leaves()).subspan(0, n));
    ASSERT_EQ(cache.Get(0, n), root) << "size " << n;
    for (uint64_t i = 0; i < n; ++i) {
      absl::StatusOr<std::vector<MerkleHash>> proof = InclusionProof(i, n, fn);
      ASSERT_TRUE(proof.ok()) << proof.status();
      // PATH has one hash per level above the leaf: at most ceil(log2 n).
      ASSERT_LE(proof->size(), static_cast<size_t>(std::bit_width(n - 1)));
      absl::Status verified = VerifyInclusion(i, n, cache.leaves()[i], *proof, root);
      ASSERT_TRUE(verified.ok()) << "index " << i << " size " << n << ": " << verified;
      ++checked;
    }
  }
  EXPECT_EQ(checked, kMaxSize * (kMaxSize + 1) / 2);
}

TEST(MerkleProperty, EveryConsistencyProofVerifiesUpTo300) {
  SubtreeCache cache(LeafHashes(kMaxSize));
  const SubtreeHashFn fn = cache.Fn();
  uint64_t checked = 0;
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const MerkleHash second_root = cache.Get(0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      absl::StatusOr<std::vector<MerkleHash>> proof = ConsistencyProof(m, n, fn);
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(proof->empty(), m == n) << m << " to " << n;
      absl::Status verified = VerifyConsistency(m, n, cache.Get(0, m), second_root, *proof);
      ASSERT_TRUE(verified.ok()) << m << " to " << n << ": " << verified;
      ++checked;
    }
  }
  EXPECT_EQ(checked, kMaxSize * (kMaxSize + 1) / 2);
}

TEST(MerkleProperty, SpanAndCallbackOverloadsAgreeIncludingEarlierTreeSizes) {
  SubtreeCache cache(LeafHashes(70));
  const SubtreeHashFn fn = cache.Fn();
  for (uint64_t n = 1; n <= 70; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      EXPECT_EQ(InclusionProof(i, n, cache.leaves()).value(), InclusionProof(i, n, fn).value());
    }
    for (uint64_t m = 0; m <= n; ++m) {
      EXPECT_EQ(ConsistencyProof(m, n, cache.leaves()).value(), ConsistencyProof(m, n, fn).value());
    }
  }
}

// The SubtreeHashFn contract: only complete, aligned subtrees, or ranges that
// end at the tree size the proof is for.
TEST(MerkleProperty, CallbackIsAskedOnlyForCompleteSubtreesOrTheRightEdge) {
  SubtreeCache cache(LeafHashes(130));
  for (uint64_t n = 1; n <= 130; ++n) {
    uint64_t bad = 0;
    const SubtreeHashFn recording = [&](uint64_t begin, uint64_t end) {
      const uint64_t width = end - begin;
      const bool complete = std::has_single_bit(width) && begin % width == 0;
      if (begin >= end || end > n || !(complete || end == n)) ++bad;
      return cache.Get(begin, end);
    };
    for (uint64_t i = 0; i < n; ++i) ASSERT_TRUE(InclusionProof(i, n, recording).ok());
    for (uint64_t m = 0; m <= n; ++m) ASSERT_TRUE(ConsistencyProof(m, n, recording).ok());
    EXPECT_EQ(bad, 0u) << "size " << n;
  }
}

// --- Edge cases ----------------------------------------------------------

TEST(MerkleEdgeCases, InclusionIndexOutOfRangeAndEmptyTree) {
  const std::vector<MerkleHash> leaves = LeafHashes(8);
  const MerkleHash root = RootFromLeafHashes(leaves);
  EXPECT_EQ(InclusionProof(0, 0, leaves).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(8, 8, leaves).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(0, 9, leaves).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(0, 0, leaves[0], {}, EmptyRoot()).code(), absl::StatusCode::kInvalidArgument);
  absl::Status out_of_range = VerifyInclusion(8, 8, leaves[0], {}, root);
  EXPECT_EQ(out_of_range.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out_of_range.message().find("out of range"), absl::string_view::npos) << out_of_range;

  // A one-leaf tree: empty proof, the root is the leaf hash.
  EXPECT_TRUE(InclusionProof(0, 1, leaves).value().empty());
  EXPECT_TRUE(VerifyInclusion(0, 1, leaves[0], {}, leaves[0]).ok());
  EXPECT_FALSE(VerifyInclusion(0, 1, leaves[1], {}, leaves[0]).ok());
}

TEST(MerkleEdgeCases, InclusionReasonsAreClear) {
  const std::vector<MerkleHash> leaves = LeafHashes(8);
  const MerkleHash root = RootFromLeafHashes(leaves);
  std::vector<MerkleHash> proof = InclusionProof(3, 8, leaves).value();
  std::vector<MerkleHash> longer = proof;
  longer.push_back(root);
  std::vector<MerkleHash> shorter(proof.begin(), proof.end() - 1);
  EXPECT_NE(VerifyInclusion(3, 8, leaves[3], longer, root).message().find("too long"), absl::string_view::npos);
  EXPECT_NE(VerifyInclusion(3, 8, leaves[3], shorter, root).message().find("too short"), absl::string_view::npos);
  EXPECT_NE(VerifyInclusion(3, 8, leaves[4], proof, root).message().find("root mismatch"), absl::string_view::npos);
}

TEST(MerkleEdgeCases, ConsistencyEqualSizesZeroFirstAndReversedSizes) {
  SubtreeCache cache(LeafHashes(8));
  const MerkleHash root5 = cache.Get(0, 5);
  const MerkleHash root8 = cache.Get(0, 8);

  // first == second: empty proof, roots must be equal.
  EXPECT_TRUE(ConsistencyProof(5, 5, cache.Fn()).value().empty());
  EXPECT_TRUE(VerifyConsistency(5, 5, root5, root5, {}).ok());
  EXPECT_FALSE(VerifyConsistency(5, 5, root5, root8, {}).ok());
  EXPECT_FALSE(VerifyConsistency(5, 5, root5, root5, std::vector<MerkleHash>{root5}).ok());

  // first == 0: empty proof, the first root must be the empty tree's.
  EXPECT_TRUE(ConsistencyProof(0, 8, cache.Fn()).value().empty());
  EXPECT_TRUE(VerifyConsistency(0, 8, EmptyRoot(), root8, {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 8, root5, root8, {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 8, EmptyRoot(), root8, std::vector<MerkleHash>{root8}).ok());
  EXPECT_TRUE(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 0, EmptyRoot(), root8, {}).ok());

  // first > second.
  EXPECT_EQ(ConsistencyProof(8, 5, cache.Fn()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(8, 5, root8, root5, {}).code(), absl::StatusCode::kInvalidArgument);

  // 0 < first < second: an empty proof is never valid (RFC 9162 step 1).
  EXPECT_NE(VerifyConsistency(5, 8, root5, root8, {}).message().find("empty proof"), absl::string_view::npos);

  // Span overload: the second size must be within the leaves given.
  EXPECT_EQ(ConsistencyProof(5, 9, cache.leaves()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MerkleEdgeCases, ConsistencyReasonsAreClear) {
  SubtreeCache cache(LeafHashes(8));
  const MerkleHash root3 = cache.Get(0, 3);
  const MerkleHash root8 = cache.Get(0, 8);
  std::vector<MerkleHash> proof = ConsistencyProof(3, 8, cache.Fn()).value();
  std::vector<MerkleHash> longer = proof;
  longer.push_back(root8);
  std::vector<MerkleHash> shorter(proof.begin(), proof.end() - 1);
  EXPECT_NE(VerifyConsistency(3, 8, root3, root8, longer).message().find("too long"), absl::string_view::npos);
  EXPECT_NE(VerifyConsistency(3, 8, root3, root8, shorter).message().find("too short"), absl::string_view::npos);
  EXPECT_NE(VerifyConsistency(3, 8, root8, root8, proof).message().find("first root mismatch"),
            absl::string_view::npos);
  EXPECT_NE(VerifyConsistency(3, 8, root3, root3, proof).message().find("second root mismatch"),
            absl::string_view::npos);
}

// --- Tampering -----------------------------------------------------------

void Flip(MerkleHash& hash, size_t byte) { hash[byte] = static_cast<uint8_t>(hash[byte] ^ (1u << (byte % 8))); }

// The byte positions to flip: all of them for small trees, a spread otherwise.
std::vector<size_t> Positions(uint64_t n, size_t salt) {
  std::vector<size_t> out;
  if (n <= 16) {
    for (size_t b = 0; b < 32; ++b) out.push_back(b);
  } else {
    out = {0, 31, (salt * 7 + 3) % 32, (salt * 13 + 17) % 32};
  }
  return out;
}

constexpr uint64_t kTamperMaxSize = 64;

TEST(MerkleTamper, InclusionFailsOnAnyChangedByteIndexOrSize) {
  SubtreeCache cache(LeafHashes(kTamperMaxSize + 8));
  uint64_t rejected = 0;
  for (uint64_t n = 1; n <= kTamperMaxSize; ++n) {
    const MerkleHash root = cache.Get(0, n);
    for (uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE(::testing::Message() << "index " << i << " size " << n);
      const MerkleHash& leaf = cache.leaves()[i];
      std::vector<MerkleHash> proof = InclusionProof(i, n, cache.Fn()).value();
      ASSERT_TRUE(VerifyInclusion(i, n, leaf, proof, root).ok());

      for (size_t h = 0; h < proof.size(); ++h) {
        for (size_t b : Positions(n, i + h)) {
          std::vector<MerkleHash> tampered = proof;
          Flip(tampered[h], b);
          ASSERT_FALSE(VerifyInclusion(i, n, leaf, tampered, root).ok()) << "proof hash " << h << " byte " << b;
          ++rejected;
        }
      }
      for (size_t b : Positions(n, i)) {
        MerkleHash tampered_leaf = leaf;
        Flip(tampered_leaf, b);
        ASSERT_FALSE(VerifyInclusion(i, n, tampered_leaf, proof, root).ok()) << "leaf byte " << b;
        MerkleHash tampered_root = root;
        Flip(tampered_root, b);
        ASSERT_FALSE(VerifyInclusion(i, n, leaf, proof, tampered_root).ok()) << "root byte " << b;
        rejected += 2;
      }
      // Structural changes: a hash more, a hash less, two hashes swapped.
      std::vector<MerkleHash> longer = proof;
      longer.push_back(root);
      ASSERT_FALSE(VerifyInclusion(i, n, leaf, longer, root).ok());
      if (!proof.empty()) {
        std::vector<MerkleHash> shorter(proof.begin(), proof.end() - 1);
        ASSERT_FALSE(VerifyInclusion(i, n, leaf, shorter, root).ok());
      }
      if (proof.size() >= 2) {
        std::vector<MerkleHash> swapped = proof;
        std::swap(swapped[0], swapped[1]);
        ASSERT_FALSE(VerifyInclusion(i, n, leaf, swapped, root).ok());
      }
      // Wrong index (same proof, leaf and root), or the proof replayed
      // against another tree head (its size with its root).
      for (uint64_t j = 0; j < n + 4; ++j) {
        if (j != i) {
          ASSERT_FALSE(VerifyInclusion(j, n, leaf, proof, root).ok()) << "claimed index " << j;
        }
      }
      for (uint64_t s = 0; s <= n + 8; ++s) {
        if (s != n) {
          const MerkleHash root_s = s == 0 ? EmptyRoot() : cache.Get(0, s);
          ASSERT_FALSE(VerifyInclusion(i, s, leaf, proof, root_s).ok()) << "claimed size " << s;
        }
      }
      // Another leaf's hash at this index.
      ASSERT_FALSE(VerifyInclusion(i, n, cache.leaves()[(i + 1) % (n + 1)], proof, root).ok());
    }
  }
  EXPECT_GT(rejected, 10000u);
}

TEST(MerkleTamper, ConsistencyFailsOnAnyChangedByteOrSize) {
  SubtreeCache cache(LeafHashes(kTamperMaxSize + 8));
  uint64_t rejected = 0;
  for (uint64_t n = 1; n <= kTamperMaxSize; ++n) {
    const MerkleHash second_root = cache.Get(0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      SCOPED_TRACE(::testing::Message() << "first " << m << " second " << n);
      const MerkleHash first_root = cache.Get(0, m);
      std::vector<MerkleHash> proof = ConsistencyProof(m, n, cache.Fn()).value();
      ASSERT_TRUE(VerifyConsistency(m, n, first_root, second_root, proof).ok());

      for (size_t h = 0; h < proof.size(); ++h) {
        for (size_t b : Positions(n, m + h)) {
          std::vector<MerkleHash> tampered = proof;
          Flip(tampered[h], b);
          ASSERT_FALSE(VerifyConsistency(m, n, first_root, second_root, tampered).ok())
              << "proof hash " << h << " byte " << b;
          ++rejected;
        }
      }
      for (size_t b : Positions(n, m)) {
        MerkleHash tampered_first = first_root;
        Flip(tampered_first, b);
        ASSERT_FALSE(VerifyConsistency(m, n, tampered_first, second_root, proof).ok()) << "first root byte " << b;
        MerkleHash tampered_second = second_root;
        Flip(tampered_second, b);
        ASSERT_FALSE(VerifyConsistency(m, n, first_root, tampered_second, proof).ok()) << "second root byte " << b;
        rejected += 2;
      }
      std::vector<MerkleHash> longer = proof;
      longer.push_back(second_root);
      ASSERT_FALSE(VerifyConsistency(m, n, first_root, second_root, longer).ok());
      if (!proof.empty()) {
        std::vector<MerkleHash> shorter(proof.begin(), proof.end() - 1);
        ASSERT_FALSE(VerifyConsistency(m, n, first_root, second_root, shorter).ok());
      }
      if (proof.size() >= 2) {
        std::vector<MerkleHash> swapped = proof;
        std::swap(swapped[0], swapped[1]);
        ASSERT_FALSE(VerifyConsistency(m, n, first_root, second_root, swapped).ok());
      }
      // The proof replayed against other tree heads (a size with its root);
      // first size 0 is left out: every tree is consistent with the empty one.
      for (uint64_t m2 = 1; m2 <= n; ++m2) {
        if (m2 != m) {
          ASSERT_FALSE(VerifyConsistency(m2, n, cache.Get(0, m2), second_root, proof).ok()) << "claimed first " << m2;
        }
      }
      for (uint64_t n2 = m; n2 <= n + 8; ++n2) {
        if (n2 != n) {
          ASSERT_FALSE(VerifyConsistency(m, n2, first_root, cache.Get(0, n2), proof).ok()) << "claimed second " << n2;
        }
      }
      // A tree that is not an extension: the second root of a different history.
      if (m < n) {
        MerkleHash forked_leaf = cache.leaves()[n - 1];
        Flip(forked_leaf, 0);
        std::vector<MerkleHash> forked(cache.leaves().begin(), cache.leaves().begin() + static_cast<long>(n));
        forked[m - 1] = forked_leaf;  // rewrites a leaf the first tree already had
        ASSERT_FALSE(VerifyConsistency(m, n, first_root, RootFromLeafHashes(forked), proof).ok());
        const std::vector<MerkleHash> forked_proof = ConsistencyProof(m, n, forked).value();
        ASSERT_FALSE(VerifyConsistency(m, n, first_root, RootFromLeafHashes(forked), forked_proof).ok());
      }
    }
  }
  EXPECT_GT(rejected, 10000u);
}

// Not a defect but the RFC's design, pinned so nobody relies on the opposite:
// the proof binds the root, and the size only as far as the path's shape, so
// a size must always come with its own root (a signed tree head).
TEST(MerkleTamper, SizeIsAuthenticatedOnlyTogetherWithItsRoot) {
  SubtreeCache cache(LeafHashes(4));
  const MerkleHash root1 = cache.Get(0, 1);
  const MerkleHash root3 = cache.Get(0, 3);
  const MerkleHash root4 = cache.Get(0, 4);
  const std::vector<MerkleHash> inclusion = InclusionProof(0, 3, cache.Fn()).value();
  EXPECT_TRUE(VerifyInclusion(0, 4, cache.leaves()[0], inclusion, root3).ok());
  EXPECT_FALSE(VerifyInclusion(0, 4, cache.leaves()[0], inclusion, root4).ok());
  const std::vector<MerkleHash> consistency = ConsistencyProof(1, 3, cache.Fn()).value();
  EXPECT_TRUE(VerifyConsistency(1, 4, root1, root3, consistency).ok());
  EXPECT_FALSE(VerifyConsistency(1, 4, root1, root4, consistency).ok());
}

// Every byte of every hash of the reference tree's proofs.
TEST(MerkleTamper, EveryByteOfTheReferenceProofsMatters) {
  const std::vector<MerkleHash> leaves = ReferenceLeafHashes();
  for (const JsonValue& vector : Reference()["inclusion"].array) {
    const uint64_t index = Size(vector["index"]);
    const uint64_t size = Size(vector["size"]);
    const std::vector<MerkleHash> proof = Hashes(vector["proof"]);
    const MerkleHash root = Hash(Reference()["roots_by_size"][std::to_string(size)]);
    for (size_t h = 0; h < proof.size(); ++h) {
      for (size_t b = 0; b < 32; ++b) {
        for (unsigned bit = 0; bit < 8; ++bit) {
          std::vector<MerkleHash> tampered = proof;
          tampered[h][b] = static_cast<uint8_t>(tampered[h][b] ^ (1u << bit));
          EXPECT_FALSE(VerifyInclusion(index, size, leaves[index], tampered, root).ok());
        }
      }
    }
  }
  for (const JsonValue& vector : Reference()["consistency"].array) {
    const uint64_t first = Size(vector["first"]);
    const uint64_t second = Size(vector["second"]);
    const std::vector<MerkleHash> proof = Hashes(vector["proof"]);
    const MerkleHash first_root = Hash(Reference()["roots_by_size"][std::to_string(first)]);
    const MerkleHash second_root = Hash(Reference()["roots_by_size"][std::to_string(second)]);
    for (size_t h = 0; h < proof.size(); ++h) {
      for (size_t b = 0; b < 32; ++b) {
        for (unsigned bit = 0; bit < 8; ++bit) {
          std::vector<MerkleHash> tampered = proof;
          tampered[h][b] = static_cast<uint8_t>(tampered[h][b] ^ (1u << bit));
          EXPECT_FALSE(VerifyConsistency(first, second, first_root, second_root, tampered).ok());
        }
      }
    }
  }
}

}  // namespace
}  // namespace samenloop::crypto
