#include "broker/matching/coordinator.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "broker/matching/disclosure.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/notifications/notices.h"
#include "policy/coordination.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerCaller{"broker", Role::kOperator, ""};

using Group = std::vector<std::pair<uint64_t, const storage::StoredSignal*>>;

policy::PatternMember MemberOf(const storage::StoredSignal& s) {
  policy::PatternMember member{s.signal().source_organisation(), s.signal().category(),
                               absl::FromUnixSeconds(s.signal().opened_at().seconds()),
                               s.signal().status() == v1::SIGNAL_STATUS_CLOSED, s.signal().protected_()};
  if (s.signal().has_waiting_since()) member.waiting_since = absl::FromUnixSeconds(s.signal().waiting_since().seconds());
  return member;
}

v1::DecisionBasis RuleBasis(const policy::CoordinationRule& rule, const policy::DisclosurePolicy& policy) {
  v1::DecisionBasis basis;
  basis.add_rule_ids(rule.id);
  basis.add_legal_bases(rule.legal_basis);
  basis.set_policy_version(policy.Version());
  return basis;
}

// The coordinator's notice about `about` (existence and contact).
v1::Notification CoordinationNotice(const std::string& notification_id, const policy::CoordinationRule& rule,
                                    const storage::StoredSignal& about, uint32_t count, v1::CoordinationEvent event,
                                    const policy::DisclosurePolicy& policy, absl::Time now) {
  v1::Notification notification;
  notification.set_notification_id(notification_id);
  *notification.mutable_created_at() = ToProto(now);
  notification.set_kind(v1::NOTIFICATION_KIND_COORDINATION);
  *notification.mutable_other() = Disclose(about, policy::DisclosureLevel::kExistenceAndContact, policy);
  notification.set_disclosure_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  notification.set_match_kind(v1::MATCH_KIND_COORDINATION);
  *notification.mutable_basis() = RuleBasis(rule, policy);
  notification.set_coordination_rule_id(rule.id);
  notification.set_coordination_count(count);
  notification.set_coordination_event(event);
  return notification;
}

v1::AuditEvent CoordinationAudit(const std::string& notification_id, const policy::CoordinationRule& rule,
                                 const storage::StoredSignal& about, const policy::DisclosurePolicy& policy,
                                 absl::string_view reason, absl::Time now) {
  v1::AuditEvent audit = BaseEvent(v1::AUDIT_EVENT_TYPE_COORDINATION_FIRED, kBrokerCaller, now);
  audit.add_subject_keys(Hex(about.subject_key()));
  audit.add_signal_ids(about.signal().signal_id());
  audit.set_category(about.signal().category());
  audit.set_recipient_organisation(rule.coordinator);
  audit.set_outcome(v1::DECISION_OUTCOME_ALLOW);
  audit.set_disclosure_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  audit.set_match_kind(v1::MATCH_KIND_COORDINATION);
  *audit.mutable_basis() = RuleBasis(rule, policy);
  audit.set_notification_id(notification_id);
  audit.set_reason(std::string(reason));
  return audit;
}

// The person's live signals as a pattern sees them: `signal` first, then the
// other signals on the same subject.
Group PersonGroup(uint64_t number, const storage::StoredSignal& signal,
                  const std::map<uint64_t, MatchedSignal>& matches) {
  Group group = {{number, &signal}};
  for (const auto& [other_number, match] : matches) {
    if (match.kind == policy::MatchKind::kSubject) group.emplace_back(other_number, &match.signal);
  }
  return group;
}

}  // namespace

