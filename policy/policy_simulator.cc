#include "policy/policy_simulator.h"

#include "policy/simulated_patterns.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/lead_rules.h"
#include "policy/policy_model.h"

namespace samenloop::policy {
namespace {

Relation Inverse(Relation relation) {
  switch (relation) {
    case Relation::kParent: return Relation::kChild;
    case Relation::kChild: return Relation::kParent;
    case Relation::kGrandparent: return Relation::kGrandchild;
    case Relation::kGrandchild: return Relation::kGrandparent;
    default: return relation;
  }
}

struct Match {
  MatchKind kind = MatchKind::kSubject;
  Relation relation = Relation::kNone;  // other's subject is <relation> of the new signal's subject
};

bool Names(const SimulatedSignal& s, const std::string& person, Relation* relation) {
  for (const SimulatedRelated& r : s.related) {
    if (r.person == person) {
      if (relation != nullptr) *relation = r.relation;
      return true;
    }
  }
  return false;
}

// How `other` matches `mine`, if at all.
bool FindMatch(const SimulatedSignal& mine, const SimulatedSignal& other, Match* out) {
  if (mine.subject == other.subject) {
    *out = {MatchKind::kSubject, Relation::kNone};
    return true;
  }
  Relation relation = Relation::kNone;
  if (Names(mine, other.subject, &relation)) {
    *out = {MatchKind::kHouseholdRelated, relation};
    return true;
  }
  if (Names(other, mine.subject, &relation)) {
    *out = {MatchKind::kHouseholdRelated, Inverse(relation)};
    return true;
  }
  for (const SimulatedRelated& r : mine.related) {
    if (Names(other, r.person, nullptr)) {
      *out = {MatchKind::kHouseholdSharedRelated, Relation::kNone};
      return true;
    }
  }
  return false;
}

class World {
 public:
  World(const RulePolicy& policy, const PolicyCase& c) : policy_(policy), case_(c) {}

  SignalFacts Facts(const SimulatedSignal& s) const {
    SignalFacts facts;
    facts.organisation_id = s.organisation;
    facts.organisation_kind = policy_.KindOf(s.organisation);
    facts.category = s.category;
    auto person = case_.persons.find(s.subject);
    if (person != case_.persons.end()) facts.age_band = person->second;
    facts.nature = s.nature;
    facts.severity = s.severity;
    facts.legal_framework = s.legal_framework;
    facts.subject_role = s.subject_role;
    facts.closed = s.closed;
    facts.is_protected = s.is_protected;
    return facts;
  }

  std::vector<ConsentFacts> ConsentsOn(const std::string& person) const {
    std::vector<ConsentFacts> out;
    for (const SimulatedConsent& consent : case_.consents) {
      if (consent.subject == person) out.push_back(consent.record);
    }
    return out;
  }

  SimulatedDecision Decide(const SimulatedSignal& recipient, const SimulatedSignal& other, MatchKind kind,
                           Relation relation) const {
    SimulatedDecision d;
    d.recipient_organisation = recipient.organisation;
    d.recipient_key = recipient.key;
    d.other_organisation = other.organisation;
    d.other_key = other.key;
    d.candidate.recipient = Facts(recipient);
    d.candidate.other = Facts(other);
    d.candidate.kind = kind;
    d.candidate.relation = kind == MatchKind::kHouseholdRelated ? relation : Relation::kNone;
    d.candidate.consents = ConsentsOn(other.subject);
    d.candidate.other_protects_against_recipient_subject =
        std::find(other.protected_against.begin(), other.protected_against.end(), recipient.subject) !=
        other.protected_against.end();
    d.candidate.decision_time = case_.date;
    d.decision = policy_.Decide(d.candidate);
    return d;
  }

