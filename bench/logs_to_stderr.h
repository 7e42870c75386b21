#ifndef SAMENLOOP_BENCH_LOGS_TO_STDERR_H_
#define SAMENLOOP_BENCH_LOGS_TO_STDERR_H_

// A benchmark's stdout is its JSON report (bench/run.sh reads it); logs,
// RocksDB's among them, go to stderr. Include in every benchmark that opens
// a store or starts a server.

#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace samenloop::bench {

inline const bool kLogsToStderr = [] {
  spdlog::set_default_logger(spdlog::stderr_color_mt("bench"));
  return true;
}();

}  // namespace samenloop::bench

#endif  // SAMENLOOP_BENCH_LOGS_TO_STDERR_H_
