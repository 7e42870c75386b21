#include "broker/matching/coordination_notices.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "broker/matching/disclosure.h"
#include "broker/notifications/notices.h"
#include "broker/core/signal_events.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerCaller{"broker", Role::kOperator, ""};

// Ids count a pattern's notices in 24 bits; a pattern with more than 16
// million notices repeats its last id (never reached: one notice per change).
constexpr uint64_t kMaxGeneration = (uint64_t{1} << 24) - 1;

v1::DecisionBasis RuleBasis(const policy::CoordinationRule& rule, const policy::DisclosurePolicy& policy) {
  v1::DecisionBasis basis;
  basis.add_rule_ids(rule.id);
  basis.add_legal_bases(rule.legal_basis);
  basis.set_policy_version(policy.Version());
  return basis;
}

v1::Notification Base(const std::string& id, const policy::CoordinationRule& rule, v1::CoordinationEvent event,
                      const policy::DisclosurePolicy& policy, absl::Time now) {
  v1::Notification notification;
  notification.set_notification_id(id);
  *notification.mutable_created_at() = ToProto(now);
  notification.set_kind(v1::NOTIFICATION_KIND_COORDINATION);
  notification.set_match_kind(v1::MATCH_KIND_COORDINATION);
  *notification.mutable_basis() = RuleBasis(rule, policy);
  notification.set_coordination_rule_id(rule.id);
  notification.set_coordination_event(event);
  return notification;
}

v1::AuditEvent Audit(const std::string& id, const policy::CoordinationRule& rule, policy::DisclosureLevel level,
                     const policy::DisclosurePolicy& policy, absl::string_view reason, absl::Time now) {
  v1::AuditEvent audit = BaseEvent(v1::AUDIT_EVENT_TYPE_COORDINATION_FIRED, kBrokerCaller, now);
  audit.set_recipient_organisation(rule.coordinator);
  audit.set_outcome(v1::DECISION_OUTCOME_ALLOW);
  audit.set_disclosure_level(ToProto(level));
  audit.set_match_kind(v1::MATCH_KIND_COORDINATION);
  *audit.mutable_basis() = RuleBasis(rule, policy);
  audit.set_notification_id(id);
  audit.set_reason(std::string(reason));
  return audit;
}

// Lists the `listed` signals on a pattern or move notice and its audit event
// (the organisations among them are its count), queues it for the rule's
// coordinator and records it under each `recorded` signal: revoking any of
// them takes it back.
void ListQueueAndRecord(Transaction& write, const policy::DisclosurePolicy& policy,
                        const policy::CoordinationRule& rule, const std::vector<uint64_t>& listed,
                        const std::vector<uint64_t>& recorded, const std::map<uint64_t, storage::StoredSignal>& signals,
                        v1::Notification notification, v1::AuditEvent audit) {
  std::set<std::string> organisations;
  for (uint64_t member : listed) {
    const storage::StoredSignal& signal = signals.at(member);
    *notification.add_pattern_members() = Disclose(signal, rule.level, policy);
    organisations.insert(signal.signal().source_organisation());
    audit.add_signal_ids(signal.signal().signal_id());
    NameSignalPersons(audit, signal);
  }
  notification.set_coordination_count(static_cast<uint32_t>(organisations.size()));
  const std::string id = notification.notification_id();
  const uint64_t cursor = write.AppendOutbox(rule.coordinator, std::move(notification));
  storage::NoticeRecord notice;
  notice.set_notification_id(id);
  notice.set_link(storage::NoticeRecord::LINK_ABOUT);
  for (uint64_t member : recorded) RecordNotice(write, member, rule.coordinator, cursor, notice);
  write.AppendAudit(std::move(audit));
}

}  // namespace

