#ifndef SAMENLOOP_AUDIT_INDEX_H_
#define SAMENLOOP_AUDIT_INDEX_H_

// Secondary indexes of the audit log, written in the same batch as each
// leaf so they can never disagree with the log. Column family
// audit_key_index, by signal and by person:
//
//   'g' || signal number || leaf      -> ""   events naming a signal (ids of
//                                             the first format, by number)
//   'h' || signal id || 0 || leaf     -> ""   events naming a signal (opaque ids)
//   's' || person key    || leaf      -> ""   events naming a person's index key,
//                                             as subject or related person
//                                             (its 32 bytes; events write it in hex),
//                                             and the earlier leaves a PERSONS_LINKED
//                                             event naming the person lists in
//                                             linked_leaves (store schema 5)
//
// and column family audit_index, by organisation and time:
//
//   'o' || organisation || 0 || leaf  -> ""   actor or recipient organisation,
//                                             except the broker itself
//   'T' || block                      -> min ms || max ms of the event times
//                                               of leaves [block * 1024, +1024)
//
// Two families because their keys differ in kind: signal ids and person
// keys are random, one short list each, and that family's memtable is
// hashed by them (storage/store.h HasPrefixMemtable); the organisation
// entries are few long lists in leaf order.
//
// Numbers are big-endian, so each prefix lists its leaves in leaf order:
// a query walks one prefix from its page's first leaf and touches only the
// leaves that name the key. The time blocks let a time-range query skip
// every block of leaves whose times lie outside the range; leaves are
// appended in time order up to the moments a writer waits for the ledger's
// lock, so a block's range is narrow and the skip is nearly exact (the
// query still checks each leaf's own time).
//
// The indexes hold leaf numbers only. Redaction (the broker's retention sweep)
// keeps the subject and organisation entries of a redacted leaf, so a
// subject report still lists it as redacted, and drops the signal entries
// of the expired signal.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/store.h"
#include "rocksdb/write_batch.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

inline constexpr uint64_t kAuditTimeBlockLeaves = 1024;

// Index key prefixes: every entry of one signal (by its public id), subject
// key (hex, as in events) or organisation; the leaf number follows.
std::string AuditSignalPrefix(absl::string_view signal_id);
// The first key after every entry of the signal (for DeleteRange).
std::string AuditSignalPrefixEnd(absl::string_view signal_id);
std::string AuditSubjectPrefix(absl::string_view subject_key);
std::string AuditOrganisationPrefix(absl::string_view organisation);
std::string AuditIndexKey(absl::string_view prefix, uint64_t leaf);

// The broker itself is the actor of most events (decisions, deliveries,
// expiries): an index of it would select nothing and double the writes, so
// it has none, and a query for it reads the log in order.
inline constexpr absl::string_view kBrokerActor = "broker";
bool IsIndexedOrganisation(absl::string_view organisation);

// Whether the event names the person's index key (hex): as a subject, or
// as a related person of one of its signals (named_persons).
bool NamesPerson(const v1::AuditEvent& event, absl::string_view key);

// The time range of one block of leaves, in Unix milliseconds (floored).
struct AuditTimeBlock {
  int64_t min_ms = 0;
  int64_t max_ms = 0;
};

// Gathers the index entries of the leaves one write appends and adds them
// to its batch at the end: the entries sorted (RocksDB inserts into its
// memtable in batch order, and sorted keys let each insert start where the
// last one ended, which halves the cost of entries scattered over the key
// space, such as subject keys), and the time range of each block the write
// touched merged with what the store already holds for it.
class AuditIndexWriter {
 public:
  void Add(uint64_t leaf, const v1::AuditEvent& event);
  absl::Status AddToBatch(const Store& store, rocksdb::WriteBatch& batch);
  bool empty() const { return by_key_.empty() && by_organisation_.empty() && blocks_.empty(); }

 private:
  std::vector<std::string> by_key_;           // audit_key_index
  std::vector<std::string> by_organisation_;  // audit_index
  std::map<uint64_t, AuditTimeBlock> blocks_;
};

// Stored time ranges of blocks [first, last], in block order; a block
// without a stored range is absent.
absl::StatusOr<std::vector<std::pair<uint64_t, AuditTimeBlock>>> ReadAuditTimeBlocks(const Store& store,
                                                                                       uint64_t first,
                                                                                       uint64_t last);

// Leaves below `end` that name the signal, in leaf order.
absl::StatusOr<std::vector<uint64_t>> AuditLeavesOfSignal(const Store& store, absl::string_view signal_id,
                                                          uint64_t end);

// Builds every index from the stored leaves (store schema 1 -> 2); resumable:
// it rewrites the same entries when run again.
absl::Status RebuildAuditIndex(Store& store);

// Moves the signal and subject entries that stores before schema 4 kept in
// audit_index into audit_key_index, as they are (the subject entries of
// redacted leaves included); resumable: a crash before the last step
// leaves the old entries, and the next run copies them again.
absl::Status MoveAuditKeyEntries(Store& store);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_INDEX_H_
