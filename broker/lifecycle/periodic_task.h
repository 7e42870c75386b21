#ifndef SAMENLOOP_BROKER_LIFECYCLE_PERIODIC_TASK_H_
#define SAMENLOOP_BROKER_LIFECYCLE_PERIODIC_TASK_H_

// PeriodicTask runs a function on its own thread every `interval` until it
// is stopped (or destroyed); stopping wakes the thread at once rather than
// waiting out the interval, so shutdown is prompt. Used for the retention
// sweeper and the scheduled tree heads.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace samenloop::broker {

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> step);
  ~PeriodicTask() { Stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Waits for a running step to finish; idempotent.
  void Stop();

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_LIFECYCLE_PERIODIC_TASK_H_
