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

}  // namespace

std::string SimulatedDecision::Line() const {
  if (coordination) {
    return absl::StrCat(recipient_organisation, " - <- ", other_organisation, " ", other_key, " coordination ",
                        Name(decision.level), move ? " move" : absl::StrCat(" pattern=", pattern),
                        pattern_updated ? " updated" : "", " members=", absl::StrJoin(pattern_members, ","));
  }
  std::string kind = Name(candidate.kind);
  if (candidate.kind == MatchKind::kHouseholdRelated && candidate.relation != Relation::kNone) {
    absl::StrAppend(&kind, ":", Name(candidate.relation));
  }
  return absl::StrCat(recipient_organisation, " ", recipient_key, " <- ", other_organisation, " ", other_key, " ",
                      kind, " ", Name(decision.level));
}

std::vector<SimulatedDecision> Simulate(const RulePolicy& policy, const PolicyCase& c) {
  World world(policy, c);
  SimulatedPatterns patterns(policy, c);
  std::vector<SimulatedDecision> out;
  for (size_t i = 0; i < c.signals.size(); ++i) {
    const SimulatedSignal& mine = c.signals[i];
    // Earlier signals of other organisations, as the broker's indexes hold them.
    std::vector<std::pair<size_t, Match>> matches;
    for (size_t j = 0; j < i; ++j) {
      const SimulatedSignal& other = c.signals[j];
      if (other.organisation == mine.organisation) continue;
      Match match;
      if (FindMatch(mine, other, &match)) matches.emplace_back(j, match);
    }
    for (const auto& [j, match] : matches) {
      const SimulatedSignal& other = c.signals[j];
      out.push_back(world.Decide(other, mine, match.kind, Inverse(match.relation)));
      out.push_back(world.Decide(mine, other, match.kind, match.relation));
    }
    std::vector<size_t> person = {i};
    for (const auto& [j, match] : matches) {
      if (match.kind == MatchKind::kSubject) person.push_back(j);
    }
    patterns.Arrive(i, person, out);
  }
  return out;
}

}  // namespace samenloop::policy
