#ifndef SAMENLOOP_AUDIT_MERKLE_TREE_H_
#define SAMENLOOP_AUDIT_MERKLE_TREE_H_

// The RFC 6962 Merkle tree over the audit log, kept in the store
// (crypto/merkle_rfc6962.h). Every complete, aligned subtree's hash is
// stored as a node (level, index) in the same write as the event that
// completes it, so the tree can never disagree with the log. Appending costs
// O(log n) hashes: the newest complete node of every level (the frontier)
// is carried with the ledger's counters. The root of any size and every
// inclusion or consistency proof need O(log n) node reads.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "storage/store.h"
#include "crypto/merkle_rfc6962.h"
#include "rocksdb/write_batch.h"

namespace samenloop::broker {

// frontier[level] is the newest complete node at that level.
using AuditFrontier = std::vector<crypto::MerkleHash>;

// Adds leaf number `index` (the tree's size before it) with `leaf_data` to
// the batch, updating `frontier`.
void AppendAuditLeaf(const Store& store, rocksdb::WriteBatch& batch, uint64_t index,
                     absl::Span<const uint8_t> leaf_data, AuditFrontier& frontier);

// Rebuilds the frontier of a committed tree of `size` leaves from its nodes.
absl::StatusOr<AuditFrontier> LoadAuditFrontier(const Store& store, uint64_t size);

// Hash of leaves [begin, end) of the committed tree: a stored node when the
// range is a complete aligned subtree, else composed per RFC 6962 (only for
// ranges that end at a tree size, which is all proofs ask for).
absl::StatusOr<crypto::MerkleHash> AuditSubtreeHash(const Store& store, uint64_t begin, uint64_t end);

absl::StatusOr<crypto::MerkleHash> AuditRoot(const Store& store, uint64_t size);

// The stored leaf hash of leaf `index` (its level-0 node): what proves a
// leaf whose body was redacted.
absl::StatusOr<crypto::MerkleHash> AuditLeafHash(const Store& store, uint64_t index);

// True when `stored` (a value of the audit family) is the stub that
// replaced a redacted leaf's body rather than the body itself.
bool IsRedactedStub(absl::string_view stored);
absl::StatusOr<std::vector<crypto::MerkleHash>> AuditInclusionProof(const Store& store, uint64_t index,
                                                                    uint64_t size);
absl::StatusOr<std::vector<crypto::MerkleHash>> AuditConsistencyProof(const Store& store, uint64_t first,
                                                                      uint64_t second);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_MERKLE_TREE_H_
