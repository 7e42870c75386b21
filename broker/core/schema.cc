#include "broker/core/schema.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "audit/index.h"
#include "storage/keys.h"
#include "broker/core/link_persons.h"
#include "broker/core/opaque_ids.h"
#include "storage/store.h"
#include "broker_storage.pb.h"
#include "samenloop/v1/notifications.pb.h"
#include "spdlog/spdlog.h"

namespace samenloop::broker {
namespace {

constexpr char kSchemaVersionKey[] = "schema_version";

bool HasAnyRecord(const Store& store) {
  for (Family family : {Family::kSignals, Family::kAudit, Family::kMeta}) {
    std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(family);
    it->SeekToFirst();
    if (it->Valid()) return true;
  }
  return false;
}

absl::Status Stamp(Store& store, uint64_t version) {
  rocksdb::WriteBatch batch;
  batch.Put(store.Handle(Family::kMeta), kSchemaVersionKey, keys::U64(version));
  return store.Commit(&batch);
}

// 0 -> 1: version 0 stores have the same records; the column families this
// version added (consents, tree heads) are created empty when the store is
// opened, and the person-index prefix filters apply to files written from
// now on (older files are read without them). Only the stamp is new.
absl::Status MigrateFrom0(Store& store) { return Stamp(store, 1); }

// 1 -> 2: the audit index family is created empty on open; fill it from
// every stored leaf, then stamp. A crash before the stamp leaves version 1,
// and the next open builds the same entries again.
absl::Status MigrateFrom1(Store& store) {
  if (absl::Status built = RebuildAuditIndex(store); !built.ok()) return built;
  return Stamp(store, 2);
}

// 2 -> 3: the notices family (broker/notifications/notices.h) is created empty on open;
// record every outbox entry under the signals its id names, so that
// revoking a signal finds what was queued before the upgrade. Whether an
// entry was delivered was not recorded before: every entry counts as
// possibly seen (a revocation retracts it rather than silently withdrawing
// it). Coordination notices carry no record of what caused them. Idempotent:
// a crash before the stamp writes the same records again.
absl::Status MigrateFrom2(Store& store) {
  rocksdb::WriteBatch batch;
  std::map<std::string, uint64_t> heads;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kOutbox);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key = AsView(it->key());
    const size_t separator = key.find('\0');
    if (separator == absl::string_view::npos || key.size() != separator + 9) {
      return absl::DataLossError("outbox key has an unexpected layout");
    }
    const std::string recipient(key.substr(0, separator));
    const uint64_t cursor = keys::ParseU64(key.substr(separator + 1));
    heads[recipient] = std::max(heads[recipient], cursor);
    v1::Notification notification;
    if (!notification.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("outbox entry does not parse");
    }
    std::optional<NotificationRef> ref = ParseFirstFormatNotificationId(notification.notification_id());
    if (!ref.has_value()) continue;
    storage::NoticeRecord record;
    record.set_notification_id(notification.notification_id());
    record.set_your_signal_id(notification.your_signal_id());
    record.set_your_local_reference(notification.your_local_reference());
    const auto put = [&](uint64_t signal, storage::NoticeRecord::Link link) {
      record.set_link(link);
      batch.Put(store.Handle(Family::kNotices), keys::NoticeKey(signal, recipient, cursor), record.SerializeAsString());
    };
    if (ref->kind == NotificationRef::Kind::kMatch) {
      put(ref->other, storage::NoticeRecord::LINK_ABOUT);
      put(ref->signal, storage::NoticeRecord::LINK_THROUGH);
    } else if (ref->kind == NotificationRef::Kind::kCoordination) {
      record.set_decision_key(absl::StrCat("coordination/", recipient, "/", keys::U64(ref->signal)));
      put(ref->signal, storage::NoticeRecord::LINK_ABOUT);
    }
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("outbox scan: ", it->status().ToString()));
  for (const auto& [recipient, head] : heads) {
    batch.Put(store.Handle(Family::kMeta), absl::StrCat("delivered/", recipient), keys::U64(head));
  }
  if (absl::Status committed = store.Commit(&batch); !committed.ok()) return committed;
  return Stamp(store, 3);
}

// 3 -> 4: the audit index entries by signal and by subject move to their
// own family, audit_key_index (created empty on open; audit/index.h).
absl::Status MigrateFrom3(Store& store) {
  if (absl::Status moved = MoveAuditKeyEntries(store); !moved.ok()) return moved;
  return Stamp(store, 4);
}

// 4 -> 5: events appended before named_persons name only their signal's
// subject; each signal with related persons gets one PERSONS_LINKED event
// that links its earlier events to them (broker/core/link_persons.h). The
// log is appended to, never rewritten: every earlier head still verifies.
// A crash before the stamp: the next open links only the signals not yet
// linked.
absl::Status MigrateFrom4(Store& store) {
  if (absl::Status linked = LinkSignalPersons(store, absl::Now()); !linked.ok()) return linked;
  return Stamp(store, 5);
}

absl::Status MigrateOneStep(Store& store, uint64_t from) {
  switch (from) {
    case 0: return MigrateFrom0(store);
    case 1: return MigrateFrom1(store);
    case 2: return MigrateFrom2(store);
    case 3: return MigrateFrom3(store);
    case 4: return MigrateFrom4(store);
    default: return absl::InternalError(absl::StrCat("no migration step from schema version ", from));
  }
}

absl::Status CheckAndMigrateSchema(Store& store) {
  absl::StatusOr<std::string> stored = store.Get(Family::kMeta, kSchemaVersionKey);
  uint64_t version = 0;
  if (stored.ok()) {
    version = keys::ParseU64(*stored);
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  } else if (!HasAnyRecord(store)) {
    return Stamp(store, kStoreSchemaVersion);  // a new store
  }
  if (version > kStoreSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store has schema version ", version, ", newer than this broker understands (", kStoreSchemaVersion,
        "): it was written by a newer samenloop-broker; run that version or restore a backup taken before the "
        "upgrade"));
  }
  while (version < kStoreSchemaVersion) {
    spdlog::info("migrating the store from schema version {} to {}", version, version + 1);
    absl::Status migrated = MigrateOneStep(store, version);
    if (!migrated.ok()) return migrated;
    ++version;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenBrokerStore(const std::string& path, uint64_t min_free_bytes) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path, min_free_bytes);
  if (!store.ok()) return store.status();
  if (absl::Status schema = CheckAndMigrateSchema(**store); !schema.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("store at ", path, ": ", schema.message()));
  }
  return store;
}

}  // namespace samenloop::broker
