#include "broker/signals/policy_checks.h"

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "broker/core/liveness.h"

namespace samenloop::broker {

absl::Status CheckCategoryKnown(const policy::DisclosurePolicy& policy, const std::string& category,
                                const std::string& path) {
  if (policy.KnowsCategory(category)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": is not a category of the policy in force (", policy.Version(), ")"));
}

absl::Status CheckStillVisible(const policy::DisclosurePolicy& policy, const v1::Signal& signal, absl::Time now,
                               const std::string& path) {
  v1::Signal as_stored = signal;
  as_stored.set_status(v1::SIGNAL_STATUS_OPEN);
  if (!as_stored.has_opened_at()) *as_stored.mutable_opened_at() = ToProto(now);
  const absl::Time until = VisibleUntil(as_stored, policy.RetentionFor(signal.category()));
  if (now < until) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      path, ": the visible period of category ", signal.category(), " for a signal opened then ended on ",
      absl::FormatTime("%Y-%m-%d", until, absl::UTCTimeZone()), "; it cannot be matched or disclosed"));
}

}  // namespace samenloop::broker
