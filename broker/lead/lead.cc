#include "broker/lead/lead.h"

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"
#include "broker/lead/lead_notices.h"
#include "broker/lead/lead_record.h"
#include "broker/matching/disclosure.h"
#include "broker/matching/match_finder.h"
#include "broker/matching/patterns.h"
#include "policy/lead_rules.h"

namespace samenloop::broker {
namespace {

const CallerIdentity kBrokerCaller{"broker", Role::kOperator, ""};

v1::AuditEvent LeadAudit(v1::AuditEventType type, const CallerIdentity& actor, const storage::StoredSignal& lead,
                         absl::string_view reason, absl::Time now) {
  v1::AuditEvent event = BaseEvent(type, actor, now);
  event.add_subject_keys(Hex(lead.subject_key()));
  event.add_signal_ids(lead.signal().signal_id());
  event.set_reason(std::string(reason));
  return event;
}

absl::Status CheckOpen(const storage::StoredSignal& signal, const policy::DisclosurePolicy& policy, absl::Time now) {
  if (signal.signal().status() != v1::SIGNAL_STATUS_OPEN || !IsLive(signal, policy, now)) {
    return absl::FailedPreconditionError("signal_id: only an open signal can lead; reopen it or use an open one");
  }
  return absl::OkStatus();
}

// PERMISSION_DENIED unless the policy lets `organisation` lead.
absl::Status CheckMayLead(const policy::DisclosurePolicy& policy, absl::string_view field,
                          const std::string& organisation, const std::string& certificate_kind) {
  const policy::LeadRules* rules = policy.Lead();
  if (rules == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(field, ": the policy in force lets no organisation lead (it has no \"lead\" section)"));
  }
  const std::string kind = policy.EffectiveKind(organisation, certificate_kind);
  if (!policy::MayLead(*rules, organisation, kind)) {
    return absl::PermissionDeniedError(absl::StrCat(field, ": the policy in force (lead.may_lead) does not let ",
                                                    "organisation ", organisation, " (kind ",
                                                    kind.empty() ? "unknown" : kind, ") lead"));
  }
  return absl::OkStatus();
}

v1::LeadResponse Answer(const storage::LeadHolder& holder, const std::string& own_signal_id, bool changed) {
  v1::LeadResponse response;
  response.set_lead_organisation(holder.organisation());
  response.set_lead_signal_id(own_signal_id);
  *response.mutable_since() = ToProto(absl::FromUnixMillis(holder.since_unix_ms()));
  response.set_changed(changed);
  return response;
}

// The caller's own open signal `signal_id`, the lead record of its person
// and the record's live holders, read under the write lock.
struct OwnCase {
  uint64_t number = 0;
  storage::StoredSignal signal;
  storage::LeadRecord record;
  std::vector<LiveHolder> holders;
};

absl::StatusOr<OwnCase> LoadOwnCase(LedgerContext& context, const CallerIdentity& caller,
                                    const std::string& signal_id, const policy::DisclosurePolicy& policy,
                                    absl::Time now) {
  OwnCase out;
  absl::StatusOr<storage::StoredSignal> own =
      LoadOwnSignal(context.store(), context.ids(), caller, signal_id, &out.number);
  if (!own.ok()) return own.status();
  if (absl::Status open = CheckOpen(*own, policy, now); !open.ok()) return open;
  out.signal = *std::move(own);
  absl::StatusOr<storage::LeadRecord> record = LoadLeadRecord(context.store(), out.signal.subject_key());
  if (!record.ok()) return record.status();
  out.record = *std::move(record);
  absl::StatusOr<std::vector<LiveHolder>> holders = LiveHolders(context.store(), out.record, policy, now);
  if (!holders.ok()) return holders.status();
  out.holders = *std::move(holders);
  return out;
}

// Tells those who may learn of the lead's signal `number` (as it is now)
// that the lead ended: LAPSED (it closed) or RELEASED (it stays open).
absl::Status TellLeadEnded(Transaction& write, const LedgerContext& context, const PairDecisions& decisions,
                           uint64_t number, const storage::StoredSignal& signal, v1::LeadEvent event,
                           v1::AuditEventType audit_type, absl::Time now) {
  absl::StatusOr<uint64_t> event_number = NextLeadEvent(write);
  if (!event_number.ok()) return event_number.status();
  absl::StatusOr<std::map<std::string, Listener>> audience = AudienceOf(context, decisions, number, signal, now);
  if (!audience.ok()) return audience.status();
  for (const auto& [organisation, listener] : *audience) {
    QueueLeadNotice(write, context, listener, event, {number, &signal}, std::nullopt, *event_number, audit_type, now);
  }
  return absl::OkStatus();
}

// The coordinators that this write first tells of the lead's signal
// `number` by a pattern (a member now, no marker before): they are told of
// its lead as AudienceOf would tell them at a lead event (lead_notices.h).
// A coordinator that had it as a member before was told at the take, or
// when it joined.
absl::Status TellCoordinatorsNewlyToldOf(Transaction& write, const LedgerContext& context, uint64_t number,
                                         const storage::StoredSignal& lead, std::set<std::string>& told,
                                         absl::Time now) {
  const policy::DisclosurePolicy& policy = context.PolicyLocked();
  const policy::LeadRules* rules = policy.Lead();
  if (rules == nullptr || !rules->tell_coordinators) return absl::OkStatus();
  std::set<std::string> coordinators;
  for (const policy::CoordinationRule& rule : policy.CoordinationRules()) {
    if (!rule.out_of_view && !rule.move) coordinators.insert(rule.coordinator);
  }
  for (const std::string& coordinator : coordinators) {
    if (coordinator == lead.signal().source_organisation() || told.count(coordinator) > 0) continue;
    PatternBook book(write, coordinator);
    absl::StatusOr<std::optional<uint64_t>> anchor = book.AnchorOf(number);
    if (!anchor.ok()) return anchor.status();
    if (!anchor->has_value()) continue;
    absl::StatusOr<bool> before = book.MarkedBefore(number);
    if (!before.ok()) return before.status();
    // Once per write, also when two signals of one batch join it.
    if (*before || !write.MarkOnce(absl::StrCat("lead-coordinator/", coordinator, "/", number))) continue;
    absl::StatusOr<uint64_t> event_number = NextLeadEvent(write);
    if (!event_number.ok()) return event_number.status();
    Listener listener;
    listener.organisation = coordinator;
    listener.coordinator = true;
    listener.basis.add_rule_ids(policy::kLeadRuleId);
    listener.basis.add_legal_bases(rules->legal_basis);
    listener.basis.set_policy_version(policy.Version());
    QueueLeadNotice(write, context, listener, v1::LEAD_EVENT_TAKEN, {number, &lead}, std::nullopt, *event_number,
                    v1::AUDIT_EVENT_TYPE_LEAD_TAKEN, now,
                    "the coordinator was told of the lead's signal by a pattern after the lead was taken");
    told.insert(coordinator);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::LeadResponse> Leads::Take(const CallerIdentity& caller, const v1::TakeLeadRequest& request) {
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  absl::StatusOr<OwnCase> loaded = LoadOwnCase(context_, caller, request.signal_id(), policy, now);
  if (!loaded.ok()) return loaded.status();
  const uint64_t number = loaded->number;
  const storage::StoredSignal* own = &loaded->signal;
  storage::LeadRecord* record = &loaded->record;
  const std::vector<LiveHolder>* holders = &loaded->holders;
  if (absl::Status may = CheckMayLead(policy, "signal_id", caller.organisation_id, own->organisation_kind());
      !may.ok()) {
    return may;
  }
  for (const LiveHolder& holder : *holders) {
    if (holder.holder.organisation() == caller.organisation_id) {
      // Leading already (through this or another own signal): same answer,
      // nothing written, nobody told again.
      return Answer(holder.holder, holder.signal.signal().signal_id(), false);
    }
  }
  for (const LiveHolder& holder : *holders) {
    // Refusing names the lead, so only a lead the caller may learn of can
    // refuse it; one it may not learn of must look like no lead at all.
    absl::StatusOr<std::optional<policy::Decision>> sees =
        MayLearnOf(context_, decisions_, number, *own, holder.holder.signal_number(), holder.signal, now);
    if (!sees.ok()) return sees.status();
    if (sees->has_value()) {
      return absl::FailedPreconditionError(absl::StrCat("signal_id: organisation ", holder.holder.organisation(),
                                                        " leads for this person; it can hand the lead over to you "
                                                        "(HandOverLead)"));
    }
  }

  Transaction write(context_);
  write.TouchesNoMatchingInput();  // no matching input reads a lead
  storage::LeadHolder* mine = record->add_holders();
  mine->set_organisation(caller.organisation_id);
  mine->set_signal_number(number);
  mine->set_since_unix_ms(absl::ToUnixMillis(now));
  const storage::LeadHolder taken = *mine;
  PutLeadRecord(write, own->subject_key(), *record);
  write.AppendAudit(LeadAudit(v1::AUDIT_EVENT_TYPE_LEAD_TAKEN, caller, *own, "took the lead", now));
  absl::StatusOr<uint64_t> event_number = NextLeadEvent(write);
  if (!event_number.ok()) return event_number.status();
  absl::StatusOr<std::map<std::string, Listener>> audience = AudienceOf(context_, decisions_, number, *own, now);
  if (!audience.ok()) return audience.status();
  for (const auto& [organisation, listener] : *audience) {
    QueueLeadNotice(write, context_, listener, v1::LEAD_EVENT_TAKEN, {number, &*own}, std::nullopt, *event_number,
                    v1::AUDIT_EVENT_TYPE_LEAD_TAKEN, now);
  }
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return Answer(taken, own->signal().signal_id(), true);
}

absl::StatusOr<v1::LeadResponse> Leads::HandOver(const CallerIdentity& caller,
                                                 const v1::HandOverLeadRequest& request) {
  const std::string& to = request.to_organisation();
  if (to.empty()) return absl::InvalidArgumentError("to_organisation: name the organisation that takes over");
  if (!IsValidOrganisationId(to)) {
    // Checked before it is echoed in any answer.
    return absl::InvalidArgumentError(
        "to_organisation: not an organisation id (1-64 lowercase letters, digits and '-', starting with a letter)");
  }
  if (to == caller.organisation_id) {
    return absl::InvalidArgumentError("to_organisation: is your own organisation; hand over to another one");
  }
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  absl::StatusOr<OwnCase> loaded = LoadOwnCase(context_, caller, request.signal_id(), policy, now);
  if (!loaded.ok()) return loaded.status();
  const storage::StoredSignal* own = &loaded->signal;
  storage::LeadRecord* record = &loaded->record;
  const std::vector<LiveHolder>* holders = &loaded->holders;
  // The same refusal whether nobody or someone else leads: the caller learns
  // nothing of a lead it may not learn of.
  const LiveHolder* previous = nullptr;
  for (const LiveHolder& holder : *holders) {
    if (holder.holder.organisation() == caller.organisation_id) previous = &holder;
  }
  if (previous == nullptr) {
    return absl::FailedPreconditionError(
        "signal_id: your organisation does not lead for this person; take the lead first (TakeLead)");
  }
  const uint64_t previous_number = previous->holder.signal_number();
  const storage::StoredSignal& previous_signal = previous->signal;

  // The target's signal: open, on the person, and the two may learn of each
  // other (a warm handover needs both to know whom to call). A target with
  // no such signal, or one the caller may not learn of, gets one answer.
  absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> on_person =
      LiveSignalsOn(context_.store(), own->subject_key(), policy, now);
  if (!on_person.ok()) return on_person.status();
  uint64_t target_number = 0;
  const storage::StoredSignal* target = nullptr;
  std::optional<policy::Decision> target_sees_previous, previous_sees_target;
  for (const auto& [n, s] : *on_person) {
    if (s.signal().source_organisation() != to || s.signal().status() != v1::SIGNAL_STATUS_OPEN) continue;
    absl::StatusOr<std::optional<policy::Decision>> sees_target =
        MayLearnOf(context_, decisions_, previous_number, previous_signal, n, s, now);
    if (!sees_target.ok()) return sees_target.status();
    if (!sees_target->has_value()) continue;
    absl::StatusOr<std::optional<policy::Decision>> seen =
        MayLearnOf(context_, decisions_, n, s, previous_number, previous_signal, now);
    if (!seen.ok()) return seen.status();
    if (!seen->has_value()) continue;
    target_number = n;
    target = &s;
    target_sees_previous = **seen;
    previous_sees_target = **sees_target;
    break;
  }
  if (target == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "to_organisation: organisation ", to,
        " has no open signal on this person through which it and you may learn of each other"));
  }
  if (absl::Status may = CheckMayLead(policy, "to_organisation", to, target->organisation_kind()); !may.ok()) {
    return may;
  }

  Transaction write(context_);
  write.TouchesNoMatchingInput();
  RemoveHolderOf(*record, previous_number);
  storage::LeadHolder next;
  next.set_organisation(to);
  next.set_signal_number(target_number);
  next.set_since_unix_ms(absl::ToUnixMillis(now));
  bool target_leads = false;  // already, apart (docs/decisions.md)
  for (const storage::LeadHolder& holder : record->holders()) target_leads |= holder.organisation() == to;
  if (!target_leads) *record->add_holders() = next;
  PutLeadRecord(write, own->subject_key(), *record);
  v1::AuditEvent act = LeadAudit(v1::AUDIT_EVENT_TYPE_LEAD_HANDED_OVER, caller, previous_signal,
                                 absl::StrCat("handed the lead over to ", to), now);
  act.add_signal_ids(target->signal().signal_id());
  act.set_recipient_organisation(to);
  write.AppendAudit(std::move(act));
  absl::StatusOr<uint64_t> event_number = NextLeadEvent(write);
  if (!event_number.ok()) return event_number.status();

  // Those who may learn of the new lead's signal are told; of the handover
  // (with who led before) only those who may learn of the previous lead's
  // signal too, the others that the new lead took the lead. Those who may
  // learn only of the previous lead's are told nothing: "it ended" would
  // show that someone they may not learn of took over.
  absl::StatusOr<std::map<std::string, Listener>> of_target =
      AudienceOf(context_, decisions_, target_number, *target, now);
  if (!of_target.ok()) return of_target.status();
  absl::StatusOr<std::map<std::string, Listener>> of_previous =
      AudienceOf(context_, decisions_, previous_number, previous_signal, now);
  if (!of_previous.ok()) return of_previous.status();
  Listener target_side;
  target_side.organisation = to;
  target_side.your_number = target_number;
  target_side.your_signal = *target;
  target_side.basis = BasisOf(*target_sees_previous);
  (*of_target)[to] = std::move(target_side);
  if (of_target->count(caller.organisation_id) == 0) {
    // Both sides see the handover, also when `lead.informs` leaves the
    // previous lead's kind out of the others told.
    Listener previous_side;
    previous_side.organisation = caller.organisation_id;
    previous_side.your_number = previous_number;
    previous_side.your_signal = previous_signal;
    previous_side.basis = BasisOf(*previous_sees_target);
    (*of_target)[caller.organisation_id] = std::move(previous_side);
  }
  const LeadSignal lead{target_number, target};
  const LeadSignal before{previous_number, &previous_signal};
  for (const auto& [organisation, listener] : *of_target) {
    const bool sees_both =
        organisation == to || organisation == caller.organisation_id || of_previous->count(organisation) > 0;
    QueueLeadNotice(write, context_, listener, sees_both ? v1::LEAD_EVENT_HANDED_OVER : v1::LEAD_EVENT_TAKEN, lead,
                    sees_both ? std::optional<LeadSignal>(before) : std::nullopt, *event_number,
                    v1::AUDIT_EVENT_TYPE_LEAD_HANDED_OVER, now);
  }
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  return Answer(next, "", true);
}

absl::Status EndLeadOf(Transaction& write, const LedgerContext& context, const PairDecisions& decisions,
                       uint64_t number, const storage::StoredSignal& signal, const CallerIdentity& by,
                       absl::Time now) {
  absl::StatusOr<storage::LeadRecord> record = LoadLeadRecord(context.store(), signal.subject_key());
  if (!record.ok()) return record.status();
  if (!RemoveHolderOf(*record, number)) return absl::OkStatus();
  PutLeadRecord(write, signal.subject_key(), *record);
  const bool revoked = signal.signal().status() == v1::SIGNAL_STATUS_REVOKED;
  write.AppendAudit(LeadAudit(v1::AUDIT_EVENT_TYPE_LEAD_LAPSED, by, signal,
                              revoked ? "the lead ended: its signal was revoked" : "the lead lapsed: its signal closed",
                              now));
  if (revoked) return absl::OkStatus();
  // The closed signal as those who may learn of it now see it.
  return TellLeadEnded(write, context, decisions, number, signal, v1::LEAD_EVENT_LAPSED,
                       v1::AUDIT_EVENT_TYPE_LEAD_LAPSED, now);
}

absl::StatusOr<v1::LeadResponse> Leads::Release(const CallerIdentity& caller, const v1::ReleaseLeadRequest& request) {
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  absl::StatusOr<OwnCase> loaded = LoadOwnCase(context_, caller, request.signal_id(), policy, now);
  if (!loaded.ok()) return loaded.status();
  // The same refusal whether nobody or someone else leads, as for a
  // handover: the caller learns nothing of a lead it may not learn of.
  const LiveHolder* mine = nullptr;
  for (const LiveHolder& holder : loaded->holders) {
    if (holder.holder.organisation() == caller.organisation_id) mine = &holder;
  }
  if (mine == nullptr) {
    return absl::FailedPreconditionError(
        "signal_id: your organisation does not lead for this person; there is no lead of yours to release");
  }
  const uint64_t lead_number = mine->holder.signal_number();
  const storage::StoredSignal& lead_signal = mine->signal;

  Transaction write(context_);
  write.TouchesNoMatchingInput();
  RemoveHolderOf(loaded->record, lead_number);
  PutLeadRecord(write, loaded->signal.subject_key(), loaded->record);
  v1::AuditEvent act = LeadAudit(v1::AUDIT_EVENT_TYPE_LEAD_RELEASED, caller, lead_signal,
                                 "released the lead; its signal stays open", now);
  if (lead_number != loaded->number) act.add_signal_ids(loaded->signal.signal().signal_id());
  write.AppendAudit(std::move(act));
  if (absl::Status told = TellLeadEnded(write, context_, decisions_, lead_number, lead_signal,
                                        v1::LEAD_EVENT_RELEASED, v1::AUDIT_EVENT_TYPE_LEAD_RELEASED, now);
      !told.ok()) {
    return told;
  }
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  v1::LeadResponse response;
  *response.mutable_since() = ToProto(now);
  response.set_changed(true);
  return response;
}

absl::Status TellNewcomerWhoLeads(Transaction& write, const LedgerContext& context, uint64_t number,
                                  const storage::StoredSignal& signal,
                                  const std::map<uint64_t, MatchedSignal>& matches, DecisionTowards decide,
                                  absl::Time now, absl::string_view why) {
  if (matches.empty()) return absl::OkStatus();
  const policy::DisclosurePolicy& policy = context.PolicyLocked();
  const policy::LeadRules* rules = policy.Lead();
  if (rules == nullptr) return absl::OkStatus();
  const std::string& organisation = signal.signal().source_organisation();
  const bool informed =
      policy::LearnsOfLead(*rules, organisation, policy.EffectiveKind(organisation, signal.organisation_kind()));
  if (!informed && !rules->tell_coordinators) return absl::OkStatus();
  // The lead records of the matched signals' persons, each read once; a
  // lead is held through a signal, so only a matched signal that holds one
  // can tell the newcomer of it.
  std::map<std::string, storage::LeadRecord> records;
  for (const auto& [other_number, match] : matches) {
    const std::string& key = match.signal.subject_key();
    auto it = records.find(key);
    if (it == records.end()) {
      absl::StatusOr<storage::LeadRecord> record = LoadLeadRecord(context.store(), key);
      if (!record.ok()) return record.status();
      it = records.emplace(key, *std::move(record)).first;
    }
    bool leads = false;
    for (const storage::LeadHolder& holder : it->second.holders()) leads |= holder.signal_number() == other_number;
    // A holder's signal is open and live while it leads (a close ends it;
    // an expired one is no lead, lead_record.h).
    if (!leads || match.signal.signal().status() != v1::SIGNAL_STATUS_OPEN || !IsLive(match.signal, policy, now)) {
      continue;
    }
    // Told once per lead in this write: the newcomer's organisation, if it
    // may learn of the lead's signal, then coordinators this write first
    // tells of that signal.
    std::set<std::string> told;
    absl::StatusOr<policy::Decision> decision = policy::Decision{};
    if (informed) decision = decide(other_number, match);
    if (!decision.ok()) return decision.status();
    if (informed && decision->allow) {
      absl::StatusOr<uint64_t> event_number = NextLeadEvent(write);
      if (!event_number.ok()) return event_number.status();
      Listener listener;
      listener.organisation = organisation;
      listener.your_number = number;
      listener.your_signal = signal;
      listener.basis = BasisOf(*decision);
      QueueLeadNotice(write, context, listener, v1::LEAD_EVENT_TAKEN, {other_number, &match.signal}, std::nullopt,
                      *event_number, v1::AUDIT_EVENT_TYPE_LEAD_TAKEN, now, why);
      told.insert(organisation);
    }
    if (absl::Status s = TellCoordinatorsNewlyToldOf(write, context, other_number, match.signal, told, now);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status TellReopenedWhoLeads(Transaction& write, const LedgerContext& context, const PairDecisions& decisions,
                                  uint64_t number, const storage::StoredSignal& signal, absl::Time now) {
  const policy::DisclosurePolicy& policy = context.PolicyLocked();
  if (policy.Lead() == nullptr) return absl::OkStatus();
  absl::StatusOr<std::map<uint64_t, MatchedSignal>> matches = FindMatches(context.store(), number, signal, policy, now);
  if (!matches.ok()) return matches.status();
  return TellNewcomerWhoLeads(
      write, context, number, signal, *matches,
      [&](uint64_t other_number, const MatchedSignal& match) {
        const Direction towards{number, &signal, other_number, &match.signal, match.kind, match.relation};
        return decisions.Decide(policy, towards, now);
      },
      now, "its signal was reopened after the lead was taken");
}

absl::Status LeadExpiries::Expire(uint64_t number, const storage::StoredSignal& signal, absl::Time now) {
  const std::string& key = signal.subject_key();
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    absl::StatusOr<storage::LeadRecord> record = LoadLeadRecord(write_.store(), key);
    if (!record.ok()) return record.status();
    it = pending_.emplace(key, *std::move(record)).first;
  }
  if (!RemoveHolderOf(it->second, number)) return absl::OkStatus();
  PutLeadRecord(write_, key, it->second);
  write_.AppendAudit(LeadAudit(v1::AUDIT_EVENT_TYPE_LEAD_LAPSED, kBrokerCaller, signal,
                               "the lead ended: its signal expired", now));
  return absl::OkStatus();
}

}  // namespace samenloop::broker
