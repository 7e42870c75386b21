// SignalLedger: releasing notifications to a Subscribe stream.
//
// NOTIFICATION_DELIVERED audit events say "who was told, when": one event per
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

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/match_finder.h"
#include "broker/signal_ledger.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerActor{"broker", Role::kOperator, ""};

// NOTIFICATION_DELIVERED or, for an entry withdrawn at release,
// NOTIFICATION_WITHDRAWN: recipient, id, the signals it concerns.
v1::AuditEvent ReleaseEvent(v1::AuditEventType type, const std::string& recipient,
                            const v1::Notification& notification, const std::vector<std::string>& signal_ids,
                            absl::Time now) {
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

uint64_t SignalLedger::OutboxHead(const std::string& recipient) const {
  std::lock_guard<std::mutex> lock(write_mutex_);
  auto it = counters_.outbox_head.find(recipient);
  return it == counters_.outbox_head.end() ? 0 : it->second;
}

absl::StatusOr<std::vector<v1::Notification>> SignalLedger::ReleaseOutbox(const std::string& recipient,
                                                                          uint64_t after_cursor, size_t limit,
                                                                          uint64_t* next_cursor) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  const absl::Time now = options_.clock();
  *next_cursor = after_cursor;
  absl::StatusOr<std::vector<v1::Notification>> page = ReadOutbox(recipient, after_cursor, limit);
  if (!page.ok()) return page.status();
  if (page->empty()) return page;

  PendingWrite write(store_, &counters_);
  std::vector<v1::Notification> released;
  for (v1::Notification& notification : *page) {
    *next_cursor = notification.cursor();
    bool live = true;
    std::vector<std::string> signal_ids;
    std::optional<NotificationRef> ref = keyer_->Ids().ParseNotificationId(notification.notification_id());
    for (uint64_t number : ref.has_value() ? SignalsNamedBy(*ref) : std::vector<uint64_t>{}) {
      absl::StatusOr<storage::StoredSignal> signal = LoadSignal(number);
      if (absl::IsNotFound(signal.status())) {
        live = false;  // expired and deleted
        continue;
      }
      if (!signal.ok()) return signal.status();
      signal_ids.push_back(signal->signal().signal_id());
      if (!IsLive(*signal, *policy_, now)) live = false;
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
  absl::StatusOr<std::set<std::string>> committed = write.Commit();
  if (!committed.ok()) return committed.status();
  return released;
}

}  // namespace samenloop::broker
