#include "broker/core/counters.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"

namespace samenloop::broker {
namespace {

constexpr absl::string_view kOutboxHeadPrefix = "outbox_head/";
constexpr absl::string_view kAcknowledgedPrefix = "acknowledged/";
constexpr absl::string_view kDeliveredPrefix = "delivered/";

}  // namespace

std::string DeliveredKey(absl::string_view recipient) { return absl::StrCat(kDeliveredPrefix, recipient); }

absl::StatusOr<LedgerCounters> LedgerCounters::Load(const Store& store) {
  LedgerCounters counters;
  uint64_t audit_size = 0;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kMeta);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string key = it->key().ToString();
    uint64_t value = keys::ParseU64(AsView(it->value()));
    if (key == keys::NextSignalNumberKey()) {
      counters.next_signal_number = value;
    } else if (key == keys::NextAuditNumberKey()) {
      audit_size = value;
    } else if (absl::StartsWith(key, kOutboxHeadPrefix)) {
      counters.outbox_head[key.substr(kOutboxHeadPrefix.size())] = value;
    } else if (absl::StartsWith(key, kAcknowledgedPrefix)) {
      counters.acknowledged[key.substr(kAcknowledgedPrefix.size())] = value;
    } else if (absl::StartsWith(key, kDeliveredPrefix)) {
      counters.delivered[key.substr(kDeliveredPrefix.size())] = value;
    }
  }
  if (!it->status().ok()) return absl::InternalError("reading store counters: " + it->status().ToString());
  absl::StatusOr<AuditLogState> audit = AuditLogState::Load(store, audit_size);
  if (!audit.ok()) return audit.status();
  counters.audit = *std::move(audit);
  return counters;
}

}  // namespace samenloop::broker
