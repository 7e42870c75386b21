#include "policy/policy_validator.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace samenloop::policy {
namespace {

template <typename T>
bool SubsetOrAll(const std::set<T>& inner, const std::set<T>& outer) {
  if (outer.empty()) return true;  // outer means "any"
  if (inner.empty()) return false;
  return std::includes(outer.begin(), outer.end(), inner.begin(), inner.end());
}

class Validator {
 public:
  Validator(const PolicyDocument& doc, std::vector<Diagnostic>& diagnostics) : doc_(doc), out_(diagnostics) {}

  void Run() {
    DeclaredNames();
    for (const RuleDecl& rule : doc_.rules) CheckRule(rule);
    CheckWindows();
    CheckUnreachable();
    for (const CoordinationDecl& decl : doc_.coordination) CheckCoordination(decl);
    if (doc_.lead.present) CheckLead(doc_.lead);
  }

 private:
  void Error(SourceLocation at, std::string message) {
    out_.push_back({Diagnostic::Severity::kError, doc_.file, at, std::move(message)});
  }
  void Warning(SourceLocation at, std::string message) {
    out_.push_back({Diagnostic::Severity::kWarning, doc_.file, at, std::move(message)});
  }

  void DeclaredNames() {
    for (const std::string& kind : doc_.organisation_kinds) {
      if (!kinds_.insert(kind).second) Error({}, absl::StrCat("organisation kind \"", kind, "\" is listed twice"));
    }
    if (!doc_.region.empty()) regions_.insert(doc_.region);
    for (const OrganisationDecl& org : doc_.organisations) {
      if (org.id.empty()) continue;
      if (!org.region.empty()) regions_.insert(org.region);
      if (!org_kind_.emplace(org.id, org.kind).second) {
        Error(org.at, absl::StrCat("organisation \"", org.id, "\" is declared twice"));
      }
      if (!org.kind.empty() && !kinds_.contains(org.kind)) {
        Error(org.at, absl::StrCat("organisation \"", org.id, "\" has kind \"", org.kind,
                                   "\", which is not listed under organisation_kinds"));
      }
    }
    for (const CategoryDecl& category : doc_.categories) {
      if (!categories_.insert(category.id).second) {
        Error(category.at, absl::StrCat("category \"", category.id, "\" is declared twice"));
      }
    }
    for (const LegalBasisDecl& basis : doc_.legal_bases) {
      if (!bases_.insert(basis.id).second) {
        Error(basis.at, absl::StrCat("legal basis \"", basis.id, "\" is declared twice"));
      }
    }
    if (doc_.categories.empty()) Error({1, 1}, "the policy declares no categories; signals need a category");
  }

  void CheckParty(const PartySelector& party, const std::string& what, SourceLocation fallback) {
    const SourceLocation at = party.at.line ? party.at : fallback;
    for (const std::string& org : party.organisations) {
      if (!org_kind_.contains(org)) {
        Error(at, absl::StrCat(what, " names organisation \"", org, "\", which is not declared under organisations"));
      }
    }
    for (const std::string& kind : party.kinds) {
      if (!kinds_.contains(kind)) {
        Error(at, absl::StrCat(what, " names organisation kind \"", kind,
                               "\", which is not listed under organisation_kinds"));
      }
    }
  }

  void CheckCategories(const std::set<std::string>& names, const std::string& what, SourceLocation at) {
    for (const std::string& name : names) {
      if (!categories_.contains(name)) {
        Error(at, absl::StrCat(what, " names category \"", name, "\", which is not declared under categories"));
      }
    }
  }

