#include "pseudonymiser/quota_ledger.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/rocksdb_logger.h"

namespace samenloop::pseudonymiser {
namespace {

int64_t DayOf(absl::Time time) { return absl::ToUnixSeconds(time) / 86400; }

absl::Time StartOfDay(int64_t day) { return absl::FromUnixSeconds(day * 86400); }

// State record: "tokens;refilled_unix_micros;day;used_today".
std::string Encode(double tokens, absl::Time refilled, int64_t day, uint64_t used) {
  return absl::StrFormat("%.6f;%d;%d;%d", tokens, absl::ToUnixMicros(refilled), day, used);
}

}  // namespace

absl::StatusOr<std::unique_ptr<QuotaLedger>> QuotaLedger::Open(const std::string& state_dir, QuotaConfig config,
                                                               std::function<absl::Time()> clock,
                                                               uint64_t min_free_bytes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  // Opens on a (nearly) full disk without writing the WAL out first.
  options.avoid_flush_during_recovery = true;
  // Diagnostics to the server's log, not a file on a disk that may be full.
  options.info_log = MakeRocksDbLogger("quota state");
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, state_dir, &raw);
  if (!status.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open quota state at ", state_dir, ": ", status.ToString()));
  }
  auto guard = std::make_unique<StorageGuard>(
      state_dir, min_free_bytes, "pseudonymiser quota state",
      "evaluations are refused (a quota that cannot be recorded is not granted) until space is freed, then "
      "served again by themselves");
  guard->Attach(raw);
  return std::unique_ptr<QuotaLedger>(new QuotaLedger(std::unique_ptr<rocksdb::DB>(raw), std::move(config),
                                                      std::move(clock), std::move(guard)));
}

QuotaLedger::QuotaLedger(std::unique_ptr<rocksdb::DB> db, QuotaConfig config, std::function<absl::Time()> clock,
                         std::unique_ptr<StorageGuard> guard)
    : db_(std::move(db)), guard_(std::move(guard)), config_(std::move(config)), clock_(std::move(clock)) {}

QuotaLedger::~QuotaLedger() {
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

const QuotaLimits& QuotaLedger::LimitsFor(const std::string& organisation, absl::Time now) const {
  if (auto bulk = config_.bulk_onboarding.find(organisation);
      bulk != config_.bulk_onboarding.end() && now < bulk->second.until) {
    return bulk->second.limits;
  }
  if (auto own = config_.organisations.find(organisation); own != config_.organisations.end()) return own->second;
  return config_.defaults;
}

absl::StatusOr<QuotaLedger::State> QuotaLedger::LoadState(const std::string& organisation,
                                                          const QuotaLimits& limits, absl::Time now) {
  if (auto it = states_.find(organisation); it != states_.end()) return it->second;
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), organisation, &value);
  State state;
  if (status.IsNotFound()) {
    state.tokens = limits.burst;  // a newcomer starts with a full bucket
    state.refilled = now;
    state.day = DayOf(now);
  } else if (!status.ok()) {
    return absl::InternalError(absl::StrCat("quota state: ", status.ToString()));
  } else {
    std::vector<std::string> parts = absl::StrSplit(value, ';');
    int64_t micros = 0;
    if (parts.size() != 4 || !absl::SimpleAtod(parts[0], &state.tokens) || !absl::SimpleAtoi(parts[1], &micros) ||
        !absl::SimpleAtoi(parts[2], &state.day) || !absl::SimpleAtoi(parts[3], &state.used_today)) {
      return absl::DataLossError(absl::StrCat("quota state of ", organisation, " does not parse"));
    }
    state.refilled = absl::FromUnixMicros(micros);
  }
  states_[organisation] = state;
  return state;
}

absl::Status QuotaLedger::SaveState(const std::string& organisation, const State& state) {
  if (absl::Status room = guard_->BeforeWrite(); !room.ok()) return room;
  rocksdb::WriteOptions options;
  options.sync = true;
  absl::Status written = guard_->AfterWrite(
      db_->Put(options, organisation, Encode(state.tokens, state.refilled, state.day, state.used_today)));
  if (!written.ok()) return written;
  states_[organisation] = state;
  return absl::OkStatus();
}

absl::Status QuotaLedger::Charge(const std::string& organisation, uint64_t count, absl::Duration* retry_after) {
  const absl::Time now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  const QuotaLimits& limits = LimitsFor(organisation, now);
  absl::StatusOr<State> loaded = LoadState(organisation, limits, now);
  if (!loaded.ok()) return loaded.status();
  State state = *loaded;

  // Refill the bucket for the time passed; start a new day's count.
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - state.refilled));
  state.tokens = std::min(limits.burst, state.tokens + elapsed * limits.per_second);
  state.refilled = now;
  if (DayOf(now) != state.day) {
    state.day = DayOf(now);
    state.used_today = 0;
  }

  const double needed = static_cast<double>(count);
  if (needed > limits.burst) {
    CountRefusal(organisation);
    *retry_after = absl::InfiniteDuration();
    return absl::ResourceExhaustedError(absl::StrCat(
        "quota: a batch of ", count, " is larger than your burst of ", static_cast<uint64_t>(limits.burst),
        "; split it"));
  }
  if (state.used_today + count > limits.per_day) {
    CountRefusal(organisation);
    *retry_after = StartOfDay(state.day + 1) - now;
    return absl::ResourceExhaustedError(absl::StrCat("quota: daily cap of ", limits.per_day,
                                                     " elements reached; retry after ",
                                                     absl::FormatDuration(absl::Ceil(*retry_after, absl::Seconds(1)))));
  }
  if (state.tokens < needed) {
    CountRefusal(organisation);
    *retry_after = absl::Seconds((needed - state.tokens) / limits.per_second);
    return absl::ResourceExhaustedError(absl::StrCat(
        "quota: rate limit reached; retry after ",
        absl::FormatDuration(absl::Ceil(*retry_after, absl::Milliseconds(1)))));
  }
  state.tokens -= needed;
  state.used_today += count;
  if (absl::Status saved = SaveState(organisation, state); !saved.ok()) return saved;
  counters_.elements_by_organisation[organisation] += count;
  return absl::OkStatus();
}

absl::Status QuotaLedger::Refund(const std::string& organisation, uint64_t count) {
  const absl::Time now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  const QuotaLimits& limits = LimitsFor(organisation, now);
  absl::StatusOr<State> loaded = LoadState(organisation, limits, now);
  if (!loaded.ok()) return loaded.status();
  State state = *loaded;
  state.tokens = std::min(limits.burst, state.tokens + static_cast<double>(count));
  state.used_today -= std::min(state.used_today, count);
  if (absl::Status saved = SaveState(organisation, state); !saved.ok()) return saved;
  uint64_t& counted = counters_.elements_by_organisation[organisation];
  counted -= std::min(counted, count);
  return absl::OkStatus();
}

void QuotaLedger::CountRefusal(const std::string& organisation) {
  ++counters_.refusals;
  ++counters_.refusals_by_organisation[organisation];
}

uint64_t QuotaLedger::refusals() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_.refusals;
}

QuotaLedger::Counters QuotaLedger::counters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_;
}

}  // namespace samenloop::pseudonymiser
