#ifndef SAMENLOOP_BROKER_MATCHING_PAIR_DECISIONS_H_
#define SAMENLOOP_BROKER_MATCHING_PAIR_DECISIONS_H_

// Pair decisions: for one direction of a matched pair (may the recipient's
// organisation learn of the other signal?), asking the policy and recording
// the answer. A recorded decision is the pair record (PairDecision), its
// MATCH_DECISION audit event citing rule and legal basis or consent, and,
// when the disclosure is allowed and new or wider, the notification with its
// notices (notifications/notices.h). A disallowed decision withdraws what
// the recipient was queued but has not seen.
//
// Deciding only reads, so a submission does it before taking the write lock
// (signals/submission.h); recording happens under it.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/context.h"
#include "broker/core/transaction.h"
#include "broker_storage.pb.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/common.pb.h"

namespace samenloop::broker {

// One direction of a pair: may `recipient`'s organisation learn of `other`?
struct Direction {
  uint64_t recipient_number = 0;
  const storage::StoredSignal* recipient = nullptr;
  uint64_t other_number = 0;
  const storage::StoredSignal* other = nullptr;
  policy::MatchKind kind = policy::MatchKind::kSubject;
  // How other's subject stands to recipient's subject (household matches).
  v1::Relation relation = v1::RELATION_UNSPECIFIED;
};

// Why a direction is decided (again), beyond the decision itself.
struct Occasion {
  // Tell again what was told before (the recipient reopened its signal).
  bool renotify = false;
  // What changed about `other` in this write: a recipient already told of
  // it is told of the changes the decision lets it see (change_notices.h).
  policy::ChangeMask changes_of_other = 0;
};

class PairDecisions {
 public:
  explicit PairDecisions(LedgerContext& context) : context_(context) {}

  // What `policy` decides for `direction` at `now`: the facts of both
  // signals and the consent records on the subject of `other`.
  absl::StatusOr<policy::Decision> Decide(const policy::DisclosurePolicy& policy, const Direction& direction,
                                          absl::Time now) const;

  // The decision recorded for the direction, if any.
  absl::StatusOr<std::optional<storage::PairDecision>> Recorded(const Direction& direction) const;

  // Records `decision` (taken under the policy in force) over `previous`;
  // notifies when allowed and new, wider, or on `occasion.renotify`, and
  // otherwise queues a change notice when `occasion` brings changes the
  // recipient may be told of. Returns whether it queued a notification.
  absl::StatusOr<bool> Record(Transaction& write, const Direction& direction, const policy::Decision& decision,
                              const std::optional<storage::PairDecision>& previous, const Occasion& occasion,
                              absl::Time now);

  // Decide, then Record over the recorded decision. With `only_if_changed`,
  // a decision equal to the recorded one writes nothing (re-evaluation
  // audits changes only); `*changed` says whether it differed.
  absl::StatusOr<bool> DecideAndRecord(Transaction& write, const Direction& direction, const Occasion& occasion,
                                       bool only_if_changed = false, bool* changed = nullptr);

 private:
  // The id of the pair's next match notification (generation + 1).
  std::string NextMatchId(const Direction& direction, const std::optional<storage::PairDecision>& previous) const;
  // The id of the change notice for the other signal's current revision.
  std::string ChangeNoticeId(const Direction& direction) const;

  LedgerContext& context_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_PAIR_DECISIONS_H_
