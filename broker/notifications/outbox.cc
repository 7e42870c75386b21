// Outbox: reading, releasing and acknowledging (outbox.h).
//
// Releasing. // NOTIFICATION_DELIVERED audit events say "who was told, when": one event per
// notification each time a stream releases it, redeliveries included
// (docs/decisions.md). A burst's events are one synced write made *before*
// the stream writes the burst, so no notification leaves the broker without
// its durable record; if the stream breaks mid-burst, the rest of the burst
// is recorded as released although the recipient did not get it (it gets it
// again, and that is recorded again). Receipt is NOTIFICATION_ACKNOWLEDGED.
//
// The same write is the last check before disclosure: an entry not yet
// released about a signal that has since been revoked or has passed its
// visible period (between two sweeps) is withdrawn instead of released. Because it happens
// under the write lock, a revocation either comes first (the entry is gone or
// withdrawn here) or sees the entry as released and retracts it.

#include "broker/notifications/outbox.h"

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"
#include "broker/core/transaction.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerActor{"broker", Role::kOperator, ""};

// NOTIFICATION_DELIVERED or, for an entry withdrawn at release,
// NOTIFICATION_WITHDRAWN: recipient, id, the signals it concerns.
v1::AuditEvent ReleaseEvent(v1::AuditEventType type, const std::string& recipient, const v1::Notification& notification,
                            const std::vector<std::string>& signal_ids, absl::Time now) {
  v1::AuditEvent event = BaseEvent(type, kBrokerActor, now);
  event.set_recipient_organisation(recipient);
  event.set_notification_id(notification.notification_id());
  for (const std::string& id : signal_ids) event.add_signal_ids(id);
  if (type == v1::AUDIT_EVENT_TYPE_NOTIFICATION_DELIVERED) {
    event.set_disclosure_level(notification.disclosure_level());
    event.set_match_kind(notification.match_kind());
    event.set_reason(absl::StrCat("released on the Subscribe stream at cursor ", notification.cursor()));
  } else {
    event.set_reason("withdrawn before delivery: a signal it concerns is no longer live");
  }
  return event;
}

}  // namespace

absl::StatusOr<std::vector<v1::Notification>> Outbox::ReadOutbox(const std::string& recipient, uint64_t after_cursor,
                                                                 size_t limit) const {
  std::vector<v1::Notification> out;
  const std::string prefix = keys::OrgPrefix(recipient);
  std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kOutbox);
  for (it->Seek(keys::OutboxKey(recipient, after_cursor + 1));
       it->Valid() && it->key().starts_with(prefix) && out.size() < limit; it->Next()) {
    v1::Notification notification;
    if (!notification.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("outbox entry does not parse");
    }
    out.push_back(std::move(notification));
  }
  if (!it->status().ok()) return absl::InternalError("outbox scan: " + it->status().ToString());
  return out;
}

uint64_t Outbox::OutboxHead(const std::string& recipient) const {
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const std::map<std::string, uint64_t>& heads = context_.counters().outbox_head;
  auto it = heads.find(recipient);
  return it == heads.end() ? 0 : it->second;
}

uint64_t Outbox::AcknowledgedCursor(const std::string& recipient) const {
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const std::map<std::string, uint64_t>& acknowledged = context_.counters().acknowledged;
  auto it = acknowledged.find(recipient);
  return it == acknowledged.end() ? 0 : it->second;
}

absl::StatusOr<uint64_t> Outbox::Acknowledge(const CallerIdentity& caller, uint64_t cursor) {
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const std::string& org = caller.organisation_id;
  Transaction write(context_);
  write.TouchesNoMatchingInput();
  if (cursor > write.OutboxHead(org)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cursor: beyond the last notification (", write.OutboxHead(org), ") of your outbox"));
  }
  const uint64_t current = write.Acknowledged(org);
  if (cursor <= current) return current;  // acknowledging is monotonic and idempotent
  write.SetAcknowledged(org, cursor);
  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_ACKNOWLEDGED, caller, now);
  event.set_reason(absl::StrCat("acknowledged up to cursor ", cursor));
  write.AppendAudit(std::move(event));
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return cursor;
}

absl::StatusOr<std::vector<v1::Notification>> Outbox::ReleaseOutbox(const std::string& recipient, uint64_t after_cursor,
                                                                    size_t limit, uint64_t* next_cursor) {
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const absl::Time now = context_.Now();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  *next_cursor = after_cursor;
  absl::StatusOr<std::vector<v1::Notification>> page = ReadOutbox(recipient, after_cursor, limit);
  if (!page.ok()) return page.status();
  if (page->empty()) return page;

  Transaction write(context_);
  write.TouchesNoMatchingInput();
  std::vector<v1::Notification> released;
  for (v1::Notification& notification : *page) {
    *next_cursor = notification.cursor();
    bool live = true;
    std::vector<std::string> signal_ids;
    std::optional<NotificationRef> ref = context_.ids().ParseNotificationId(notification.notification_id());
    for (uint64_t number : ref.has_value() ? SignalsNamedBy(*ref) : std::vector<uint64_t>{}) {
      absl::StatusOr<storage::StoredSignal> signal = LoadSignal(context_.store(), number);
      if (absl::IsNotFound(signal.status())) {
        live = false;  // expired and deleted
        continue;
      }
      if (!signal.ok()) return signal.status();
      signal_ids.push_back(signal->signal().signal_id());
      if (!IsLive(*signal, policy, now)) live = false;
    }
    // A redelivery (the recipient may have it already) goes out as before,
    // followed by its retraction if there is one; a first delivery of an
    // entry about a signal that is no longer live never happens.
    if (!live && !write.MayHaveSeen(recipient, notification.cursor())) {
      write.DeleteOutbox(recipient, notification.cursor());
      write.AppendAudit(
          ReleaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_WITHDRAWN, recipient, notification, signal_ids, now));
      continue;
    }
    write.AppendAudit(
        ReleaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_DELIVERED, recipient, notification, signal_ids, now));
    released.push_back(std::move(notification));
  }
  write.SetDelivered(recipient, *next_cursor);
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return released;
}

}  // namespace samenloop::broker
