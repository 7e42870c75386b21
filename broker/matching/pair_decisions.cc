#include "broker/matching/pair_decisions.h"

#include <algorithm>
#include <string>

#include "audit/events.h"
#include "broker/core/reads.h"
#include "broker/matching/change_notices.h"
#include "broker/matching/disclosure.h"
#include "broker/core/subject_keyer.h"
#include "broker/notifications/notices.h"
#include "storage/keys.h"
#include "broker/core/signal_events.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerCaller{"broker", Role::kOperator, ""};

v1::AuditEvent DecisionEvent(const Direction& d, const policy::Decision& decision, absl::Time now) {
  v1::AuditEvent audit = BaseEvent(v1::AUDIT_EVENT_TYPE_MATCH_DECISION, kBrokerCaller, now);
  NameSignalPersons(audit, *d.recipient);
  NameSignalPersons(audit, *d.other);
  audit.add_signal_ids(d.recipient->signal().signal_id());
  audit.add_signal_ids(d.other->signal().signal_id());
  audit.set_category(d.other->signal().category());
  audit.set_recipient_organisation(d.recipient->signal().source_organisation());
  audit.set_outcome(decision.allow ? v1::DECISION_OUTCOME_ALLOW : v1::DECISION_OUTCOME_DENY);
  audit.set_disclosure_level(ToProto(decision.level));
  audit.set_match_kind(ToProto(d.kind));
  *audit.mutable_basis() = BasisOf(decision);
  audit.set_reason(decision.reason);  // rule and record ids only, never personal data
  return audit;
}

// Queues the match notification of `d` with id `notification_id` and
// records it under both signals, so revoking either withdraws it.
void Notify(Transaction& write, const Direction& d, const policy::Decision& decision,
            const std::string& notification_id, const policy::DisclosurePolicy& policy, absl::Time now) {
  const std::string& recipient_org = d.recipient->signal().source_organisation();
  v1::Notification notification;
  notification.set_notification_id(notification_id);
  *notification.mutable_created_at() = ToProto(now);
  notification.set_kind(v1::NOTIFICATION_KIND_MATCH);
  notification.set_your_signal_id(d.recipient->signal().signal_id());
  notification.set_your_local_reference(d.recipient->signal().local_reference());
  *notification.mutable_other() = Disclose(*d.other, decision.level, policy);
  notification.set_disclosure_level(ToProto(decision.level));
  notification.set_match_kind(ToProto(d.kind));
  notification.set_relation(d.relation);
  *notification.mutable_basis() = BasisOf(decision);
  const uint64_t cursor = write.AppendOutbox(recipient_org, std::move(notification));

  storage::NoticeRecord notice;
  notice.set_notification_id(notification_id);
  notice.set_your_signal_id(d.recipient->signal().signal_id());
  notice.set_your_local_reference(d.recipient->signal().local_reference());
  RecordPairNotices(write, d.recipient_number, d.other_number, recipient_org, cursor, std::move(notice));
}

}  // namespace

absl::StatusOr<policy::Decision> PairDecisions::Decide(const policy::DisclosurePolicy& policy, const Direction& d,
                                                       absl::Time now) const {
  policy::MatchCandidate candidate;
  candidate.recipient = FactsOf(*d.recipient);
  candidate.other = FactsOf(*d.other);
  candidate.kind = d.kind;
  candidate.relation = d.kind == policy::MatchKind::kHouseholdRelated ? static_cast<policy::Relation>(d.relation)
                                                                      : policy::Relation::kNone;
  candidate.decision_time = now;
  const auto& protects = d.other->protected_against_keys();
  candidate.other_protects_against_recipient_subject =
      std::find(protects.begin(), protects.end(), d.recipient->subject_key()) != protects.end();
  absl::StatusOr<std::vector<policy::ConsentFacts>> consents = ConsentFactsOn(context_.store(), d.other->subject_key());
  if (!consents.ok()) return consents.status();
  candidate.consents = *std::move(consents);
  return policy.Decide(candidate);
}

absl::StatusOr<std::optional<storage::PairDecision>> PairDecisions::Recorded(const Direction& d) const {
  absl::StatusOr<std::string> bytes =
      context_.store().Get(Family::kPairDecisions, keys::PairKey(d.recipient_number, d.other_number));
  if (absl::IsNotFound(bytes.status())) return std::nullopt;
  if (!bytes.ok()) return bytes.status();
  storage::PairDecision previous;
  if (!previous.ParseFromString(*bytes)) return absl::DataLossError("stored pair decision does not parse");
  return previous;
}

