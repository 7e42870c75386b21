#ifndef SAMENLOOP_BROKER_CORE_COUNTERS_H_
#define SAMENLOOP_BROKER_CORE_COUNTERS_H_

// The ledger's committed counters, persisted in the meta family and kept in
// memory: signal numbers, the audit log's size and frontier, and per
// recipient the outbox head and the cursors acknowledged and delivered.

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "audit/log_writer.h"
#include "storage/store.h"

namespace samenloop::broker {

struct LedgerCounters {
  uint64_t next_signal_number = 1;
  AuditLogState audit;                           // size and frontier of the audit tree
  std::map<std::string, uint64_t> outbox_head;   // last cursor per recipient
  std::map<std::string, uint64_t> acknowledged;  // last acknowledged cursor per recipient
  std::map<std::string, uint64_t> delivered;     // last cursor released on a Subscribe stream

  static absl::StatusOr<LedgerCounters> Load(const Store& store);
};

// The key under which the delivered cursor of `recipient` is kept.
std::string DeliveredKey(absl::string_view recipient);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_COUNTERS_H_
