#ifndef SAMENLOOP_BROKER_CORE_LINK_PERSONS_H_
#define SAMENLOOP_BROKER_CORE_LINK_PERSONS_H_

// Store schema 4 -> 5 (broker/core/schema.cc): events appended before
// schema 5 name only their signal's subject, so a related person's report
// missed them. For each stored signal with related persons whose earlier
// events do not name them, one PERSONS_LINKED event is appended (actor
// broker): it names the signal's persons as any event about the signal
// does, and lists those earlier leaves in linked_leaves. The audit index
// lists the linked leaves under the persons it names (audit/index.h), a
// subject query returns them with the link event (audit/query.h), and
// `audit verify` accepts such a leaf in a subject_key export only beside the
// event that links it (docs/audit.md "Persons an event names"). The log is
// only appended to: every earlier root, head and proof stays valid.

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace samenloop::broker {

inline constexpr char kPersonsLinkedReason[] =
    "links the earlier events of this signal to its related persons (store schema 5)";

// Appends the link events, in writes of 1,000 with the log's size, then
// records the size reached (keys::PersonsLinkedSizeKey). Resumable: a
// signal that already has a PERSONS_LINKED event is skipped, so a run after
// a crash appends only what the first did not commit.
absl::Status LinkSignalPersons(Store& store, absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_LINK_PERSONS_H_
