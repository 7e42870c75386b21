#include "broker/core/backup.h"
#include "broker/core/schema.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/merkle_tree.h"
#include "storage/keys.h"
#include "rocksdb/utilities/checkpoint.h"

namespace samenloop::broker {
namespace {

// RFC 6962 root of a stream of leaf hashes in O(log n) memory: complete
// subtrees of decreasing size, folded from the right at the end.
class StreamingRoot {
 public:
  void Add(const crypto::MerkleHash& leaf) {
    uint64_t size = 1;
    crypto::MerkleHash node = leaf;
    while (!stack_.empty() && stack_.back().first == size) {
      node = crypto::HashChildren(stack_.back().second, node);
      size *= 2;
      stack_.pop_back();
    }
    stack_.emplace_back(size, node);
  }
  crypto::MerkleHash Root() const {
    if (stack_.empty()) return crypto::EmptyRoot();
    crypto::MerkleHash root = stack_.back().second;
    for (size_t i = stack_.size() - 1; i-- > 0;) root = crypto::HashChildren(stack_[i].second, root);
    return root;
  }

 private:
  std::vector<std::pair<uint64_t, crypto::MerkleHash>> stack_;
};

absl::StatusOr<std::unique_ptr<Store>> OpenStopped(const std::string& data_dir) {
  // Never create a store here: a mistyped path must not "back up" nothing.
  if (!std::filesystem::exists(std::filesystem::path(data_dir) / "CURRENT")) {
    return absl::NotFoundError(absl::StrCat(data_dir, ": no broker store here"));
  }
  absl::StatusOr<std::unique_ptr<Store>> store = OpenBrokerStore(data_dir);
  if (!store.ok() && store.status().message().find("lock") != absl::string_view::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(data_dir, ": the store is in use; stop the broker first (", store.status().message(), ")"));
  }
  return store;
}

}  // namespace

absl::StatusOr<StoreSummary> VerifyStoreAt(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStopped(data_dir);
  if (!store.ok()) return store.status();
  return VerifyStore(**store);
}

absl::StatusOr<StoreSummary> VerifyStore(const Store& store) {
  StoreSummary summary;
  {
    std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kSignals);
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++summary.signals;
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("signals: ", it->status().ToString()));
  }
  StreamingRoot leaves;
  {
    std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAudit);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const uint64_t index = keys::ParseU64(AsView(it->key()));
      if (index != summary.audit_size) {
        return absl::DataLossError(absl::StrCat("audit log: event ", summary.audit_size, " is missing"));
      }
      if (IsRedactedStub(AsView(it->value()))) {
        // A body redacted after retention: its hash is the stored leaf node.
        absl::StatusOr<crypto::MerkleHash> hash = AuditLeafHash(store, index);
        if (!hash.ok()) return hash.status();
        leaves.Add(*hash);
      } else {
        leaves.Add(crypto::HashLeaf(
            absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(it->value().data()), it->value().size())));
      }
      ++summary.audit_size;
    }
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("audit log: ", it->status().ToString()));
  }
  summary.audit_root = leaves.Root();
  if (summary.audit_size > 0) {
    absl::StatusOr<crypto::MerkleHash> stored = AuditRoot(store, summary.audit_size);
    if (!stored.ok()) return stored.status();
    if (*stored != summary.audit_root) {
      return absl::DataLossError(
          "audit log: the events do not hash to the stored tree's root; the store was altered or is damaged");
    }
  }
  return summary;
}

absl::StatusOr<StoreSummary> BackupStore(const std::string& data_dir, const std::string& backup_dir) {
  if (std::filesystem::exists(backup_dir)) {
    return absl::FailedPreconditionError(
        absl::StrCat(backup_dir, ": already exists; a backup goes to a new directory"));
  }
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStopped(data_dir);
  if (!store.ok()) return store.status();
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status status = rocksdb::Checkpoint::Create((*store)->db(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (status.ok()) status = checkpoint->CreateCheckpoint(backup_dir);
  if (!status.ok()) return absl::InternalError(absl::StrCat("checkpoint: ", status.ToString()));
  store->reset();
  absl::StatusOr<std::unique_ptr<Store>> copy = OpenBrokerStore(backup_dir);
  if (!copy.ok()) return copy.status();
  return VerifyStore(**copy);
}

absl::StatusOr<StoreSummary> RestoreStore(const std::string& backup_dir, const std::string& data_dir) {
  std::error_code error;
  if (std::filesystem::exists(data_dir) && !std::filesystem::is_empty(data_dir)) {
    return absl::FailedPreconditionError(
        absl::StrCat(data_dir, ": not empty; restore into a new directory, then point the broker at it"));
  }
  if (!std::filesystem::is_directory(backup_dir)) {
    return absl::NotFoundError(absl::StrCat(backup_dir, ": no such backup"));
  }
  std::filesystem::copy(backup_dir, data_dir, std::filesystem::copy_options::recursive, error);
  if (error) return absl::InternalError(absl::StrCat("copying the backup: ", error.message()));
  absl::StatusOr<std::unique_ptr<Store>> store = OpenBrokerStore(data_dir);
  if (!store.ok()) return store.status();
  return VerifyStore(**store);
}

}  // namespace samenloop::broker
