#ifndef SAMENLOOP_BROKER_POLICY_IN_FORCE_POLICY_IN_FORCE_H_
#define SAMENLOOP_BROKER_POLICY_IN_FORCE_POLICY_IN_FORCE_H_

// The policy in force, its history, and applying a new one
// (docs/policy-guide.md "Applying a policy"). This folder's public header:
// reevaluation.h is what an apply (or a consent change) sets off.

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "broker/core/context.h"
#include "broker/policy_in_force/reevaluation.h"
#include "broker_storage.pb.h"
#include "common/caller_identity.h"
#include "policy/disclosure_policy.h"

namespace samenloop::broker {

class PolicyInForce {
 public:
  PolicyInForce(LedgerContext& context, Reevaluation& reevaluation)
      : context_(context), reevaluation_(reevaluation) {}

  // The policy in force; a snapshot that a later Apply does not change.
  std::shared_ptr<const policy::DisclosurePolicy> Current() const { return context_.Policy(); }
  // Makes `policy` (compiled from `record`) the one in force, atomically:
  // the record, its place in the history and its POLICY_APPLIED audit event
  // are one write, and no submit is decided half under the old policy.
  // Then every live pair is decided again (reevaluation.h).
  // FAILED_PRECONDITION when `expected_active_version` is set and is not
  // the active version.
  absl::StatusOr<ReevaluationResult> Apply(const CallerIdentity& caller,
                                           std::shared_ptr<const policy::DisclosurePolicy> policy,
                                           storage::PolicyRecord record, absl::string_view expected_active_version);
  // NOT_FOUND while the built-in development policy is in force.
  absl::StatusOr<storage::PolicyRecord> ActiveRecord() const;
  // Every applied policy, oldest first.
  absl::StatusOr<std::vector<storage::PolicyRecord>> History() const;

 private:
  LedgerContext& context_;
  Reevaluation& reevaluation_;
};

// The policy a broker starts with: the one last applied to `store`
// (compiled again from its stored file), or `fallback` when none was.
// FAILED_PRECONDITION when the stored file no longer compiles.
absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> StartupPolicy(
    const Store& store, std::shared_ptr<const policy::DisclosurePolicy> fallback);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_POLICY_IN_FORCE_POLICY_IN_FORCE_H_
