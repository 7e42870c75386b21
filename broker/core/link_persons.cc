#include "broker/core/link_persons.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "audit/index.h"
#include "audit/log_writer.h"
#include "broker/core/signal_events.h"
#include "broker_storage.pb.h"
#include "spdlog/spdlog.h"
#include "storage/keys.h"

namespace samenloop::broker {
namespace {

constexpr size_t kEventsPerWrite = 1000;

// The events about a signal that name its related persons since they were
// added to events (docs/audit.md "Persons an event names"). Deliveries,
// acknowledgements, withdrawals and lead events name the subject only, now
// as before, and are not linked either.
bool NamesRelatedPersonsNow(v1::AuditEventType type) {
  switch (type) {
    case v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED:
    case v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED:
    case v1::AUDIT_EVENT_TYPE_SIGNAL_CLOSED:
    case v1::AUDIT_EVENT_TYPE_SIGNAL_REOPENED:
    case v1::AUDIT_EVENT_TYPE_SIGNAL_REVOKED:
    case v1::AUDIT_EVENT_TYPE_MATCH_DECISION:
    case v1::AUDIT_EVENT_TYPE_NOTIFICATION_RETRACTED:
    case v1::AUDIT_EVENT_TYPE_COORDINATION_FIRED:
      return true;
    default:
      return false;
  }
}

bool NamesEveryRelatedPerson(const v1::AuditEvent& event, const storage::StoredSignal& signal) {
  for (const storage::StoredRelated& related : signal.related()) {
    if (!NamesPerson(event, Hex(related.key()))) return false;
  }
  return true;
}

absl::StatusOr<uint64_t> CommittedAuditSize(const Store& store) {
  absl::StatusOr<std::string> stored = store.Get(Family::kMeta, keys::NextAuditNumberKey());
  if (absl::IsNotFound(stored.status())) return 0;
  if (!stored.ok()) return stored.status();
  return keys::ParseU64(*stored);
}

// The leaves of `leaves` that a link event for `signal` lists, or nullopt
// when the signal was linked already (a run before a crash).
absl::StatusOr<std::optional<std::vector<uint64_t>>> LeavesToLink(const Store& store,
                                                                  const storage::StoredSignal& signal,
                                                                  const std::vector<uint64_t>& leaves) {
  std::vector<uint64_t> out;
  for (uint64_t leaf : leaves) {
    absl::StatusOr<std::string> stored = store.Get(Family::kAudit, keys::U64(leaf));
    if (absl::IsNotFound(stored.status())) continue;
    if (!stored.ok()) return stored.status();
    v1::AuditEvent event;
    // A damaged or redacted leaf has no body that could name anyone.
    if (!event.ParseFromString(*stored) || event.redacted()) continue;
    if (event.type() == v1::AUDIT_EVENT_TYPE_PERSONS_LINKED) return std::optional<std::vector<uint64_t>>();
    if (!NamesRelatedPersonsNow(event.type()) || NamesEveryRelatedPerson(event, signal)) continue;
    out.push_back(leaf);
  }
  return std::optional<std::vector<uint64_t>>(std::move(out));
}

}  // namespace

absl::Status LinkSignalPersons(Store& store, absl::Time now) {
  absl::StatusOr<uint64_t> size = CommittedAuditSize(store);
  if (!size.ok()) return size.status();
  absl::StatusOr<AuditLogState> state = AuditLogState::Load(store, *size);
  if (!state.ok()) return state.status();
  const uint64_t before = *size;  // the leaves a link may list lie below it
  AuditLogState committed = *std::move(state);
  std::optional<AuditLogWriter> writer(std::in_place, store, committed);
  rocksdb::WriteBatch batch;
  size_t in_batch = 0;
  uint64_t signals = 0, linked = 0;
  // One write: the events with their index entries and the log's new size.
  auto flush = [&]() -> absl::Status {
    if (absl::Status indexed = writer->Finish(batch); !indexed.ok()) return indexed;
    batch.Put(store.Handle(Family::kMeta), keys::NextAuditNumberKey(), keys::U64(writer->state().size));
    if (absl::Status done = store.Commit(&batch); !done.ok()) return done;
    batch.Clear();
    in_batch = 0;
    committed = writer->state();
    writer.emplace(store, committed);
    return absl::OkStatus();
  };
  const CallerIdentity broker{"broker", Role::kOperator, ""};
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kSignals);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    storage::StoredSignal signal;
    if (!signal.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("stored signal does not parse");
    }
    if (signal.related().empty()) continue;
    absl::StatusOr<std::vector<uint64_t>> leaves = AuditLeavesOfSignal(store, signal.signal().signal_id(), before);
    if (!leaves.ok()) return leaves.status();
    if (leaves->empty()) continue;
    absl::StatusOr<std::optional<std::vector<uint64_t>>> to_link = LeavesToLink(store, signal, *leaves);
    if (!to_link.ok()) return to_link.status();
    if (!to_link->has_value() || (*to_link)->empty()) continue;
    v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_PERSONS_LINKED, broker, now);
    NameSignalPersons(event, signal);
    event.add_signal_ids(signal.signal().signal_id());
    event.set_category(signal.signal().category());
    event.set_reason(kPersonsLinkedReason);
    for (uint64_t leaf : **to_link) event.add_linked_leaves(leaf);
    linked += (*to_link)->size();
    ++signals;
    writer->Append(batch, std::move(event));
    if (++in_batch == kEventsPerWrite) {
      if (absl::Status flushed = flush(); !flushed.ok()) return flushed;
    }
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("signals scan: ", it->status().ToString()));
  if (in_batch > 0) {
    if (absl::Status flushed = flush(); !flushed.ok()) return flushed;
  }
  batch.Put(store.Handle(Family::kMeta), keys::PersonsLinkedSizeKey(), keys::U64(committed.size));
  if (absl::Status done = store.Commit(&batch); !done.ok()) return done;
  spdlog::info("linked {} earlier audit events of {} signals to their related persons", linked, signals);
  return absl::OkStatus();
}

}  // namespace samenloop::broker