 private:
  const RulePolicy& policy_;
  const PolicyCase& case_;
};


// What changed from `before` to `after`: the pure part of the broker's
// ChangesBetween (broker/matching/change_notices.cc) for the fields a case
// can change. Severity values are ordered; unspecified is below low.
ChangeMask ChangesOf(const SimulatedSignal& before, const SimulatedSignal& after) {
  ChangeMask changes = 0;
  if (!before.closed && after.closed) changes |= Bit(ChangeKind::kClosed);
  if (before.closed && !after.closed) changes |= Bit(ChangeKind::kReopened);
  if (after.severity > before.severity) changes |= Bit(ChangeKind::kEscalated);
  if (after.severity != before.severity) changes |= Bit(ChangeKind::kSeverity);
  if (after.category != before.category) changes |= Bit(ChangeKind::kCategory);
  if (after.nature != before.nature) changes |= Bit(ChangeKind::kNature);
  return changes;
}

// The broker's stored pair decisions (broker/matching/pair_decisions.cc
// Record): whether a direction was told, and at which level, so a step
// tells of a change only those told before, and anew a wider level.
class PairBook {
 public:
  // Appends `d`, marked told when the broker would send a notice for it.
  void Record(SimulatedDecision d, bool renotify, ChangeMask changes, std::vector<SimulatedDecision>& out) {
    State& st = pairs_[{d.recipient_key, d.other_key}];
    const bool told_before = st.allowed && st.notified;
    if (d.decision.allow && (!told_before || renotify || st.level < d.decision.level)) {
      d.told = true;  // new, wider, or told again on a reopen: a match notification
      st.notified = true;
    } else if (d.decision.allow) {
      d.changes = ChangesToTell(changes, d.decision);
      d.told = d.changes != 0;
    }
    st.allowed = d.decision.allow;
    st.level = d.decision.allow ? d.decision.level : DisclosureLevel::kNone;
    out.push_back(std::move(d));
  }

 private:
  struct State {
    bool allowed = false, notified = false;
    DisclosureLevel level = DisclosureLevel::kNone;
  };
  std::map<std::pair<std::string, std::string>, State> pairs_;
};

// Earlier (or, for a step, all other) signals of other organisations that
// match signal `i`, as the broker's indexes hold them.
// Revoked signals are gone from the indexes.
std::vector<std::pair<size_t, Match>> MatchesOf(const std::vector<SimulatedSignal>& signals, size_t i, size_t end,
                                                const std::set<size_t>& revoked = {}) {
  std::vector<std::pair<size_t, Match>> matches;
  for (size_t j = 0; j < end; ++j) {
    if (j == i || signals[j].organisation == signals[i].organisation || revoked.count(j) > 0) continue;
    Match match;
    if (FindMatch(signals[i], signals[j], &match)) matches.emplace_back(j, match);
  }
  return matches;
}

// Who leads (broker/lead/lead.cc), per person: the holders as the broker's
// lead record keeps them, and the notices each lead step causes, decided
// with the broker's rules (policy/lead_rules.h and the pair decision
// towards the lead's signal, decided now).
class SimulatedLeads {
 public:
  SimulatedLeads(const RulePolicy& policy, const World& world, const std::vector<SimulatedSignal>& signals,
                 const std::set<size_t>& revoked)
      : policy_(policy), world_(world), signals_(signals), revoked_(revoked) {}

  void Take(size_t i, std::vector<SimulatedDecision>& out) {
    const SimulatedSignal& s = signals_[i];
    if (!Open(i)) return Refuse(i, "not_open", out);
    if (!MayLead(s.organisation)) return Refuse(i, "may_lead", out);
    std::vector<size_t>& holders = holders_[s.subject];
    for (size_t h : holders) {
      if (signals_[h].organisation == s.organisation) return;  // leads already: unchanged, nobody told
    }
    for (size_t h : holders) {
      // Only a lead it may learn of refuses it (docs/decisions.md "One lead
      // at a time").
      if (MayLearnOf(i, h)) return Refuse(i, absl::StrCat("leads:", signals_[h].organisation), out);
    }
    holders.push_back(i);
    for (SimulatedDecision& d : Audience(i, out)) {
      d.lead_event = "taken";
      Emit(std::move(d), out);
    }
  }

