#ifndef SAMENLOOP_BROKER_SIGNALS_POLICY_CHECKS_H_
#define SAMENLOOP_BROKER_SIGNALS_POLICY_CHECKS_H_

// The checks of a signal that depend on the policy in force (the others,
// field by field, are in signal_validation.h).

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

// Signals use the taxonomy of the policy in force: INVALID_ARGUMENT at
// `path` for a category it does not know.
absl::Status CheckCategoryKnown(const policy::DisclosurePolicy& policy, const std::string& category,
                                const std::string& path);

// A signal whose visible period has already ended (an old opened_at) would
// be deleted by the next sweep: FAILED_PRECONDITION at `path`, rather than
// matching it now.
absl::Status CheckStillVisible(const policy::DisclosurePolicy& policy, const v1::Signal& signal, absl::Time now,
                               const std::string& path);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNALS_POLICY_CHECKS_H_
