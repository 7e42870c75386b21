#include "broker/notifications/notices.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/core/signal_events.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerActor{"broker", Role::kOperator, ""};

bool ParseNoticeKey(absl::string_view key, Notice* notice) {
  // signal (8) || recipient || 0 || cursor (8)
  if (key.size() < 8 + 1 + 8 || key[key.size() - 9] != '\0') return false;
  notice->signal = keys::ParseU64(key.substr(0, 8));
  notice->recipient = std::string(key.substr(8, key.size() - 8 - 9));
  notice->cursor = keys::ParseU64(key.substr(key.size() - 8));
  return true;
}

absl::StatusOr<bool> EntryExists(const Store& store, const std::string& recipient, uint64_t cursor) {
  absl::StatusOr<std::string> entry = store.Get(Family::kOutbox, keys::OutboxKey(recipient, cursor));
  if (entry.ok()) return true;
  if (absl::IsNotFound(entry.status())) return false;
  return entry.status();
}

v1::AuditEvent WithdrawnEvent(const std::string& recipient, absl::string_view notification_id,
                              absl::string_view signal_id, absl::string_view subject_key, absl::string_view why,
                              absl::Time now) {
  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_WITHDRAWN, kBrokerActor, now);
  event.set_recipient_organisation(recipient);
  event.set_notification_id(std::string(notification_id));
  if (!signal_id.empty()) event.add_signal_ids(std::string(signal_id));
  if (!subject_key.empty()) event.add_subject_keys(Hex(subject_key));
  event.set_reason(absl::StrCat("withdrawn before delivery: ", why));
  return event;
}

void Withdraw(Transaction& write, const Notice& notice, absl::string_view signal_id, absl::string_view subject_key,
              absl::string_view why, absl::Time now) {
  write.DeleteOutbox(notice.recipient, notice.cursor);
  if (!notice.record.decision_key().empty()) {
    // Coordination is told once per signal: without its notice, a later
    // pattern may tell the coordinator again.
    write.batch().Delete(write.store().Handle(Family::kPairDecisions), notice.record.decision_key());
  }
  write.AppendAudit(WithdrawnEvent(notice.recipient, notice.record.notification_id(), signal_id, subject_key, why, now));
}

void Retract(Transaction& write, const OpaqueIds& ids, const Notice& notice, const storage::StoredSignal& revoked,
             uint64_t revoked_number, const Withdrawer& by, v1::RevocationReason reason, absl::Time now) {
  NotificationRef ref;
  ref.kind = NotificationRef::Kind::kRetraction;
  uint64_t your_signal = 0;
  if (!notice.record.your_signal_id().empty()) (void)ids.ParseSignalId(notice.record.your_signal_id(), &your_signal);
  ref.signal = your_signal;
  ref.other = revoked_number;
  ref.generation = notice.cursor;  // one retraction per retracted entry
  const std::string retraction_id = ids.NotificationId(ref);

  v1::Notification retraction;
  retraction.set_notification_id(retraction_id);
  *retraction.mutable_created_at() = ToProto(now);
  retraction.set_kind(v1::NOTIFICATION_KIND_RETRACTION);
  retraction.set_your_signal_id(notice.record.your_signal_id());
  retraction.set_your_local_reference(notice.record.your_local_reference());
  retraction.mutable_other()->set_organisation_id(by.organisation_id);
  retraction.mutable_other()->set_organisation_name(by.organisation_name);
  retraction.mutable_other()->set_organisation_kind(by.organisation_kind);
  retraction.set_retracts_notification_id(notice.record.notification_id());
  retraction.set_retraction_reason(reason);
  write.AppendOutbox(notice.recipient, std::move(retraction));

  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_RETRACTED, kBrokerActor, now);
  event.set_recipient_organisation(notice.recipient);
  event.set_notification_id(retraction_id);
  event.add_signal_ids(revoked.signal().signal_id());
  NameSignalPersons(event, revoked);
  event.set_category(revoked.signal().category());
  event.set_reason(absl::StrCat("retracts ", notice.record.notification_id(), " (",
                                v1::RevocationReason_Name(reason), ")"));
  write.AppendAudit(std::move(event));
}

