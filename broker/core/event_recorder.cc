#include "broker/core/event_recorder.h"

#include <utility>

#include "broker/core/transaction.h"

namespace samenloop::broker {

absl::StatusOr<uint64_t> EventRecorder::RecordEvent(v1::AuditEvent event) {
  std::vector<v1::AuditEvent> events;
  events.push_back(std::move(event));
  return RecordEvents(std::move(events));
}

absl::StatusOr<uint64_t> EventRecorder::RecordEvents(std::vector<v1::AuditEvent> events) {
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  Transaction write(context_);
  write.TouchesNoMatchingInput();
  for (v1::AuditEvent& event : events) write.AppendAudit(std::move(event));
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return context_.counters().audit.size;
}

uint64_t EventRecorder::AuditSize() const {
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  return context_.counters().audit.size;
}

}  // namespace samenloop::broker
