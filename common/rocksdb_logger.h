#ifndef SAMENLOOP_COMMON_ROCKSDB_LOGGER_H_
#define SAMENLOOP_COMMON_ROCKSDB_LOGGER_H_

// RocksDB's own diagnostics, sent to the server's log (stderr, masked like
// every other line: common/logging.h) instead of a LOG file in the data
// directory. Warnings and errors only, and each kind of line (by its
// format) at most every ten minutes: RocksDB repeats some every few seconds
// while it waits for disk space.
//
// Not only tidier: Debian's RocksDB 7.8 is built with assertions, and its
// file logger aborts the process on the line after one that failed to be
// written, which is what happens first when the data directory's disk fills
// (every RocksDB error is logged). With this logger a full disk is an error
// RocksDB returns, not an abort (common/storage_guard.h).
//
//   options.info_log = MakeRocksDbLogger("broker store");
//   options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;

#include <memory>
#include <string>

#include "rocksdb/env.h"

namespace samenloop {

std::shared_ptr<rocksdb::Logger> MakeRocksDbLogger(std::string what);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_ROCKSDB_LOGGER_H_
