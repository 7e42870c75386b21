#include "audit/log_writer.h"

#include <utility>

#include "storage/keys.h"

namespace samenloop::broker {

absl::StatusOr<AuditLogState> AuditLogState::Load(const Store& store, uint64_t size) {
  absl::StatusOr<AuditFrontier> frontier = LoadAuditFrontier(store, size);
  if (!frontier.ok()) return frontier.status();
  return AuditLogState{size, *std::move(frontier)};
}

uint64_t AuditLogWriter::Append(rocksdb::WriteBatch& batch, v1::AuditEvent event) {
  const uint64_t index = state_.size++;
  event.set_leaf_index(index);
  // Only a stub of a redacted leaf says redacted; a leaf's own bytes never do.
  event.clear_redacted();
  const std::string leaf_data = event.SerializeAsString();
  batch.Put(store_.Handle(Family::kAudit), keys::U64(index), leaf_data);
  AppendAuditLeaf(store_, batch, index,
                  absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(leaf_data.data()), leaf_data.size()),
                  state_.frontier);
  index_writes_.Add(index, event);
  return index;
}

void AuditLogWriter::Redact(rocksdb::WriteBatch& batch, uint64_t leaf) {
  v1::AuditEvent stub;
  stub.set_leaf_index(leaf);
  stub.set_redacted(true);
  batch.Put(store_.Handle(Family::kAudit), keys::U64(leaf), stub.SerializeAsString());
}

absl::Status AuditLogWriter::Finish(rocksdb::WriteBatch& batch) { return index_writes_.AddToBatch(store_, batch); }

}  // namespace samenloop::broker
