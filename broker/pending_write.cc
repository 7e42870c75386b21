#include "broker/pending_write.h"

#include <algorithm>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"

namespace samenloop::broker {
namespace {

constexpr absl::string_view kOutboxHeadPrefix = "outbox_head/";
constexpr absl::string_view kAcknowledgedPrefix = "acknowledged/";
constexpr absl::string_view kDeliveredPrefix = "delivered/";

uint64_t ValueOr0(const std::map<std::string, uint64_t>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

}  // namespace

absl::StatusOr<LedgerCounters> LedgerCounters::Load(const Store& store) {
  LedgerCounters counters;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kMeta);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string key = it->key().ToString();
    uint64_t value = keys::ParseU64(AsView(it->value()));
    if (key == keys::NextSignalNumberKey()) {
      counters.next_signal_number = value;
    } else if (key == keys::NextAuditNumberKey()) {
      counters.next_audit_number = value;
    } else if (absl::StartsWith(key, kOutboxHeadPrefix)) {
      counters.outbox_head[key.substr(kOutboxHeadPrefix.size())] = value;
    } else if (absl::StartsWith(key, kAcknowledgedPrefix)) {
      counters.acknowledged[key.substr(kAcknowledgedPrefix.size())] = value;
    } else if (absl::StartsWith(key, kDeliveredPrefix)) {
      counters.delivered[key.substr(kDeliveredPrefix.size())] = value;
    }
  }
  if (!it->status().ok()) return absl::InternalError("reading store counters: " + it->status().ToString());
  absl::StatusOr<AuditFrontier> frontier = LoadAuditFrontier(store, counters.next_audit_number);
  if (!frontier.ok()) return frontier.status();
  counters.audit_frontier = *std::move(frontier);
  return counters;
}

PendingWrite::PendingWrite(Store* store, LedgerCounters* committed)
    : store_(store), committed_(committed), counters_(*committed) {}

uint64_t PendingWrite::AllocateSignalNumber() { return counters_.next_signal_number++; }

uint64_t PendingWrite::AppendAudit(v1::AuditEvent event) {
  uint64_t index = counters_.next_audit_number++;
  event.set_leaf_index(index);
  // Only a stub of a redacted leaf says redacted; a leaf's own bytes never do.
  event.clear_redacted();
  const std::string leaf_data = event.SerializeAsString();
  batch_.Put(store_->Handle(Family::kAudit), keys::U64(index), leaf_data);
  AppendAuditLeaf(*store_, batch_, index,
                  absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(leaf_data.data()), leaf_data.size()),
                  counters_.audit_frontier);
  index_writes_.Add(index, event);
  return index;
}

void PendingWrite::RedactAudit(uint64_t leaf) {
  v1::AuditEvent stub;
  stub.set_leaf_index(leaf);
  stub.set_redacted(true);
  batch_.Put(store_->Handle(Family::kAudit), keys::U64(leaf), stub.SerializeAsString());
}

uint64_t PendingWrite::OutboxHead(const std::string& recipient) const {
  return ValueOr0(counters_.outbox_head, recipient);
}

bool PendingWrite::MayHaveSeen(const std::string& recipient, uint64_t cursor) const {
  return cursor <= ValueOr0(counters_.delivered, recipient) || cursor <= ValueOr0(counters_.acknowledged, recipient);
}

uint64_t PendingWrite::AppendOutbox(const std::string& recipient, v1::Notification notification) {
  uint64_t cursor = ++counters_.outbox_head[recipient];
  notification.set_cursor(cursor);
  batch_.Put(store_->Handle(Family::kOutbox), keys::OutboxKey(recipient, cursor),
             notification.SerializeAsString());
  recipients_.insert(recipient);
  return cursor;
}

void PendingWrite::DeleteOutbox(const std::string& recipient, uint64_t cursor) {
  batch_.Delete(store_->Handle(Family::kOutbox), keys::OutboxKey(recipient, cursor));
}

void PendingWrite::SetAcknowledged(const std::string& recipient, uint64_t cursor) {
  counters_.acknowledged[recipient] = cursor;
}

void PendingWrite::SetDelivered(const std::string& recipient, uint64_t cursor) {
  uint64_t& delivered = counters_.delivered[recipient];
  delivered = std::max(delivered, cursor);
}

absl::StatusOr<std::set<std::string>> PendingWrite::Commit() {
  rocksdb::ColumnFamilyHandle* meta = store_->Handle(Family::kMeta);
  batch_.Put(meta, keys::NextSignalNumberKey(), keys::U64(counters_.next_signal_number));
  batch_.Put(meta, keys::NextAuditNumberKey(), keys::U64(counters_.next_audit_number));
  for (const auto& [recipient, head] : counters_.outbox_head) {
    if (committed_->outbox_head[recipient] != head) {
      batch_.Put(meta, keys::OutboxHeadKey(recipient), keys::U64(head));
    }
  }
  for (const auto& [recipient, cursor] : counters_.acknowledged) {
    if (committed_->acknowledged[recipient] != cursor) {
      batch_.Put(meta, keys::AcknowledgedKey(recipient), keys::U64(cursor));
    }
  }
  for (const auto& [recipient, cursor] : counters_.delivered) {
    if (committed_->delivered[recipient] != cursor) {
      batch_.Put(meta, absl::StrCat(kDeliveredPrefix, recipient), keys::U64(cursor));
    }
  }
  if (absl::Status indexed = index_writes_.AddToBatch(*store_, batch_); !indexed.ok()) return indexed;
  if (absl::Status status = store_->Commit(&batch_); !status.ok()) return status;
  *committed_ = counters_;
  return recipients_;
}

}  // namespace samenloop::broker
