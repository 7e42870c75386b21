#ifndef SAMENLOOP_BROKER_SIGNAL_LEDGER_H_
#define SAMENLOOP_BROKER_SIGNAL_LEDGER_H_

// SignalLedger is the broker's core: it accepts, changes and lists signals,
// matches each new signal against the stored ones through the subject index,
// asks the disclosure policy about every candidate pair in both directions,
// and writes the signal, its index entries, the notifications and the audit
// events in one synced RocksDB write before anything is acknowledged.
//
// Writes are serialised by one mutex: the batch API gives group commit (one
// fsync per SubmitSignals call), which is what bulk ingest needs.

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/notification_hub.h"
#include "broker/pending_write.h"
#include "broker/retention_sweeper.h"
#include "broker/match_finder.h"
#include "broker/store.h"
#include "broker/subject_keyer.h"
#include "common/caller_identity.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/notifications.pb.h"
#include "samenloop/v1/signals.pb.h"
#include "broker_storage.pb.h"

namespace samenloop::broker {

struct LedgerOptions {
  int max_batch = 1000;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class SignalLedger {
 public:
  // `store`, `keyer`, `policy` and `hub` must outlive the ledger.
  static absl::StatusOr<std::unique_ptr<SignalLedger>> Create(
      Store* store, const SubjectKeyer* keyer, const policy::DisclosurePolicy* policy,
      NotificationHub* hub, LedgerOptions options = {});

  // Batch-level problems (empty or oversized batch, storage failure) fail the
  // whole call; a bad item only fails its own result.
  absl::StatusOr<v1::SubmitSignalsResponse> Submit(const CallerIdentity& caller,
                                                   const v1::SubmitSignalsRequest& request);
  // Changes the fields named in the update mask (kUpdatableFields) of an
  // open or closed own signal, then matches it again: new pairs (e.g. from a
  // new related person) are notified; known pairs only if more is disclosed.
  absl::StatusOr<v1::Signal> Update(const CallerIdentity& caller, const v1::UpdateSignalRequest& request);
  absl::StatusOr<v1::Signal> Close(const CallerIdentity& caller, const v1::CloseSignalRequest& request);
  absl::StatusOr<v1::Signal> Reopen(const CallerIdentity& caller, const v1::ReopenSignalRequest& request);
  absl::StatusOr<v1::Signal> Revoke(const CallerIdentity& caller, const v1::RevokeSignalRequest& request);
  absl::StatusOr<v1::Signal> Get(const CallerIdentity& caller, absl::string_view signal_id) const;
  absl::StatusOr<v1::ListOwnSignalsResponse> ListOwn(const CallerIdentity& caller,
                                                     const v1::ListOwnSignalsRequest& request) const;

  // Notifications of `recipient` with cursor > after_cursor, at most `limit`.
  absl::StatusOr<std::vector<v1::Notification>> ReadOutbox(const std::string& recipient,
                                                           uint64_t after_cursor, size_t limit) const;
  absl::StatusOr<uint64_t> Acknowledge(const CallerIdentity& caller, uint64_t cursor);
  uint64_t AcknowledgedCursor(const std::string& recipient) const;
  // Number of committed audit events: the audit tree's size.
  uint64_t AuditSize() const;

  // Expires every signal whose visible period has ended (retention_sweeper.h).
  absl::StatusOr<SweepResult> SweepExpired();

 private:
  SignalLedger(Store* store, const SubjectKeyer* keyer, const policy::DisclosurePolicy* policy,
               NotificationHub* hub, LedgerOptions options, LedgerCounters counters);

  // Loads an own signal for a state change; NOT_FOUND when it is not the caller's.
  absl::StatusOr<storage::StoredSignal> LoadOwn(const CallerIdentity& caller,
                                                absl::string_view signal_id, uint64_t* number) const;
  absl::StatusOr<storage::StoredSignal> LoadSignal(uint64_t number) const;
  // Matches `signal` against every live signal it matches (subject or
  // household, see match_finder.h) and queues the decisions, notifications
  // and audit events. Returns the number of notifications queued.
  absl::StatusOr<uint32_t> MatchAndNotify(PendingWrite& write, uint64_t number,
                                          const storage::StoredSignal& signal, bool renotify);
  // Applies the policy's coordination rules to the person of `signal`:
  // tells each rule's coordinator of the person's signals, once per signal.
  absl::StatusOr<uint32_t> Coordinate(PendingWrite& write, uint64_t number, const storage::StoredSignal& signal,
                                      const std::map<uint64_t, MatchedSignal>& matches);
  // Decides one direction of a pair and, if allowed and new, notifies.
  absl::StatusOr<bool> DecideDirection(PendingWrite& write, uint64_t recipient_number,
                                       const storage::StoredSignal& recipient,
                                       uint64_t other_number, const storage::StoredSignal& other,
                                       policy::MatchKind kind, v1::Relation relation, bool renotify);
  absl::StatusOr<v1::Signal> Transition(const CallerIdentity& caller, absl::string_view signal_id,
                                        v1::AuditEventType event_type, absl::string_view reason,
                                        const std::function<absl::Status(storage::StoredSignal&)>& change);
  void PublishCommitted(const std::set<std::string>& recipients);
  v1::Signal ToClientView(const storage::StoredSignal& stored) const;

  Store* store_;
  const SubjectKeyer* keyer_;
  const policy::DisclosurePolicy* policy_;
  NotificationHub* hub_;
  LedgerOptions options_;
  mutable std::mutex write_mutex_;  // serialises writers; readers use RocksDB snapshots
  LedgerCounters counters_;          // guarded by write_mutex_
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNAL_LEDGER_H_
