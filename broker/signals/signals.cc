#include "broker/signals/signals.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/events.h"
#include "broker/core/reads.h"
#include "broker/core/transaction.h"
#include "broker/core/subject_keyer.h"
#include "broker/lead/lead.h"
#include "broker/matching/change_notices.h"
#include "broker/notifications/notices.h"
#include "broker/signals/policy_checks.h"
#include "broker/signals/signal_validation.h"
#include "google/protobuf/util/field_mask_util.h"
#include "storage/keys.h"
#include "broker/core/signal_events.h"

namespace samenloop::broker {

v1::Signal ClientView(const storage::StoredSignal& stored) {
  // Pseudonyms were cleared before storing; the owner sees everything else,
  // including its local reference.
  return stored.signal();
}

absl::StatusOr<v1::Signal> Signals::Transition(const CallerIdentity& caller, absl::string_view signal_id,
                                               v1::AuditEventType event_type, absl::string_view reason,
                                               const std::function<absl::Status(storage::StoredSignal&)>& change,
                                               v1::RevocationReason reason_class) {
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  uint64_t number = 0;
  absl::StatusOr<storage::StoredSignal> stored =
      LoadOwnSignal(context_.store(), context_.ids(), caller, signal_id, &number);
  if (!stored.ok()) return stored.status();
  const v1::Signal before = stored->signal();
  if (absl::Status s = change(*stored); !s.ok()) return s;
  v1::Signal& signal = *stored->mutable_signal();
  signal.set_revision(signal.revision() + 1);
  *signal.mutable_updated_at() = ToProto(now);

  Transaction write(context_);
  write.Put(Family::kSignals, keys::SignalKey(number), stored->SerializeAsString());
  if (signal.status() == v1::SIGNAL_STATUS_REVOKED) {
    // Gone from matching at once: drop its index entries.
    write.Delete(Family::kSubjectIndex, keys::IndexKey(stored->subject_key(), number));
    for (const storage::StoredRelated& related : stored->related()) {
      write.Delete(Family::kRelatedIndex, keys::IndexKey(related.key(), number));
    }
    // ...and from every outbox: undelivered notifications never go out,
    // delivered ones are retracted (notices.h).
    const Withdrawer by{caller.organisation_id, context_.PolicyLocked().OrganisationName(caller.organisation_id),
                        caller.organisation_kind};
    absl::StatusOr<Withdrawal> withdrawn =
        WithdrawNoticesOf(write, context_.ids(), number, *stored, by, reason_class, now);
    if (!withdrawn.ok()) return withdrawn.status();
    // ...and from the coordination patterns it was part of.
    if (absl::StatusOr<uint32_t> resent = matcher_.coordinator().MemberRevoked(write, number, now); !resent.ok()) {
      return resent.status();
    }
  }
  v1::AuditEvent event = BaseEvent(event_type, caller, now);
  NameSignalPersons(event, *stored);
  event.add_signal_ids(signal.signal_id());
  event.set_category(signal.category());
  event.set_reason(std::string(reason));
  write.AppendAudit(std::move(event));
  // Organisations told of the signal hear that it closed or reopened
  // (change_notices.h); a reopen also matches it again.
  const policy::ChangeMask changes = ChangesBetween(before, signal);
  if ((changes & policy::Bit(policy::ChangeKind::kReopened)) != 0) {
    if (absl::Status s = matcher_.MatchAndNotify(write, number, *stored, changes); !s.ok()) return s;
    // Back and told of the others again: also who leads (lead/lead.h).
    if (absl::Status s = TellReopenedWhoLeads(write, context_, matcher_.decisions(), number, *stored, now); !s.ok()) {
      return s;
    }
  } else if ((changes & policy::Bit(policy::ChangeKind::kClosed)) != 0) {
    if (absl::Status s = matcher_.TellOfChange(write, number, *stored, changes); !s.ok()) return s;
  }
  // A lead held through the signal ends with it (lead/lead.h).
  if (signal.status() == v1::SIGNAL_STATUS_CLOSED || signal.status() == v1::SIGNAL_STATUS_REVOKED) {
    if (absl::Status s = EndLeadOf(write, context_, matcher_.decisions(), number, *stored, caller, now); !s.ok()) {
      return s;
    }
  }
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return ClientView(*stored);
}

absl::StatusOr<v1::Signal> Signals::Update(const CallerIdentity& caller, const v1::UpdateSignalRequest& request) {
  const google::protobuf::FieldMask& mask = request.update_mask();
  if (mask.paths_size() == 0) {
    return absl::InvalidArgumentError("update_mask: name the fields to change, e.g. contact or severity");
  }
  std::set<std::string> paths;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (std::find(std::begin(kUpdatableFields), std::end(kUpdatableFields), path) == std::end(kUpdatableFields)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask.paths[", i, "]: cannot be updated; updatable: ", absl::StrJoin(kUpdatableFields, ", ")));
    }
    paths.insert(path);
  }
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  uint64_t number = 0;
  absl::StatusOr<storage::StoredSignal> stored =
      LoadOwnSignal(context_.store(), context_.ids(), caller, request.signal_id(), &number);
  if (!stored.ok()) return stored.status();
  const v1::SignalStatus status = stored->signal().status();
  if (status != v1::SIGNAL_STATUS_OPEN && status != v1::SIGNAL_STATUS_CLOSED) {
    return absl::FailedPreconditionError("signal_id: only an open or closed signal can be updated");
  }

