#ifndef SAMENLOOP_BROKER_CORE_SCHEMA_H_
#define SAMENLOOP_BROKER_CORE_SCHEMA_H_

// The store's schema version (meta key "schema_version"), checked on every
// open (docs/operations.md "Upgrades"):
//   - a new, empty store is stamped with the current version;
//   - a store without a version was written before versions existed
//     (version 0): it is migrated in place, step by step, to the current one;
//   - a store with a newer version than this broker knows is refused with a
//     message saying so, before anything is read or written.

#include <cstdint>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/store.h"

namespace samenloop::broker {

// Version 1: the column families of docs/operations.md with the person
// indexes' prefix filters; consents, tree heads.
// Version 2: the audit log's secondary indexes (column family audit_index,
// audit/index.h), built from the stored leaves when a version 1
// store is opened.
// Version 3: the notices family (broker/notifications/notices.h), filled from the outbox
// when a version 2 store is opened, and the delivered cursors.
// Version 4: the audit index entries by signal and by subject in a family
// of their own (audit_key_index, with a memtable hashed by them), moved
// there from audit_index when a version 3 store is opened.
// Version 5: audit events about a signal name its related persons
// (named_persons); the events appended before are linked to them by one
// PERSONS_LINKED event per signal, appended when a version 4 store is
// opened (broker/core/link_persons.h).
inline constexpr uint64_t kStoreSchemaVersion = 5;

// Opens the broker's store (storage/store.h) and checks and migrates its
// schema before anything else reads it: the only way the broker and its
// tools open a store.
absl::StatusOr<std::unique_ptr<Store>> OpenBrokerStore(const std::string& path, uint64_t min_free_bytes = 0);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_SCHEMA_H_
