#ifndef SAMENLOOP_POLICY_SIMULATED_PATTERNS_H_
#define SAMENLOOP_POLICY_SIMULATED_PATTERNS_H_

// Coordination patterns in `samenloop policy test`, as the broker forms them
// (broker/matching/coordinator.h): per coordinator, a pattern forms when a
// rule fires over the person's signals (scope: person) or over a household
// the arrival changes (scope: household, broker/matching/household.h); a
// later signal of the same person or household joins it (an update); each
// pattern is named pattern=1, pattern=2... in the order it formed. A close
// (a case step) runs the out-of-view rules.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "policy/coordination.h"
#include "policy/policy_simulator.h"

namespace samenloop::policy {

class SimulatedPatterns {
 public:
  SimulatedPatterns(const RulePolicy& policy, const PolicyCase& c) : policy_(policy), case_(c) {}

  // Signal `index` arrives; `person` is it and the other organisations'
  // earlier signals on its subject. Appends the notices it causes.
  void Arrive(size_t index, const std::vector<size_t>& person, std::vector<SimulatedDecision>& out);

  // Signal `index` has closed (a step; every signal has arrived): appends
  // an out-of-view notice per coordinator whose out-of-view rule fires
  // (policy/coordination.h OutOfViewFires, as Coordinator::OutOfView).
  void Closed(size_t index, std::vector<SimulatedDecision>& out) const;

  // Signal `index` is revoked (a step): it leaves every pattern it is in,
  // and each is judged again on the rest (Coordinator::MemberRevoked): an
  // update while the rule that formed it still fires, else it dissolves.
  // From now on it counts for nothing.
  void Revoked(size_t index, std::vector<SimulatedDecision>& out);

  // (coordinator, signal) for every signal that is a member of one of the
  // coordinator's patterns now.
  std::set<std::pair<std::string, size_t>> Members() const {
    std::set<std::pair<std::string, size_t>> out;
    for (const auto& [key, pattern] : member_of_) out.insert(key);
    return out;
  }

 private:
  using Group = std::set<size_t>;
  struct Pattern {
    int number = 0;
    const CoordinationRule* rule = nullptr;
    Group members;
  };

  std::vector<Group> Households(size_t index) const;
  std::set<std::string> PersonsOf(const std::string& person) const;
  Group SignalsOn(const std::set<std::string>& persons, size_t index) const;
  std::vector<PatternMember> MembersOf(const Group& group, size_t index) const;
  bool Fires(const CoordinationRule& rule, const Group& group, size_t index) const;
  // Move rules: a signal from another region than the others'.
  void Moves(size_t index, const Group& person, std::vector<SimulatedDecision>& out);
  void Tell(const Pattern& pattern, size_t other, bool updated, std::vector<SimulatedDecision>& out) const;

  const RulePolicy& policy_;
  const PolicyCase& case_;
  std::map<std::string, std::vector<Pattern>> patterns_;        // by coordinator
  std::map<std::pair<std::string, size_t>, size_t> member_of_;  // (coordinator, signal) -> pattern
  int formed_ = 0;
  size_t arrived_ = 0;  // signals 0..arrived_-1 are in the store
  std::set<size_t> revoked_;
};

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_SIMULATED_PATTERNS_H_
