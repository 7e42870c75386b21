#ifndef SAMENLOOP_COMMON_STORAGE_GUARD_H_
#define SAMENLOOP_COMMON_STORAGE_GUARD_H_

// StorageGuard makes a RocksDB database fail closed when its file system
// fills, and recover by itself when space comes back.
//
// The guard keeps RocksDB from running out of space in the first place
// (a flush or compaction that fails for space leaves the database in a
// background error that only clears once there is room again): before
// every write it checks that the file system still has `min_free_bytes`
// free (one statvfs), and refuses the write while it has not. Should a
// write fail anyway (space taken between check and write, an I/O error),
// the guard closes: no further write reaches RocksDB until Recover() has
// seen enough space, had RocksDB clear its error (DB::Resume, or its own
// recovery) and made one synced probe write. (RocksDB must not log to a
// file on the same disk: common/rocksdb_logger.h.)
//
// Refusals are UNAVAILABLE with a message that says what happened and what
// still works. The first refusal and the recovery are logged once each, not
// once per request. Thread-safe.
//
//   StorageGuard guard(dir, 64 << 20, "broker store", "writes are refused ...");
//   guard.Attach(db);
//   if (absl::Status s = guard.BeforeWrite(); !s.ok()) return s;
//   return guard.AfterWrite(db->Write(options, &batch));

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"

namespace samenloop {

// Bytes available to unprivileged writers on the file system holding `path`.
absl::StatusOr<uint64_t> FreeBytes(const std::string& path);

class StorageGuard {
 public:
  // `what` names the database in messages ("broker store"); `refused`
  // tells a refused caller what that means for it.
  StorageGuard(std::string path, uint64_t min_free_bytes, std::string what, std::string refused);

  // The database, once open (writes and Recover need it).
  void Attach(rocksdb::DB* db) { db_ = db; }
  // Called with the new state whenever writability changes (readiness).
  void OnChange(std::function<void(bool writable)> listener);

  // OK when a write may go ahead; UNAVAILABLE while the guard is closed or
  // the file system has less than the reserve free.
  absl::Status BeforeWrite();
  // Maps the result of a write: OK stays OK; a failure closes the guard
  // and becomes UNAVAILABLE.
  absl::Status AfterWrite(const rocksdb::Status& status);

  // Tries to reopen a closed guard (enough free space, DB::Resume, a synced
  // probe write); on an open guard, checks the free space. True when writes
  // are accepted afterwards. For a periodic probe.
  bool Recover();

  bool writable() const { return writable_.load(std::memory_order_acquire); }

 private:
  absl::Status Refusal() const;
  void Close(const std::string& reason);

  const std::string path_;
  const uint64_t min_free_bytes_;
  const std::string what_;
  const std::string refused_;
  rocksdb::DB* db_ = nullptr;
  std::atomic<bool> writable_{true};
  std::mutex mutex_;  // state changes, recovery and the listener
  std::function<void(bool)> listener_;
};

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_STORAGE_GUARD_H_
