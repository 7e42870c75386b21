#ifndef SAMENLOOP_BROKER_NOTIFICATIONS_NOTIFICATIONS_H_
#define SAMENLOOP_BROKER_NOTIFICATIONS_NOTIFICATIONS_H_

// The notifications component: what recipients are told, and taking it
// back. What it offers:
//   outbox.h            each recipient's ordered, durable notifications:
//                       read, release to a stream (with the last liveness
//                       check and the delivery events), acknowledge
//   notices.h           which entries concern which signal; withdrawal and
//                       retraction when a signal is revoked or a disclosure
//                       is no longer allowed
//   notification_hub.h  waking the Subscribe streams of a recipient after a
//                       commit

#include "broker/notifications/notices.h"
#include "broker/notifications/notification_hub.h"
#include "broker/notifications/outbox.h"

#endif  // SAMENLOOP_BROKER_NOTIFICATIONS_NOTIFICATIONS_H_
