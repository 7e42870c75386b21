#ifndef SAMENLOOP_BROKER_NOTIFICATIONS_NOTIFICATION_HUB_H_
#define SAMENLOOP_BROKER_NOTIFICATIONS_NOTIFICATION_HUB_H_

// NotificationHub wakes subscription streams when their recipient's outbox
// grows. It carries no data: streams always read the durable outbox, so a
// missed wake-up can delay a notification by at most one poll interval but
// never lose it.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"

namespace samenloop::broker {

class NotificationHub {
 public:
  // Current change counter of a recipient's outbox.
  uint64_t Version(const std::string& recipient) const;
  // Called after a commit that appended to the recipient's outbox.
  void Publish(const std::string& recipient);
  // Blocks until the recipient's version differs from `seen`, the timeout
  // passes, or Shutdown() is called. True if the version changed.
  bool WaitForChange(const std::string& recipient, uint64_t seen, absl::Duration timeout) const;
  // Wakes every waiter and makes later waits return at once.
  void Shutdown();
  bool IsShutDown() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, uint64_t> versions_;
  bool shut_down_ = false;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_NOTIFICATIONS_NOTIFICATION_HUB_H_
