#include "policy/policy_diff.h"

#include <algorithm>
#include <functional>
#include <tuple>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace samenloop::policy {
namespace {

// A condition rules can narrow, split into classes of values that every
// rule of both files treats alike.
struct Dimension {
  std::string name;
  std::vector<std::string> labels;                     // per class: its values, e.g. "0-11,12-15"
  std::function<void(MatchCandidate&, size_t)> apply;  // sets a representative of a class
};

// Groups `values` by which rules admit them; `admits(rule, value)`.
template <typename V>
std::vector<std::vector<V>> Classes(const std::vector<V>& values, const std::vector<const RuleDecl*>& rules,
                                    const std::function<bool(const RuleDecl&, const V&)>& admits) {
  std::map<std::vector<bool>, std::vector<V>> by_signature;
  std::vector<std::vector<bool>> order;
  for (const V& value : values) {
    std::vector<bool> signature;
    for (const RuleDecl* rule : rules) signature.push_back(admits(*rule, value));
    auto [it, inserted] = by_signature.try_emplace(signature);
    if (inserted) order.push_back(signature);
    it->second.push_back(value);
  }
  std::vector<std::vector<V>> out;
  for (const auto& signature : order) out.push_back(by_signature[signature]);
  return out;
}

template <typename E, size_t N>
Dimension EnumDimension(const std::string& name, const E (&all)[N], const std::vector<const RuleDecl*>& rules,
                        std::set<E> RuleDecl::*member, std::function<void(MatchCandidate&, E)> set) {
  std::vector<E> values(std::begin(all), std::end(all));
  auto classes = Classes<E>(values, rules, [member](const RuleDecl& r, const E& v) {
    return (r.*member).empty() || (r.*member).contains(v);
  });
  Dimension d;
  d.name = name;
  std::vector<E> representatives;
  for (const auto& cls : classes) {
    std::vector<std::string> names;
    for (E v : cls) names.emplace_back(Name(v));
    d.labels.push_back(absl::StrJoin(names, ","));
    representatives.push_back(cls.front());
  }
  d.apply = [representatives, set](MatchCandidate& c, size_t i) { set(c, representatives[i]); };
  return d;
}

std::vector<Dimension> Dimensions(const RulePolicy& a, const RulePolicy& b, const std::vector<std::string>& categories) {
  std::vector<const RuleDecl*> rules;
  for (const RuleDecl& r : a.document().rules) rules.push_back(&r);
  for (const RuleDecl& r : b.document().rules) rules.push_back(&r);
  std::vector<Dimension> dims;
  dims.push_back(EnumDimension<Relation>("relation", kAllRelations, rules, &RuleDecl::relations,
                                         [](MatchCandidate& c, Relation v) { c.relation = v; }));
  dims.push_back(EnumDimension<AgeBand>("age band", kAllAgeBands, rules, &RuleDecl::age_bands,
                                        [](MatchCandidate& c, AgeBand v) { c.other.age_band = v; }));
  dims.push_back(EnumDimension<AgeBand>("recipient's age band", kAllAgeBands, rules, &RuleDecl::recipient_age_bands,
                                        [](MatchCandidate& c, AgeBand v) { c.recipient.age_band = v; }));
  dims.push_back(EnumDimension<Nature>("nature", kAllNatures, rules, &RuleDecl::natures,
                                       [](MatchCandidate& c, Nature v) { c.other.nature = v; }));
  dims.push_back(EnumDimension<Severity>("severity", kAllSeverities, rules, &RuleDecl::severities,
                                         [](MatchCandidate& c, Severity v) { c.other.severity = v; }));
  dims.push_back(EnumDimension<LegalFramework>(
      "legal framework", kAllLegalFrameworks, rules, &RuleDecl::legal_frameworks,
      [](MatchCandidate& c, LegalFramework v) { c.other.legal_framework = v; }));
  dims.push_back(EnumDimension<LegalFramework>(
      "recipient's legal framework", kAllLegalFrameworks, rules, &RuleDecl::recipient_legal_frameworks,
      [](MatchCandidate& c, LegalFramework v) { c.recipient.legal_framework = v; }));
  dims.push_back(EnumDimension<PersonRole>("subject's role", kAllPersonRoles, rules, &RuleDecl::subject_roles,
                                           [](MatchCandidate& c, PersonRole v) { c.other.subject_role = v; }));
  {
    auto classes = Classes<std::string>(categories, rules, [](const RuleDecl& r, const std::string& v) {
      return r.recipient_categories.empty() || r.recipient_categories.contains(v);
    });
    Dimension d{"recipient's category", {}, nullptr};
    std::vector<std::string> reps;
    for (const auto& cls : classes) {
      d.labels.push_back(absl::StrJoin(cls, ","));
      reps.push_back(cls.front());
    }
    d.apply = [reps](MatchCandidate& c, size_t i) { c.recipient.category = reps[i]; };
    dims.push_back(std::move(d));
  }
  {
    auto classes = Classes<bool>({false, true}, rules, [](const RuleDecl& r, const bool& closed) {
      return closed ? !r.open_only : !r.closed_only;
    });
    Dimension d{"status", {}, nullptr};
    std::vector<bool> reps;
    for (const auto& cls : classes) {
      std::vector<std::string> names;
      for (bool v : cls) names.emplace_back(v ? "closed" : "open");
      d.labels.push_back(absl::StrJoin(names, ","));
      reps.push_back(cls.front());
    }
    d.apply = [reps](MatchCandidate& c, size_t i) { c.other.closed = reps[i]; };
    dims.push_back(std::move(d));
  }
  {
    auto classes = Classes<bool>({false, true}, rules, [](const RuleDecl& r, const bool& p) {
      return p ? r.protected_filter != ProtectedFilter::kUnprotectedOnly
               : r.protected_filter != ProtectedFilter::kProtectedOnly;
    });
    Dimension d{"protected", {}, nullptr};
    std::vector<bool> reps;
    for (const auto& cls : classes) {
      std::vector<std::string> names;
      for (bool v : cls) names.emplace_back(v ? "yes" : "no");
      d.labels.push_back(absl::StrJoin(names, ","));
      reps.push_back(cls.front());
    }
    d.apply = [reps](MatchCandidate& c, size_t i) { c.other.is_protected = reps[i]; };
    dims.push_back(std::move(d));
  }
  {
    // A guardian's record counts at every age, so one record stands for
    // "consent given" or "objection" whatever the age band.
    bool consent_matters = false;
    for (const RuleDecl* r : rules) consent_matters |= r->effect == RuleEffect::kPermit && (r->needs_consent || r->objection_stops);
    Dimension d{"consent", {"none"}, nullptr};
    if (consent_matters) d.labels = {"none", "given", "objection"};
    d.apply = [](MatchCandidate& c, size_t i) {
      c.consents.clear();
      if (i == 0) return;
      ConsentFacts record;
      record.consent_id = i == 1 ? "(a consent)" : "(an objection)";
      record.kind = i == 1 ? ConsentKind::kConsent : ConsentKind::kObjection;
      record.given_by = ConsentGiver::kGuardian;
      record.giver_key = "guardian";
      c.consents.push_back(record);
    };
    dims.push_back(std::move(d));
  }
  return dims;
}

struct Row {
  AccessChange change;
  std::vector<std::set<size_t>> classes;  // per dimension
};

std::string KeyWithout(const Row& row, size_t skip) {
  std::string key = absl::StrCat(row.change.recipient, "|", row.change.source, "|", row.change.category, "|",
                                 row.change.match, "|", static_cast<int>(row.change.before), "|",
                                 static_cast<int>(row.change.after), "|", absl::StrJoin(row.change.rules_before, ","),
                                 "|", absl::StrJoin(row.change.rules_after, ","));
  for (size_t d = 0; d < row.classes.size(); ++d) {
    if (d == skip) continue;
    absl::StrAppend(&key, "|", absl::StrJoin(row.classes[d], ","));
  }
  return key;
}

}  // namespace

