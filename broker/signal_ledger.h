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
#include "storage/store.h"
#include "broker/subject_keyer.h"
#include "common/caller_identity.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/notifications.pb.h"
#include "samenloop/v1/signals.pb.h"
#include "broker_storage.pb.h"

namespace samenloop::broker {

// What deciding pairs again (after a policy or consent change) did.
struct ReevaluationResult {
  uint64_t signals = 0;        // live signals visited
  uint64_t pairs_changed = 0;  // directions whose decision changed (audited)
  uint64_t notifications = 0;  // newly allowed or wider disclosures notified
};

struct LedgerOptions {
  int max_batch = 1000;
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // How long an acknowledged notification stays in the outbox (SweepOutbox).
  absl::Duration outbox_keep_acknowledged = absl::Hours(24 * 30);
};

struct OutboxSweepResult {
  uint64_t examined = 0;
  uint64_t deleted = 0;
};


class SignalLedger {
 public:
  // `store`, `keyer` and `hub` must outlive the ledger. `policy` is the one
  // in force until ApplyPolicy replaces it.
  static absl::StatusOr<std::unique_ptr<SignalLedger>> Create(
      Store* store, const SubjectKeyer* keyer, std::shared_ptr<const policy::DisclosurePolicy> policy,
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
  // What a Subscribe stream may send next (outbox_release.cc): the entries
  // after `after_cursor`, at most `limit`, each still about live signals
  // (an entry about a revoked or expired signal is withdrawn instead), with
  // their NOTIFICATION_DELIVERED events written in one synced write before
  // they are returned. `*next_cursor` is where the next call continues.
  absl::StatusOr<std::vector<v1::Notification>> ReleaseOutbox(const std::string& recipient, uint64_t after_cursor,
                                                              size_t limit, uint64_t* next_cursor);
  // The last cursor of `recipient`'s outbox.
  uint64_t OutboxHead(const std::string& recipient) const;
  absl::StatusOr<uint64_t> Acknowledge(const CallerIdentity& caller, uint64_t cursor);
  uint64_t AcknowledgedCursor(const std::string& recipient) const;
  // Number of committed audit events: the audit tree's size.
  uint64_t AuditSize() const;
  // The committed counters (signal and audit numbers, outbox heads,
  // acknowledgements), for metrics.
  LedgerCounters CountersSnapshot() const;
  // Appends an event that changes nothing else (e.g. an auditor's query) in
  // its own synced write, serialised with every other writer. Returns the
  // tree size that includes it.
  absl::StatusOr<uint64_t> RecordEvent(v1::AuditEvent event);
  // Appends several such events in one synced write (group commit), e.g.
  // the deliveries of one burst of a Subscribe stream.
  absl::StatusOr<uint64_t> RecordEvents(std::vector<v1::AuditEvent> events);
  // The ledger's clock, for events recorded through RecordEvents.
  absl::Time Now() const { return options_.clock(); }

  // Expires every signal whose visible period has ended (retention_sweeper.h).
  absl::StatusOr<SweepResult> SweepExpired();
  // Deletes notifications about signals that no longer exist and
  // acknowledged ones older than options.outbox_keep_acknowledged
  // (outbox_retention.cc). Run after SweepExpired.
  absl::StatusOr<OutboxSweepResult> SweepOutbox();

  // --- Policy (signal_ledger_policy.cc) ---
  // The policy in force; a snapshot that a later ApplyPolicy does not change.
  std::shared_ptr<const policy::DisclosurePolicy> Policy() const;
  // Makes `policy` (compiled from `record`) the one in force, atomically:
  // the record, its place in the history and its POLICY_APPLIED audit event
  // are one write, and no submit is decided half under the old policy.
  // Then every live pair is decided again; pairs whose decision changed are
  // recorded and audited, and newly allowed ones notified (nothing already
  // told is taken back). FAILED_PRECONDITION when `expected_active_version`
  // is set and is not the active version.
  absl::StatusOr<ReevaluationResult> ApplyPolicy(const CallerIdentity& caller,
                                                 std::shared_ptr<const policy::DisclosurePolicy> policy,
                                                 storage::PolicyRecord record,
                                                 absl::string_view expected_active_version);
  // Finishes re-evaluation a crash interrupted (after a policy apply or a
  // consent change); the broker calls it once at start.
  absl::Status ResumeReevaluation();
  // NOT_FOUND while the built-in development policy is in force.
  absl::StatusOr<storage::PolicyRecord> ActivePolicyRecord() const;
  // Every applied policy, oldest first.
  absl::StatusOr<std::vector<storage::PolicyRecord>> PolicyHistory() const;

  // --- Consent and objection registry (signal_ledger_consents.cc) ---
  // Registers a record obtained by the caller's organisation; decisions that
  // it changes for signals on its subject are taken again at once.
  absl::StatusOr<v1::ConsentRecord> RegisterConsent(const CallerIdentity& caller, const v1::ConsentRecord& record);
  // Only the organisation that registered a record can withdraw it.
  absl::StatusOr<v1::ConsentRecord> WithdrawConsent(const CallerIdentity& caller, absl::string_view consent_id);
  absl::StatusOr<v1::ListConsentsResponse> ListConsents(const CallerIdentity& caller,
                                                        const v1::ListConsentsRequest& request) const;

 private:
  SignalLedger(Store* store, const SubjectKeyer* keyer, std::shared_ptr<const policy::DisclosurePolicy> policy,
               NotificationHub* hub, LedgerOptions options, LedgerCounters counters);

  // Loads an own signal for a state change; NOT_FOUND when it is not the caller's.
  absl::StatusOr<storage::StoredSignal> LoadOwn(const CallerIdentity& caller,
                                                absl::string_view signal_id, uint64_t* number) const;
  absl::StatusOr<storage::StoredSignal> LoadSignal(uint64_t number) const;
  // Matches `signal` against every live signal it matches (subject or
  // household, see match_finder.h) and queues the decisions, notifications
  // and audit events. Nothing for a signal that is no longer live.
  absl::Status MatchAndNotify(PendingWrite& write, uint64_t number, const storage::StoredSignal& signal,
                              bool renotify, PersonIndexReaders* readers = nullptr);
  // Applies the policy's coordination rules to the person of `signal`:
  // tells each rule's coordinator of the person's signals, once per signal.
  absl::StatusOr<uint32_t> Coordinate(PendingWrite& write, uint64_t number, const storage::StoredSignal& signal,
                                      const std::map<uint64_t, MatchedSignal>& matches);
  // Decides one direction of a pair and, if allowed and new, notifies.
  // With `only_if_changed`, a decision equal to the recorded one writes
  // nothing (re-evaluation audits changes only).
  absl::StatusOr<bool> DecideDirection(PendingWrite& write, uint64_t recipient_number,
                                       const storage::StoredSignal& recipient,
                                       uint64_t other_number, const storage::StoredSignal& other,
                                       policy::MatchKind kind, v1::Relation relation, bool renotify,
                                       bool only_if_changed = false, bool* changed = nullptr);
  // What the policy is asked about one direction: the facts of both signals
  // and the consent records on the subject of `other`.
  absl::StatusOr<policy::MatchCandidate> BuildCandidate(const storage::StoredSignal& recipient,
                                                        const storage::StoredSignal& other, policy::MatchKind kind,
                                                        v1::Relation relation, absl::Time now) const;
  absl::StatusOr<std::vector<policy::ConsentFacts>> ConsentsOn(const std::string& subject_key) const;
  // Decides again, for each match of `signal`, whether the match's
  // organisation may learn of `signal` (`disclose_signal`) and whether
  // `signal`'s organisation may learn of the match (`disclose_matches`);
  // records, audits and notifies changes only.
  absl::Status Reevaluate(PendingWrite& write, uint64_t number, const storage::StoredSignal& signal,
                          bool disclose_signal, bool disclose_matches, ReevaluationResult& result);
  absl::StatusOr<ReevaluationResult> ReevaluateAllFrom(uint64_t after);
  // Re-evaluates the subject's signals in its own write and clears the
  // subject's re-evaluation marker.
  absl::Status ReevaluateSubjectNow(const std::string& subject_key);
  // Re-evaluates every signal on `subject_key` (after a consent change).
  absl::Status ReevaluateSubject(PendingWrite& write, const std::string& subject_key, ReevaluationResult& result);
  // Live signal numbers, from `after` on, at most `limit` (for batching).
  absl::StatusOr<std::vector<uint64_t>> LiveSignalNumbers(uint64_t after, size_t limit) const;
  // Changes an own signal's status; a revocation also withdraws its
  // notifications (notices.h), citing `reason_class`.
  absl::StatusOr<v1::Signal> Transition(const CallerIdentity& caller, absl::string_view signal_id,
                                        v1::AuditEventType event_type, absl::string_view reason,
                                        const std::function<absl::Status(storage::StoredSignal&)>& change,
                                        v1::RevocationReason reason_class = v1::REVOCATION_REASON_UNSPECIFIED);
  void PublishCommitted(const std::set<std::string>& recipients);
  v1::Signal ToClientView(const storage::StoredSignal& stored) const;

  Store* store_;
  const SubjectKeyer* keyer_;
  // Replaced under both mutexes: writers (holding write_mutex_) read it
  // directly, others through Policy().
  std::shared_ptr<const policy::DisclosurePolicy> policy_;
  mutable std::mutex policy_mutex_;
  NotificationHub* hub_;
  LedgerOptions options_;
  mutable std::mutex write_mutex_;  // serialises writers; readers use RocksDB snapshots
  LedgerCounters counters_;          // guarded by write_mutex_
};

// Meta-family markers of re-evaluation still to do (signal_ledger_policy.cc).
extern const char kReevaluateAllKey[];
extern const char kReevaluateSubjectPrefix[];

// The policy a broker starts with: the one last applied to `store`
// (compiled again from its stored file), or `fallback` when none was.
// FAILED_PRECONDITION when the stored file no longer compiles.
absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> StartupPolicy(
    const Store& store, std::shared_ptr<const policy::DisclosurePolicy> fallback);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_SIGNAL_LEDGER_H_
