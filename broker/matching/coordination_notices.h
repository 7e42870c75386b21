#ifndef SAMENLOOP_BROKER_MATCHING_COORDINATION_NOTICES_H_
#define SAMENLOOP_BROKER_MATCHING_COORDINATION_NOTICES_H_

// What a coordinator is sent (docs/notifications.md "Coordination"): a
// pattern notice when a pattern forms or changes, an out-of-view notice when
// the last open signal closes. Each is queued, recorded under every signal it
// names (so revoking one takes it back, notices.h) and audited, in the write
// that caused it.

#include <cstdint>
#include <map>
#include <vector>

#include "absl/time/time.h"
#include "broker/core/opaque_ids.h"
#include "broker/core/transaction.h"
#include "broker_storage.pb.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/notifications.pb.h"

namespace samenloop::broker {

// A pattern notice about to be sent: the pattern (anchor and record, whose
// `notices` already counts this one), the signal that made it (`other`) and
// every member's stored signal.
struct PatternNoticeSpec {
  const policy::CoordinationRule* rule = nullptr;
  uint64_t anchor = 0;
  const storage::CoordinationPattern* pattern = nullptr;
  uint64_t other = 0;
  const std::map<uint64_t, storage::StoredSignal>* members = nullptr;
  v1::CoordinationEvent event = v1::COORDINATION_EVENT_PATTERN;
  // Audited as the reason (empty: the rule fired on an arrival).
  const char* reason = "";
  // Other rules of the coordinator that fire on this arrival too (an
  // update): cited after the rule that formed the pattern, so a coordinator
  // hears that, say, someone now waits too long for a family it follows.
  std::vector<const policy::CoordinationRule*> also_fired = {};
};

// Queues, records and audits one pattern notice.
void QueuePatternNotice(Transaction& write, const OpaqueIds& ids, const policy::DisclosurePolicy& policy,
                        const PatternNoticeSpec& spec, absl::Time now);

// Queues, records and audits a move notice to `rule`'s coordinator about
// `arrived` (number `number`), listing `members` (the arriving one included).
void QueueMoveNotice(Transaction& write, const OpaqueIds& ids, const policy::DisclosurePolicy& policy,
                     const policy::CoordinationRule& rule, uint64_t number,
                     const std::map<uint64_t, storage::StoredSignal>& members, absl::Time now);

// Queues, records and audits an out-of-view notice about `closed` (number
// `number`); `count` is the organisations that were involved.
void QueueOutOfViewNotice(Transaction& write, const OpaqueIds& ids, const policy::DisclosurePolicy& policy,
                          const policy::CoordinationRule& rule, uint64_t number, const storage::StoredSignal& closed,
                          uint32_t count, absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_COORDINATION_NOTICES_H_
