#include "broker/lifecycle/periodic_task.h"

namespace samenloop::broker {

PeriodicTask::PeriodicTask(absl::Duration interval, std::function<void()> step) {
  thread_ = std::thread([this, interval, step = std::move(step)] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, absl::ToChronoMilliseconds(interval), [this] { return stop_; })) {
      lock.unlock();
      step();
      lock.lock();
    }
  });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace samenloop::broker
