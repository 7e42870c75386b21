#ifndef SAMENLOOP_STORAGE_KEYS_H_
#define SAMENLOOP_STORAGE_KEYS_H_

// Byte layouts of the RocksDB keys. Numbers are big-endian so that keys sort
// in numeric order and prefix scans return signals and notifications in the
// order they were written.

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace samenloop::broker::keys {

std::string U64(uint64_t value);
uint64_t ParseU64(absl::string_view bytes);  // bytes.size() must be 8

// "<organisation>\0": prefix of every per-organisation key.
std::string OrgPrefix(absl::string_view organisation);

std::string SignalKey(uint64_t signal_number);
std::string IndexKey(absl::string_view index_key, uint64_t signal_number);
std::string OrgSignalKey(absl::string_view organisation, uint64_t signal_number);
std::string IdempotencyKey(absl::string_view organisation, absl::string_view idempotency_key);
std::string PairKey(uint64_t recipient_signal, uint64_t other_signal);
std::string OutboxKey(absl::string_view recipient, uint64_t cursor);
// Notices (broker/notifications/notices.h): signal || recipient || 0 || cursor;
// every notice of a signal starts with NoticePrefix(signal).
std::string NoticePrefix(uint64_t signal);
std::string NoticeKey(uint64_t signal, absl::string_view recipient, uint64_t cursor);
// Who leads for a person (broker/lead/lead.h), pair-decisions family:
// "lead/" || subject key.
std::string LeadKey(absl::string_view subject_key);

// Meta keys.
std::string NextSignalNumberKey();
std::string NextAuditNumberKey();
// The audit log's size once the upgrade to store schema 5 had appended its
// PERSONS_LINKED events (broker/core/link_persons.h): every one lies below it.
std::string PersonsLinkedSizeKey();
std::string LeadEventCounterKey();  // lead events so far (their notification ids)
std::string OutboxHeadKey(absl::string_view recipient);   // last cursor written
std::string AcknowledgedKey(absl::string_view recipient); // last cursor acknowledged

// Public signal ids are "sig-<number>".
std::string SignalId(uint64_t signal_number);
bool ParseSignalId(absl::string_view id, uint64_t* signal_number);

}  // namespace samenloop::broker::keys

#endif  // SAMENLOOP_STORAGE_KEYS_H_
