#ifndef SAMENLOOP_BROKER_DELIVERY_EVENTS_H_
#define SAMENLOOP_BROKER_DELIVERY_EVENTS_H_

// NOTIFICATION_DELIVERED audit events: "who was told, when". One event per
// notification each time a Subscribe stream releases it to its recipient,
// redeliveries included (docs/decisions.md). The stream records a burst's
// events in one synced write *before* it writes the burst, so no
// notification leaves the broker without its durable record; if the stream
// breaks mid-burst, the rest of the burst is recorded as released although
// the recipient did not get it (it gets it again, and that is recorded
// again). Receipt is what NOTIFICATION_ACKNOWLEDGED records.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "samenloop/v1/audit.pb.h"
#include "samenloop/v1/notifications.pb.h"

namespace samenloop::broker {

// The events for releasing `burst` to `recipient` at `now`: recipient,
// notification id, the signals it concerns (from its id), disclosure level
// and cursor; never a pseudonym, contact or case content.
std::vector<v1::AuditEvent> DeliveryEvents(const std::string& recipient, const std::vector<v1::Notification>& burst,
                                           absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_DELIVERY_EVENTS_H_
