#ifndef SAMENLOOP_PSEUDONYMISER_QUOTA_LEDGER_H_
#define SAMENLOOP_PSEUDONYMISER_QUOTA_LEDGER_H_

// QuotaLedger limits how many elements each organisation may have
// evaluated: a token bucket (a sustained rate with a burst) plus a cap per
// UTC day. It is what makes enumerating the ~9·10^7 valid BSNs through the
// pseudonymiser impractical for any one organisation (docs/trust-model.md).
//
// An organisation in a bulk-onboarding window (configured separately, with
// an end date) gets that window's limits instead. State is persisted with a
// synced write before an evaluation is allowed, so neither a restart nor a
// crash gives anybody a fresh quota. When the state cannot be written (disk
// full: common/storage_guard.h) the charge fails UNAVAILABLE and nothing is
// evaluated: the quota fails closed, and recovers once space is freed.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/storage_guard.h"
#include "pseudonymiser/refusal_limiter.h"
#include "rocksdb/db.h"

namespace samenloop::pseudonymiser {

struct QuotaLimits {
  double per_second = 100;      // sustained refill rate
  double burst = 10000;         // bucket size: the largest batch that can ever pass
  uint64_t per_day = 100000;    // elements per UTC day
};

struct BulkAllowance {
  QuotaLimits limits;
  absl::Time until;  // the allowance ends here; normal limits apply after
};

struct QuotaConfig {
  QuotaLimits defaults;
  std::map<std::string, QuotaLimits> organisations;
  std::map<std::string, BulkAllowance> bulk_onboarding;
  // Refused calls per organisation (bad input, spent quota), for every
  // organisation alike (refusal_limiter.h).
  RefusalLimits refused_calls;
};

class QuotaLedger {
 public:
  // `min_free_bytes`: charges are refused while the state directory's file
  // system has less than this free (0: only when a write fails).
  static absl::StatusOr<std::unique_ptr<QuotaLedger>> Open(
      const std::string& state_dir, QuotaConfig config,
      std::function<absl::Time()> clock = [] { return absl::Now(); }, uint64_t min_free_bytes = 0);
  ~QuotaLedger();

  // Charges `count` elements to `organisation`. RESOURCE_EXHAUSTED when the
  // bucket or the day's cap is spent, with *retry_after set to when the
  // same request could pass (the charge is then not made).
  absl::Status Charge(const std::string& organisation, uint64_t count, absl::Duration* retry_after);

  // Gives back a charge whose request was then refused as bad input, so a
  // refused request changes nothing.
  absl::Status Refund(const std::string& organisation, uint64_t count);

  // Counters since start, exported as metrics: requests refused and
  // elements allowed, in total and per organisation.
  struct Counters {
    uint64_t refusals = 0;
    std::map<std::string, uint64_t> refusals_by_organisation;
    std::map<std::string, uint64_t> elements_by_organisation;
  };
  uint64_t refusals() const;
  Counters counters() const;

  // Whether the state takes writes; Recover() for a periodic probe.
  StorageGuard& guard() { return *guard_; }

 private:
  struct State {
    double tokens = 0;
    absl::Time refilled;
    int64_t day = 0;  // days since the epoch, UTC
    uint64_t used_today = 0;
  };

  QuotaLedger(std::unique_ptr<rocksdb::DB> db, QuotaConfig config, std::function<absl::Time()> clock,
              std::unique_ptr<StorageGuard> guard);
  const QuotaLimits& LimitsFor(const std::string& organisation, absl::Time now) const;
  absl::StatusOr<State> LoadState(const std::string& organisation, const QuotaLimits& limits, absl::Time now);
  absl::Status SaveState(const std::string& organisation, const State& state);
  void CountRefusal(const std::string& organisation);

  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<StorageGuard> guard_;
  QuotaConfig config_;
  std::function<absl::Time()> clock_;
  mutable std::mutex mutex_;
  std::map<std::string, State> states_;  // cache of persisted states
  Counters counters_;
};

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_QUOTA_LEDGER_H_