absl::StatusOr<bool> PairDecisions::Record(Transaction& write, const Direction& d, const policy::Decision& decision,
                                           const std::optional<storage::PairDecision>& previous,
                                           const Occasion& occasion, absl::Time now) {
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  v1::AuditEvent audit = DecisionEvent(d, decision, now);
  bool notified = false;
  storage::PairDecision pair;
  pair.set_allowed(decision.allow);
  pair.set_level(decision.allow ? ToProto(decision.level) : v1::DISCLOSURE_LEVEL_NONE);
  pair.set_policy_version(decision.policy_version);
  const bool told_before = previous.has_value() && previous->allowed() && !previous->notification_id().empty();
  if (decision.allow && (!told_before || occasion.renotify || previous->level() < ToProto(decision.level))) {
    // New, wider, or told again on a reopen: a match notification.
    const std::string notification_id = NextMatchId(d, previous);
    pair.set_notification_id(notification_id);
    audit.set_notification_id(notification_id);
    Notify(write, d, decision, notification_id, policy, now);
    notified = true;
  } else if (decision.allow) {
    // Told before: what changed, if the deciding rules notify it and the
    // level shows it.
    pair.set_notification_id(previous->notification_id());
    if (const policy::ChangeMask changes = ChangesToTell(occasion.changes_of_other, decision); changes != 0) {
      const std::string notice_id = ChangeNoticeId(d);
      audit.set_notification_id(notice_id);
      QueueChangeNotice(write, d, decision, changes, notice_id, previous->notification_id(), policy, now);
      notified = true;
    }
  } else if (previous.has_value()) {
    // What was told stays told; keep its id so a later re-allow is a new
    // generation. What was not yet delivered is withdrawn: the recipient may
    // no longer learn of it (a protection, an objection, a new policy).
    pair.set_notification_id(previous->notification_id());
    if (previous->allowed()) {
      absl::StatusOr<int> withdrawn =
          WithdrawUnseenOfPair(write, d.other_number, *d.other, d.recipient->signal().source_organisation(),
                               d.recipient->signal().signal_id(), "no longer disclosed", now);
      if (!withdrawn.ok()) return withdrawn.status();
    }
  }
  write.Put(Family::kPairDecisions, keys::PairKey(d.recipient_number, d.other_number), pair.SerializeAsString());
  write.AppendAudit(std::move(audit));
  return notified;
}

std::string PairDecisions::NextMatchId(const Direction& d, const std::optional<storage::PairDecision>& previous) const {
  // Stable id: the same (recipient signal, other signal, generation) always
  // has the same id, so a redelivered notification deduplicates.
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kMatch;
  ref.signal = d.recipient_number;
  ref.other = d.other_number;
  ref.generation = 1;
  if (previous.has_value()) {
    std::optional<NotificationRef> last = context_.ids().ParseNotificationId(previous->notification_id());
    ref.generation = (last.has_value() ? last->generation : 0) + 1;
  }
  return context_.ids().NotificationId(ref);
}

std::string PairDecisions::ChangeNoticeId(const Direction& d) const {
  // One notice per pair and revision of the changed signal (a signal's
  // revision grows by one with every change).
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kChange;
  ref.signal = d.recipient_number;
  ref.other = d.other_number;
  ref.generation = d.other->signal().revision();
  return context_.ids().NotificationId(ref);
}

absl::StatusOr<bool> PairDecisions::DecideAndRecord(Transaction& write, const Direction& d, const Occasion& occasion,
                                                    bool only_if_changed, bool* changed) {
  const absl::Time now = context_.Now();
  absl::StatusOr<policy::Decision> decision = Decide(context_.PolicyLocked(), d, now);
  if (!decision.ok()) return decision.status();
  absl::StatusOr<std::optional<storage::PairDecision>> previous = Recorded(d);
  if (!previous.ok()) return previous.status();
  const bool same = previous->has_value() && (*previous)->allowed() == decision->allow &&
                    (*previous)->level() == ToProto(decision->level);
  if (changed != nullptr) *changed = !(only_if_changed && same);
  if (only_if_changed && same) return false;
  return Record(write, d, *decision, *previous, occasion, now);
}

}  // namespace samenloop::broker
