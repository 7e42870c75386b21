#include "policy/policy_test_runner.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/explanation_text.h"
#include "policy/policy_text.h"

namespace samenloop::policy {
namespace {

// "A B <- C D kind level" -> "A B <- C D": the pair, whatever was decided.
std::string PairOf(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (words.size() < 5) return line;
  return absl::StrCat(words[0], " ", words[1], " ", words[2], " ", words[3], " ", words[4]);
}

// "A B <- C D change closed": a change notice.
bool IsChangeLine(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  return words.size() >= 6 && words[5] == "change";
}

// "A B <- C D lead taken", "A B lead refused R" or "A B <- C D retraction":
// a lead step's or a revocation's line.
bool IsLeadLine(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  return (words.size() >= 6 && (words[5] == "lead" || words[5] == "retraction")) ||
         (words.size() >= 3 && words[2] == "lead");
}

// Why a lead decision told `recipient` nothing, or why it told it.
std::string LeadExplanation(const RulePolicy& policy, const SimulatedDecision& d) {
  if (!d.lead_refused.empty()) return absl::StrCat("    the step was refused: ", d.lead_refused, "\n");
  if (d.retraction) return "    the signal was revoked after this organisation was told of it\n";
  if (d.recipient_key == "-") return absl::StrCat("    ", DecisionSummary(d.decision), "\n");
  std::string out;
  if (d.lead_informs_excluded) out = "    allowed, but lead.informs leaves this organisation out\n";
  absl::StrAppend(&out, ExplanationText(policy.Explain(d.candidate), 4));
  return out;
}

// Collapses runs of spaces so hand-written lines compare by their words.
std::string Normalise(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

}  // namespace

std::vector<CaseResult> RunPolicyCases(const RulePolicy& policy, const std::vector<PolicyCase>& cases) {
  std::vector<CaseResult> results;
  for (const PolicyCase& c : cases) {
    CaseResult result;
    result.name = c.name;
    result.at = c.at;
    const std::vector<SimulatedDecision> decisions = Simulate(policy, c);
    std::map<std::string, const SimulatedDecision*> produced;  // line -> decision (told only)
    std::map<std::string, const SimulatedDecision*> by_pair;   // pair -> its decision on arrival
    std::map<std::string, const SimulatedDecision*> by_step;   // pair -> its last decision in a step
    std::map<std::string, const SimulatedDecision*> by_lead;   // pair (or "ORG KEY") -> its last lead decision
    for (const SimulatedDecision& d : decisions) {
      const std::string line = d.Line();
      if (d.lead || d.retraction) {
        by_lead[d.lead_refused.empty() ? PairOf(line) : absl::StrCat(d.recipient_organisation, " ", d.recipient_key)] =
            &d;
      } else if (d.after_step) {
        if (!d.coordination) by_step[PairOf(line)] = &d;
      } else {
        by_pair.emplace(PairOf(line), &d);
      }
      if (d.told) produced[line] = &d;
    }
    std::map<std::string, SourceLocation> expected;
    for (const auto& [line, at] : c.expect) expected[Normalise(line)] = at;

    for (const auto& [line, at] : expected) {
      if (produced.contains(line)) continue;
      CaseMismatch miss{line, at, ""};
      if (IsLeadLine(line)) {
        std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
        auto refused = by_lead.find(absl::StrCat(words[0], " ", words.size() > 1 ? words[1] : ""));
        auto pair = by_lead.find(PairOf(line));
        if (pair != by_lead.end()) {
          if (pair->second->told) absl::StrAppend(&miss.explanation, "    produced instead: ", pair->second->Line(), "\n");
          absl::StrAppend(&miss.explanation, LeadExplanation(policy, *pair->second));
        } else if (refused != by_lead.end() && !refused->second->lead_refused.empty()) {
          absl::StrAppend(&miss.explanation, "    produced instead: ", refused->second->Line(), "\n");
        } else {
          miss.explanation = "    no lead step or revocation told this organisation of that signal (it does not "
                             "match the lead's signal, or no step concerns it)\n";
        }
        result.missing.push_back(std::move(miss));
        continue;
      }
      // A change line is about the pair as a step decided it again.
      const bool change = IsChangeLine(line);
      const auto& lookup = change ? by_step : by_pair;
      auto pair = lookup.find(PairOf(line));
      if (pair == lookup.end()) {
        miss.explanation = change ? "    no step decided this pair again (no step changed that signal, or they do "
                                    "not match)\n"
                                  : "    these signals do not match at all (no subject or household tie between them)\n";
      } else if (pair->second->coordination) {
        miss.explanation = absl::StrCat("    produced instead: ", pair->second->Line(), "\n");
      } else {
        if (pair->second->told) {
          absl::StrAppend(&miss.explanation, "    produced instead: ", pair->second->Line(), "\n");
        } else if (change && pair->second->decision.allow) {
          absl::StrAppend(&miss.explanation, "    allowed, but nothing to tell: the rules notify ",
                          ChangeNames(pair->second->decision.notify_changes), " and level ",
                          Name(pair->second->decision.level), " shows ",
                          ChangeNames(ChangesVisibleAt(pair->second->decision.level)), "\n");
        }
        absl::StrAppend(&miss.explanation, ExplanationText(policy.Explain(pair->second->candidate), 4));
      }
      result.missing.push_back(std::move(miss));
    }
    for (const auto& [line, d] : produced) {
      if (expected.contains(line)) continue;
      CaseMismatch extra{line, {}, ""};
      extra.explanation = d->lead || d->retraction ? LeadExplanation(policy, *d)
                          : d->coordination        ? absl::StrCat("    ", DecisionSummary(d->decision), "\n")
                                                   : ExplanationText(policy.Explain(d->candidate), 4);
      result.unexpected.push_back(std::move(extra));
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace samenloop::policy
