#include "broker/lifecycle/retention.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "audit/index.h"
#include "storage/keys.h"
#include "broker/notifications/notices.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"
#include "broker/core/transaction.h"
#include "broker/lead/lead.h"
#include "broker_storage.pb.h"
#include "broker/core/signal_events.h"

namespace samenloop::broker {
namespace {

constexpr size_t kExpiriesPerWrite = 1000;

}  // namespace

absl::StatusOr<SweepResult> Retention::SweepExpired() {
  SweepResult result;
  // Find candidates without holding the write lock; each is re-read under it.
  std::vector<uint64_t> due;
  const absl::Time now = context_.Now();
  const std::shared_ptr<const policy::DisclosurePolicy> policy = context_.Policy();
  {
    std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kSignals);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++result.examined;
      storage::StoredSignal stored;
      if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("stored signal does not parse");
      }
      const v1::Signal& signal = stored.signal();
      const policy::Retention& retention = policy->RetentionFor(signal.category());
      if (now >= VisibleUntil(signal, retention)) {
        due.push_back(keys::ParseU64(AsView(it->key())));
      } else {
        ++(now < ActiveUntil(signal, retention) ? result.active : result.visible);
      }
    }
    if (!it->status().ok()) return absl::InternalError(absl::StrCat("sweep scan: ", it->status().ToString()));
  }

  uint64_t redacted_from = UINT64_MAX, redacted_until = 0;
  for (size_t begin = 0; begin < due.size(); begin += kExpiriesPerWrite) {
    std::unique_lock<std::mutex> lock = context_.LockWrites();
    Transaction write(context_);
    rocksdb::WriteBatch& batch = write.batch();
    std::set<std::pair<std::string, uint64_t>> entries_deleted;  // two expiring signals share a match entry
    LeadExpiries leads(write);  // a lead held through an expiring signal ends
    for (size_t i = begin; i < std::min(due.size(), begin + kExpiriesPerWrite); ++i) {
      const uint64_t number = due[i];
      absl::StatusOr<storage::StoredSignal> stored = LoadSignal(context_.store(), number);
      if (absl::IsNotFound(stored.status())) continue;
      if (!stored.ok()) return stored.status();
      const std::string& org = stored->signal().source_organisation();
      batch.Delete(context_.store().Handle(Family::kSignals), keys::SignalKey(number));
      batch.Delete(context_.store().Handle(Family::kSubjectIndex), keys::IndexKey(stored->subject_key(), number));
      for (const storage::StoredRelated& related : stored->related()) {
        batch.Delete(context_.store().Handle(Family::kRelatedIndex), keys::IndexKey(related.key(), number));
      }
      batch.Delete(context_.store().Handle(Family::kOrgSignals), keys::OrgSignalKey(org, number));
      batch.Delete(context_.store().Handle(Family::kIdempotency), keys::IdempotencyKey(org, stored->idempotency_key()));
      batch.DeleteRange(context_.store().Handle(Family::kPairDecisions), keys::PairKey(number, 0),
                        keys::PairKey(number + 1, 0));

      // Its events' bodies go with it (docs/audit.md "Redaction"): each
      // becomes a stub, its hash stays in the tree, and the expiry event
      // lists them so a verifier can tell a redaction from a removal.
      absl::StatusOr<std::vector<uint64_t>> leaves =
          AuditLeavesOfSignal(context_.store(), stored->signal().signal_id(), write.AuditSize());
      if (!leaves.ok()) return leaves.status();
      for (uint64_t leaf : *leaves) {
        write.RedactAudit(leaf);
        redacted_from = std::min(redacted_from, leaf);
        redacted_until = std::max(redacted_until, leaf + 1);
      }

      CallerIdentity sweeper{"broker", Role::kOperator, ""};
      v1::AuditEvent event;
      event.set_type(v1::AUDIT_EVENT_TYPE_SIGNAL_EXPIRED);
      *event.mutable_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now));
      event.set_actor_organisation(sweeper.organisation_id);
      event.set_actor_role(std::string(RoleName(sweeper.role)));
      NameSignalPersons(event, *stored);
      event.add_signal_ids(stored->signal().signal_id());
      event.set_category(stored->signal().category());
      event.set_reason(absl::StrCat("visible period ended; ", leaves->size(), " event(s) redacted"));
      for (uint64_t leaf : *leaves) event.add_redacted_leaves(leaf);
      write.AppendAudit(std::move(event));  // not indexed by its signal (audit/index.h)
      if (absl::Status ended = leads.Expire(number, *stored, now); !ended.ok()) return ended;
      batch.DeleteRange(context_.store().Handle(Family::kAuditKeyIndex), AuditSignalPrefix(stored->signal().signal_id()),
                        AuditSignalPrefixEnd(stored->signal().signal_id()));
      // Notifications about it, or told to its organisation through it, go
      // with it (a coordination notice it caused is about another signal and
      // stays); so do its notice records.
      absl::StatusOr<std::vector<Notice>> notices = NoticesOf(context_.store(), number);
      if (!notices.ok()) return notices.status();
      for (const Notice& notice : *notices) {
        if (notice.record.link() == storage::NoticeRecord::LINK_CAUSED) continue;
        absl::StatusOr<std::string> entry =
            context_.store().Get(Family::kOutbox, keys::OutboxKey(notice.recipient, notice.cursor));
        if (absl::IsNotFound(entry.status())) continue;
        if (!entry.ok()) return entry.status();
        if (!entries_deleted.emplace(notice.recipient, notice.cursor).second) continue;
        write.DeleteOutbox(notice.recipient, notice.cursor);
        ++result.notifications_deleted;
      }
      batch.DeleteRange(context_.store().Handle(Family::kNotices), keys::NoticePrefix(number),
                        keys::NoticePrefix(number + 1));
      result.redacted += leaves->size();
      ++result.expired;
    }
    if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  }
  if (result.expired > 0) {
    for (Family family : {Family::kSignals, Family::kSubjectIndex, Family::kRelatedIndex, Family::kOrgSignals,
                          Family::kIdempotency, Family::kPairDecisions, Family::kAuditKeyIndex, Family::kNotices}) {
      rocksdb::CompactRangeOptions options;
      rocksdb::Status compacted =
          context_.store().db()->CompactRange(options, context_.store().Handle(family), nullptr, nullptr);
      if (!compacted.ok()) return absl::InternalError(absl::StrCat("compaction: ", compacted.ToString()));
    }
  }
  if (redacted_until > 0) {
    // The redacted bodies leave the files too; only the range that held them.
    const std::string from = keys::U64(redacted_from), until = keys::U64(redacted_until);
    const rocksdb::Slice begin(from), end(until);
    rocksdb::Status compacted = context_.store().db()->CompactRange(
        rocksdb::CompactRangeOptions(), context_.store().Handle(Family::kAudit), &begin, &end);
    if (!compacted.ok()) return absl::InternalError(absl::StrCat("compaction: ", compacted.ToString()));
  }
  return result;
}

}  // namespace samenloop::broker
