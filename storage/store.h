#ifndef SAMENLOOP_STORAGE_STORE_H_
#define SAMENLOOP_STORAGE_STORE_H_

// Store owns the broker's RocksDB database and its column families. Every
// write that is acknowledged to a client goes through Commit(), which syncs
// the WAL before returning (non-negotiable 4: acks after durable writes).
// Commit() fails closed when the disk fills (common/storage_guard.h): the
// write is refused with UNAVAILABLE, reads go on, and writes resume once
// guard().Recover() sees space again.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/storage_guard.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace samenloop::broker {

// RocksDB slices as absl::string_view (Debian's Abseil does not alias
// std::string_view).
inline absl::string_view AsView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

// Column families, named after what they hold (ARCHITECTURE.md §8).
// Person index keys start with the person's 32-byte keyed index
// (crypto/keyed_index.h), the prefix the person-index filters and hashed
// memtables are built on: every key written there is at least this long.
inline constexpr size_t kPersonKeyBytes = 32;
// Audit index keys end in a big-endian leaf number; what comes before it
// (a signal or a person) is the prefix the audit key index is hashed on.
inline constexpr size_t kLeafNumberBytes = 8;
// Buckets of a hashed memtable (HasPrefixMemtable): 2 MiB of pointers each,
// a few entries per bucket when a 64 MiB write buffer is full.
inline constexpr size_t kPrefixBuckets = size_t{1} << 18;

enum class Family {
  kSignals = 0,        // signal number -> StoredSignal
  kSubjectIndex,       // subject key || signal number -> ""
  kRelatedIndex,       // related key || signal number -> ""
  kOrgSignals,         // organisation || 0 || signal number -> ""
  kIdempotency,        // organisation || 0 || idempotency key -> signal number
  kPairDecisions,      // recipient signal || other signal -> PairDecision
  kOutbox,             // recipient || 0 || cursor -> Notification
  kAudit,              // event number -> AuditEvent (the Merkle tree's leaf data)
  kMeta,               // named counters and cursors
  kAuditNodes,         // level || index -> hash of a complete subtree of the audit tree
  kConsents,           // consent number -> StoredConsent
  kConsentSubjects,    // subject key || consent number -> ""
  kTreeHeads,          // timestamp ms || tree size -> SignedTreeHead the broker issued
  kAuditIndex,         // secondary indexes of the audit leaves (audit/index.h)
  kNotices,            // signal number || recipient || 0 || cursor -> NoticeRecord (broker/notifications/notices.h)
  kAuditKeyIndex,      // the audit index entries by signal and by person (audit/index.h)
  kCount
};

// The person indexes and the audit key index keep their memtables hashed
// by key prefix, the person or signal (store.cc): read them one prefix at
// a time, with NewPrefixIterator.
bool HasPrefixMemtable(Family family);

class Store {
 public:
  // `min_free_bytes`: writes are refused while the file system holding the
  // store has less than this free (0: only when a write fails).
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path, uint64_t min_free_bytes = 0);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::ColumnFamilyHandle* Handle(Family family) const;
  rocksdb::DB* db() const { return db_.get(); }

  // Writes the batch atomically with a synced WAL; UNAVAILABLE while the
  // disk is full or the store failing.
  absl::Status Commit(rocksdb::WriteBatch* batch);

  StorageGuard& guard() { return *guard_; }

  // Point read; NOT_FOUND when absent.
  absl::StatusOr<std::string> Get(Family family, const rocksdb::Slice& key) const;

  // Iterator over one column family in key order. Over a family with a
  // hashed memtable (HasPrefixMemtable) it first sorts the memtable: for
  // whole-family scans by tools and tests, not for queries.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family family) const;
  // Iterator over one prefix's entries in a hashed family: one person's in a
  // person index (subject, related, consent subjects; Seek to the person
  // key), one signal's or person's in the audit key index (Seek to the
  // prefix and a leaf number). It ends after the prefix's last entry, and
  // skips files without one using the prefix bloom filters.
  std::unique_ptr<rocksdb::Iterator> NewPrefixIterator(Family family) const;

 private:
  Store() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<StorageGuard> guard_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_STORAGE_STORE_H_
