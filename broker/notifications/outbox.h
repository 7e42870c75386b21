#ifndef SAMENLOOP_BROKER_NOTIFICATIONS_OUTBOX_H_
#define SAMENLOOP_BROKER_NOTIFICATIONS_OUTBOX_H_

// Outbox: each recipient's durable, ordered notifications (cursor 1, 2, ...)
// and what became of them: released on a Subscribe stream, acknowledged.
// Entries are appended by the decisions that make them (matching/); this
// class reads, releases and acknowledges them.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/core/context.h"
#include "common/caller_identity.h"
#include "samenloop/v1/notifications.pb.h"

namespace samenloop::broker {

class Outbox {
 public:
  explicit Outbox(LedgerContext& context) : context_(context) {}

  // Notifications of `recipient` with cursor > after_cursor, at most `limit`.
  absl::StatusOr<std::vector<v1::Notification>> ReadOutbox(const std::string& recipient, uint64_t after_cursor,
                                                           size_t limit) const;
  // What a Subscribe stream may send next: the entries after
  // `after_cursor`, at most `limit`, each still about live signals (an entry
  // about a revoked or expired signal is withdrawn instead), with their
  // NOTIFICATION_DELIVERED events written in one synced write before they
  // are returned. `*next_cursor` is where the next call continues.
  absl::StatusOr<std::vector<v1::Notification>> ReleaseOutbox(const std::string& recipient, uint64_t after_cursor,
                                                              size_t limit, uint64_t* next_cursor);
  // The last cursor of `recipient`'s outbox.
  uint64_t OutboxHead(const std::string& recipient) const;
  // Acknowledges the caller's notifications up to `cursor` (monotonic,
  // idempotent); INVALID_ARGUMENT beyond the head.
  absl::StatusOr<uint64_t> Acknowledge(const CallerIdentity& caller, uint64_t cursor);
  uint64_t AcknowledgedCursor(const std::string& recipient) const;

 private:
  LedgerContext& context_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_NOTIFICATIONS_OUTBOX_H_
