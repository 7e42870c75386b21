#ifndef SAMENLOOP_STORAGE_STORAGE_H_
#define SAMENLOOP_STORAGE_STORAGE_H_

// The storage component: the broker's one RocksDB database. What it offers:
//   store.h               the database, its column families (Family), the
//                         synced atomic Commit that fails closed on a full disk
//   keys.h                the byte layouts of the keys
//   broker_storage.proto  the stored records (signals, pair decisions,
//                         consents, notices, policy records)
// The schema version and its migrations belong to the broker
// (broker/core/schema.h: OpenBrokerStore), because migrating reads what the
// broker's components wrote.

#include "storage/keys.h"
#include "storage/store.h"

#endif  // SAMENLOOP_STORAGE_STORAGE_H_
