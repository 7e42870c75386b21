#include "policy/policy_text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/duration.h"

namespace samenloop::policy {

std::string ChangeNames(ChangeMask changes) {
  std::vector<std::string> names;
  for (ChangeKind kind : kAllChangeKinds) {
    if ((changes & Bit(kind)) != 0) names.emplace_back(Name(kind));
  }
  return names.empty() ? std::string("nothing") : absl::StrJoin(names, ", ");
}

const char* ScopeName(CoordinationRule::Scope scope) {
  return scope == CoordinationRule::Scope::kHousehold ? "households" : "persons";
}

std::string DescribeSelector(const PartySelector& selector, const char* empty) {
  if (selector.IsAny()) return empty;
  std::vector<std::string> parts;
  if (!selector.organisations.empty()) {
    parts.push_back(absl::StrCat("organisations ", absl::StrJoin(selector.organisations, ", ")));
  }
  if (!selector.kinds.empty()) parts.push_back(absl::StrCat("kinds ", absl::StrJoin(selector.kinds, ", ")));
  return absl::StrJoin(parts, "; ");
}

// Whom a coordination rule tells: its coordinator, or one per region.
std::string CoordinatorText(const CoordinationDecl& decl) {
  if (decl.coordinators.empty()) return decl.rule.coordinator;
  std::vector<std::string> per_region;
  for (const auto& [region, coordinator] : decl.coordinators) per_region.push_back(absl::StrCat(region, ": ", coordinator));
  return absl::StrCat("the coordinator of the region (", absl::StrJoin(per_region, ", "), ")");
}

std::string DescribeCoordination(const CoordinationDecl& decl) {
  const CoordinationRule& r = decl.rule;
  // The level says what the coordinator learns of each member; an
  // out-of-view notice always shows existence and contact only.
  const char* one = r.scope == CoordinationRule::Scope::kHousehold ? "one household" : "one person";
  const std::string coordinator = CoordinatorText(decl);
  if (r.move) {
    return absl::StrCat("tells the coordinators of both regions (",
                        absl::StrJoin(decl.coordinators, ", ",
                                      [](std::string* out, const std::pair<std::string, std::string>& entry) {
                                        absl::StrAppend(out, entry.first, ": ", entry.second);
                                      }),
                        ") when a signal arrives from an organisation of one region on ", one,
                        " with live signals from another (a move)");
  }
  if (r.out_of_view) {
    std::string out = absl::StrCat("tells ", coordinator, " (existence and contact) when the last open signal on ",
                                   one, " closes");
    if (!r.history_category.empty()) absl::StrAppend(&out, " and there is a ", r.history_category, " history");
    return absl::StrCat(out, " (out of view)");
  }
  std::vector<std::string> when;
  if (r.min_organisations > 0) {
    std::string w = absl::StrCat("at least ", r.min_organisations, " organisations have a live signal on ", one);
    if (r.window != absl::InfiniteDuration()) absl::StrAppend(&w, " within ", FormatPolicyDuration(r.window));
    when.push_back(std::move(w));
  }
  if (!r.closed_category.empty()) {
    when.push_back(absl::StrCat("a new signal arrives on ", one, " with a closed ", r.closed_category, " signal"));
  }
  if (r.waiting_longer_than > absl::ZeroDuration()) {
    when.push_back(absl::StrCat("a new signal arrives on ", one, " where an organisation has waited longer than ",
                                FormatPolicyDuration(r.waiting_longer_than), " for a professional"));
  }
  const char* level = r.level == DisclosureLevel::kCategory ? "existence, contact and category"
                                                            : "existence and contact";
  return absl::StrCat("tells ", coordinator, " (", level, " of each member, counted over ", ScopeName(r.scope),
                      ") when ", absl::StrJoin(when, ", or when "));
}

std::string DescribeLead(const LeadDecl& lead, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (!lead.present) return absl::StrCat(pad, "lead: no lead section: nobody may take the lead\n");
  std::string out = absl::StrCat(pad, "lead: may lead: ", DescribeSelector(lead.may_lead, "nobody"), "\n");
  absl::StrAppend(&out, pad, "      told of a lead: ",
                  DescribeSelector(lead.informs, "every organisation that may learn of the lead's signal"),
                  lead.informs.IsAny() ? "" : " (of those that may learn of the lead's signal)", "\n");
  absl::StrAppend(&out, pad, "      coordinators told of the lead's signal ",
                  lead.tell_coordinators ? "hear of its lead" : "do not hear of its lead", "; legal basis ",
                  lead.legal_basis_id, "\n");
  return out;
}

}  // namespace samenloop::policy
