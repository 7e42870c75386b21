#include "policy/policy_parser.h"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/duration.h"
#include "yaml-cpp/yaml.h"

namespace samenloop::policy {
namespace {

constexpr MatchKind kAllMatchKinds[] = {MatchKind::kSubject, MatchKind::kHouseholdRelated,
                                        MatchKind::kHouseholdSharedRelated};
constexpr Relation kAllRelations[] = {Relation::kParent,          Relation::kChild,       Relation::kSibling,
                                      Relation::kPartner,         Relation::kExPartner,   Relation::kHouseholdMember,
                                      Relation::kGrandparent,     Relation::kGrandchild};
constexpr AgeBand kAllAgeBands[] = {AgeBand::kUnspecified, AgeBand::k0To11,  AgeBand::k12To15,
                                    AgeBand::k16To17,      AgeBand::k18To22, AgeBand::k23Plus};
constexpr Nature kAllNatures[] = {Nature::kUnspecified, Nature::kFact, Nature::kSuspicion, Nature::kConcern};
constexpr Severity kAllSeverities[] = {Severity::kUnspecified, Severity::kLow, Severity::kElevated,
                                       Severity::kHigh, Severity::kAcute};
constexpr DisclosureLevel kGrantableLevels[] = {DisclosureLevel::kExistenceAndContact,
                                                DisclosureLevel::kCategory, DisclosureLevel::kDetails};

SourceLocation At(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// Where the value of `key` in `map` starts; unknown when the key is absent
// (yaml-cpp throws when asked for the mark of a missing node).
SourceLocation KeyAt(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  return node ? At(node.Mark()) : SourceLocation{};
}

// Walks the YAML tree and records every structural problem; never throws.
class Reader {
 public:
  Reader(std::string file, std::vector<Diagnostic>& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  void Error(SourceLocation at, std::string message) {
    diagnostics_.push_back({Diagnostic::Severity::kError, file_, at, std::move(message)});
  }

  // Reports every key of `map` not in `allowed`, naming what is allowed.
  bool CheckMap(const YAML::Node& map, const char* what, std::initializer_list<const char*> allowed) {
    if (!map.IsMap()) {
      Error(At(map.Mark()), absl::StrCat(what, " must be a mapping of keys to values"));
      return false;
    }
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      bool known = false;
      for (const char* candidate : allowed) known = known || key == candidate;
      if (!known) {
        Error(At(entry.first.Mark()),
              absl::StrCat("unknown key \"", key, "\" in ", what, "; the keys allowed here are: ",
                           absl::StrJoin(allowed, ", ")));
      }
    }
    return true;
  }

  std::string Scalar(const YAML::Node& map, const char* key, const char* what, bool required) {
    const YAML::Node node = map[key];
    if (!node) {
      if (required) Error(At(map.Mark()), absl::StrCat(what, " needs the key \"", key, "\""));
      return "";
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, " must be a single non-empty value"));
      return "";
    }
    return node.Scalar();
  }

