#ifndef SAMENLOOP_BROKER_LEAD_LEAD_H_
#define SAMENLOOP_BROKER_LEAD_LEAD_H_

// The lead component: who leads (regievoerder) for a person, and telling
// the others (issue 20 item 4, docs/api.md "Lead"). What it offers:
//   Leads::Take      an organisation takes the lead through its open signal
//   Leads::HandOver  the lead passes to another organisation (warme
//                    overdracht), one event both sides see
//   Leads::Release   the lead gives up the lead and stays involved (the
//                    others are told it was released)
//   TellNewcomerWhoLeads  an organisation that learns of a lead's signal
//                    after the lead was taken (a new or reopened signal of
//                    its own) is told who leads
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

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker/matching/match_finder.h"
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

  // Ends the caller's lead for the person of its open signal `signal_id`
  // (through which or through another own signal it leads); the signal
  // stays open. Those who may learn of the lead's signal are told
  // (RELEASED), as they are of a lapse. FAILED_PRECONDITION when the
  // caller does not lead, the same whether nobody or someone else leads.
  absl::StatusOr<v1::LeadResponse> Release(const CallerIdentity& caller, const v1::ReleaseLeadRequest& request);

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

// The decision whether the new signal may learn of the matched signal
// `other_number` (`match`): allowed or not, under the policy in force.
using DecisionTowards =
    absl::FunctionRef<absl::StatusOr<policy::Decision>(uint64_t other_number, const MatchedSignal& match)>;

// Under the write lock, in the write that records new signal `number`
// (`signal`) or reopens it, with its `matches`: for each lead held through
// a matched signal that `decide` lets the signal learn of, one LEAD notice
// (TAKEN, existence and contact) to the signal's organisation, unless
// `lead.informs` leaves it out. The same pair decision as every lead
// notice (lead_notices.h): a lead on a signal it may not learn of tells it
// nothing. A coordinator that this write first tells of such a lead's
// signal by a pattern is told of its lead too (with `lead.tell_coordinators`).
// Reads nothing when the policy has no `lead:` section or there are no
// matches. `why` goes into each organisation's notice's audit reason.
absl::Status TellNewcomerWhoLeads(Transaction& write, const LedgerContext& context, uint64_t number,
                                  const storage::StoredSignal& signal,
                                  const std::map<uint64_t, MatchedSignal>& matches, DecisionTowards decide,
                                  absl::Time now,
                                  absl::string_view why = "its signal arrived after the lead was taken");

// The same for signal `number` reopened in `write`: its matches are read
// and each direction towards them decided under the policy in force.
absl::Status TellReopenedWhoLeads(Transaction& write, const LedgerContext& context, const PairDecisions& decisions,
                                  uint64_t number, const storage::StoredSignal& signal, absl::Time now);

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
