#include "broker/matching/change_notices.h"

#include "audit/events.h"
#include "broker/matching/disclosure.h"
#include "broker/notifications/notices.h"
#include "google/protobuf/util/message_differencer.h"

namespace samenloop::broker {

policy::ChangeMask ChangesBetween(const v1::Signal& before, const v1::Signal& after) {
  using policy::Bit;
  using policy::ChangeKind;
  policy::ChangeMask changes = 0;
  if (before.status() == v1::SIGNAL_STATUS_OPEN && after.status() == v1::SIGNAL_STATUS_CLOSED) {
    changes |= Bit(ChangeKind::kClosed);
  }
  if (before.status() == v1::SIGNAL_STATUS_CLOSED && after.status() == v1::SIGNAL_STATUS_OPEN) {
    changes |= Bit(ChangeKind::kReopened);
  }
  // Severity values are ordered (common.proto); unspecified is below low.
  if (after.severity() > before.severity()) changes |= Bit(ChangeKind::kEscalated);
  if (after.severity() != before.severity()) changes |= Bit(ChangeKind::kSeverity);
  if (after.category() != before.category()) changes |= Bit(ChangeKind::kCategory);
  if (after.nature() != before.nature()) changes |= Bit(ChangeKind::kNature);
  if (!google::protobuf::util::MessageDifferencer::Equals(before.contact(), after.contact())) {
    changes |= Bit(ChangeKind::kContact);
  }
  return changes;
}

void QueueChangeNotice(Transaction& write, const Direction& d, const policy::Decision& decision,
                       policy::ChangeMask changes, const std::string& notification_id,
                       const std::string& follows_notification_id, const policy::DisclosurePolicy& policy,
                       absl::Time now) {
  const std::string& recipient_org = d.recipient->signal().source_organisation();
  v1::Notification notice;
  notice.set_notification_id(notification_id);
  *notice.mutable_created_at() = ToProto(now);
  notice.set_kind(v1::NOTIFICATION_KIND_CHANGE);
  notice.set_your_signal_id(d.recipient->signal().signal_id());
  notice.set_your_local_reference(d.recipient->signal().local_reference());
  // The signal as it is now, at the level decided now.
  *notice.mutable_other() = Disclose(*d.other, decision.level, policy);
  notice.set_disclosure_level(ToProto(decision.level));
  notice.set_match_kind(ToProto(d.kind));
  notice.set_relation(d.relation);
  *notice.mutable_basis() = BasisOf(decision);
  for (policy::ChangeKind change : {policy::ChangeKind::kClosed, policy::ChangeKind::kReopened,
                                    policy::ChangeKind::kEscalated, policy::ChangeKind::kSeverity,
                                    policy::ChangeKind::kCategory, policy::ChangeKind::kNature,
                                    policy::ChangeKind::kContact}) {
    // The API's SignalChange shares the numbering.
    if ((changes & policy::Bit(change)) != 0) notice.add_changes(static_cast<v1::SignalChange>(change));
  }
  notice.set_follows_notification_id(follows_notification_id);
  const uint64_t cursor = write.AppendOutbox(recipient_org, std::move(notice));

  storage::NoticeRecord record;
  record.set_notification_id(notification_id);
  record.set_your_signal_id(d.recipient->signal().signal_id());
  record.set_your_local_reference(d.recipient->signal().local_reference());
  RecordPairNotices(write, d.recipient_number, d.other_number, recipient_org, cursor, std::move(record));
}

}  // namespace samenloop::broker
