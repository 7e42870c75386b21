#include "broker/notifications/notification_hub.h"

namespace samenloop::broker {

uint64_t NotificationHub::Version(const std::string& recipient) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = versions_.find(recipient);
  return it == versions_.end() ? 0 : it->second;
}

void NotificationHub::Publish(const std::string& recipient) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++versions_[recipient];
  }
  changed_.notify_all();
}

bool NotificationHub::WaitForChange(const std::string& recipient, uint64_t seen,
                                    absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  auto current = [&] {
    auto it = versions_.find(recipient);
    return it == versions_.end() ? uint64_t{0} : it->second;
  };
  changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                    [&] { return shut_down_ || current() != seen; });
  return current() != seen;
}

void NotificationHub::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_down_ = true;
  }
  changed_.notify_all();
}

bool NotificationHub::IsShutDown() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return shut_down_;
}

}  // namespace samenloop::broker