  void HandOver(size_t i, const std::string& to, std::vector<SimulatedDecision>& out) {
    const SimulatedSignal& s = signals_[i];
    if (!Open(i)) return Refuse(i, "not_open", out);
    std::vector<size_t>& holders = holders_[s.subject];
    auto previous = std::find_if(holders.begin(), holders.end(),
                                 [&](size_t h) { return signals_[h].organisation == s.organisation; });
    if (previous == holders.end()) return Refuse(i, "not_lead", out);
    const size_t from = *previous;
    // The target's first open signal on the person through which it and
    // the lead may learn of each other.
    size_t target = signals_.size();
    for (size_t t = 0; t < signals_.size() && target == signals_.size(); ++t) {
      if (signals_[t].organisation == to && signals_[t].subject == s.subject && Open(t) && MayLearnOf(from, t) &&
          MayLearnOf(t, from)) {
        target = t;
      }
    }
    if (target == signals_.size()) return Refuse(i, "no_target", out);
    if (!MayLead(to)) return Refuse(i, "may_lead", out);
    holders.erase(previous);
    if (std::none_of(holders.begin(), holders.end(), [&](size_t h) { return signals_[h].organisation == to; })) {
      holders.push_back(target);
    }
    // As Leads::HandOver: both sides and those who may learn of both hear of
    // the handover, those who may learn only of the new lead's signal that it
    // took the lead, the others nothing.
    std::vector<SimulatedDecision> of_target = Audience(target, out);
    std::set<std::string> of_previous;
    for (const SimulatedDecision& d : Audience(from, out, /*record=*/false)) {
      if (d.told) of_previous.insert(d.recipient_organisation);
    }
    // A side's notice is about its own signal `own`, cites its decision
    // towards the other side's signal `sees`, and names the new lead.
    auto side = [&](size_t own, size_t sees) {
      SimulatedDecision d = world_.Decide(signals_[own], signals_[sees], MatchKind::kSubject, Relation::kNone);
      d.other_organisation = signals_[target].organisation;
      d.other_key = signals_[target].key;
      d.told = true;
      return d;
    };
    std::erase_if(of_target, [&](const SimulatedDecision& d) { return d.recipient_organisation == to; });
    of_target.push_back(side(target, from));
    if (std::none_of(of_target.begin(), of_target.end(),
                     [&](const SimulatedDecision& d) { return d.told && d.recipient_organisation == s.organisation; })) {
      std::erase_if(of_target, [&](const SimulatedDecision& d) { return d.recipient_organisation == s.organisation; });
      of_target.push_back(side(from, target));
    }
    for (SimulatedDecision& d : of_target) {
      const bool both = d.recipient_organisation == to || d.recipient_organisation == s.organisation ||
                        of_previous.count(d.recipient_organisation) > 0;
      d.lead_event = both ? "handed_over" : "taken";
      if (both) d.previous_lead = absl::StrCat(signals_[from].organisation, ":", signals_[from].key);
      Emit(std::move(d), out);
    }
  }

  void Release(size_t i, std::vector<SimulatedDecision>& out) {
    const SimulatedSignal& s = signals_[i];
    if (!Open(i)) return Refuse(i, "not_open", out);
    std::vector<size_t>& holders = holders_[s.subject];
    auto mine = std::find_if(holders.begin(), holders.end(),
                             [&](size_t h) { return signals_[h].organisation == s.organisation; });
    if (mine == holders.end()) return Refuse(i, "not_lead", out);
    const size_t lead = *mine;
    holders.erase(mine);
    Ended(lead, "released", out);
  }

  // Signal `i` closed (a step): a lead held through it lapses.
  void Closed(size_t i, std::vector<SimulatedDecision>& out) {
    if (Drop(i)) Ended(i, "lapsed", out);
  }
  // Signal `i` was revoked: a lead held through it ends, telling nobody.
  void Revoked(size_t i) { Drop(i); }

  // Signal `i` was reopened (TellReopenedWhoLeads): for each lead on a
  // matched signal, its organisation is told again who leads if it may learn
  // of that signal, and so is each coordinator that the reopen's patterns
  // first told of it (a member now, not in `members_before`).
  void Reopened(size_t i, const std::set<std::pair<std::string, size_t>>& members_before,
                const std::set<std::pair<std::string, size_t>>& members_now, std::vector<SimulatedDecision>& out) {
    const LeadRules* rules = policy_.Lead();
    if (rules == nullptr) return;
    const SimulatedSignal& s = signals_[i];
    const bool informed = LearnsOfLead(*rules, s.organisation, policy_.KindOf(s.organisation));
    for (const auto& [j, match] : MatchesOf(signals_, i, signals_.size(), revoked_)) {
      const std::vector<size_t>& holders = holders_[signals_[j].subject];
      if (std::find(holders.begin(), holders.end(), j) == holders.end() || !Open(j)) continue;
      std::set<std::string> told;
      SimulatedDecision d = world_.Decide(s, signals_[j], match.kind, match.relation);
      d.lead = true;
      d.lead_informs_excluded = d.decision.allow && !informed;
      d.told = d.decision.allow && informed;
      d.lead_event = "taken";
      if (d.told) told.insert(s.organisation);
      Emit(std::move(d), out);
      if (!rules->tell_coordinators) continue;
      std::set<std::string> coordinators;
      for (const CoordinationRule& rule : policy_.CoordinationRules()) {
        if (!rule.out_of_view && !rule.move) coordinators.insert(rule.coordinator);
      }
      for (const std::string& coordinator : coordinators) {
        if (coordinator == signals_[j].organisation || told.count(coordinator) > 0 ||
            members_now.count({coordinator, j}) == 0 || members_before.count({coordinator, j}) > 0) {
          continue;
        }
        SimulatedDecision notice = CoordinatorNotice(coordinator, j);
        notice.lead_event = "taken";
        Emit(std::move(notice), out);
      }
    }
  }