void QueuePatternNotice(Transaction& write, const OpaqueIds& ids, const policy::DisclosurePolicy& policy,
                        const PatternNoticeSpec& spec, absl::Time now) {
  const policy::CoordinationRule& rule = *spec.rule;
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kCoordination;
  ref.signal = spec.anchor;
  ref.other = OpaqueIds::CoordinatorTag(rule.coordinator);
  ref.generation = std::min<uint64_t>(spec.pattern->notices(), kMaxGeneration);
  const std::string id = ids.NotificationId(ref);

  v1::Notification notification = Base(id, rule, spec.event, policy, now);
  for (const policy::CoordinationRule* also : spec.also_fired) {
    notification.mutable_basis()->add_rule_ids(also->id);
    notification.mutable_basis()->add_legal_bases(also->legal_basis);
  }
  notification.set_disclosure_level(ToProto(rule.level));
  notification.set_pattern_handle(ids.PatternHandle(rule.coordinator, spec.anchor));
  *notification.mutable_other() = Disclose(spec.members->at(spec.other), rule.level, policy);
  v1::AuditEvent audit = Audit(id, rule, rule.level, policy, spec.reason, now);
  *audit.mutable_basis() = notification.basis();
  audit.set_category(spec.members->at(spec.other).signal().category());
  const std::vector<uint64_t> listed(spec.pattern->members().begin(), spec.pattern->members().end());
  ListQueueAndRecord(write, policy, rule, listed, listed, *spec.members, std::move(notification), std::move(audit));
}

void QueueMoveNotice(Transaction& write, const OpaqueIds& ids, const policy::DisclosurePolicy& policy,
                     const policy::CoordinationRule& rule, uint64_t number,
                     const std::map<uint64_t, storage::StoredSignal>& members, absl::Time now) {
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kMove;
  ref.signal = number;
  ref.other = OpaqueIds::CoordinatorTag(rule.coordinator);
  const std::string id = ids.NotificationId(ref);
  v1::Notification notification = Base(id, rule, v1::COORDINATION_EVENT_MOVE, policy, now);
  notification.set_disclosure_level(ToProto(rule.level));
  *notification.mutable_other() = Disclose(members.at(number), rule.level, policy);
  v1::AuditEvent audit = Audit(id, rule, rule.level, policy,
                               absl::StrCat("move: a signal from region ",
                                            policy.RegionOf(members.at(number).signal().source_organisation()),
                                            " on a person with signals in another region"),
                               now);
  audit.set_category(members.at(number).signal().category());
  std::vector<uint64_t> listed, recorded;
  for (const auto& [n, signal] : members) {
    recorded.push_back(n);
    if (signal.signal().source_organisation() != rule.coordinator) listed.push_back(n);
  }
  ListQueueAndRecord(write, policy, rule, listed, recorded, members, std::move(notification), std::move(audit));
}

void QueueOutOfViewNotice(Transaction& write, const OpaqueIds& ids, const policy::DisclosurePolicy& policy,
                          const policy::CoordinationRule& rule, uint64_t number, const storage::StoredSignal& closed,
                          uint32_t count, absl::Time now) {
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kOutOfView;
  ref.signal = number;
  ref.other = OpaqueIds::CoordinatorTag(rule.coordinator);
  ref.generation = closed.signal().revision();
  const std::string id = ids.NotificationId(ref);
  v1::Notification notification = Base(id, rule, v1::COORDINATION_EVENT_OUT_OF_VIEW, policy, now);
  *notification.mutable_other() = Disclose(closed, policy::DisclosureLevel::kExistenceAndContact, policy);
  notification.set_disclosure_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  notification.set_coordination_count(count);
  const uint64_t cursor = write.AppendOutbox(rule.coordinator, std::move(notification));
  // Withdrawn or retracted if the signal that closed is revoked.
  storage::NoticeRecord notice;
  notice.set_notification_id(id);
  notice.set_link(storage::NoticeRecord::LINK_ABOUT);
  RecordNotice(write, number, rule.coordinator, cursor, notice);

  v1::AuditEvent audit = Audit(id, rule, policy::DisclosureLevel::kExistenceAndContact, policy,
                               rule.scope == policy::CoordinationRule::Scope::kHousehold
                                   ? "out of view: the last open signal on the household closed"
                                   : "out of view: the last open signal on the person closed",
                               now);
  NameSignalPersons(audit, closed);
  audit.add_signal_ids(closed.signal().signal_id());
  audit.set_category(closed.signal().category());
  write.AppendAudit(std::move(audit));
}

}  // namespace samenloop::broker
