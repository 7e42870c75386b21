#include "policy/explanation_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

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
  for (const RuleTrace& t : e.rules) {
    const char* mark = t.applied ? (t.effect == RuleEffect::kForbid ? "✗" : "✓") : t.matched ? "~" : " ";
    absl::StrAppend(&out, pad, "  ", mark, " ", t.effect == RuleEffect::kForbid ? "forbid " : "permit ", t.rule_id,
                    " (line ", t.line, "): ", t.note, "\n");
  }
  return out;
}

}  // namespace samenloop::policy
