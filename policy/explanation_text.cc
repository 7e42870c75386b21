#include "policy/explanation_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/lead_rules.h"
#include "policy/policy_text.h"

namespace samenloop::policy {

std::string DecisionSummary(const Decision& d) {
  std::string out = d.allow ? absl::StrCat("ALLOW at ", Name(d.level)) : std::string("DENY");
  absl::StrAppend(&out, " — ", d.reason);
  if (!d.legal_bases.empty()) absl::StrAppend(&out, " [", absl::StrJoin(d.legal_bases, "; "), "]");
  if (!d.consent_ids.empty()) {
    absl::StrAppend(&out, d.allow ? " consent: " : " objection: ", absl::StrJoin(d.consent_ids, ", "));
  }
  return out;
}

std::string ExplanationText(const Explanation& e, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = absl::StrCat(pad, "outcome: ", DecisionSummary(e.decision), "\n");
  if (e.decision.allow) {
    absl::StrAppend(&out, pad, "later told of: ", ChangeNames(ChangesToTell(kAllChanges, e.decision)));
    // Listed by a rule but not shown at the level: never told, say why.
    const ChangeMask hidden = e.decision.notify_changes & ~ChangesVisibleAt(e.decision.level);
    if (hidden != 0) {
      absl::StrAppend(&out, " (not ", ChangeNames(hidden), ": level ", Name(e.decision.level), " does not show it)");
    }
    absl::StrAppend(&out, "\n");
  }
  for (const RuleTrace& t : e.rules) {
    const char* mark = t.applied ? (t.effect == RuleEffect::kForbid ? "✗" : "✓") : t.matched ? "~" : " ";
    absl::StrAppend(&out, pad, "  ", mark, " ", t.effect == RuleEffect::kForbid ? "forbid " : "permit ", t.rule_id,
                    " (line ", t.line, "): ", t.note);
    if (t.applied && t.effect == RuleEffect::kPermit) {
      absl::StrAppend(&out, "; notifies ", ChangeNames(t.notify_changes));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string CoordinationAndLeadText(const RulePolicy& policy, const MatchCandidate& c, const Decision& decision) {
  const std::string& recipient = c.recipient.organisation_id;
  const std::string& source = c.other.organisation_id;
  std::string out;
  const PolicyDocument& doc = policy.document();
  if (doc.coordination.empty()) absl::StrAppend(&out, "coordination: no coordination rules\n");
  for (const CoordinationDecl& decl : doc.coordination) {
    const CoordinationRule& r = decl.rule;
    absl::StrAppend(&out, "coordination ", r.id, " (line ", decl.at.line, "): ", DescribeCoordination(decl), "\n");
    std::vector<std::string> notes;
    if (r.coordinator == recipient) notes.push_back(absl::StrCat(recipient, " is its coordinator"));
    if (c.other.is_protected) {
      notes.push_back("a protected signal is no part of it");  // coordination.h: non-interference
    } else if (r.coordinator == source) {
      notes.push_back(absl::StrCat(source, " is its coordinator: its own signals are not shown to it"));
    } else if (r.out_of_view && r.history_category == c.other.category) {
      notes.push_back(absl::StrCat("a ", c.other.category, " signal is the history it looks for"));
    } else if (!r.out_of_view && r.closed_category == c.other.category) {
      notes.push_back(absl::StrCat("a closed ", c.other.category, " signal makes a later arrival fire it"));
    }
    if (!notes.empty()) absl::StrAppend(&out, "  ", absl::StrJoin(notes, "; "), "\n");
  }
  absl::StrAppend(&out, DescribeLead(doc.lead, 0));
  const LeadRules* lead = policy.Lead();
  if (lead != nullptr) {
    auto may = [&](const std::string& org) {
      return absl::StrCat(org, MayLead(*lead, org, policy.KindOf(org)) ? " may lead" : " may not lead");
    };
    absl::StrAppend(&out, "      ", may(recipient), "; ", may(source), "\n");
    // A lead notice is decided like this pair (lead_rules.h: informs only narrows).
    const bool told = decision.allow && LearnsOfLead(*lead, recipient, policy.KindOf(recipient));
    absl::StrAppend(&out, "      if ", source, " leads, ", recipient, told ? " is told" : " is not told",
                    decision.allow ? (told ? "" : " (informs does not name it)") : " (it may not learn of the signal)",
                    "\n");
  }
  return out;
}

}  // namespace samenloop::policy
