#ifndef SAMENLOOP_AUDIT_TREE_HEADS_H_
#define SAMENLOOP_AUDIT_TREE_HEADS_H_

// TreeHeadIssuer signs tree heads of the audit log with the broker's log key
// and keeps every head it signs (column family tree_heads, in time order),
// so that the broker's own commitments can be listed later: an auditor who
// lost a head, or wants one from a given day, can fetch it and check it
// against a newer one. Heads are issued on request (GetTreeHead, each page
// of QueryEvents) and on a schedule (IssueIfGrown, see broker_server.h).

#include <cstdint>
#include <functional>
#include <mutex>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/store.h"
#include "crypto/signed_tree_head.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

class TreeHeadIssuer {
 public:
  TreeHeadIssuer(Store* store, const crypto::LogSigningKey* key,
                 std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), key_(key), clock_(std::move(clock)) {}

  // Signs the head of the committed tree of `size` leaves, timestamped now,
  // and stores it.
  absl::StatusOr<v1::SignedTreeHead> Issue(uint64_t size);
  // The schedule's step: issues a head for `size` unless the newest stored
  // head already has that size (an idle log gets no new heads; a fresh one
  // is always available through GetTreeHead). True if it issued one.
  absl::StatusOr<bool> IssueIfGrown(uint64_t size);
  // Stored heads with a timestamp in the request's range, oldest first.
  absl::StatusOr<v1::ListTreeHeadsResponse> List(const v1::ListTreeHeadsRequest& request) const;

 private:
  Store* store_;
  const crypto::LogSigningKey* key_;
  std::function<absl::Time()> clock_;
  std::mutex mutex_;  // one issuer at a time, so "newest stored" is well defined
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_TREE_HEADS_H_
