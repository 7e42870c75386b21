#ifndef SAMENLOOP_STORAGE_SORTED_BATCH_H_
#define SAMENLOOP_STORAGE_SORTED_BATCH_H_

// The same write, with its operations in key order per column family.
//
// RocksDB inserts a batch into each family's memtable (a skip list) in
// batch order, and an insert next to the previous one is cheap while one
// anywhere else searches the list from the top. The broker's writes touch
// many families with scattered keys (person keys are HMAC outputs), so the
// memtable inserts were most of a submission's serial time; sorted, most
// inserts start where the previous one ended (docs/benchmarks.md).
//
// The result applies to exactly the same state: operations on one key keep
// their order (the sort is stable), and a range deletion is a barrier that
// nothing is moved across.

#include <cstdint>
#include <functional>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace samenloop::broker {

// `batch` rewritten in (family, key) order between range deletions;
// `handle` gives the handle of a family id. Supports puts, deletes and range
// deletions, the operations the broker uses; with anything else, or an
// unknown family, the result is `batch` as it was.
rocksdb::WriteBatch SortedForInsertion(rocksdb::WriteBatch& batch,
                                       const std::function<rocksdb::ColumnFamilyHandle*(uint32_t)>& handle);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_STORAGE_SORTED_BATCH_H_
