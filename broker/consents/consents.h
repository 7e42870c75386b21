#ifndef SAMENLOOP_BROKER_CONSENTS_CONSENTS_H_
#define SAMENLOOP_BROKER_CONSENTS_CONSENTS_H_

// The consent and objection registry (ARCHITECTURE.md §5, docs/consent.md).
// A record is stored with person keys instead of pseudonyms, registered and
// withdrawn in one write with its audit event; the decisions it changes for
// signals on its subject are then taken again (policy_in_force/
// reevaluation.h). consent_validation.h checks a record before it is stored.
// What the policy is told of the records: broker/core/reads.h.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "broker/core/context.h"
#include "broker/policy_in_force/reevaluation.h"
#include "common/caller_identity.h"
#include "samenloop/v1/consent.pb.h"

namespace samenloop::broker {

class Consents {
 public:
  Consents(LedgerContext& context, Reevaluation& reevaluation) : context_(context), reevaluation_(reevaluation) {}

  // Registers a record obtained by the caller's organisation; decisions that
  // it changes for signals on its subject are taken again at once.
  absl::StatusOr<v1::ConsentRecord> RegisterConsent(const CallerIdentity& caller, const v1::ConsentRecord& record);
  // Only the organisation that registered a record can withdraw it.
  absl::StatusOr<v1::ConsentRecord> WithdrawConsent(const CallerIdentity& caller, absl::string_view consent_id);
  absl::StatusOr<v1::ListConsentsResponse> ListConsents(const CallerIdentity& caller,
                                                        const v1::ListConsentsRequest& request) const;

 private:
  LedgerContext& context_;
  Reevaluation& reevaluation_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CONSENTS_CONSENTS_H_
