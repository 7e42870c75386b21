#ifndef SAMENLOOP_BROKER_LEDGER_H_
#define SAMENLOOP_BROKER_LEDGER_H_

// Ledger: the broker's core, its components composed over one store
// (docs/architecture.md has the map). Each component is a class of its own
// that writes through a Transaction (core/transaction.h) and shares the
// LedgerContext (core/context.h):
//
//   submission()    new signals: prepared in parallel, applied under the lock
//   signals()       update, close, reopen, revoke, get, list own signals
//   outbox()        read, release to a stream, acknowledge notifications
//   consents()      the consent and objection registry
//   policy()        the policy in force, its history, applying a new one
//   reevaluation()  deciding pairs again after a policy or consent change
//   retention()     expiring signals and old notifications
//   events()        audit events that change nothing else
//   leads()         who leads for a person: take, hand over (lead/lead.h)
//
// Matching (matching/) and notices (notifications/notices.h) are what
// these components use to decide and to tell; the edge (edge/) turns gRPC
// calls into calls on them.

#include <memory>

#include "absl/status/statusor.h"
#include "broker/consents/consents.h"
#include "broker/core/context.h"
#include "broker/core/event_recorder.h"
#include "broker/core/subject_keyer.h"
#include "broker/lead/lead.h"
#include "broker/lifecycle/retention.h"
#include "broker/matching/matching.h"
#include "broker/notifications/notification_hub.h"
#include "broker/notifications/outbox.h"
#include "broker/policy_in_force/policy_in_force.h"
#include "broker/policy_in_force/reevaluation.h"
#include "broker/signals/signals.h"
#include "broker/signals/submission.h"
#include "storage/store.h"

namespace samenloop::broker {

class Ledger {
 public:
  // `store`, `keyer` and `hub` must outlive the ledger. `policy` is the one
  // in force until a policy is applied.
  static absl::StatusOr<std::unique_ptr<Ledger>> Create(Store* store, const SubjectKeyer* keyer,
                                                        std::shared_ptr<const policy::DisclosurePolicy> policy,
                                                        NotificationHub* hub, LedgerOptions options = {});

  Submission& submission() { return submission_; }
  Signals& signals() { return signals_; }
  const Signals& signals() const { return signals_; }
  Outbox& outbox() { return outbox_; }
  const Outbox& outbox() const { return outbox_; }
  Consents& consents() { return consents_; }
  const Consents& consents() const { return consents_; }
  PolicyInForce& policy() { return policy_; }
  const PolicyInForce& policy() const { return policy_; }
  Reevaluation& reevaluation() { return reevaluation_; }
  Retention& retention() { return retention_; }
  EventRecorder& events() { return events_; }
  const EventRecorder& events() const { return events_; }
  Leads& leads() { return leads_; }

  // The committed counters (signal and audit numbers, outbox heads,
  // acknowledgements), for metrics.
  LedgerCounters CountersSnapshot() const { return context_.CountersSnapshot(); }
  absl::Time Now() const { return context_.Now(); }

 private:
  Ledger(Store* store, const SubjectKeyer* keyer, std::shared_ptr<const policy::DisclosurePolicy> policy,
         NotificationHub* hub, LedgerOptions options, LedgerCounters counters);

  LedgerContext context_;
  PairDecisions decisions_;
  Coordinator coordinator_;
  Matcher matcher_;
  Reevaluation reevaluation_;
  Submission submission_;
  Signals signals_;
  Outbox outbox_;
  Consents consents_;
  PolicyInForce policy_;
  Retention retention_;
  EventRecorder events_;
  Leads leads_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_LEDGER_H_
