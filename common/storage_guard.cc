#include "common/storage_guard.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace samenloop {
namespace {

std::string Mebibytes(uint64_t bytes) { return absl::StrCat(bytes >> 20, " MiB"); }

}  // namespace

absl::StatusOr<uint64_t> FreeBytes(const std::string& path) {
  struct statvfs info {};
  if (statvfs(path.c_str(), &info) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot see the free space of ", path, ": ", std::strerror(errno)));
  }
  return static_cast<uint64_t>(info.f_bavail) * static_cast<uint64_t>(info.f_frsize);
}

StorageGuard::StorageGuard(std::string path, uint64_t min_free_bytes, std::string what, std::string refused)
    : path_(std::move(path)), min_free_bytes_(min_free_bytes), what_(std::move(what)), refused_(std::move(refused)) {}

void StorageGuard::OnChange(std::function<void(bool)> listener) {
  std::lock_guard<std::mutex> lock(mutex_);
  listener_ = std::move(listener);
}

absl::Status StorageGuard::Refusal() const {
  return absl::UnavailableError(absl::StrCat("the ", what_, " is out of disk space or failing: ", refused_));
}

absl::Status StorageGuard::BeforeWrite() {
  if (!writable()) return Refusal();
  if (min_free_bytes_ == 0) return absl::OkStatus();
  absl::StatusOr<uint64_t> free_bytes = FreeBytes(path_);
  if (free_bytes.ok() && *free_bytes >= min_free_bytes_) return absl::OkStatus();
  Close(free_bytes.ok() ? absl::StrCat(Mebibytes(*free_bytes), " free, below the reserve of ",
                                       Mebibytes(min_free_bytes_))
                        : std::string(free_bytes.status().message()));
  return Refusal();
}

absl::Status StorageGuard::AfterWrite(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  Close(status.ToString());
  return Refusal();
}

void StorageGuard::Close(const std::string& reason) {
  std::function<void(bool)> listener;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!writable_.exchange(false, std::memory_order_acq_rel)) return;  // already closed: logged once
    spdlog::error("{} at {}: out of disk space or failing ({}): {}", what_, path_, reason, refused_);
    listener = listener_;
  }
  if (listener) listener(false);
}

bool StorageGuard::Recover() {
  if (writable()) {
    // Also notices a file system filling up while nothing is written.
    return BeforeWrite().ok();
  }
  std::function<void(bool)> listener;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (db_ == nullptr) return false;
    absl::StatusOr<uint64_t> free_bytes = FreeBytes(path_);
    if (!free_bytes.ok() || *free_bytes < min_free_bytes_ || *free_bytes == 0) return false;
    // Clears RocksDB's background error (flushing the memtables to new
    // files, switching to a new WAL); OK at once when it has none, Busy
    // while RocksDB's own recovery runs (the next probe tries again).
    if (rocksdb::Status resumed = db_->Resume(); !resumed.ok()) return false;
    rocksdb::WriteOptions options;
    options.sync = true;
    if (rocksdb::Status probed = db_->Put(options, "storage_guard_probe", "ok"); !probed.ok()) return false;
    writable_.store(true, std::memory_order_release);
    spdlog::info("{} at {}: writes accepted again ({} free)", what_, path_, Mebibytes(*free_bytes));
    listener = listener_;
  }
  if (listener) listener(true);
  return true;
}

}  // namespace samenloop
