#include "broker/lead/lead_notices.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "broker/core/opaque_ids.h"
#include "broker/matching/disclosure.h"
#include "broker/matching/match_finder.h"
#include "broker/notifications/notices.h"
#include "policy/lead_rules.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerCaller{"broker", Role::kOperator, ""};

const char* EventName(v1::LeadEvent event) {
  switch (event) {
    case v1::LEAD_EVENT_TAKEN: return "taken";
    case v1::LEAD_EVENT_HANDED_OVER: return "handed over";
    case v1::LEAD_EVENT_LAPSED: return "lapsed";
    case v1::LEAD_EVENT_RELEASED: return "released";
    default: return "unspecified";
  }
}

// Whether a notice told its coordinator of the signal it is recorded under
// by a coordination rule (a pattern or out of view), as opposed to a match,
// a change, a retraction or a lead notice.
bool ToldByCoordination(const OpaqueIds& ids, const Notice& notice) {
  if (notice.record.link() != storage::NoticeRecord::LINK_ABOUT) return false;
  std::optional<NotificationRef> ref = ids.ParseNotificationId(notice.record.notification_id());
  if (!ref.has_value()) return false;
  switch (ref->kind) {
    case NotificationRef::Kind::kMatch:
    case NotificationRef::Kind::kChange:
    case NotificationRef::Kind::kRetraction:
    case NotificationRef::Kind::kLead: return false;
    default: return true;
  }
}

}  // namespace

absl::StatusOr<std::optional<policy::Decision>> MayLearnOf(const LedgerContext& context,
                                                           const PairDecisions& decisions, uint64_t recipient_number,
                                                           const storage::StoredSignal& recipient,
                                                           uint64_t other_number, const storage::StoredSignal& other,
                                                           absl::Time now) {
  const Direction direction{recipient_number, &recipient, other_number, &other, policy::MatchKind::kSubject,
                            v1::RELATION_UNSPECIFIED};
  absl::StatusOr<policy::Decision> decision = decisions.Decide(context.PolicyLocked(), direction, now);
  if (!decision.ok()) return decision.status();
  if (!decision->allow) return std::nullopt;
  return *std::move(decision);
}

absl::StatusOr<std::map<std::string, Listener>> AudienceOf(const LedgerContext& context,
                                                           const PairDecisions& decisions, uint64_t number,
                                                           const storage::StoredSignal& signal, absl::Time now) {
  const policy::DisclosurePolicy& policy = context.PolicyLocked();
  const policy::LeadRules* rules = policy.Lead();
  std::map<std::string, Listener> audience;
  if (rules == nullptr) return audience;
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches = FindMatches(context.store(), number, signal, policy, now);
  if (!matches.ok()) return matches.status();
  for (const auto& [other_number, match] : *matches) {
    const std::string& organisation = match.signal.signal().source_organisation();
    if (audience.count(organisation) > 0) continue;
    if (!policy::LearnsOfLead(*rules, organisation, policy.EffectiveKind(organisation, match.signal.organisation_kind()))) {
      continue;
    }
    // The same decision that would tell the organisation of the signal
    // itself, in the direction towards it.
    const Direction towards{other_number, &match.signal, number, &signal, match.kind, InverseRelation(match.relation)};
    absl::StatusOr<policy::Decision> decision = decisions.Decide(policy, towards, now);
    if (!decision.ok()) return decision.status();
    if (!decision->allow) continue;
    Listener listener;
    listener.organisation = organisation;
    listener.your_number = other_number;
    listener.your_signal = match.signal;
    listener.basis = BasisOf(*decision);
    audience.emplace(organisation, std::move(listener));
  }
  if (!rules->tell_coordinators) return audience;
  std::set<std::string> coordinators;
  for (const policy::CoordinationRule& rule : policy.CoordinationRules()) coordinators.insert(rule.coordinator);
  absl::StatusOr<std::vector<Notice>> notices = NoticesOf(context.store(), number);
  if (!notices.ok()) return notices.status();
  for (const Notice& notice : *notices) {
    if (coordinators.count(notice.recipient) == 0 || audience.count(notice.recipient) > 0 ||
        notice.recipient == signal.signal().source_organisation() || !ToldByCoordination(context.ids(), notice)) {
      continue;
    }
    Listener listener;
    listener.organisation = notice.recipient;
    listener.coordinator = true;
    listener.basis.add_rule_ids(policy::kLeadRuleId);
    listener.basis.add_legal_bases(rules->legal_basis);
    listener.basis.set_policy_version(policy.Version());
    audience.emplace(notice.recipient, std::move(listener));
  }
  return audience;
}

