#ifndef SAMENLOOP_BROKER_SIGNALS_SIGNALS_H_
#define SAMENLOOP_BROKER_SIGNALS_SIGNALS_H_

// The signals component: an organisation's signals and their lifecycle.
// This folder's public header. What it offers:
//   signals.h            Signals: update, close, reopen, revoke, get, list
//   submission.h         Submission: new signals, batched, with the reads and
//                        decisions done before the write lock
//   signal_validation.h  the checks every field of a signal passes first
//
// Keys in, pseudonyms out: a signal is stored with person keys
// (matching/subject_keyer.h), never with the pseudonyms it arrived with.

#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "broker/core/context.h"
#include "broker/matching/matcher.h"
#include "broker_storage.pb.h"
#include "common/caller_identity.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

class Signals {
 public:
  Signals(LedgerContext& context, Matcher& matcher) : context_(context), matcher_(matcher) {}

  // Changes the fields named in the update mask (kUpdatableFields) of an
  // open or closed own signal, then matches it again: new pairs (e.g. from a
  // new related person) are notified; known pairs only if more is disclosed.
  absl::StatusOr<v1::Signal> Update(const CallerIdentity& caller, const v1::UpdateSignalRequest& request);
  absl::StatusOr<v1::Signal> Close(const CallerIdentity& caller, const v1::CloseSignalRequest& request);
  // Reopening tells again what was told of the signal (renotify).
  absl::StatusOr<v1::Signal> Reopen(const CallerIdentity& caller, const v1::ReopenSignalRequest& request);
  // Revoking takes the signal out of matching at once and withdraws or
  // retracts its notifications (notifications/notices.h).
  absl::StatusOr<v1::Signal> Revoke(const CallerIdentity& caller, const v1::RevokeSignalRequest& request);
  absl::StatusOr<v1::Signal> Get(const CallerIdentity& caller, absl::string_view signal_id) const;
  absl::StatusOr<v1::ListOwnSignalsResponse> ListOwn(const CallerIdentity& caller,
                                                     const v1::ListOwnSignalsRequest& request) const;

 private:
  // Changes an own signal's status; a revocation also withdraws its
  // notifications, citing `reason_class`.
  absl::StatusOr<v1::Signal> Transition(const CallerIdentity& caller, absl::string_view signal_id,
                                        v1::AuditEventType event_type, absl::string_view reason,
                                        const std::function<absl::Status(storage::StoredSignal&)>& change,
                                        v1::RevocationReason reason_class = v1::REVOCATION_REASON_UNSPECIFIED);

  LedgerContext& context_;
  Matcher& matcher_;
};

// What the owner sees of its stored signal: everything it sent but the
// pseudonyms, which were never stored.
v1::Signal ClientView(const storage::StoredSignal& stored);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNALS_SIGNALS_H_
