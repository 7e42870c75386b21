#ifndef SAMENLOOP_BROKER_SIGNAL_VALIDATION_H_
#define SAMENLOOP_BROKER_SIGNAL_VALIDATION_H_

// Validation of signals arriving from clients. Each error is
// INVALID_ARGUMENT and names the field path and the rule broken, e.g.
// "items[2].signal.related[1].relation: must be set". Messages never contain
// a pseudonym, a contact detail or other submitted content.

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

inline constexpr size_t kPseudonymBytes = 64;
inline constexpr int kMaxRelated = 32;

// Checks a signal for SubmitSignals. `path` prefixes field names in errors.
absl::Status ValidateNewSignal(const v1::Signal& signal, absl::string_view path);

// The checks of every client-settable field except the subject and the
// output-only fields; used for a new signal and for an updated one.
absl::Status ValidateSignalFields(const v1::Signal& signal, absl::string_view path);

// Fields UpdateSignal may change (UpdateSignalRequest.update_mask paths).
inline constexpr const char* kUpdatableFields[] = {
    "age_band", "subject_role", "related", "category", "nature", "severity", "last_confirmed_at", "contact",
    "local_reference", "protected", "protected_against", "legal_framework", "duty_to_inform"};

// Checks a client-supplied idempotency key.
absl::Status ValidateIdempotencyKey(absl::string_view key, absl::string_view path);

// Checks a client-supplied time: between 1900 and 2200, so that every
// later conversion (to absl::Time, to nanoseconds) stays in range.
absl::Status ValidateTimestamp(const google::protobuf::Timestamp& time, absl::string_view path);

// Checks a pseudonym's length; used by every service that takes one.
absl::Status ValidatePseudonym(const v1::Pseudonym& pseudonym, absl::string_view path);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNAL_VALIDATION_H_
