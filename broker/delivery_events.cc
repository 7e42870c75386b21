#include "broker/delivery_events.h"

#include "absl/strings/str_cat.h"
#include "broker/keys.h"
#include "broker/ledger_events.h"
#include "broker/notification_ids.h"

namespace samenloop::broker {

std::vector<v1::AuditEvent> DeliveryEvents(const std::string& recipient, const std::vector<v1::Notification>& burst,
                                           absl::Time now) {
  // The broker delivers; the recipient is who was told.
  const CallerIdentity broker_actor{"broker", Role::kOperator, ""};
  std::vector<v1::AuditEvent> events;
  events.reserve(burst.size());
  for (const v1::Notification& notification : burst) {
    v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_NOTIFICATION_DELIVERED, broker_actor, now);
    event.set_recipient_organisation(recipient);
    event.set_notification_id(notification.notification_id());
    for (uint64_t signal : SignalsOfNotificationId(notification.notification_id())) {
      event.add_signal_ids(keys::SignalId(signal));
    }
    event.set_disclosure_level(notification.disclosure_level());
    event.set_match_kind(notification.match_kind());
    event.set_reason(absl::StrCat("released on the Subscribe stream at cursor ", notification.cursor()));
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace samenloop::broker
