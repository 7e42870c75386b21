#ifndef SAMENLOOP_BROKER_CORE_CONTEXT_H_
#define SAMENLOOP_BROKER_CORE_CONTEXT_H_

// LedgerContext is what the ledger's components share: the store, the
// keyer, the policy in force, the clock, the write lock and the committed
// counters. Components never hold state of their own that another write
// could change; everything durable goes through a Transaction (transaction.h).
//
// Locking: one write lock serialises commits. Readers use RocksDB's
// consistent reads and never take it, except to copy a counter. Work that
// needs no lock (validation, keying, candidate lookups, policy decisions)
// happens before it is taken (signals/submission.h).

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "broker/core/change_versions.h"
#include "broker/core/counters.h"
#include "policy/disclosure_policy.h"
#include "storage/store.h"

namespace samenloop::broker {

class SubjectKeyer;
class OpaqueIds;

struct LedgerOptions {
  int max_batch = 1000;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // How long an acknowledged notification stays in the outbox (SweepOutbox).
  absl::Duration outbox_keep_acknowledged = absl::Hours(24 * 30);
  // Tests only: runs in SubmitSignals after an item's reads and decisions
  // and before the write lock, to make a concurrent commit land there.
  std::function<void()> between_prepare_and_apply;
};

class LedgerContext {
 public:
  // Called after each commit with the recipients whose outbox grew.
  using Published = std::function<void(const std::set<std::string>&)>;

  LedgerContext(Store* store, const SubjectKeyer* keyer, std::shared_ptr<const policy::DisclosurePolicy> policy,
                Published published, LedgerOptions options, LedgerCounters counters);

  Store& store() const { return *store_; }
  const SubjectKeyer& keyer() const { return *keyer_; }
  const OpaqueIds& ids() const;
  const LedgerOptions& options() const { return options_; }
  absl::Time Now() const { return options_.clock(); }

  // The policy in force, as a snapshot a later Replace does not change.
  std::shared_ptr<const policy::DisclosurePolicy> Policy() const;
  // The policy in force for a holder of the write lock (cannot change under it).
  const policy::DisclosurePolicy& PolicyLocked() const { return *policy_; }
  // Under the write lock.
  void ReplacePolicy(std::shared_ptr<const policy::DisclosurePolicy> policy);

  std::unique_lock<std::mutex> LockWrites() const { return std::unique_lock<std::mutex>(write_mutex_); }
  // Under the write lock.
  LedgerCounters& counters() { return counters_; }
  // A copy, taking the lock.
  LedgerCounters CountersSnapshot() const;
  ChangeVersions& versions() { return versions_; }
  const ChangeVersions& versions() const { return versions_; }

  void Publish(const std::set<std::string>& recipients) const {
    if (published_) published_(recipients);
  }

 private:
  Store* store_;
  const SubjectKeyer* keyer_;
  // Replaced under both mutexes: lock holders read it directly, others
  // through Policy().
  std::shared_ptr<const policy::DisclosurePolicy> policy_;
  mutable std::mutex policy_mutex_;
  Published published_;
  LedgerOptions options_;
  mutable std::mutex write_mutex_;
  LedgerCounters counters_;  // guarded by write_mutex_
  ChangeVersions versions_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_CONTEXT_H_