bool IsChangeNotice(const OpaqueIds& ids, const Notice& notice) {
  std::optional<NotificationRef> ref = ids.ParseNotificationId(notice.record.notification_id());
  return ref.has_value() && ref->kind == NotificationRef::Kind::kChange;
}

}  // namespace

void RecordNotice(Transaction& write, uint64_t signal, const std::string& recipient, uint64_t cursor,
                  const storage::NoticeRecord& record) {
  write.batch().Put(write.store().Handle(Family::kNotices), keys::NoticeKey(signal, recipient, cursor),
                    record.SerializeAsString());
}

void RecordPairNotices(Transaction& write, uint64_t recipient_signal, uint64_t other_signal,
                       const std::string& recipient, uint64_t cursor, storage::NoticeRecord record) {
  record.set_link(storage::NoticeRecord::LINK_ABOUT);
  RecordNotice(write, other_signal, recipient, cursor, record);
  record.set_link(storage::NoticeRecord::LINK_THROUGH);
  RecordNotice(write, recipient_signal, recipient, cursor, record);
}

absl::StatusOr<std::vector<Notice>> NoticesOf(const Store& store, uint64_t signal) {
  std::vector<Notice> out;
  const std::string prefix = keys::NoticePrefix(signal);
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kNotices);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    Notice notice;
    if (!ParseNoticeKey(AsView(it->key()), &notice) ||
        !notice.record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("notice record does not parse");
    }
    out.push_back(std::move(notice));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("notice scan: ", it->status().ToString()));
  return out;
}

absl::StatusOr<Withdrawal> WithdrawNoticesOf(Transaction& write, const OpaqueIds& ids, uint64_t number,
                                             const storage::StoredSignal& revoked, const Withdrawer& by,
                                             v1::RevocationReason reason, absl::Time now) {
  absl::StatusOr<std::vector<Notice>> notices = NoticesOf(write.store(), number);
  if (!notices.ok()) return notices.status();
  Withdrawal result;
  const std::string& signal_id = revoked.signal().signal_id();
  for (const Notice& notice : *notices) {
    write.batch().Delete(write.store().Handle(Family::kNotices), keys::NoticeKey(number, notice.recipient, notice.cursor));
    if (!write.MayHaveSeen(notice.recipient, notice.cursor)) {
      absl::StatusOr<bool> exists = EntryExists(write.store(), notice.recipient, notice.cursor);
      if (!exists.ok()) return exists.status();
      if (!*exists) continue;  // withdrawn or swept already
      Withdraw(write, notice, signal_id, revoked.subject_key(), "the signal was revoked", now);
      ++result.withdrawn;
    } else if (notice.record.link() == storage::NoticeRecord::LINK_ABOUT && !IsChangeNotice(ids, notice)) {
      // Seen: the professional may act on it, so tell them to stop. What
      // the revoking organisation received through its own signal, and
      // coordination notices about other signals, stay as they were. A
      // change notice follows a match notification, whose retraction
      // covers it.
      Retract(write, ids, notice, revoked, number, by, reason, now);
      ++result.retracted;
    }
  }
  return result;
}

absl::StatusOr<int> WithdrawUnseenOfPair(Transaction& write, uint64_t signal, const storage::StoredSignal& about,
                                         const std::string& recipient, absl::string_view recipient_signal_id,
                                         absl::string_view why, absl::Time now) {
  absl::StatusOr<std::vector<Notice>> notices = NoticesOf(write.store(), signal);
  if (!notices.ok()) return notices.status();
  int withdrawn = 0;
  for (const Notice& notice : *notices) {
    if (notice.recipient != recipient || notice.record.link() != storage::NoticeRecord::LINK_ABOUT ||
        notice.record.your_signal_id() != recipient_signal_id) {
      continue;
    }
    if (write.MayHaveSeen(recipient, notice.cursor)) continue;
    absl::StatusOr<bool> exists = EntryExists(write.store(), recipient, notice.cursor);
    if (!exists.ok()) return exists.status();
    if (!*exists) continue;
    write.batch().Delete(write.store().Handle(Family::kNotices), keys::NoticeKey(signal, recipient, notice.cursor));
    Withdraw(write, notice, about.signal().signal_id(), about.subject_key(), why, now);
    ++withdrawn;
  }
  return withdrawn;
}

}  // namespace samenloop::broker
