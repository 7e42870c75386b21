#ifndef SAMENLOOP_BROKER_CONSENTS_CONSENT_VALIDATION_H_
#define SAMENLOOP_BROKER_CONSENTS_CONSENT_VALIDATION_H_

// Validation of consent and objection records and of ConsentService
// requests (docs/consent.md). Every error is INVALID_ARGUMENT naming exactly
// one field ("record.scope.recipient_kind: ..."), never its value. A scope
// may only name recipients and categories the policy in force knows.

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/consent.pb.h"

namespace samenloop::broker {

inline constexpr int kMaxConsentCategories = 50;
inline constexpr size_t kMaxConsentPurpose = 200;
inline constexpr size_t kMaxRecipientName = 64;
// How far from now a record's validity may start or end: a record is about
// a person's life, not centuries.
inline constexpr absl::Duration kMaxConsentSpan = absl::Hours(24 * 365 * 100);

absl::Status ValidateConsentRecord(const v1::ConsentRecord& record, const policy::DisclosurePolicy& policy,
                                   absl::Time now);

absl::Status ValidateListConsentsRequest(const v1::ListConsentsRequest& request);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CONSENTS_CONSENT_VALIDATION_H_