std::vector<AccessChange> DiffPolicies(const RulePolicy& before, const RulePolicy& after, absl::Time at) {
  // Organisations and categories of either file, with their kinds.
  std::map<std::string, std::string> organisations;
  for (const RulePolicy* p : {&before, &after}) {
    for (const OrganisationDecl& o : p->document().organisations) organisations.emplace(o.id, o.kind);
  }
  std::set<std::string> category_set;
  for (const RulePolicy* p : {&before, &after}) {
    for (const CategoryDecl& c : p->document().categories) category_set.insert(c.id);
  }
  const std::vector<std::string> categories(category_set.begin(), category_set.end());
  const std::vector<Dimension> dims = Dimensions(before, after, categories);

  std::vector<Row> rows;
  std::vector<size_t> index(dims.size());
  for (const auto& [recipient, recipient_kind] : organisations) {
    for (const auto& [source, source_kind] : organisations) {
      if (recipient == source) continue;
      for (const std::string& category : categories) {
        for (MatchKind kind : kAllMatchKinds) {
          MatchCandidate c;
          c.recipient.organisation_id = recipient;
          c.recipient.organisation_kind = recipient_kind;
          c.other.organisation_id = source;
          c.other.organisation_kind = source_kind;
          c.other.category = category;
          c.kind = kind;
          c.decision_time = at;
          // Every combination of classes (the relation only for
          // household_related matches, where it exists).
          std::fill(index.begin(), index.end(), 0);
          while (true) {
            for (size_t d = 0; d < dims.size(); ++d) dims[d].apply(c, index[d]);
            if (kind != MatchKind::kHouseholdRelated) c.relation = Relation::kNone;
            const Decision was = before.Decide(c);
            const Decision now = after.Decide(c);
            if (was.level != now.level) {
              Row row;
              row.change = {recipient, source, category, Name(kind), {}, was.level, now.level,
                            was.rule_ids, now.rule_ids};
              for (size_t d = 0; d < dims.size(); ++d) row.classes.push_back({index[d]});
              rows.push_back(std::move(row));
            }
            size_t d = 0;
            for (; d < dims.size(); ++d) {
              const size_t limit = (d == 0 && kind != MatchKind::kHouseholdRelated) ? 1 : dims[d].labels.size();
              if (++index[d] < limit) break;
              index[d] = 0;
            }
            if (d == dims.size()) break;
          }
        }
      }
    }
  }

  // Merge rows that differ in one dimension only, one dimension at a time.
  for (size_t d = 0; d < dims.size(); ++d) {
    std::map<std::string, Row> merged;
    std::vector<std::string> order;
    for (Row& row : rows) {
      const std::string key = KeyWithout(row, d);
      auto [it, inserted] = merged.try_emplace(key, row);
      if (inserted) {
        order.push_back(key);
      } else {
        it->second.classes[d].insert(row.classes[d].begin(), row.classes[d].end());
      }
    }
    rows.clear();
    for (const std::string& key : order) rows.push_back(std::move(merged[key]));
  }

  std::vector<AccessChange> out;
  for (Row& row : rows) {
    for (size_t d = 0; d < dims.size(); ++d) {
      const bool relation_na = d == 0 && row.change.match != Name(MatchKind::kHouseholdRelated);
      if (relation_na || row.classes[d].size() == dims[d].labels.size()) continue;  // whatever it is
      std::vector<std::string> labels;
      for (size_t cls : row.classes[d]) labels.push_back(dims[d].labels[cls]);
      row.change.when.push_back(absl::StrCat(dims[d].name, ": ", absl::StrJoin(labels, ",")));
    }
    out.push_back(std::move(row.change));
  }
  std::sort(out.begin(), out.end(), [](const AccessChange& x, const AccessChange& y) {
    return std::tie(x.recipient, x.source, x.category, x.match, x.when) <
           std::tie(y.recipient, y.source, y.category, y.match, y.when);
  });
  return out;
}

}  // namespace samenloop::policy
