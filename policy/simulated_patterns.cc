#include "policy/simulated_patterns.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "policy/coordination.h"

namespace samenloop::policy {
namespace {

bool Shown(const SimulatedSignal& s, const std::string& coordinator) {
  return !s.is_protected && s.organisation != coordinator;
}

}  // namespace

std::set<std::string> SimulatedPatterns::PersonsOf(const std::string& person) const {
  // Signals 0..arrived_-1 are the store; protected ones connect no one,
  // revoked ones are gone from the indexes.
  std::set<std::string> persons = {person};
  for (size_t j = 0; j < arrived_; ++j) {
    const SimulatedSignal& s = case_.signals[j];
    if (s.is_protected || revoked_.count(j) > 0) continue;
    if (s.subject == person) {
      for (const SimulatedRelated& r : s.related) persons.insert(r.person);
    }
    for (const SimulatedRelated& r : s.related) {
      if (r.person == person) persons.insert(s.subject);
    }
  }
  return persons;
}

SimulatedPatterns::Group SimulatedPatterns::SignalsOn(const std::set<std::string>& persons, size_t index) const {
  Group group = {index};
  for (size_t j = 0; j < arrived_; ++j) {
    const SimulatedSignal& s = case_.signals[j];
    if (!s.is_protected && revoked_.count(j) == 0 && persons.count(s.subject) > 0) group.insert(j);
  }
  return group;
}

std::vector<SimulatedPatterns::Group> SimulatedPatterns::Households(size_t index) const {
  const std::string& subject = case_.signals[index].subject;
  const std::set<std::string> persons = PersonsOf(subject);
  std::vector<Group> out = {SignalsOn(persons, index)};
  for (const std::string& person : persons) {
    if (person != subject) out.push_back(SignalsOn(PersonsOf(person), index));
  }
  return out;
}

std::vector<PatternMember> SimulatedPatterns::MembersOf(const Group& group, size_t index) const {
  std::vector<PatternMember> members;
  auto add = [&](size_t n) {
    const SimulatedSignal& m = case_.signals[n];
    PatternMember member{m.organisation, m.category, m.opened, m.closed, m.is_protected};
    member.region = policy_.RegionOf(m.organisation);
    members.push_back(std::move(member));
  };
  add(index);
  for (size_t n : group) {
    if (n != index) add(n);
  }
  return members;
}

bool SimulatedPatterns::Fires(const CoordinationRule& rule, const Group& group, size_t index) const {
  return CoordinationFires(rule, MembersOf(group, index), 0, case_.date);
}

void SimulatedPatterns::Moves(size_t index, const Group& person, std::vector<SimulatedDecision>& out) {
  for (const CoordinationRule& rule : policy_.CoordinationRules()) {
    if (!rule.move || case_.signals[index].organisation == rule.coordinator) continue;
    const Group group =
        rule.scope == CoordinationRule::Scope::kPerson ? person : SignalsOn(PersonsOf(case_.signals[index].subject), index);
    if (!MoveFires(rule, MembersOf(group, index), 0)) continue;
    Pattern shown{0, &rule, {}};
    for (size_t n : group) {
      if (Shown(case_.signals[n], rule.coordinator)) shown.members.insert(n);
    }
    Tell(shown, index, false, out);
    out.back().move = true;
    out.back().decision.reason = absl::StrCat("coordination rule ", rule.id, ": a signal from another region");
  }
}

void SimulatedPatterns::Tell(const Pattern& pattern, size_t other, bool updated,
                             std::vector<SimulatedDecision>& out) const {
  const CoordinationRule& rule = *pattern.rule;
  SimulatedDecision d;
  d.recipient_organisation = rule.coordinator;
  d.recipient_key = std::string(1, '-');  // GCC 12 -Wrestrict false positive on = "-"
  d.other_organisation = case_.signals[other].organisation;
  d.other_key = case_.signals[other].key;
  d.coordination = true;
  d.pattern = pattern.number;
  d.pattern_updated = updated;
  for (size_t n : pattern.members) {
    d.pattern_members.push_back(absl::StrCat(case_.signals[n].organisation, ":", case_.signals[n].key));
  }
  std::sort(d.pattern_members.begin(), d.pattern_members.end());
  d.told = true;
  d.decision.allow = true;
  d.decision.level = rule.level;
  d.decision.rule_ids = {rule.id};
  d.decision.legal_bases = {rule.legal_basis};
  d.decision.policy_version = policy_.Version();
  d.decision.reason = absl::StrCat("coordination rule ", rule.id, updated ? ": the pattern grew" : " fired");
  out.push_back(std::move(d));
}

void SimulatedPatterns::Arrive(size_t index, const std::vector<size_t>& person, std::vector<SimulatedDecision>& out) {
  arrived_ = std::max(arrived_, index + 1);
  const SimulatedSignal& signal = case_.signals[index];
  if (signal.is_protected) return;
  const Group person_group(person.begin(), person.end());
  Moves(index, person_group, out);
  std::vector<Group> households;
  bool households_read = false;
  std::vector<std::string> coordinators;
  for (const CoordinationRule& rule : policy_.CoordinationRules()) {
    if (!rule.out_of_view && !rule.move && std::find(coordinators.begin(), coordinators.end(), rule.coordinator) == coordinators.end()) {
      coordinators.push_back(rule.coordinator);
    }
  }
  auto groups_of = [&](const CoordinationRule& rule) -> std::vector<Group> {
    if (rule.scope == CoordinationRule::Scope::kPerson) return {person_group};
    if (!households_read) households = Households(index);
    households_read = true;
    return households;
  };
  for (const std::string& coordinator : coordinators) {
    std::vector<Pattern>& patterns = patterns_[coordinator];
    // Join the earliest pattern a signal of one of its groups is in.
    size_t joined = patterns.size();
    Group joined_group;
    for (const CoordinationRule& rule : policy_.CoordinationRules()) {
      if (rule.coordinator != coordinator || rule.out_of_view || rule.move) continue;
      for (const Group& group : groups_of(rule)) {
        for (size_t n : group) {
          auto it = member_of_.find({coordinator, n});
          if (n != index && it != member_of_.end() && it->second < joined) {
            joined = it->second;
            joined_group = group;
          }
        }
      }
    }
    if (joined < patterns.size()) {
      Pattern& pattern = patterns[joined];
      bool grew = false;
      for (size_t n : joined_group) {
        if (!Shown(case_.signals[n], coordinator) || member_of_.count({coordinator, n}) > 0) continue;
        pattern.members.insert(n);
        member_of_[{coordinator, n}] = joined;
        grew = true;
      }
      if (grew) Tell(pattern, Shown(signal, coordinator) ? index : *pattern.members.rbegin(), true, out);
      continue;
    }
    bool formed = false;
    for (const CoordinationRule& rule : policy_.CoordinationRules()) {
      if (rule.coordinator != coordinator || rule.out_of_view || rule.move || formed) continue;
      for (const Group& group : groups_of(rule)) {
        if (!Fires(rule, group, index)) continue;
        Pattern pattern{0, &rule, {}};
        for (size_t n : group) {
          if (Shown(case_.signals[n], coordinator)) pattern.members.insert(n);
        }
        if (!pattern.members.empty()) {
          pattern.number = ++formed_;
          for (size_t n : pattern.members) member_of_[{coordinator, n}] = patterns.size();
          patterns.push_back(pattern);
          Tell(patterns.back(), Shown(signal, coordinator) ? index : *pattern.members.rbegin(), false, out);
          formed = true;
        }
        break;
      }
    }
  }
}

void SimulatedPatterns::Revoked(size_t index, std::vector<SimulatedDecision>& out) {
  revoked_.insert(index);
  for (auto& [coordinator, patterns] : patterns_) {
    auto it = member_of_.find({coordinator, index});
    if (it == member_of_.end()) continue;
    Pattern& pattern = patterns[it->second];
    member_of_.erase(it);
    pattern.members.erase(index);
    // Judged again on the rest, as Coordinator::MemberRevoked: an update
    // naming the last member while the formation rule still fires over
    // them; otherwise it dissolves and a later signal is judged afresh.
    bool fires = false;
    for (size_t n : pattern.members) fires = fires || Fires(*pattern.rule, pattern.members, n);
    if (!fires) {
      for (size_t n : pattern.members) member_of_.erase({coordinator, n});
      pattern.members.clear();
      continue;
    }
    Tell(pattern, *pattern.members.rbegin(), true, out);
  }
}

void SimulatedPatterns::Closed(size_t index, std::vector<SimulatedDecision>& out) const {
  const SimulatedSignal& closed = case_.signals[index];
  std::set<std::string> told;  // one notice per coordinator and closing
  for (const CoordinationRule& rule : policy_.CoordinationRules()) {
    if (!rule.out_of_view || closed.organisation == rule.coordinator || told.contains(rule.coordinator)) continue;
    // Every signal on the person (or household), the closing organisation's
    // other ones too: a second open case of the same organisation keeps it
    // in view. The closed one first.
    Group group;
    if (rule.scope == CoordinationRule::Scope::kPerson) {
      for (size_t j = 0; j < arrived_; ++j) {
        if (case_.signals[j].subject == closed.subject && revoked_.count(j) == 0) group.insert(j);
      }
    } else {
      group = SignalsOn(PersonsOf(closed.subject), index);
    }
    std::vector<PatternMember> members;
    auto add = [&](size_t n) {
      const SimulatedSignal& m = case_.signals[n];
      members.push_back(PatternMember{m.organisation, m.category, m.opened, m.closed, m.is_protected});
    };
    add(index);
    for (size_t n : group) {
      if (n != index) add(n);
    }
    if (!OutOfViewFires(rule, members, 0)) continue;
    told.insert(rule.coordinator);
    SimulatedDecision d;
    d.recipient_organisation = rule.coordinator;
    d.recipient_key = std::string(1, '-');
    d.other_organisation = closed.organisation;
    d.other_key = closed.key;
    d.coordination = true;
    d.out_of_view = true;
    d.told = true;
    d.decision.allow = true;
    d.decision.level = DisclosureLevel::kExistenceAndContact;  // whom to call, and how many were involved
    d.decision.rule_ids = {rule.id};
    d.decision.legal_bases = {rule.legal_basis};
    d.decision.policy_version = policy_.Version();
    d.decision.reason = absl::StrCat("out-of-view rule ", rule.id, ": nobody is involved any more (",
                                     VisibleOrganisations(members), " organisations were)");
    out.push_back(std::move(d));
  }
}

}  // namespace samenloop::policy