absl::StatusOr<uint32_t> Coordinator::OutOfView(Transaction& write, uint64_t number,
                                                const storage::StoredSignal& closed, absl::Time now) {
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  // Every live signal on the person, the closing organisation's other ones
  // too: a second open case of the same organisation keeps it in view.
  absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> on_person =
      LiveSignalsOn(context_.store(), closed.subject_key(), policy, now);
  if (!on_person.ok()) return on_person.status();
  std::vector<policy::PatternMember> members = {MemberOf(closed)};
  for (const auto& [n, s] : *on_person) {
    if (n != number) members.push_back(MemberOf(s));
  }
  const uint32_t count = static_cast<uint32_t>(policy::VisibleOrganisations(members));
  uint32_t sent = 0;
  for (const policy::CoordinationRule& rule : policy.CoordinationRules()) {
    if (!policy::OutOfViewFires(rule, members, 0) || closed.signal().source_organisation() == rule.coordinator) {
      continue;
    }
    // One notice per coordinator and closing (the signal's revision), also
    // when two of its rules see the same moment.
    if (!write.MarkOnce(absl::StrCat("out-of-view/", rule.coordinator, "/", keys::U64(number)))) continue;
    NotificationRef ref;
    ref.kind = NotificationRef::Kind::kOutOfView;
    ref.signal = number;
    ref.other = OpaqueIds::CoordinatorTag(rule.coordinator);
    ref.generation = closed.signal().revision();
    const std::string notification_id = context_.ids().NotificationId(ref);
    const uint64_t cursor = write.AppendOutbox(
        rule.coordinator,
        CoordinationNotice(notification_id, rule, closed, count, v1::COORDINATION_EVENT_OUT_OF_VIEW, policy, now));
    // Withdrawn or retracted if the signal that closed is revoked.
    storage::NoticeRecord notice;
    notice.set_notification_id(notification_id);
    notice.set_link(storage::NoticeRecord::LINK_ABOUT);
    RecordNotice(write, number, rule.coordinator, cursor, notice);
    write.AppendAudit(CoordinationAudit(notification_id, rule, closed, policy,
                                        "out of view: the last open signal on the person closed", now));
    ++sent;
  }
  return sent;
}

absl::StatusOr<uint32_t> Coordinator::Coordinate(Transaction& write, uint64_t number,
                                                 const storage::StoredSignal& signal,
                                                 const std::map<uint64_t, MatchedSignal>& matches, absl::Time now) {
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  const std::vector<policy::CoordinationRule>& rules = policy.CoordinationRules();
  if (rules.empty() || signal.signal().protected_()) return 0;
  // The person's live signals: this one and other organisations' on the
  // same subject. Protected ones count for nothing (policy/coordination.h)
  // and are never told.
  const Group group = PersonGroup(number, signal, matches);
  std::vector<policy::PatternMember> members;
  for (const auto& [n, s] : group) members.push_back(MemberOf(*s));
  const uint32_t count = static_cast<uint32_t>(policy::VisibleOrganisations(members));

  uint32_t sent = 0;
  for (const policy::CoordinationRule& rule : rules) {
    if (!policy::CoordinationFires(rule, members, 0, now)) continue;
    for (const auto& [n, s] : group) {
      // Never a protected signal, never an organisation about itself.
      if (s->signal().protected_() || s->signal().source_organisation() == rule.coordinator) continue;
      // Once per (coordinator, signal), whichever rule fired first.
      const std::string once_key = absl::StrCat("coordination/", rule.coordinator, "/", keys::U64(n));
      if (!write.MarkOnce(once_key)) continue;
      absl::StatusOr<std::string> seen = context_.store().Get(Family::kPairDecisions, once_key);
      if (seen.ok()) continue;
      if (!absl::IsNotFound(seen.status())) return seen.status();

      NotificationRef ref;
      ref.kind = NotificationRef::Kind::kCoordination;
      ref.signal = n;
      ref.other = OpaqueIds::CoordinatorTag(rule.coordinator);
      const std::string notification_id = context_.ids().NotificationId(ref);
      const uint64_t cursor = write.AppendOutbox(
          rule.coordinator,
          CoordinationNotice(notification_id, rule, *s, count, v1::COORDINATION_EVENT_PATTERN, policy, now));

      // Withdrawn with the signal it is about, and with the signal whose
      // arrival made the rule fire.
      storage::NoticeRecord notice;
      notice.set_notification_id(notification_id);
      notice.set_decision_key(once_key);
      notice.set_link(storage::NoticeRecord::LINK_ABOUT);
      RecordNotice(write, n, rule.coordinator, cursor, notice);
      if (n != number) {
        notice.set_link(storage::NoticeRecord::LINK_CAUSED);
        RecordNotice(write, number, rule.coordinator, cursor, notice);
      }

      storage::PairDecision decision;
      decision.set_allowed(true);
      decision.set_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
      decision.set_policy_version(policy.Version());
      decision.set_notification_id(notification_id);
      write.Put(Family::kPairDecisions, once_key, decision.SerializeAsString());

      write.AppendAudit(CoordinationAudit(notification_id, rule, *s, policy, "", now));
      ++sent;
    }
  }
  return sent;
}

}  // namespace samenloop::broker
