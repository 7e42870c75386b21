#include "broker/core/transaction.h"

#include <algorithm>
#include <utility>

#include "storage/keys.h"

namespace samenloop::broker {
namespace {

uint64_t ValueOr0(const std::map<std::string, uint64_t>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

// Puts the counters of `next` that differ from `committed`.
void PutChanged(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* meta,
                const std::map<std::string, uint64_t>& next, const std::map<std::string, uint64_t>& committed,
                std::string (*key_of)(absl::string_view)) {
  for (const auto& [recipient, value] : next) {
    if (ValueOr0(committed, recipient) != value) batch.Put(meta, key_of(recipient), keys::U64(value));
  }
}

}  // namespace

Transaction::Transaction(LedgerContext& context)
    // The writer owns the log state while the write is assembled; Commit puts it back.
    : context_(context), counters_(context.counters()), audit_(context.store(), std::move(counters_.audit)) {}

void Transaction::Put(Family family, const std::string& key, const std::string& value) {
  batch_.Put(store().Handle(family), key, value);
}

void Transaction::Delete(Family family, const std::string& key) { batch_.Delete(store().Handle(family), key); }

void Transaction::PutStaged(Family family, const std::string& key, const std::string& value) {
  Put(family, key, value);
  staged_[{family, key}] = value;
}

void Transaction::DeleteStaged(Family family, const std::string& key) {
  Delete(family, key);
  staged_[{family, key}] = std::nullopt;
}

absl::StatusOr<std::optional<std::string>> Transaction::GetStaged(Family family, const std::string& key) const {
  if (auto it = staged_.find({family, key}); it != staged_.end()) return it->second;
  absl::StatusOr<std::string> value = context_.store().Get(family, key);
  if (absl::IsNotFound(value.status())) return std::optional<std::string>();
  if (!value.ok()) return value.status();
  return std::optional<std::string>(*std::move(value));
}

uint64_t Transaction::OutboxHead(const std::string& recipient) const {
  return ValueOr0(counters_.outbox_head, recipient);
}

uint64_t Transaction::Acknowledged(const std::string& recipient) const {
  return ValueOr0(counters_.acknowledged, recipient);
}

bool Transaction::MayHaveSeen(const std::string& recipient, uint64_t cursor) const {
  return cursor <= ValueOr0(counters_.delivered, recipient) || cursor <= ValueOr0(counters_.acknowledged, recipient);
}

uint64_t Transaction::AppendOutbox(const std::string& recipient, v1::Notification notification) {
  const uint64_t cursor = ++counters_.outbox_head[recipient];
  notification.set_cursor(cursor);
  Put(Family::kOutbox, keys::OutboxKey(recipient, cursor), notification.SerializeAsString());
  recipients_.insert(recipient);
  return cursor;
}

void Transaction::DeleteOutbox(const std::string& recipient, uint64_t cursor) {
  Delete(Family::kOutbox, keys::OutboxKey(recipient, cursor));
}

void Transaction::SetAcknowledged(const std::string& recipient, uint64_t cursor) {
  counters_.acknowledged[recipient] = cursor;
}

void Transaction::SetDelivered(const std::string& recipient, uint64_t cursor) {
  uint64_t& delivered = counters_.delivered[recipient];
  delivered = std::max(delivered, cursor);
}

void Transaction::TouchOnly(const std::string& key) {
  touches_everything_ = false;
  touched_.push_back(key);
}

absl::Status Transaction::Commit() {
  LedgerCounters& committed = context_.counters();
  rocksdb::ColumnFamilyHandle* meta = store().Handle(Family::kMeta);
  batch_.Put(meta, keys::NextSignalNumberKey(), keys::U64(counters_.next_signal_number));
  batch_.Put(meta, keys::NextAuditNumberKey(), keys::U64(audit_.state().size));
  PutChanged(batch_, meta, counters_.outbox_head, committed.outbox_head, keys::OutboxHeadKey);
  PutChanged(batch_, meta, counters_.acknowledged, committed.acknowledged, keys::AcknowledgedKey);
  PutChanged(batch_, meta, counters_.delivered, committed.delivered, DeliveredKey);
  if (absl::Status indexed = audit_.Finish(batch_); !indexed.ok()) return indexed;
  if (absl::Status status = store().Commit(&batch_); !status.ok()) return status;
  counters_.audit = audit_.state();
  committed = std::move(counters_);
  context_.versions().Record(touched_, touches_everything_);
  context_.Publish(recipients_);
  return absl::OkStatus();
}

}  // namespace samenloop::broker
