#ifndef SAMENLOOP_BROKER_LEAD_LEAD_H_
#define SAMENLOOP_BROKER_LEAD_LEAD_H_

// The lead component: who leads (regievoerder) for a person, and telling
// the others (issue 20 item 4, docs/api.md "Lead"). What it offers:
//   Leads::Take      an organisation takes the lead through its open signal
//   Leads::HandOver  the lead passes to another organisation (warme
//                    overdracht), one event both sides see
//   EndLeadOf        the lead ends with its signal: closed (the others are
//                    told it lapsed) or revoked (its notices are retracted)
//   LeadExpiries     the same when the retention sweeper expires the signal
//
// One lead at a time: a take is refused while an organisation leads whose
// signal the taker may learn of. Non-interference: who is told, what a
// call answers and what it counts never depend on a signal the observer
// may not learn of (lead_notices.h; docs/decisions.md "One lead at a time").
// Each call is one Transaction: lead record, audit events and notices are
// one synced write before the answer.

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/pair_decisions.h"
#include "broker_storage.pb.h"
#include "common/caller_identity.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker {

class Leads {
 public:
  Leads(LedgerContext& context, const PairDecisions& decisions) : context_(context), decisions_(decisions) {}

  // PERMISSION_DENIED when the policy lets the caller not lead;
  // FAILED_PRECONDITION when the signal is not open or another
  // organisation the caller may learn of leads. Leading already: the
  // current lead, unchanged.
  absl::StatusOr<v1::LeadResponse> Take(const CallerIdentity& caller, const v1::TakeLeadRequest& request);

  // INVALID_ARGUMENT for a target that is not another organisation;
  // FAILED_PRECONDITION when the caller does not lead, or the target has no
  // open signal on the person that it and the caller may learn of each
  // other through; PERMISSION_DENIED when the policy lets the target not lead.
  absl::StatusOr<v1::LeadResponse> HandOver(const CallerIdentity& caller, const v1::HandOverLeadRequest& request);

 private:
  LedgerContext& context_;
  const PairDecisions& decisions_;
};

// Under the write lock, in the write that closes or revokes signal
// `number` (`signal` is its new state; `by` the organisation): if it leads,
// the lead ends (LEAD_LAPSED). A close tells those who may learn of the
// closed signal that the lead lapsed; a revocation tells nobody more, as
// its lead notices are retracted with it (notifications/notices.h).
absl::Status EndLeadOf(Transaction& write, const LedgerContext& context, const PairDecisions& decisions,
                       uint64_t number, const storage::StoredSignal& signal, const CallerIdentity& by,
                       absl::Time now);

// The retention sweeper's side: an expired signal's lead ends silently (an
// expired signal is disclosed to no one; its notices go with it), audited.
// One per sweeper write, so that two expiries on one person both count.
class LeadExpiries {
 public:
  explicit LeadExpiries(Transaction& write) : write_(write) {}
  absl::Status Expire(uint64_t number, const storage::StoredSignal& signal, absl::Time now);

 private:
  Transaction& write_;
  std::map<std::string, storage::LeadRecord> pending_;  // by subject key, as this write leaves them
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_LEAD_LEAD_H_
