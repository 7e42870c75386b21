#ifndef SAMENLOOP_POLICY_POLICY_SIMULATOR_H_
#define SAMENLOOP_POLICY_POLICY_SIMULATOR_H_

// Runs a policy over a small, named world — persons, the signals
// organisations submit (in order), consent records and a date — the way the
// broker would, without a broker: the same match kinds (subject, household
// through a named relation in either direction, a shared related person),
// the same "closest match kind wins" rule, the same per-direction decisions
// and the same coordination rules. Privacy officers use it through
// `samenloop policy test`; it never sees a BSN or a pseudonym, only names.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "policy/diagnostic.h"
#include "policy/disclosure_policy.h"
#include "policy/rule_policy.h"

namespace samenloop::policy {

struct SimulatedRelated {
  std::string person;
  Relation relation = Relation::kNone;  // the related person is <relation> of the subject
};

struct SimulatedSignal {
  std::string key;  // unique within the case; names the signal in expectations
  std::string organisation;
  std::string subject;  // a person's name
  std::string category;
  Nature nature = Nature::kUnspecified;
  Severity severity = Severity::kUnspecified;
  LegalFramework legal_framework = LegalFramework::kUnspecified;
  PersonRole subject_role = PersonRole::kUnspecified;  // "role" in a cases file
  bool closed = false;
  bool is_protected = false;
  std::vector<std::string> protected_against;  // persons' names
  std::vector<SimulatedRelated> related;
  absl::Time opened;  // defaults to the case date
  SourceLocation at;
};

struct SimulatedConsent {
  std::string subject;  // whose data it is about
  std::string giver;    // a person's name for a parent or guardian
  ConsentFacts record;  // giver_key is filled from `giver`
};

// A later event in a case, after every signal of the case has arrived
// (`steps:` in a cases file): a signal closes, is reopened, changes or is
// revoked; its organisation takes the lead through it, hands its lead over
// (to the organisation `to`) or releases it.
struct CaseStep {
  enum class Action { kClose, kReopen, kUpdate, kRevoke, kTakeLead, kHandOver, kRelease };
  Action action = Action::kClose;
  std::string key;  // the signal's key
  std::string to;   // kHandOver: the organisation that takes over
  // kUpdate: the fields it sets (unset: unchanged).
  std::optional<Severity> severity;
  std::optional<Nature> nature;
  std::optional<std::string> category;
  SourceLocation at;
};

struct PolicyCase {
  std::string name;
  absl::Time date;
  std::map<std::string, AgeBand> persons;
  std::vector<SimulatedSignal> signals;
  std::vector<SimulatedConsent> consents;
  std::vector<CaseStep> steps;  // in order, after the signals
  // "RECIPIENT OWN_KEY <- ORG KEY MATCH[:RELATION] LEVEL", exactly these.
  std::vector<std::pair<std::string, SourceLocation>> expect;
  SourceLocation at;
};

// One direction of a candidate pair (or a coordination notice) and its
// decision. A step decides pairs again: the recipient is then told of the
// change (`changes`), told anew (a wider level, or a reopen), or nothing.
struct SimulatedDecision {
  std::string recipient_organisation;
  std::string recipient_key;  // "-" for coordination
  std::string other_organisation;
  std::string other_key;
  bool coordination = false;
  MatchCandidate candidate;  // for explain; unused for coordination
  Decision decision;
  // Coordination: the pattern (pattern=N, in the order patterns formed),
  // whether this notice is an update, and every member as "ORG:KEY".
  int pattern = 0;
  bool pattern_updated = false;
  bool move = false;  // a move notice (no pattern)
  std::vector<std::string> pattern_members;
  // Coordination: an out-of-view notice rather than a pattern.
  bool out_of_view = false;
  // Decided for a step (not on arrival); a change notice when `changes` is
  // not empty.
  bool after_step = false;
  ChangeMask changes = 0;
  // Whether this decision produced a notice (allowed, and for a step
  // something to tell).
  bool told = false;
  // A lead step (or a close or revoke ending a lead): a lead notice when
  // `lead_event` is set ("taken", "handed_over", "lapsed", "released";
  // `other_*` is the lead's signal, `previous_lead` "ORG:KEY" for a
  // handover), a decision towards the lead's signal that told nothing
  // (`told` false: not allowed, or `informs` leaves the recipient out, as
  // `lead_informs_excluded` says), or a refused step (`lead_refused`: why,
  // e.g. "may_lead", "leads:ORG"; `recipient_*` the step's signal).
  bool lead = false;
  std::string lead_event;
  std::string previous_lead;
  bool lead_informs_excluded = false;
  std::string lead_refused;
  // A revoke step: the recipient was told of the revoked signal `other_*`
  // (a match, change, lead or pattern notice) and has it retracted.
  bool retraction = false;

  // The expectation line this decision produces when told, e.g.
  // "school-de-horizon school-1 <- politie-amsterdam pol-1 household_related:parent existence_and_contact",
  // "veilig-thuis-amsterdam vt-1 <- zorg-de-brug care-1 change closed" or
  // "zvh-amsterdam - <- zorg-de-brug care-1 coordination out_of_view",
  // "politie-amsterdam pol-1 <- wijkteam-west wt-1 lead taken",
  // "wijkteam-west wt-1 <- gi-amsterdam gi-1 lead handed_over from=wijkteam-west:wt-1",
  // "politie-amsterdam pol-1 lead refused may_lead" or
  // "politie-amsterdam pol-1 <- zorg-de-brug care-1 retraction".
  std::string Line() const;
};

// Every decision the broker would take for the case's signals and then its
// steps, in order.
std::vector<SimulatedDecision> Simulate(const RulePolicy& policy, const PolicyCase& c);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_SIMULATOR_H_
