#ifndef SAMENLOOP_BROKER_LIFECYCLE_RETENTION_H_
#define SAMENLOOP_BROKER_LIFECYCLE_RETENTION_H_

// The lifecycle component: what leaves the broker, and when. This folder's
// public header; periodic_task.h runs the sweeps on a schedule.
//
// Retention (ARCHITECTURE.md §8): when a signal's visible period ends
// (broker/core/liveness.h), SweepExpired takes it out of every index,
// deletes its record, idempotency key and pair decisions, redacts the
// bodies of the audit events that name it down to their leaf hashes, writes
// a SIGNAL_EXPIRED audit event listing those leaves, all in one write, and
// compacts, so the data leaves the files too. SweepOutbox (outbox_retention.cc)
// then deletes notifications that must not outlive their signal or stay
// long after they were acknowledged. Both run on a schedule inside the
// broker and on demand (`samenloop-broker sweep`).

#include <cstdint>

#include "absl/status/statusor.h"
#include "broker/core/context.h"

namespace samenloop::broker {

struct SweepResult {
  uint64_t examined = 0;
  uint64_t expired = 0;
  uint64_t redacted = 0;  // audit events whose bodies were redacted
  // Of the signals the sweep kept: still active (matched and notified), or
  // only visible as history. Exported as metrics "as of the last sweep".
  uint64_t active = 0;
  uint64_t visible = 0;
  // Outbox entries deleted after the expiries (SweepOutbox).
  uint64_t notifications_deleted = 0;
};

struct OutboxSweepResult {
  uint64_t examined = 0;
  uint64_t deleted = 0;
};

class Retention {
 public:
  explicit Retention(LedgerContext& context) : context_(context) {}

  // Expires every signal whose visible period has ended.
  absl::StatusOr<SweepResult> SweepExpired();
  // Deletes notifications about signals that no longer exist and
  // acknowledged ones older than LedgerOptions::outbox_keep_acknowledged.
  // Run after SweepExpired.
  absl::StatusOr<OutboxSweepResult> SweepOutbox();

 private:
  LedgerContext& context_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_LIFECYCLE_RETENTION_H_
