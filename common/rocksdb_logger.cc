#include "common/rocksdb_logger.h"

#include <cstdarg>
#include <cstdio>
#include <map>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "spdlog/spdlog.h"

namespace samenloop {
namespace {

class SpdlogRocksDbLogger final : public rocksdb::Logger {
 public:
  explicit SpdlogRocksDbLogger(std::string what) : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), what_(std::move(what)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    // RocksDB repeats some lines every few seconds while it waits (e.g. for
    // disk space to recover): each kind of line at most every ten minutes.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const absl::Time now = absl::Now();
      auto [it, inserted] = last_logged_.try_emplace(format, now);
      if (!inserted && now - it->second < absl::Minutes(10)) return;
      it->second = now;
    }
    char line[1024];
    std::vsnprintf(line, sizeof(line), format, ap);
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
      spdlog::error("rocksdb ({}): {}", what_, line);
    } else {
      spdlog::warn("rocksdb ({}): {}", what_, line);
    }
  }

 private:
  const std::string what_;
  std::mutex mutex_;
  std::map<std::string, absl::Time> last_logged_;  // by format string
};

}  // namespace

std::shared_ptr<rocksdb::Logger> MakeRocksDbLogger(std::string what) {
  return std::make_shared<SpdlogRocksDbLogger>(std::move(what));
}

}  // namespace samenloop
