#ifndef SAMENLOOP_BROKER_MATCHING_MATCHING_H_
#define SAMENLOOP_BROKER_MATCHING_MATCHING_H_

// The matching component: from a signal to the organisations that may learn
// of it. What it offers:
//   match_finder.h    candidates through the person indexes: subject,
//                     household and shared-related matches
//   disclosure.h      what the policy is told of a signal, and what a
//                     recipient is shown at a decided level
//   pair_decisions.h  deciding and recording one direction of a pair
//   change_notices.h  telling those told of a signal what changed about it
//   coordinator.h     coordination rules: patterns on arrival, out of view
//                     on a close
//   matcher.h         all of the above for one signal under the write lock
// Person keys come from broker/core/subject_keyer.h; it writes only through
// a Transaction (broker/core/transaction.h).

#include "broker/matching/change_notices.h"
#include "broker/matching/coordinator.h"
#include "broker/matching/disclosure.h"
#include "broker/matching/match_finder.h"
#include "broker/matching/matcher.h"
#include "broker/matching/pair_decisions.h"

#endif  // SAMENLOOP_BROKER_MATCHING_MATCHING_H_
