#ifndef SAMENLOOP_BROKER_NOTIFICATION_IDS_H_
#define SAMENLOOP_BROKER_NOTIFICATION_IDS_H_

// The stable ids of notifications (docs/decisions.md): a redelivered
// notification has the same id, so recipients deduplicate on it.
//
//   match:        ntf-<recipient signal>-<other signal>-<generation>
//   coordination: ntf-c-<coordinator organisation>-<signal>
//
// A notification does not carry the other organisation's signal id (the
// recipient has no use for it); the broker reads the signals back from the
// id when it audits a delivery, so that the delivery is redacted with them.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace samenloop::broker {

std::string MatchNotificationId(uint64_t recipient_signal, uint64_t other_signal, uint64_t generation);
std::string CoordinationNotificationId(absl::string_view coordinator, uint64_t signal);

// The signal numbers an id names (recipient's then other's for a match);
// empty for an id of neither form.
std::vector<uint64_t> SignalsOfNotificationId(absl::string_view id);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_NOTIFICATION_IDS_H_
