#ifndef SAMENLOOP_POLICY_DURATION_H_
#define SAMENLOOP_POLICY_DURATION_H_

// Durations and dates as privacy officers write them in policy files:
// "30d", "6w", "1y" (a year is 365 days; months are refused because their
// length varies), and dates as "YYYY-MM-DD" (00:00 UTC that day).

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace samenloop::policy {

absl::StatusOr<absl::Duration> ParsePolicyDuration(absl::string_view text);
absl::StatusOr<absl::Time> ParsePolicyDate(absl::string_view text);

// The inverse of ParsePolicyDuration for whole days ("365d" -> "1y").
std::string FormatPolicyDuration(absl::Duration duration);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_DURATION_H_
