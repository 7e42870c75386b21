#ifndef SAMENLOOP_BROKER_CORE_BACKUP_H_
#define SAMENLOOP_BROKER_CORE_BACKUP_H_

// Backup, restore and verification of a stopped broker's store
// (docs/operations.md "Backup and restore"). A backup is a RocksDB
// checkpoint: one consistent cut of every column family, so the signals,
// outboxes and the audit log in it always agree. Every backup and restore
// ends with a verification: the audit tree's root recomputed from the
// stored events equals the root of the stored tree nodes.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "storage/store.h"
#include "crypto/merkle_rfc6962.h"

namespace samenloop::broker {

struct StoreSummary {
  uint64_t signals = 0;     // stored signal records
  uint64_t audit_size = 0;  // audit events (the tree size)
  crypto::MerkleHash audit_root{};
};

// Recomputes the audit root from every stored event and compares it with the
// stored tree; DATA_LOSS naming the first disagreement.
absl::StatusOr<StoreSummary> VerifyStore(const Store& store);
// The same for a stopped broker's data directory.
absl::StatusOr<StoreSummary> VerifyStoreAt(const std::string& data_dir);

// `backup_dir` must not exist. FAILED_PRECONDITION while a broker has the
// store open.
absl::StatusOr<StoreSummary> BackupStore(const std::string& data_dir, const std::string& backup_dir);

// Copies a backup into `data_dir`, which must not exist or be empty, and
// verifies the result.
absl::StatusOr<StoreSummary> RestoreStore(const std::string& backup_dir, const std::string& data_dir);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_BACKUP_H_
