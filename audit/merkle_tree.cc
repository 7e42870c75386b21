#include "audit/merkle_tree.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {
namespace {

std::string NodeKey(uint32_t level, uint64_t index) {
  return absl::StrCat(std::string(1, static_cast<char>(level)), keys::U64(index));
}

rocksdb::Slice AsBytes(const crypto::MerkleHash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

absl::StatusOr<crypto::MerkleHash> ReadNode(const Store& store, uint32_t level, uint64_t index) {
  absl::StatusOr<std::string> bytes = store.Get(Family::kAuditNodes, NodeKey(level, index));
  if (!bytes.ok()) {
    return absl::DataLossError(absl::StrCat("audit tree: node ", level, "/", index, " is missing"));
  }
  crypto::MerkleHash hash{};
  if (bytes->size() != hash.size()) return absl::DataLossError("audit tree: node of the wrong size");
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

}  // namespace

void AppendAuditLeaf(const Store& store, rocksdb::WriteBatch& batch, uint64_t index,
                     absl::Span<const uint8_t> leaf_data, AuditFrontier& frontier) {
  crypto::MerkleHash node = crypto::HashLeaf(leaf_data);
  uint32_t level = 0;
  uint64_t position = index;
  while (true) {
    if (frontier.size() <= level) frontier.resize(level + 1);
    batch.Put(store.Handle(Family::kAuditNodes), NodeKey(level, position), AsBytes(node));
    // The left sibling of a right child is the newest complete node of its
    // level until this one: read it before this node takes its place.
    const crypto::MerkleHash left = frontier[level];
    frontier[level] = node;
    if ((position & 1) == 0) break;  // a left child: its parent is not complete yet
    node = crypto::HashChildren(left, node);
    ++level;
    position >>= 1;
  }
}

absl::StatusOr<AuditFrontier> LoadAuditFrontier(const Store& store, uint64_t size) {
  AuditFrontier frontier;
  for (uint32_t level = 0; (size >> level) >= 1; ++level) {
    absl::StatusOr<crypto::MerkleHash> node = ReadNode(store, level, (size >> level) - 1);
    if (!node.ok()) return node.status();
    frontier.push_back(*node);
  }
  return frontier;
}

absl::StatusOr<crypto::MerkleHash> AuditSubtreeHash(const Store& store, uint64_t begin, uint64_t end) {
  const uint64_t size = end - begin;
  if (size == 0) return crypto::EmptyRoot();
  if (std::has_single_bit(size) && begin % size == 0) {
    return ReadNode(store, static_cast<uint32_t>(std::countr_zero(size)), begin / size);
  }
  const uint64_t split = std::bit_floor(size - 1);  // the largest power of two below size
  absl::StatusOr<crypto::MerkleHash> left = AuditSubtreeHash(store, begin, begin + split);
  if (!left.ok()) return left.status();
  absl::StatusOr<crypto::MerkleHash> right = AuditSubtreeHash(store, begin + split, end);
  if (!right.ok()) return right.status();
  return crypto::HashChildren(*left, *right);
}

absl::StatusOr<crypto::MerkleHash> AuditRoot(const Store& store, uint64_t size) {
  return AuditSubtreeHash(store, 0, size);
}

absl::StatusOr<crypto::MerkleHash> AuditLeafHash(const Store& store, uint64_t index) {
  return ReadNode(store, 0, index);
}

bool IsRedactedStub(absl::string_view stored) {
  v1::AuditEvent event;
  return event.ParseFromArray(stored.data(), static_cast<int>(stored.size())) && event.redacted();
}

namespace {

// Proof generation asks through a callback that cannot fail; the first read
// error is kept here and returned instead of the proof.
struct CheckedSubtrees {
  const Store& store;
  absl::Status error;
  crypto::SubtreeHashFn Fn() {
    return [this](uint64_t begin, uint64_t end) {
      absl::StatusOr<crypto::MerkleHash> hash = AuditSubtreeHash(store, begin, end);
      if (!hash.ok()) {
        if (error.ok()) error = hash.status();
        return crypto::MerkleHash{};
      }
      return *hash;
    };
  }
};

}  // namespace

absl::StatusOr<std::vector<crypto::MerkleHash>> AuditInclusionProof(const Store& store, uint64_t index,
                                                                    uint64_t size) {
  CheckedSubtrees subtrees{store, absl::OkStatus()};
  absl::StatusOr<std::vector<crypto::MerkleHash>> proof = crypto::InclusionProof(index, size, subtrees.Fn());
  if (!subtrees.error.ok()) return subtrees.error;
  return proof;
}

absl::StatusOr<std::vector<crypto::MerkleHash>> AuditConsistencyProof(const Store& store, uint64_t first,
                                                                      uint64_t second) {
  CheckedSubtrees subtrees{store, absl::OkStatus()};
  absl::StatusOr<std::vector<crypto::MerkleHash>> proof = crypto::ConsistencyProof(first, second, subtrees.Fn());
  if (!subtrees.error.ok()) return subtrees.error;
  return proof;
}

}  // namespace samenloop::broker
