#ifndef SAMENLOOP_PSEUDONYMISER_REFUSAL_LIMITER_H_
#define SAMENLOOP_PSEUDONYMISER_REFUSAL_LIMITER_H_

// RefusalLimiter rate-limits refused calls per organisation: each refused
// Evaluate (bad elements, a spent quota, a wrong mode or batch size) takes
// a token from the caller's refusal bucket, and while that bucket is empty
// every call from the organisation is answered RESOURCE_EXHAUSTED at once,
// before its elements are even looked at. So one certificate sending bad
// batches (each of which costs the server a decode per element) or
// hammering a spent quota cannot keep the server busy.
//
// In memory only: a restart gives a fresh bucket, which costs the caller a
// restart of the server to get; the element quota (QuotaLedger) is the one
// that must survive restarts. Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace samenloop::pseudonymiser {

struct RefusalLimits {
  double per_second = 1;  // refused calls forgiven per second
  double burst = 30;      // refused calls allowed in a row
};

class RefusalLimiter {
 public:
  explicit RefusalLimiter(RefusalLimits limits, std::function<absl::Time()> clock = [] { return absl::Now(); });

  // OK when `organisation` may be served; RESOURCE_EXHAUSTED (with
  // *retry_after) while its refusals are over the limit.
  absl::Status Admit(const std::string& organisation, absl::Duration* retry_after);
  // Counts one refused call against `organisation`.
  void Refused(const std::string& organisation);

  // Calls turned away by Admit since start, for metrics.
  uint64_t turned_away() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };
  Bucket& RefilledLocked(const std::string& organisation, absl::Time now);

  const RefusalLimits limits_;
  std::function<absl::Time()> clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  uint64_t turned_away_ = 0;
};

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_REFUSAL_LIMITER_H_
