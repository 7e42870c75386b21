#ifndef SAMENLOOP_BROKER_SIGNALS_SIGNAL_VALIDATION_H_
#define SAMENLOOP_BROKER_SIGNALS_SIGNAL_VALIDATION_H_

// Validation of signals and signal requests arriving from clients. Each
// error is INVALID_ARGUMENT and names the field path and the rule broken,
// e.g. "items[2].signal.related[1].relation: must be set". Messages never
// contain a pseudonym, a contact detail or other submitted content. The
// limits are the ones docs/api.md ("Limits") lists.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

inline constexpr size_t kPseudonymBytes = 64;
inline constexpr int kMaxRelated = 32;
inline constexpr size_t kMaxContactName = 200;
inline constexpr size_t kMaxContactPhone = 40;
inline constexpr size_t kMaxContactEmail = 200;
inline constexpr size_t kMaxLocalReference = 128;
inline constexpr size_t kMaxReason = 500;  // postponement and revocation reasons
inline constexpr int kMaxStatusFilters = 5;
inline constexpr size_t kMaxPageToken = 256;

// How far from now a date a client sets may lie: an organisation is
// involved since at most 50 years (a date before is a typo, and would make
// the next sweep delete a live signal), and nothing happened later than a
// day from now (a day of slack for clocks and date-only clients). The same
// day of slack applies when a confirmation or a close is compared with the
// opening: a client that sends dates (or whole seconds) only confirms "today".
inline constexpr absl::Duration kMaxPast = absl::Hours(24 * 365 * 50);
inline constexpr absl::Duration kMaxAhead = absl::Hours(24);

// Checks a signal for SubmitSignals. `path` prefixes field names in errors.
absl::Status ValidateNewSignal(const v1::Signal& signal, absl::string_view path, absl::Time now);

// The checks of every client-settable field except the subject and the
// output-only fields; used for a new signal and for an updated one.
absl::Status ValidateSignalFields(const v1::Signal& signal, absl::string_view path, absl::Time now);

// Fields UpdateSignal may change (UpdateSignalRequest.update_mask paths).
inline constexpr const char* kUpdatableFields[] = {
    "age_band", "subject_role", "related", "category", "nature", "severity", "last_confirmed_at", "contact",
    "local_reference", "protected", "protected_against", "legal_framework", "duty_to_inform", "waiting_since"};

// UpdateSignal before the stored signal is read: the mask names each
// updatable field at most once, and the body sets nothing the mask does not
// name (so no one believes an identity, id or subject in it took effect).
absl::Status ValidateUpdateRequest(const v1::UpdateSignalRequest& request);

// CloseSignal before the stored signal is read: a plausible closed_at.
absl::Status ValidateCloseRequest(const v1::CloseSignalRequest& request, absl::Time now);

// RevokeSignal: the reason is bounded, clean free text.
absl::Status ValidateRevokeRequest(const v1::RevokeSignalRequest& request);

// ListOwnSignals: bounded filters and page token.
absl::Status ValidateListOwnRequest(const v1::ListOwnSignalsRequest& request);

// Checks a client-supplied idempotency key.
absl::Status ValidateIdempotencyKey(absl::string_view key, absl::string_view path);

// Checks a client-supplied time: between 1900 and 2200, so that every
// later conversion (to absl::Time, to nanoseconds) stays in range.
absl::Status ValidateTimestamp(const google::protobuf::Timestamp& time, absl::string_view path);

// A date of something that happened: ValidateTimestamp, and within
// [now - kMaxPast, now + kMaxAhead].
absl::Status ValidateEventTime(const google::protobuf::Timestamp& time, absl::string_view path, absl::Time now);

// Checks a pseudonym's length; used by every service that takes one.
absl::Status ValidatePseudonym(const v1::Pseudonym& pseudonym, absl::string_view path);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNALS_SIGNAL_VALIDATION_H_