  void CheckRule(const RuleDecl& rule) {
    const std::string what = absl::StrCat("rule ", rule.id);
    CheckParty(rule.recipient, absl::StrCat("the recipient of ", what), rule.at);
    CheckParty(rule.source, absl::StrCat("the source of ", what), rule.at);
    CheckCategories(rule.categories, what, rule.categories_at.line ? rule.categories_at : rule.at);
    CheckCategories(rule.recipient_categories, absl::StrCat("recipient_categories of ", what),
                    rule.recipient_categories_at.line ? rule.recipient_categories_at : rule.at);
    if (!rule.legal_basis.empty() && !bases_.contains(rule.legal_basis)) {
      Error(rule.legal_basis_at, absl::StrCat(what, " cites legal basis \"", rule.legal_basis,
                                              "\", which is not declared under legal_bases"));
    }
    if (rule.effective_until <= rule.effective_from) {
      Error(rule.effective_at, absl::StrCat(what, " ends (effective_until) on or before it starts (effective_from)"));
    }
    // "relations" only narrows household_related matches: naming them in a
    // rule that has none is dead text the officer probably meant otherwise.
    if (!rule.match_kinds.empty() && !rule.match_kinds.contains(MatchKind::kHouseholdRelated) &&
        !rule.relations.empty()) {
      Warning(rule.relations_at, absl::StrCat(what, ": \"relations\" has no effect, because relations only narrow "
                                              "household_related matches and this rule has none"));
    }
    // A change notice shows the changed field, so changes above the rule's
    // level are never told under it (policy::ChangesVisibleAt).
    if (rule.effect == RuleEffect::kPermit && rule.notify_changes_at.line != 0) {
      std::vector<std::string> hidden;
      for (ChangeKind change : kAllChangeKinds) {
        if ((rule.notify_changes & Bit(change)) != 0 && (ChangesVisibleAt(rule.level) & Bit(change)) == 0) {
          hidden.emplace_back(Name(change));
        }
      }
      if (!hidden.empty()) {
        Warning(rule.notify_changes_at,
                absl::StrCat(what, ": \"notify_changes\" names ", absl::StrJoin(hidden, ", "),
                             ", which level ", Name(rule.level), " does not show; recipients under this rule are "
                             "not told of ", hidden.size() == 1 ? "it" : "them"));
      }
    }
    if (rule.recipient.kinds.empty() && rule.source.kinds.empty() && rule.recipient.organisations.size() == 1 &&
        rule.recipient.organisations == rule.source.organisations) {
      Warning(rule.at, absl::StrCat(what, " can never match: an organisation is never told of its own signals"));
    }
  }

  // One rule id may appear several times (a rule changing over time), but
  // its effective windows must not overlap, or two versions would both apply.
  void CheckWindows() {
    std::map<std::string, std::vector<const RuleDecl*>> by_id;
    for (const RuleDecl& rule : doc_.rules) {
      if (!rule.id.empty()) by_id[rule.id].push_back(&rule);
    }
    for (auto& [id, versions] : by_id) {
      for (size_t i = 0; i < versions.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
          const RuleDecl& a = *versions[j];
          const RuleDecl& b = *versions[i];
          if (a.effective_from < b.effective_until && b.effective_from < a.effective_until) {
            Error(b.at, absl::StrCat("rule ", id, " appears again (first at line ", a.at.line,
                                     ") with an overlapping effective window; give each version its own "
                                     "effective_from/effective_until, or a different id"));
          }
        }
      }
    }
  }

  bool PartyCovers(const PartySelector& outer, const PartySelector& inner) const {
    if (outer.IsAny()) return true;
    if (inner.IsAny()) return false;
    for (const std::string& kind : inner.kinds) {
      if (!outer.kinds.contains(kind)) return false;
    }
    for (const std::string& org : inner.organisations) {
      auto kind = org_kind_.find(org);
      if (!outer.organisations.contains(org) && (kind == org_kind_.end() || !outer.kinds.contains(kind->second))) {
        return false;
      }
    }
    return true;
  }

  static std::set<bool> ProtectedValues(ProtectedFilter filter) {
    switch (filter) {
      case ProtectedFilter::kUnprotectedOnly: return {false};
      case ProtectedFilter::kAny: return {false, true};
      case ProtectedFilter::kProtectedOnly: return {true};
    }
    return {};
  }

