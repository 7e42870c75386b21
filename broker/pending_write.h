#ifndef SAMENLOOP_BROKER_PENDING_WRITE_H_
#define SAMENLOOP_BROKER_PENDING_WRITE_H_

// PendingWrite assembles one atomic RocksDB write: records, index entries,
// outbox entries and the audit events that describe them, together with the
// counters they advance. Either all of it becomes durable, or none of it and
// the in-memory counters stay as they were (no change without its event, no
// event without its change).

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "audit/index.h"
#include "audit/merkle_tree.h"
#include "storage/store.h"
#include "rocksdb/write_batch.h"
#include "samenloop/v1/audit.pb.h"
#include "samenloop/v1/notifications.pb.h"

namespace samenloop::broker {

// Counters persisted in the meta family.
struct LedgerCounters {
  uint64_t next_signal_number = 1;
  uint64_t next_audit_number = 0;
  std::map<std::string, uint64_t> outbox_head;   // last cursor per recipient
  std::map<std::string, uint64_t> acknowledged;  // last acknowledged cursor per recipient
  std::map<std::string, uint64_t> delivered;     // last cursor released on a Subscribe stream
  AuditFrontier audit_frontier;                   // derived from the stored audit tree

  static absl::StatusOr<LedgerCounters> Load(const Store& store);
};

class PendingWrite {
 public:
  PendingWrite(Store* store, LedgerCounters* committed);

  rocksdb::WriteBatch& batch() { return batch_; }
  Store& store() { return *store_; }

  uint64_t AllocateSignalNumber();
  // Appends an audit event, assigning its leaf index, with its index
  // entries (audit/index.h). Returns the leaf index.
  uint64_t AppendAudit(v1::AuditEvent event);
  // Replaces the stored body of committed leaf `leaf` by a redaction stub
  // (docs/audit.md "Redaction"); its hash stays in the tree.
  void RedactAudit(uint64_t leaf);
  // Appends a notification to the recipient's outbox, assigning its cursor;
  // returns the cursor.
  uint64_t AppendOutbox(const std::string& recipient, v1::Notification notification);
  // Takes an entry out of the recipient's outbox (a withdrawal).
  void DeleteOutbox(const std::string& recipient, uint64_t cursor);
  void SetAcknowledged(const std::string& recipient, uint64_t cursor);
  // Records that entries up to `cursor` left the broker on a stream.
  void SetDelivered(const std::string& recipient, uint64_t cursor);
  uint64_t OutboxHead(const std::string& recipient) const;
  // Whether the recipient may have seen the entry at `cursor`: it was
  // released on a stream or acknowledged.
  bool MayHaveSeen(const std::string& recipient, uint64_t cursor) const;
  // False if `key` was already marked in this write: for decisions that
  // must happen once even when one batch meets them twice.
  bool MarkOnce(const std::string& key) { return marked_.insert(key).second; }

  // Writes the counters and commits; on success the counters become the
  // committed ones. Returns the recipients whose outbox grew.
  absl::StatusOr<std::set<std::string>> Commit();

 private:
  Store* store_;
  LedgerCounters* committed_;
  LedgerCounters counters_;
  rocksdb::WriteBatch batch_;
  std::set<std::string> recipients_;
  std::set<std::string> marked_;
  AuditIndexWriter index_writes_;  // the audit index entries, added at Commit
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_PENDING_WRITE_H_