 private:
  bool Open(size_t i) const { return !signals_[i].closed && revoked_.count(i) == 0; }
  bool MayLead(const std::string& organisation) const {
    const LeadRules* rules = policy_.Lead();
    return rules != nullptr && policy::MayLead(*rules, organisation, policy_.KindOf(organisation));
  }
  bool MayLearnOf(size_t recipient, size_t other) const {
    return world_.Decide(signals_[recipient], signals_[other], MatchKind::kSubject, Relation::kNone).decision.allow;
  }
  bool Drop(size_t i) {
    std::vector<size_t>& holders = holders_[signals_[i].subject];
    auto it = std::find(holders.begin(), holders.end(), i);
    if (it == holders.end()) return false;
    holders.erase(it);
    return true;
  }
  void Ended(size_t lead, const char* event, std::vector<SimulatedDecision>& out) {
    for (SimulatedDecision& d : Audience(lead, out)) {
      d.lead_event = event;
      Emit(std::move(d), out);
    }
  }
  // A lead notice to `coordinator` about the lead's signal `lead`.
  SimulatedDecision CoordinatorNotice(const std::string& coordinator, size_t lead) const {
    SimulatedDecision d;
    d.recipient_organisation = coordinator;
    d.recipient_key = std::string(1, '-');
    d.other_organisation = signals_[lead].organisation;
    d.other_key = signals_[lead].key;
    d.lead = true;
    d.told = true;
    d.decision.allow = true;
    d.decision.level = DisclosureLevel::kExistenceAndContact;
    d.decision.rule_ids = {kLeadRuleId};
    if (const LeadRules* rules = policy_.Lead(); rules != nullptr) d.decision.legal_bases = {rules->legal_basis};
    d.decision.reason = "a coordinator told of the lead's signal by a coordination notice";
    return d;
  }
  void Refuse(size_t i, std::string why, std::vector<SimulatedDecision>& out) const {
    SimulatedDecision d;
    d.recipient_organisation = signals_[i].organisation;
    d.recipient_key = signals_[i].key;
    d.lead = true;
    d.lead_refused = std::move(why);
    d.told = true;
    out.push_back(std::move(d));
  }
  void Emit(SimulatedDecision d, std::vector<SimulatedDecision>& out) const {
    d.lead = true;
    if (!d.told) d.lead_event.clear();  // a decision that told nothing, kept for explanations
    out.push_back(std::move(d));
  }

  // As AudienceOf (broker/lead/lead_notices.cc): each other organisation's
  // first live signal matched to `lead` whose decision towards it allows,
  // narrowed by `informs`; then the coordinators told of `lead` by a
  // coordination notice. Decisions that tell nothing are returned too, not
  // told, for the explanations (unless `record` is false).
  std::vector<SimulatedDecision> Audience(size_t lead, const std::vector<SimulatedDecision>& so_far,
                                          bool record = true) const {
    std::vector<SimulatedDecision> audience;
    const LeadRules* rules = policy_.Lead();
    if (rules == nullptr) return audience;
    std::set<std::string> told;
    const SimulatedSignal& l = signals_[lead];
    for (const auto& [j, match] : MatchesOf(signals_, lead, signals_.size(), revoked_)) {
      const std::string& organisation = signals_[j].organisation;
      if (told.count(organisation) > 0) continue;
      SimulatedDecision d = world_.Decide(signals_[j], l, match.kind, Inverse(match.relation));
      const bool informed = LearnsOfLead(*rules, organisation, policy_.KindOf(organisation));
      d.lead = true;
      d.told = d.decision.allow && informed;
      d.lead_informs_excluded = d.decision.allow && !informed;
      if (d.told) told.insert(organisation);
      if (d.told || record) audience.push_back(std::move(d));
    }
    if (!rules->tell_coordinators) return audience;
    std::set<std::string> coordinators;
    for (const CoordinationRule& rule : policy_.CoordinationRules()) coordinators.insert(rule.coordinator);
    const std::string member = absl::StrCat(l.organisation, ":", l.key);
    for (const SimulatedDecision& notice : so_far) {
      if (!notice.coordination || !notice.told || coordinators.count(notice.recipient_organisation) == 0 ||
          told.count(notice.recipient_organisation) > 0 || notice.recipient_organisation == l.organisation) {
        continue;
      }
      const bool names = notice.other_key == l.key && notice.other_organisation == l.organisation;
      if (!names && std::find(notice.pattern_members.begin(), notice.pattern_members.end(), member) ==
                        notice.pattern_members.end()) {
        continue;
      }
      told.insert(notice.recipient_organisation);
      audience.push_back(CoordinatorNotice(notice.recipient_organisation, lead));
    }
    return audience;
  }