void QueueLeadNotice(Transaction& write, const LedgerContext& context, const Listener& to, v1::LeadEvent event,
                     const LeadSignal& lead, const std::optional<LeadSignal>& previous, uint64_t event_number,
                     v1::AuditEventType audit_type, absl::Time now, absl::string_view why) {
  const policy::DisclosurePolicy& policy = context.PolicyLocked();
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kLead;
  ref.signal = lead.number;
  ref.other = to.coordinator ? OpaqueIds::CoordinatorTag(to.organisation) : to.your_number;
  ref.generation = event_number;
  const std::string notification_id = context.ids().NotificationId(ref);

  v1::Notification notification;
  notification.set_notification_id(notification_id);
  *notification.mutable_created_at() = ToProto(now);
  notification.set_kind(v1::NOTIFICATION_KIND_LEAD);
  if (!to.coordinator) {
    notification.set_your_signal_id(to.your_signal.signal().signal_id());
    notification.set_your_local_reference(to.your_signal.signal().local_reference());
  }
  // Who leads and how to reach them; never more than existence and contact,
  // whatever level the pair decision allows.
  notification.set_disclosure_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  *notification.mutable_basis() = to.basis;
  notification.set_lead_event(event);
  *notification.mutable_lead() = Disclose(*lead.signal, policy::DisclosureLevel::kExistenceAndContact, policy);
  if (previous.has_value()) {
    *notification.mutable_previous_lead() =
        Disclose(*previous->signal, policy::DisclosureLevel::kExistenceAndContact, policy);
  }
  const uint64_t cursor = write.AppendOutbox(to.organisation, std::move(notification));

  // Withdrawn or retracted with the lead's signal; withdrawn (if unseen)
  // with the recipient's own signal and with the previous lead's.
  storage::NoticeRecord notice;
  notice.set_notification_id(notification_id);
  if (to.coordinator) {
    notice.set_link(storage::NoticeRecord::LINK_ABOUT);
    RecordNotice(write, lead.number, to.organisation, cursor, notice);
  } else {
    notice.set_your_signal_id(to.your_signal.signal().signal_id());
    notice.set_your_local_reference(to.your_signal.signal().local_reference());
    RecordPairNotices(write, to.your_number, lead.number, to.organisation, cursor, notice);
  }
  if (previous.has_value()) {
    notice.set_link(storage::NoticeRecord::LINK_CAUSED);
    RecordNotice(write, previous->number, to.organisation, cursor, notice);
  }

  v1::AuditEvent audit = BaseEvent(audit_type, kBrokerCaller, now);
  audit.add_subject_keys(Hex(lead.signal->subject_key()));
  audit.add_signal_ids(lead.signal->signal().signal_id());
  if (previous.has_value()) audit.add_signal_ids(previous->signal->signal().signal_id());
  if (!to.coordinator) audit.add_signal_ids(to.your_signal.signal().signal_id());
  audit.set_recipient_organisation(to.organisation);
  audit.set_outcome(v1::DECISION_OUTCOME_ALLOW);
  audit.set_disclosure_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  *audit.mutable_basis() = to.basis;
  audit.set_notification_id(notification_id);
  audit.set_reason(absl::StrCat("lead notice (", EventName(event), why.empty() ? "" : "; ", why, ")"));
  write.AppendAudit(std::move(audit));
}

}  // namespace samenloop::broker