  v1::Signal merged = stored->signal();
  google::protobuf::util::FieldMaskUtil::MergeOptions merge;
  merge.set_replace_repeated_fields(true);
  merge.set_replace_message_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(request.signal(), mask, merge, &merged);
  // Stored related persons carry no pseudonyms any more; only replaced
  // lists are validated as pseudonyms.
  v1::Signal check = merged;
  if (paths.count("related") == 0) check.clear_related();
  if (paths.count("protected_against") == 0) check.clear_protected_against();
  if (!check.protected_() && paths.count("protected_against") == 0 && merged.protected_against_size() > 0) {
    return absl::InvalidArgumentError("signal.protected: clear protected_against too to unprotect the signal");
  }
  if (absl::Status valid = ValidateSignalFields(check, "signal", now); !valid.ok()) return valid;
  if (paths.count("category") > 0) {
    if (absl::Status known = CheckCategoryKnown(context_.PolicyLocked(), merged.category(), "signal.category");
        !known.ok()) {
      return known;
    }
  }

  Transaction write(context_);
  if (paths.count("related") > 0) {
    for (const storage::StoredRelated& old : stored->related()) {
      write.Delete(Family::kRelatedIndex, keys::IndexKey(old.key(), number));
    }
    stored->clear_related();
    for (int i = 0; i < merged.related_size(); ++i) {
      v1::RelatedPerson& related = *merged.mutable_related(i);
      std::string key = context_.keyer().KeyFor(related.person());
      if (key == stored->subject_key()) {
        return absl::InvalidArgumentError(absl::StrCat("signal.related[", i, "].person: is the signal's subject"));
      }
      storage::StoredRelated* entry = stored->add_related();
      entry->set_key(key);
      entry->set_relation(related.relation());
      entry->set_role(related.role());
      related.mutable_person()->clear_value();
      write.Put(Family::kRelatedIndex, keys::IndexKey(key, number), "");
    }
  }
  if (paths.count("protected_against") > 0) {
    stored->clear_protected_against_keys();
    for (v1::Pseudonym& person : *merged.mutable_protected_against()) {
      stored->add_protected_against_keys(context_.keyer().KeyFor(person));
      person.clear_value();
    }
  }
  merged.set_revision(merged.revision() + 1);
  *merged.mutable_updated_at() = ToProto(now);
  const policy::ChangeMask changes = ChangesBetween(stored->signal(), merged);
  *stored->mutable_signal() = merged;
  write.Put(Family::kSignals, keys::SignalKey(number), stored->SerializeAsString());

  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED, caller, now);
  NameSignalPersons(event, *stored);
  event.add_signal_ids(merged.signal_id());
  event.set_category(merged.category());
  event.set_reason(absl::StrCat("updated: ", absl::StrJoin(paths, ", ")));
  write.AppendAudit(std::move(event));
  if (absl::Status s = matcher_.MatchAndNotify(write, number, *stored, changes); !s.ok()) return s;
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return ClientView(*stored);
}