  const RulePolicy& policy_;
  const World& world_;
  const std::vector<SimulatedSignal>& signals_;
  const std::set<size_t>& revoked_;
  std::map<std::string, std::vector<size_t>> holders_;  // by subject: the signals leads are held through
};

// A revoke step: a retraction for everyone told of signal `i` — the
// organisations told of it by a match, change or lead notice (one line per
// own signal) and the coordinators told of it by a pattern or out-of-view
// notice. A notice not yet delivered would only be withdrawn; `policy test`
// takes every notice as delivered, as a system on its stream does.
void Retract(size_t i, const std::vector<SimulatedSignal>& signals, std::vector<SimulatedDecision>& out) {
  const SimulatedSignal& s = signals[i];
  const std::string member = absl::StrCat(s.organisation, ":", s.key);
  std::set<std::pair<std::string, std::string>> retracted;
  const size_t end = out.size();
  for (size_t n = 0; n < end; ++n) {
    const SimulatedDecision& d = out[n];
    if (!d.told || !d.lead_refused.empty() || d.retraction) continue;
    const bool about = d.other_organisation == s.organisation && d.other_key == s.key;
    const bool names = (d.coordination && std::find(d.pattern_members.begin(), d.pattern_members.end(), member) !=
                                              d.pattern_members.end()) ||
                       d.previous_lead == member;
    if (!about && !names) continue;
    if (d.recipient_organisation == s.organisation) continue;
    if (!retracted.insert({d.recipient_organisation, d.recipient_key}).second) continue;
    SimulatedDecision r;
    r.recipient_organisation = d.recipient_organisation;
    r.recipient_key = d.recipient_key;
    r.other_organisation = s.organisation;
    r.other_key = s.key;
    r.retraction = true;
    r.told = true;
    out.push_back(std::move(r));
  }
}

std::vector<size_t> PersonOf(size_t i, const std::vector<std::pair<size_t, Match>>& matches) {
  std::vector<size_t> person = {i};
  for (const auto& [j, match] : matches) {
    if (match.kind == MatchKind::kSubject) person.push_back(j);
  }
  return person;
}

}  // namespace

std::string SimulatedDecision::Line() const {
  if (!lead_refused.empty()) {
    return absl::StrCat(recipient_organisation, " ", recipient_key, " lead refused ", lead_refused);
  }
  if (retraction) {
    return absl::StrCat(recipient_organisation, " ", recipient_key, " <- ", other_organisation, " ", other_key,
                        " retraction");
  }
  if (lead) {
    return absl::StrCat(recipient_organisation, " ", recipient_key, " <- ", other_organisation, " ", other_key,
                        " lead ", lead_event.empty() ? "none" : lead_event,
                        previous_lead.empty() ? "" : absl::StrCat(" from=", previous_lead));
  }
  if (out_of_view) {
    return absl::StrCat(recipient_organisation, " - <- ", other_organisation, " ", other_key, " coordination out_of_view");
  }
  if (coordination) {
    return absl::StrCat(recipient_organisation, " - <- ", other_organisation, " ", other_key, " coordination ",
                        Name(decision.level), move ? " move" : absl::StrCat(" pattern=", pattern),
                        pattern_updated ? " updated" : "", " members=", absl::StrJoin(pattern_members, ","));
  }
  if (changes != 0) {
    std::vector<std::string> names;
    for (ChangeKind kind : kAllChangeKinds) {
      if ((changes & Bit(kind)) != 0) names.emplace_back(Name(kind));
    }
    return absl::StrCat(recipient_organisation, " ", recipient_key, " <- ", other_organisation, " ", other_key,
                        " change ", absl::StrJoin(names, ","));
  }
  std::string kind = Name(candidate.kind);
  if (candidate.kind == MatchKind::kHouseholdRelated && candidate.relation != Relation::kNone) {
    absl::StrAppend(&kind, ":", Name(candidate.relation));
  }
  return absl::StrCat(recipient_organisation, " ", recipient_key, " <- ", other_organisation, " ", other_key, " ",
                      kind, " ", Name(decision.level));
}

std::vector<SimulatedDecision> Simulate(const RulePolicy& policy, const PolicyCase& c) {
  // The world changes with the steps; the case itself stays as written.
  PolicyCase now = c;
  World world(policy, now);
  SimulatedPatterns patterns(policy, now);
  PairBook pairs;
  std::vector<SimulatedDecision> out;
  for (size_t i = 0; i < now.signals.size(); ++i) {
    const std::vector<std::pair<size_t, Match>> matches = MatchesOf(now.signals, i, i);
    for (const auto& [j, match] : matches) {
      pairs.Record(world.Decide(now.signals[j], now.signals[i], match.kind, Inverse(match.relation)), false, 0, out);
      pairs.Record(world.Decide(now.signals[i], now.signals[j], match.kind, match.relation), false, 0, out);
    }
    patterns.Arrive(i, PersonOf(i, matches), out);
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < now.signals.size(); ++i) index[now.signals[i].key] = i;
  std::set<size_t> revoked;
  SimulatedLeads leads(policy, world, now.signals, revoked);
  for (const CaseStep& step : now.steps) {
    auto it = index.find(step.key);
    if (it == index.end() || revoked.count(it->second) > 0) continue;  // CheckPolicyCases reports it
    const size_t i = it->second;
    SimulatedSignal& signal = now.signals[i];
    const size_t first = out.size();
    switch (step.action) {
      case CaseStep::Action::kTakeLead: leads.Take(i, out); break;
      case CaseStep::Action::kHandOver: leads.HandOver(i, step.to, out); break;
      case CaseStep::Action::kRelease: leads.Release(i, out); break;
      case CaseStep::Action::kRevoke:
        // Gone from matching at once; what was told of it is retracted, its
        // patterns judged again, a lead held through it ends silently.
        Retract(i, now.signals, out);
        revoked.insert(i);
        patterns.Revoked(i, out);
        leads.Revoked(i);
        break;
      default: break;
    }
    if (step.action != CaseStep::Action::kClose && step.action != CaseStep::Action::kReopen &&
        step.action != CaseStep::Action::kUpdate) {
      for (size_t n = first; n < out.size(); ++n) out[n].after_step = true;
      continue;
    }
    const SimulatedSignal before = signal;
    if (step.action != CaseStep::Action::kUpdate) signal.closed = step.action == CaseStep::Action::kClose;
    if (step.severity) signal.severity = *step.severity;
    if (step.nature) signal.nature = *step.nature;
    if (step.category) signal.category = *step.category;
    const ChangeMask changes = ChangesOf(before, signal);
    if (changes == 0) continue;
    // As Matcher::Decide: the others hear of the change; on a reopen or an
    // update this signal's organisation is decided again too (told anew on
    // a reopen) and patterns are judged as on an arrival; a close runs only
    // the out-of-view rules.
    const bool closed = (changes & Bit(ChangeKind::kClosed)) != 0;
    const bool reopened = (changes & Bit(ChangeKind::kReopened)) != 0;
    const std::vector<std::pair<size_t, Match>> matches = MatchesOf(now.signals, i, now.signals.size(), revoked);
    for (const auto& [j, match] : matches) {
      pairs.Record(world.Decide(now.signals[j], signal, match.kind, Inverse(match.relation)), false, changes, out);
      if (!closed) pairs.Record(world.Decide(signal, now.signals[j], match.kind, match.relation), reopened, 0, out);
    }
    if (closed) {
      patterns.Closed(i, out);
      leads.Closed(i, out);
    } else {
      const std::set<std::pair<std::string, size_t>> members_before = patterns.Members();
      patterns.Arrive(i, PersonOf(i, matches), out);
      if (reopened) leads.Reopened(i, members_before, patterns.Members(), out);
    }
    for (size_t n = first; n < out.size(); ++n) out[n].after_step = true;
  }
  return out;
}

}  // namespace samenloop::policy
