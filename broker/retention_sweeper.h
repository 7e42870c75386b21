#ifndef SAMENLOOP_BROKER_RETENTION_SWEEPER_H_
#define SAMENLOOP_BROKER_RETENTION_SWEEPER_H_

// Retention (ARCHITECTURE.md §8): when a signal's visible period ends, the
// sweeper (SignalLedger::SweepExpired) takes it out of every index, deletes
// its record, idempotency key and pair decisions, redacts the bodies of
// the audit events that name it down to their leaf hashes, writes a
// SIGNAL_EXPIRED audit event listing those leaves, all in one write, and
// compacts, so the data leaves the files too. It runs on a schedule inside the broker and on demand
// (`samenloop-broker sweep`).

#include <cstdint>

#include "absl/time/time.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

struct SweepResult {
  uint64_t examined = 0;
  uint64_t expired = 0;
  uint64_t redacted = 0;  // audit events whose bodies were redacted
  // Of the signals the sweep kept: still active (matched and notified), or
  // only visible as history. Exported as metrics "as of the last sweep".
  uint64_t active = 0;
  uint64_t visible = 0;
  // Outbox entries deleted after the expiries (SignalLedger::SweepOutbox).
  uint64_t notifications_deleted = 0;
};

// When a signal stops being active: when it was closed, or its active
// period after opening or last confirmation ended, whichever is first.
absl::Time ActiveUntil(const v1::Signal& signal, const policy::Retention& retention);

// When a signal's visible period ends and it is expired.
absl::Time VisibleUntil(const v1::Signal& signal, const policy::Retention& retention);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_RETENTION_SWEEPER_H_
