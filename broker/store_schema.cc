#include "broker/store_schema.h"

#include "absl/strings/str_cat.h"
#include "broker/audit_index.h"
#include "broker/keys.h"
#include "broker/store.h"
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

absl::Status MigrateOneStep(Store& store, uint64_t from) {
  switch (from) {
    case 0: return MigrateFrom0(store);
    case 1: return MigrateFrom1(store);
    default: return absl::InternalError(absl::StrCat("no migration step from schema version ", from));
  }
}

}  // namespace

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

}  // namespace samenloop::broker
