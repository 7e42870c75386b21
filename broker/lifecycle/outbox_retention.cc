// Outbox retention: a notification describes another organisation's signal
// (its contact, category, status), so it must not outlive that signal, nor
// stay on the broker long after the recipient has taken it.
//
// The retention sweeper deletes the notifications about a signal in the
// same write as the signal (through its notices, broker/notifications/notices.h).
// Retention::SweepOutbox deletes, from every recipient's outbox,
// - each notification of the first id format about a signal that no longer
//   exists, acknowledged or not: what it described is gone, and delivering
//   it late would disclose a deleted signal;
// - each acknowledged notification older than
//   LedgerOptions::outbox_keep_acknowledged: the recipient has it.
// Cursors and notification ids are unaffected: a subscriber resuming from an
// older cursor simply receives the entries that remain, in order.

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/core/opaque_ids.h"
#include "broker/core/transaction.h"
#include "broker/lifecycle/retention.h"

namespace samenloop::broker {
namespace {

// At most this many deletions per write, so the write lock is held briefly.
constexpr size_t kDeletionsPerWrite = 1000;

}  // namespace

absl::StatusOr<OutboxSweepResult> Retention::SweepOutbox() {
  OutboxSweepResult result;
  const absl::Time now = context_.Now();
  const LedgerCounters counters = context_.CountersSnapshot();
  std::vector<std::string> doomed;
  {
    std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kOutbox);
    std::string recipient;
    uint64_t acknowledged = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++result.examined;
      const absl::string_view key(it->key().data(), it->key().size());
      const size_t separator = key.find('\0');
      if (separator == absl::string_view::npos || key.size() != separator + 9) {
        return absl::DataLossError("outbox key has an unexpected layout");
      }
      if (key.substr(0, separator) != recipient) {
        recipient = std::string(key.substr(0, separator));
        auto acked = counters.acknowledged.find(recipient);
        acknowledged = acked == counters.acknowledged.end() ? 0 : acked->second;
      }
      v1::Notification notification;
      if (!notification.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("outbox entry does not parse");
      }
      bool about_deleted_signal = false;
      // Entries with opaque ids left with their signal at expiry
      // (retention.cc, through the notices); this finds those of the
      // first id format, which needs no key to read.
      std::optional<NotificationRef> ref = ParseFirstFormatNotificationId(notification.notification_id());
      for (uint64_t number : ref.has_value() ? SignalsNamedBy(*ref) : std::vector<uint64_t>{}) {
        absl::StatusOr<std::string> signal = context_.store().Get(Family::kSignals, keys::SignalKey(number));
        if (absl::IsNotFound(signal.status())) {
          about_deleted_signal = true;
        } else if (!signal.ok()) {
          return signal.status();
        }
      }
      const bool taken = notification.cursor() <= acknowledged &&
                         FromProto(notification.created_at()) + context_.options().outbox_keep_acknowledged <= now;
      if (about_deleted_signal || taken) doomed.emplace_back(key);
    }
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("outbox scan: ", it->status().ToString()));
  }
  for (size_t begin = 0; begin < doomed.size(); begin += kDeletionsPerWrite) {
    const size_t end = std::min(doomed.size(), begin + kDeletionsPerWrite);
    std::unique_lock<std::mutex> lock = context_.LockWrites();
    Transaction write(context_);
    write.TouchesNoMatchingInput();
    for (size_t i = begin; i < end; ++i) write.Delete(Family::kOutbox, doomed[i]);
    if (absl::Status s = write.Commit(); !s.ok()) return s;
    result.deleted += end - begin;
  }
  if (result.deleted > 0) {
    rocksdb::CompactRangeOptions options;
    rocksdb::Status compacted =
        context_.store().db()->CompactRange(options, context_.store().Handle(Family::kOutbox), nullptr, nullptr);
    if (!compacted.ok()) return absl::InternalError(absl::StrCat("outbox compaction: ", compacted.ToString()));
  }
  return result;
}

}  // namespace samenloop::broker
