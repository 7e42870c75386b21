#ifndef SAMENLOOP_BROKER_CORE_EVENT_RECORDER_H_
#define SAMENLOOP_BROKER_CORE_EVENT_RECORDER_H_

// EventRecorder appends audit events that change nothing else (an auditor's
// query, a refused request, the deliveries of a stream burst) in their own
// synced write, serialised with every other writer.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/core/context.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

class EventRecorder {
 public:
  explicit EventRecorder(LedgerContext& context) : context_(context) {}

  // Returns the tree size that includes the event.
  absl::StatusOr<uint64_t> RecordEvent(v1::AuditEvent event);
  // Several events in one synced write (group commit).
  absl::StatusOr<uint64_t> RecordEvents(std::vector<v1::AuditEvent> events);
  // Number of committed audit events: the audit tree's size.
  uint64_t AuditSize() const;

 private:
  LedgerContext& context_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_EVENT_RECORDER_H_
