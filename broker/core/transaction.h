#ifndef SAMENLOOP_BROKER_CORE_TRANSACTION_H_
#define SAMENLOOP_BROKER_CORE_TRANSACTION_H_

// Transaction gathers one atomic RocksDB write: records, index entries,
// outbox entries and the audit events that describe them, together with the
// counters they advance. Either all of it becomes durable in one synced
// write, or none of it and the in-memory counters stay as they were (no
// change without its event, no event without its change).
//
// Made and committed under the write lock (LedgerContext::LockWrites).
// Commit also records what the write may have changed for concurrent
// submissions (change_versions.h): by default everything; a write that
// says which persons it touched, or that it touches no matching input,
// narrows that.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audit/log_writer.h"
#include "broker/core/context.h"
#include "rocksdb/write_batch.h"
#include "samenloop/v1/audit.pb.h"
#include "samenloop/v1/notifications.pb.h"
#include "storage/store.h"

namespace samenloop::broker {

class Transaction {
 public:
  explicit Transaction(LedgerContext& context);

  rocksdb::WriteBatch& batch() { return batch_; }
  Store& store() { return context_.store(); }
  void Put(Family family, const std::string& key, const std::string& value);
  void Delete(Family family, const std::string& key);

  uint64_t AllocateSignalNumber() { return counters_.next_signal_number++; }
  // Appends an audit event, assigning its leaf index; returns the index.
  uint64_t AppendAudit(v1::AuditEvent event) { return audit_.Append(batch_, std::move(event)); }
  // Replaces committed leaf `leaf` by its redaction stub (docs/audit.md).
  void RedactAudit(uint64_t leaf) { audit_.Redact(batch_, leaf); }
  uint64_t AuditSize() const { return audit_.state().size; }

  // Appends a notification to the recipient's outbox, assigning its cursor;
  // returns the cursor.
  uint64_t AppendOutbox(const std::string& recipient, v1::Notification notification);
  // Takes an entry out of the recipient's outbox (a withdrawal).
  void DeleteOutbox(const std::string& recipient, uint64_t cursor);
  void SetAcknowledged(const std::string& recipient, uint64_t cursor);
  // Records that entries up to `cursor` left the broker on a stream.
  void SetDelivered(const std::string& recipient, uint64_t cursor);
  uint64_t OutboxHead(const std::string& recipient) const;
  uint64_t Acknowledged(const std::string& recipient) const;
  // Whether the recipient may have seen the entry at `cursor`: it was
  // released on a stream or acknowledged.
  bool MayHaveSeen(const std::string& recipient, uint64_t cursor) const;
  // False if `key` was already marked in this write: for decisions that
  // must happen once even when one batch meets them twice.
  bool MarkOnce(const std::string& key) { return marked_.insert(key).second; }

  // Records this write reads back before it commits (coordination patterns
  // two signals of one batch both join): Staged* writes to the batch and
  // remembers; GetStaged sees them, else the committed store (nullopt: not
  // there, or deleted in this write).
  void PutStaged(Family family, const std::string& key, const std::string& value);
  void DeleteStaged(Family family, const std::string& key);
  absl::StatusOr<std::optional<std::string>> GetStaged(Family family, const std::string& key) const;

  // What this write changes of the inputs of matching: only what is stored
  // under these keys (person keys, idempotency stripes) ...
  void TouchOnly(const std::string& key);
  // ... or nothing at all (audit events, outbox cursors).
  void TouchesNoMatchingInput() { touches_everything_ = false; }

  // Writes the counters and commits; on success the counters become the
  // committed ones and the recipients whose outbox grew are woken.
  absl::Status Commit();

 private:
  LedgerContext& context_;
  LedgerCounters counters_;  // the committed ones, advanced by this write
  AuditLogWriter audit_;
  rocksdb::WriteBatch batch_;
  std::set<std::string> recipients_;
  std::set<std::string> marked_;
  std::map<std::pair<Family, std::string>, std::optional<std::string>> staged_;
  std::vector<std::string> touched_;
  bool touches_everything_ = true;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_TRANSACTION_H_
