#ifndef SAMENLOOP_BROKER_CORE_CORE_H_
#define SAMENLOOP_BROKER_CORE_CORE_H_

// The broker's core: what every component shares. What it offers:
//   context.h          LedgerContext: store, keyer, policy in force, clock,
//                      the write lock and the committed counters
//   transaction.h      Transaction: one atomic, synced write with its audit
//                      events and counters
//   change_versions.h  what lets a submission read and decide without the lock
//   subject_keyer.h    pseudonym -> HMAC person key (no pseudonym is stored)
//   opaque_ids.h       the public ids of signals and notifications
//   reads.h            stored signals and the consent facts the policy sees
//   liveness.h         retention periods: when a signal is live
//   event_recorder.h   audit events that change nothing else
//   schema.h           opening a broker store and migrating its schema
//   backup.h           backups of a stopped broker, restore, verification

#include "broker/core/change_versions.h"
#include "broker/core/context.h"
#include "broker/core/event_recorder.h"
#include "broker/core/liveness.h"
#include "broker/core/opaque_ids.h"
#include "broker/core/reads.h"
#include "broker/core/schema.h"
#include "broker/core/subject_keyer.h"
#include "broker/core/transaction.h"

#endif  // SAMENLOOP_BROKER_CORE_CORE_H_
