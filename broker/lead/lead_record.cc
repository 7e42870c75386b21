#include "broker/lead/lead_record.h"

#include "absl/strings/str_cat.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"
#include "storage/keys.h"

namespace samenloop::broker {

absl::StatusOr<storage::LeadRecord> LoadLeadRecord(const Store& store, const std::string& subject_key) {
  storage::LeadRecord record;
  absl::StatusOr<std::string> bytes = store.Get(Family::kPairDecisions, keys::LeadKey(subject_key));
  if (absl::IsNotFound(bytes.status())) return record;
  if (!bytes.ok()) return bytes.status();
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored lead record does not parse");
  return record;
}

void PutLeadRecord(Transaction& write, const std::string& subject_key, const storage::LeadRecord& record) {
  if (record.holders().empty()) {
    write.Delete(Family::kPairDecisions, keys::LeadKey(subject_key));
  } else {
    write.Put(Family::kPairDecisions, keys::LeadKey(subject_key), record.SerializeAsString());
  }
}

absl::StatusOr<std::vector<LiveHolder>> LiveHolders(const Store& store, const storage::LeadRecord& record,
                                                    const policy::DisclosurePolicy& policy, absl::Time now) {
  std::vector<LiveHolder> out;
  for (const storage::LeadHolder& holder : record.holders()) {
    absl::StatusOr<storage::StoredSignal> signal = LoadSignal(store, holder.signal_number());
    if (absl::IsNotFound(signal.status())) continue;  // expired and deleted
    if (!signal.ok()) return signal.status();
    if (signal->signal().status() != v1::SIGNAL_STATUS_OPEN || !IsLive(*signal, policy, now)) continue;
    out.push_back({holder, *std::move(signal)});
  }
  return out;
}

bool RemoveHolderOf(storage::LeadRecord& record, uint64_t number) {
  auto* holders = record.mutable_holders();
  for (int i = 0; i < holders->size(); ++i) {
    if (holders->Get(i).signal_number() == number) {
      holders->erase(holders->begin() + i);
      return true;
    }
  }
  return false;
}

absl::StatusOr<uint64_t> NextLeadEvent(Transaction& write) {
  uint64_t last = 0;
  absl::StatusOr<std::string> bytes = write.store().Get(Family::kMeta, keys::LeadEventCounterKey());
  if (bytes.ok() && bytes->size() == 8) {
    last = keys::ParseU64(*bytes);
  } else if (!bytes.ok() && !absl::IsNotFound(bytes.status())) {
    return bytes.status();
  }
  // The committed count does not move while this write is assembled; a
  // second event in the same write takes the number after the first.
  uint64_t next = last + 1;
  while (!write.MarkOnce(absl::StrCat("lead-event/", next))) ++next;
  write.Put(Family::kMeta, keys::LeadEventCounterKey(), keys::U64(next));
  return next;
}

}  // namespace samenloop::broker
