#ifndef SAMENLOOP_TESTS_SUPPORT_AUDIT_INDEX_ENTRIES_H_
#define SAMENLOOP_TESTS_SUPPORT_AUDIT_INDEX_ENTRIES_H_

// Every entry of the audit index families (audit/index.h), keyed by family
// number and key: what tests compare before and after a rebuild or a
// migration.

#include <map>
#include <memory>
#include <string>

#include "storage/store.h"

namespace samenloop::testing {

inline std::map<std::string, std::string> AuditIndexEntries(const broker::Store& store) {
  std::map<std::string, std::string> entries;
  for (broker::Family family : {broker::Family::kAuditIndex, broker::Family::kAuditKeyIndex}) {
    std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(family);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      entries[std::to_string(static_cast<int>(family)) + "/" + it->key().ToString()] = it->value().ToString();
    }
  }
  return entries;
}

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_SUPPORT_AUDIT_INDEX_ENTRIES_H_
