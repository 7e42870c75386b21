#include "policy/policy_simulator.h"

#include "policy/simulated_patterns.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
std::vector<std::pair<size_t, Match>> MatchesOf(const std::vector<SimulatedSignal>& signals, size_t i, size_t end) {
  std::vector<std::pair<size_t, Match>> matches;
  for (size_t j = 0; j < end; ++j) {
    if (j == i || signals[j].organisation == signals[i].organisation) continue;
    Match match;
    if (FindMatch(signals[i], signals[j], &match)) matches.emplace_back(j, match);
  }
  return matches;
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
  for (const CaseStep& step : now.steps) {
    auto it = index.find(step.key);
    if (it == index.end()) continue;  // CheckPolicyCases reports it
    const size_t i = it->second;
    SimulatedSignal& signal = now.signals[i];
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
    const size_t first = out.size();
    const std::vector<std::pair<size_t, Match>> matches = MatchesOf(now.signals, i, now.signals.size());
    for (const auto& [j, match] : matches) {
      pairs.Record(world.Decide(now.signals[j], signal, match.kind, Inverse(match.relation)), false, changes, out);
      if (!closed) pairs.Record(world.Decide(signal, now.signals[j], match.kind, match.relation), reopened, 0, out);
    }
    if (closed) {
      patterns.Closed(i, out);
    } else {
      patterns.Arrive(i, PersonOf(i, matches), out);
    }
    for (size_t n = first; n < out.size(); ++n) out[n].after_step = true;
  }
  return out;
}

}  // namespace samenloop::policy
