#include "pseudonymiser/refusal_limiter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace samenloop::pseudonymiser {

RefusalLimiter::RefusalLimiter(RefusalLimits limits, std::function<absl::Time()> clock)
    : limits_(limits), clock_(std::move(clock)) {}

RefusalLimiter::Bucket& RefusalLimiter::RefilledLocked(const std::string& organisation, absl::Time now) {
  auto [it, inserted] = buckets_.try_emplace(organisation);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = limits_.burst;
  } else {
    const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.refilled));
    bucket.tokens = std::min(limits_.burst, bucket.tokens + elapsed * limits_.per_second);
  }
  bucket.refilled = now;
  return bucket;
}

absl::Status RefusalLimiter::Admit(const std::string& organisation, absl::Duration* retry_after) {
  std::lock_guard<std::mutex> lock(mutex_);
  Bucket& bucket = RefilledLocked(organisation, clock_());
  if (bucket.tokens >= 1) return absl::OkStatus();
  ++turned_away_;
  *retry_after = absl::Seconds((1 - bucket.tokens) / limits_.per_second);
  return absl::ResourceExhaustedError(
      absl::StrCat("too many refused calls from this organisation; retry after ",
                   absl::FormatDuration(absl::Ceil(*retry_after, absl::Milliseconds(1))),
                   " (fix the requests first: see the earlier errors)"));
}

void RefusalLimiter::Refused(const std::string& organisation) {
  std::lock_guard<std::mutex> lock(mutex_);
  Bucket& bucket = RefilledLocked(organisation, clock_());
  bucket.tokens = std::max(0.0, bucket.tokens - 1);
}

uint64_t RefusalLimiter::turned_away() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return turned_away_;
}

}  // namespace samenloop::pseudonymiser