absl::StatusOr<v1::Signal> Signals::Close(const CallerIdentity& caller, const v1::CloseSignalRequest& request) {
  if (request.has_closed_at()) {
    if (absl::Status s = ValidateTimestamp(request.closed_at(), "closed_at"); !s.ok()) return s;
  }
  const absl::Time now = context_.Now();
  return Transition(caller, request.signal_id(), v1::AUDIT_EVENT_TYPE_SIGNAL_CLOSED, "",
                    [&](storage::StoredSignal& stored) -> absl::Status {
                      if (stored.signal().status() != v1::SIGNAL_STATUS_OPEN) {
                        return absl::FailedPreconditionError("signal_id: only an open signal can be closed");
                      }
                      // A close before the opening would date the signal out of retention at once.
                      if (request.has_closed_at() && stored.signal().has_opened_at() &&
                          FromProto(request.closed_at()) < FromProto(stored.signal().opened_at()) - kMaxAhead) {
                        return absl::InvalidArgumentError("closed_at: is before the signal's opened_at");
                      }
                      stored.mutable_signal()->set_status(v1::SIGNAL_STATUS_CLOSED);
                      *stored.mutable_signal()->mutable_closed_at() =
                          request.has_closed_at() ? request.closed_at() : ToProto(now);
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Signal> Signals::Reopen(const CallerIdentity& caller, const v1::ReopenSignalRequest& request) {
  return Transition(caller, request.signal_id(), v1::AUDIT_EVENT_TYPE_SIGNAL_REOPENED, "",
                    [](storage::StoredSignal& stored) -> absl::Status {
                      if (stored.signal().status() != v1::SIGNAL_STATUS_CLOSED) {
                        return absl::FailedPreconditionError("signal_id: only a closed signal can be reopened");
                      }
                      stored.mutable_signal()->set_status(v1::SIGNAL_STATUS_OPEN);
                      stored.mutable_signal()->clear_closed_at();
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Signal> Signals::Revoke(const CallerIdentity& caller, const v1::RevokeSignalRequest& request) {
  if (request.reason().size() > 500) {
    return absl::InvalidArgumentError("reason: too long (at most 500 characters)");
  }
  if (!v1::RevocationReason_IsValid(request.reason_class())) {
    return absl::InvalidArgumentError("reason_class: unknown value");
  }
  return Transition(
      caller, request.signal_id(), v1::AUDIT_EVENT_TYPE_SIGNAL_REVOKED, request.reason(),
      [](storage::StoredSignal& stored) -> absl::Status {
        if (stored.signal().status() == v1::SIGNAL_STATUS_REVOKED) {
          return absl::FailedPreconditionError("signal_id: already revoked");
        }
        stored.mutable_signal()->set_status(v1::SIGNAL_STATUS_REVOKED);
        return absl::OkStatus();
      },
      request.reason_class());
}

absl::StatusOr<v1::Signal> Signals::Get(const CallerIdentity& caller, absl::string_view signal_id) const {
  uint64_t number = 0;
  absl::StatusOr<storage::StoredSignal> stored =
      LoadOwnSignal(context_.store(), context_.ids(), caller, signal_id, &number);
  if (!stored.ok()) return stored.status();
  return ClientView(*stored);
}

absl::StatusOr<v1::ListOwnSignalsResponse> Signals::ListOwn(const CallerIdentity& caller,
                                                            const v1::ListOwnSignalsRequest& request) const {
  uint32_t page_size = request.page().page_size() == 0 ? 100 : request.page().page_size();
  if (page_size > 1000) return absl::InvalidArgumentError("page.page_size: at most 1000");
  // The token is the id of the last signal of the previous page (opaque;
  // plain numbers from earlier brokers are still accepted).
  uint64_t after = 0;
  if (!request.page().page_token().empty() && !absl::SimpleAtoi(request.page().page_token(), &after) &&
      !context_.ids().ParseSignalId(request.page().page_token(), &after)) {
    return absl::InvalidArgumentError("page.page_token: not a token from a previous response");
  }
  std::set<int> wanted;
  for (int status : request.statuses()) {
    if (!v1::SignalStatus_IsValid(status)) return absl::InvalidArgumentError("statuses: unknown value");
    wanted.insert(status);
  }
  v1::ListOwnSignalsResponse response;
  const std::string prefix = keys::OrgPrefix(caller.organisation_id);
  std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kOrgSignals);
  uint64_t last_listed = after;
  for (it->Seek(keys::OrgSignalKey(caller.organisation_id, after + 1)); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    uint64_t number = keys::ParseU64(AsView(it->key()).substr(prefix.size()));
    absl::StatusOr<storage::StoredSignal> stored = LoadSignal(context_.store(), number);
    if (!stored.ok()) return stored.status();
    int status = stored->signal().status();
    bool include = wanted.empty() ? status != v1::SIGNAL_STATUS_REVOKED : wanted.count(status) > 0;
    if (!include) continue;
    if (static_cast<uint32_t>(response.signals_size()) == page_size) {
      response.set_next_page_token(context_.ids().SignalId(last_listed));
      break;
    }
    last_listed = number;
    *response.add_signals() = ClientView(*stored);
  }
  return response;
}

}  // namespace samenloop::broker
