#ifndef SAMENLOOP_AUDIT_LOG_WRITER_H_
#define SAMENLOOP_AUDIT_LOG_WRITER_H_

// LogWriter appends events to the audit log inside a caller's RocksDB write
// batch: each event gets the next leaf index, its bytes become a leaf of the
// RFC 6962 tree (the tree's nodes go into the same batch), and its index
// entries (index.h) are added when the write is finished. The caller commits
// the batch; only then does the new LogState become the committed one. So an
// event is durable exactly when the change it describes is.

#include <cstdint>

#include "absl/status/status.h"
#include "audit/index.h"
#include "audit/merkle_tree.h"
#include "rocksdb/write_batch.h"
#include "samenloop/v1/audit.pb.h"
#include "storage/store.h"

namespace samenloop::broker {

// The committed log: its size and the frontier of its tree.
struct AuditLogState {
  uint64_t size = 0;
  AuditFrontier frontier;

  // The state of a store's committed log of `size` leaves.
  static absl::StatusOr<AuditLogState> Load(const Store& store, uint64_t size);
};

class AuditLogWriter {
 public:
  // Appends after `state` (a copy the writer advances).
  AuditLogWriter(const Store& store, AuditLogState state) : store_(store), state_(std::move(state)) {}

  // Appends `event` as the next leaf; returns its leaf index.
  uint64_t Append(rocksdb::WriteBatch& batch, v1::AuditEvent event);
  // Replaces the stored body of committed leaf `leaf` by a redaction stub
  // (docs/audit.md "Redaction"); its hash stays in the tree.
  void Redact(rocksdb::WriteBatch& batch, uint64_t leaf);
  // Adds the index entries of the appended leaves; call once, last.
  absl::Status Finish(rocksdb::WriteBatch& batch);

  // The log as it will be once the batch commits.
  const AuditLogState& state() const { return state_; }

 private:
  const Store& store_;
  AuditLogState state_;
  AuditIndexWriter index_writes_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_LOG_WRITER_H_