  // A scalar or a list of scalars.
  std::vector<std::pair<std::string, SourceLocation>> List(const YAML::Node& node, const char* key) {
    std::vector<std::pair<std::string, SourceLocation>> out;
    if (!node) return out;
    if (node.IsScalar()) {
      out.emplace_back(node.Scalar(), At(node.Mark()));
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        if (item.IsScalar()) {
          out.emplace_back(item.Scalar(), At(item.Mark()));
        } else {
          Error(At(item.Mark()), absl::StrCat("each entry of \"", key, "\" must be a single value"));
        }
      }
    } else {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" must be a value or a list of values"));
    }
    return out;
  }

  std::set<std::string> StringSet(const YAML::Node& node, const char* key) {
    std::set<std::string> out;
    for (auto& [value, at] : List(node, key)) out.insert(value);
    return out;
  }

  template <typename E, size_t N>
  std::set<E> EnumSet(const YAML::Node& node, const char* key, const E (&values)[N]) {
    std::set<E> out;
    for (auto& [text, at] : List(node, key)) {
      bool found = false;
      for (E value : values) {
        if (text == Name(value)) {
          out.insert(value);
          found = true;
        }
      }
      if (!found) {
        std::vector<std::string> names;
        for (E value : values) names.emplace_back(Name(value));
        Error(at, absl::StrCat("\"", text, "\" is not a valid value for \"", key, "\"; use one of: ",
                               absl::StrJoin(names, ", ")));
      }
    }
    return out;
  }

  absl::Duration Duration(const YAML::Node& map, const char* key, const char* what, absl::Duration fallback) {
    const YAML::Node node = map[key];
    if (!node) return fallback;
    absl::StatusOr<absl::Duration> duration = ParsePolicyDuration(node.IsScalar() ? node.Scalar() : "");
    if (!duration.ok()) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, ": ", duration.status().message()));
      return fallback;
    }
    return *duration;
  }

  absl::Time Date(const YAML::Node& map, const char* key, const char* what, absl::Time fallback) {
    const YAML::Node node = map[key];
    if (!node) return fallback;
    absl::StatusOr<absl::Time> date = ParsePolicyDate(node.IsScalar() ? node.Scalar() : "");
    if (!date.ok()) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, ": ", date.status().message()));
      return fallback;
    }
    return *date;
  }

  // Chooses one of `options` for `key`, or `fallback` when absent.
  template <typename T>
  T Choice(const YAML::Node& map, const char* key, const char* what,
           std::initializer_list<std::pair<const char*, T>> options, T fallback) {
    const YAML::Node node = map[key];
    if (!node) return fallback;
    std::vector<std::string> names;
    for (const auto& [name, value] : options) {
      if (node.IsScalar() && node.Scalar() == name) return value;
      names.emplace_back(name);
    }
    Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, " must be one of: ", absl::StrJoin(names, ", ")));
    return fallback;
  }

  PartySelector Party(const YAML::Node& map, const char* key, const char* what) {
    PartySelector party;
    const YAML::Node node = map[key];
    if (!node) return party;
    party.at = At(node.Mark());
    const std::string context = absl::StrCat("the ", key, " of ", what);
    if (!CheckMap(node, context.c_str(), {"organisations", "kinds"})) return party;
    party.organisations = StringSet(node["organisations"], "organisations");
    party.kinds = StringSet(node["kinds"], "kinds");
    return party;
  }

  RuleDecl Rule(const YAML::Node& node) {
    RuleDecl rule;
    rule.at = At(node.Mark());
    // Name the rule in every finding about it, when it has a usable id.
    const std::string named = node.IsMap() && node["id"] && node["id"].IsScalar()
                                  ? absl::StrCat("rule ", node["id"].Scalar())
                                  : std::string("a rule");
    if (!CheckMap(node, named.c_str(),
                  {"id", "effect", "description", "recipient", "source", "categories", "recipient_categories",
                   "match", "relations", "age_bands", "recipient_age_bands", "natures", "severities", "status",
                   "protected", "level", "legal_basis", "consent", "objection", "effective_from",
                   "effective_until"})) {
      return rule;
    }
    rule.id = Scalar(node, "id", "a rule", true);
    const std::string what = rule.id.empty() ? std::string("a rule") : absl::StrCat("rule ", rule.id);
    const char* w = what.c_str();
    rule.effect = Choice<RuleEffect>(node, "effect", w, {{"permit", RuleEffect::kPermit}, {"forbid", RuleEffect::kForbid}},
                                     RuleEffect::kPermit);
    if (!node["effect"]) Error(rule.at, absl::StrCat(what, " needs the key \"effect\" (permit or forbid)"));
    if (node["description"]) rule.description = Scalar(node, "description", w, false);
    rule.recipient = Party(node, "recipient", w);
    rule.source = Party(node, "source", w);
    rule.categories = StringSet(node["categories"], "categories");
    rule.categories_at = KeyAt(node, "categories");
    rule.recipient_categories = StringSet(node["recipient_categories"], "recipient_categories");
    rule.recipient_categories_at = KeyAt(node, "recipient_categories");
    // "household" is shorthand for both household match kinds.
    for (auto& [text, at] : List(node["match"], "match")) {
      if (text == "household") {
        rule.match_kinds.insert(MatchKind::kHouseholdRelated);
        rule.match_kinds.insert(MatchKind::kHouseholdSharedRelated);
        continue;
      }
      bool found = false;
      for (MatchKind kind : kAllMatchKinds) {
        if (text == Name(kind)) {
          rule.match_kinds.insert(kind);
          found = true;
        }
      }
      if (!found) {
        Error(at, absl::StrCat("\"", text, "\" is not a valid value for \"match\"; use one of: subject, household, "
                               "household_related, household_shared_related"));
      }
    }
    rule.match_at = KeyAt(node, "match");
    rule.relations = EnumSet(node["relations"], "relations", kAllRelations);
    rule.relations_at = KeyAt(node, "relations");
    rule.age_bands = EnumSet(node["age_bands"], "age_bands", kAllAgeBands);
    rule.recipient_age_bands = EnumSet(node["recipient_age_bands"], "recipient_age_bands", kAllAgeBands);
    rule.natures = EnumSet(node["natures"], "natures", kAllNatures);
    rule.severities = EnumSet(node["severities"], "severities", kAllSeverities);
    const int status = Choice<int>(node, "status", w, {{"any", 0}, {"open", 1}, {"closed", 2}}, 0);
    rule.open_only = status == 1;
    rule.closed_only = status == 2;
    rule.protected_filter = Choice<ProtectedFilter>(
        node, "protected", w,
        {{"exclude", ProtectedFilter::kUnprotectedOnly}, {"include", ProtectedFilter::kAny}, {"only", ProtectedFilter::kProtectedOnly}},
        ProtectedFilter::kUnprotectedOnly);
    if (rule.effect == RuleEffect::kForbid && !node["protected"]) {
      // A forbid reads "never disclose X": by default it covers protected
      // signals too, or forbidding would be weaker for the most sensitive.
      rule.protected_filter = ProtectedFilter::kAny;
    }
    if (rule.effect == RuleEffect::kPermit) {
      const YAML::Node level = node["level"];
      if (!level) {
        Error(rule.at, absl::StrCat(what, " permits a disclosure and needs a \"level\": existence_and_contact, "
                                    "category or details"));
      } else {
        bool found = false;
        for (DisclosureLevel candidate : kGrantableLevels) {
          if (level.IsScalar() && level.Scalar() == Name(candidate)) {
            rule.level = candidate;
            found = true;
          }
        }
        if (!found) {
          Error(At(level.Mark()), "\"level\" must be one of: existence_and_contact, category, details");
        }
      }
      rule.legal_basis = Scalar(node, "legal_basis", w, true);
    } else {
      if (node["level"]) Error(KeyAt(node, "level"), absl::StrCat(what, " forbids; a forbid rule has no \"level\""));
      if (node["consent"]) {
        Error(KeyAt(node, "consent"), absl::StrCat(what, " forbids; consent cannot lift a forbid rule"));
      }
      if (node["objection"]) Error(KeyAt(node, "objection"), absl::StrCat(what, " forbids; \"objection\" applies to permits"));
      if (node["legal_basis"]) rule.legal_basis = Scalar(node, "legal_basis", w, false);
    }
    rule.legal_basis_at = KeyAt(node, "legal_basis");
    rule.needs_consent =
        Choice<bool>(node, "consent", w, {{"required", true}, {"not_required", false}}, false);
    rule.objection_stops =
        Choice<bool>(node, "objection", w, {{"stops", true}, {"does_not_stop", false}}, true);
    rule.effective_from = Date(node, "effective_from", w, absl::InfinitePast());
    rule.effective_until = Date(node, "effective_until", w, absl::InfiniteFuture());
    rule.effective_at = (node["effective_from"] ? KeyAt(node, "effective_from") : KeyAt(node, "effective_until"));
    if (rule.effective_at.line == 0) rule.effective_at = rule.at;
    return rule;
  }

  CoordinationDecl Coordination(const YAML::Node& node) {
    CoordinationDecl decl;
    decl.at = At(node.Mark());
    if (!CheckMap(node, "a coordination rule",
                  {"id", "description", "coordinator", "legal_basis", "min_organisations", "window",
                   "closed_category"})) {
      return decl;
    }
    decl.rule.id = Scalar(node, "id", "a coordination rule", true);
    const std::string what = absl::StrCat("coordination rule ", decl.rule.id);
    decl.rule.coordinator = Scalar(node, "coordinator", what.c_str(), true);
    decl.coordinator_at = KeyAt(node, "coordinator");
    decl.legal_basis_id = Scalar(node, "legal_basis", what.c_str(), true);
    decl.legal_basis_at = KeyAt(node, "legal_basis");
    if (const YAML::Node min = node["min_organisations"]; min) {
      int value = 0;
      if (!YAML::convert<int>::decode(min, value) || value < 2 || value > 100) {
        Error(At(min.Mark()), "\"min_organisations\" must be a whole number from 2 to 100");
      } else {
        decl.rule.min_organisations = value;
      }
    }
    decl.rule.window = Duration(node, "window", what.c_str(), absl::InfiniteDuration());
    if (node["closed_category"]) decl.rule.closed_category = Scalar(node, "closed_category", what.c_str(), false);
    decl.closed_category_at = KeyAt(node, "closed_category");
    if (decl.rule.min_organisations == 0 && decl.rule.closed_category.empty()) {
      Error(decl.at, absl::StrCat(what, " needs \"min_organisations\" or \"closed_category\" to say when it fires"));
    }
    return decl;
  }

  void Document(const YAML::Node& root, PolicyDocument& doc) {
    if (!CheckMap(root, "the policy file",
                  {"version", "region", "organisation_kinds", "organisations", "categories", "legal_bases",
                   "consent", "rules", "coordination"})) {
      return;
    }
    doc.version = Scalar(root, "version", "the policy file", true);
    if (root["region"]) doc.region = Scalar(root, "region", "the policy file", false);
    for (auto& [kind, at] : List(root["organisation_kinds"], "organisation_kinds")) {
      doc.organisation_kinds.push_back(kind);
    }
    ForEach(root, "organisations", [&](const YAML::Node& node) {
      if (!CheckMap(node, "an organisation", {"id", "kind", "name"})) return;
      OrganisationDecl org;
      org.at = At(node.Mark());
      org.id = Scalar(node, "id", "an organisation", true);
      org.kind = Scalar(node, "kind", "an organisation", true);
      if (node["name"]) org.name = Scalar(node, "name", "an organisation", false);
      doc.organisations.push_back(std::move(org));
    });
    ForEach(root, "categories", [&](const YAML::Node& node) {
      if (!CheckMap(node, "a category", {"id", "name", "active", "visible"})) return;
      CategoryDecl category;
      category.at = At(node.Mark());
      category.id = Scalar(node, "id", "a category", true);
      if (node["name"]) category.name = Scalar(node, "name", "a category", false);
      const std::string what = absl::StrCat("category ", category.id);
      if (!node["active"] || !node["visible"]) {
        Error(category.at, absl::StrCat(what, " needs \"active\" and \"visible\" retention periods (e.g. 1y and 5y)"));
      }
      category.retention.active = Duration(node, "active", what.c_str(), category.retention.active);
      category.retention.visible = Duration(node, "visible", what.c_str(), category.retention.visible);
      if (node["active"] && category.retention.active <= absl::ZeroDuration()) {
        Error(KeyAt(node, "active"), absl::StrCat(what, ": the active period must be longer than zero days"));
      }
      doc.categories.push_back(std::move(category));
    });
    ForEach(root, "legal_bases", [&](const YAML::Node& node) {
      if (!CheckMap(node, "a legal basis", {"id", "citation", "description"})) return;
      LegalBasisDecl basis;
      basis.at = At(node.Mark());
      basis.id = Scalar(node, "id", "a legal basis", true);
      basis.citation = Scalar(node, "citation", "a legal basis", true);
      if (node["description"]) basis.description = Scalar(node, "description", "a legal basis", false);
      doc.legal_bases.push_back(std::move(basis));
    });
    if (const YAML::Node consent = root["consent"]; consent && CheckMap(consent, "\"consent\"", {"parents"})) {
      doc.parental_consent = Choice<ParentalConsent>(
          consent, "parents", "\"consent\"",
          {{"both_required", ParentalConsent::kBothRequired}, {"either_sufficient", ParentalConsent::kEitherSufficient}},
          ParentalConsent::kBothRequired);
    }
    ForEach(root, "rules", [&](const YAML::Node& node) { doc.rules.push_back(Rule(node)); });
    ForEach(root, "coordination", [&](const YAML::Node& node) { doc.coordination.push_back(Coordination(node)); });
  }

 private:
  template <typename F>
  void ForEach(const YAML::Node& root, const char* key, F&& f) {
    const YAML::Node list = root[key];
    if (!list) return;
    if (!list.IsSequence()) {
      Error(At(list.Mark()), absl::StrCat("\"", key, "\" must be a list (each entry starting with \"- \")"));
      return;
    }
    for (const YAML::Node& item : list) f(item);
  }

  std::string file_;
  std::vector<Diagnostic>& diagnostics_;
};

}  // namespace

PolicyDocument ParsePolicyYaml(absl::string_view yaml_text, absl::string_view file_name,
                               std::vector<Diagnostic>& diagnostics) {
  const size_t first = diagnostics.size();
  PolicyDocument doc;
  doc.file = std::string(file_name);
  Reader reader(doc.file, diagnostics);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root || root.IsNull()) {
      reader.Error({1, 1}, "the policy file is empty");
      return doc;
    }
    reader.Document(root, doc);
  } catch (const YAML::Exception& e) {
    reader.Error(At(e.mark), absl::StrCat("this is not valid YAML: ", e.msg));
  }
  // In file order, as an editor lists them.
  std::stable_sort(diagnostics.begin() + static_cast<std::ptrdiff_t>(first), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
                   });
  return doc;
}

}  // namespace samenloop::policy