  // True when every case `permit` matches, `forbid` matches too.
  bool Covers(const RuleDecl& forbid, const RuleDecl& permit) const {
    const std::set<bool> fp = ProtectedValues(forbid.protected_filter), pp = ProtectedValues(permit.protected_filter);
    const bool status_covered = (!forbid.open_only && !forbid.closed_only) ||
                                (forbid.open_only && permit.open_only) || (forbid.closed_only && permit.closed_only);
    return PartyCovers(forbid.recipient, permit.recipient) && PartyCovers(forbid.source, permit.source) &&
           SubsetOrAll(permit.categories, forbid.categories) &&
           SubsetOrAll(permit.recipient_categories, forbid.recipient_categories) &&
           SubsetOrAll(permit.match_kinds, forbid.match_kinds) && SubsetOrAll(permit.relations, forbid.relations) &&
           SubsetOrAll(permit.age_bands, forbid.age_bands) &&
           SubsetOrAll(permit.recipient_age_bands, forbid.recipient_age_bands) &&
           SubsetOrAll(permit.natures, forbid.natures) && SubsetOrAll(permit.severities, forbid.severities) &&
           SubsetOrAll(permit.legal_frameworks, forbid.legal_frameworks) &&
           SubsetOrAll(permit.recipient_legal_frameworks, forbid.recipient_legal_frameworks) &&
           SubsetOrAll(permit.subject_roles, forbid.subject_roles) &&
           status_covered && std::includes(fp.begin(), fp.end(), pp.begin(), pp.end()) &&
           forbid.effective_from <= permit.effective_from && forbid.effective_until >= permit.effective_until;
  }

  void CheckUnreachable() {
    for (const RuleDecl& permit : doc_.rules) {
      if (permit.effect != RuleEffect::kPermit) continue;
      for (const RuleDecl& forbid : doc_.rules) {
        if (forbid.effect != RuleEffect::kForbid || !Covers(forbid, permit)) continue;
        Error(permit.at, absl::StrCat("rule ", permit.id, " can never take effect: forbid rule ", forbid.id,
                                      " (line ", forbid.at.line, ") covers every case it permits, and a forbid "
                                      "always wins; narrow the forbid or remove the permit"));
        break;
      }
    }
  }

  void CheckCoordination(const CoordinationDecl& decl) {
    const std::string what = absl::StrCat("coordination rule ", decl.rule.id);
    if (!decl.rule.coordinator.empty() && !org_kind_.contains(decl.rule.coordinator)) {
      Error(decl.coordinator_at, absl::StrCat(what, " names coordinator \"", decl.rule.coordinator,
                                              "\", which is not declared under organisations"));
    }
    for (const auto& [region, coordinator] : decl.coordinators) {
      if (!regions_.contains(region)) {
        Error(decl.coordinators_at, absl::StrCat(what, " names region \"", region,
                                                 "\", which no organisation (and not the policy's region) is in"));
      }
      if (!org_kind_.contains(coordinator)) {
        Error(decl.coordinators_at, absl::StrCat(what, " names coordinator \"", coordinator, "\" for region \"",
                                                 region, "\", which is not declared under organisations"));
      }
    }
    if (!decl.legal_basis_id.empty() && !bases_.contains(decl.legal_basis_id)) {
      Error(decl.legal_basis_at, absl::StrCat(what, " cites legal basis \"", decl.legal_basis_id,
                                              "\", which is not declared under legal_bases"));
    }
    if (!decl.rule.closed_category.empty() && !categories_.contains(decl.rule.closed_category)) {
      Error(decl.closed_category_at, absl::StrCat(what, " names category \"", decl.rule.closed_category,
                                                  "\", which is not declared under categories"));
    }
    if (!decl.rule.history_category.empty() && !categories_.contains(decl.rule.history_category)) {
      Error(decl.history_category_at, absl::StrCat(what, " names category \"", decl.rule.history_category,
                                                   "\", which is not declared under categories"));
    }
    if (!coordination_ids_.insert(decl.rule.id).second) {
      Error(decl.at, absl::StrCat(what, " is declared twice"));
    }
  }

  void CheckLead(const LeadDecl& decl) {
    CheckParty(decl.may_lead, "\"lead\" may_lead", decl.at);
    CheckParty(decl.informs, "\"lead\" informs", decl.at);
    if (!decl.legal_basis_id.empty() && !bases_.contains(decl.legal_basis_id)) {
      Error(decl.legal_basis_at, absl::StrCat("\"lead\" cites legal basis \"", decl.legal_basis_id,
                                              "\", which is not declared under legal_bases"));
    }
  }

  const PolicyDocument& doc_;
  std::vector<Diagnostic>& out_;
  std::set<std::string> kinds_, categories_, bases_, coordination_ids_;
  std::map<std::string, std::string> org_kind_;
  std::set<std::string> regions_;  // the policy's and its organisations'
};

}  // namespace

void ValidatePolicy(const PolicyDocument& doc, std::vector<Diagnostic>& diagnostics) {
  Validator(doc, diagnostics).Run();
}

}  // namespace samenloop::policy
