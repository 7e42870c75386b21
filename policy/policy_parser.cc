#include "policy/policy_parser.h"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/yaml_reader.h"

namespace samenloop::policy {
namespace {

class Reader : public YamlReader {
 public:
  using YamlReader::YamlReader;

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
                   "match", "relations", "age_bands", "recipient_age_bands", "natures", "severities",
                   "legal_frameworks", "recipient_legal_frameworks", "subject_roles", "status", "protected", "level",
                   "legal_basis", "consent", "objection", "notify_changes", "effective_from", "effective_until"})) {
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
    rule.legal_frameworks = EnumSet(node["legal_frameworks"], "legal_frameworks", kAllLegalFrameworks);
    rule.recipient_legal_frameworks =
        EnumSet(node["recipient_legal_frameworks"], "recipient_legal_frameworks", kAllLegalFrameworks);
    rule.subject_roles = EnumSet(node["subject_roles"], "subject_roles", kAllPersonRoles);
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
    if (node["notify_changes"]) {
      if (rule.effect == RuleEffect::kForbid) {
        Error(KeyAt(node, "notify_changes"),
              absl::StrCat(what, " forbids; \"notify_changes\" applies to permits"));
      }
      // An empty list is an explicit "tell of no changes".
      rule.notify_changes = 0;
      for (ChangeKind change : EnumSet(node["notify_changes"], "notify_changes", kAllChangeKinds)) {
        rule.notify_changes |= Bit(change);
      }
    }
    rule.notify_changes_at = KeyAt(node, "notify_changes");
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
                  {"id", "description", "coordinator", "coordinators", "legal_basis", "scope", "level",
                   "min_organisations", "window", "closed_category", "out_of_view", "history_category",
                   "waiting_longer_than", "move"})) {
      return decl;
    }
    decl.rule.id = Scalar(node, "id", "a coordination rule", true);
    const std::string what = absl::StrCat("coordination rule ", decl.rule.id);
    if (const YAML::Node per_region = node["coordinators"]; per_region) {
      // One coordinator per region: { REGION: ORGANISATION, ... }.
      decl.coordinators_at = KeyAt(node, "coordinators");
      if (node["coordinator"]) {
        Error(decl.coordinators_at, absl::StrCat(what, " has both \"coordinator\" and \"coordinators\"; use one: "
                                                 "\"coordinators\" names one per region"));
      } else if (!per_region.IsMap() || per_region.size() == 0) {
        Error(At(per_region.Mark()), absl::StrCat("\"coordinators\" in ", what,
                                                  " must map regions to organisations, e.g. { amsterdam: zvh-amsterdam }"));
      } else {
        for (const auto& entry : per_region) {
          if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
            Error(At(entry.first.Mark()), absl::StrCat("\"coordinators\" in ", what, ": each region names one organisation"));
            continue;
          }
          decl.coordinators.emplace_back(entry.first.Scalar(), entry.second.Scalar());
        }
      }
    } else {
      decl.rule.coordinator = Scalar(node, "coordinator", what.c_str(), true);
      decl.coordinator_at = KeyAt(node, "coordinator");
    }
    decl.legal_basis_id = Scalar(node, "legal_basis", what.c_str(), true);
    decl.legal_basis_at = KeyAt(node, "legal_basis");
    decl.rule.scope = Choice<CoordinationRule::Scope>(
        node, "scope", what.c_str(),
        {{"person", CoordinationRule::Scope::kPerson}, {"household", CoordinationRule::Scope::kHousehold}},
        CoordinationRule::Scope::kPerson);
    decl.rule.level = Choice<DisclosureLevel>(
        node, "level", what.c_str(),
        {{"existence_and_contact", DisclosureLevel::kExistenceAndContact}, {"category", DisclosureLevel::kCategory}},
        DisclosureLevel::kExistenceAndContact);
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
    decl.rule.waiting_longer_than =
        Duration(node, "waiting_longer_than", what.c_str(), absl::ZeroDuration());
    decl.rule.out_of_view = Choice<bool>(node, "out_of_view", what.c_str(), {{"true", true}, {"false", false}}, false);
    if (node["history_category"]) decl.rule.history_category = Scalar(node, "history_category", what.c_str(), false);
    decl.history_category_at = KeyAt(node, "history_category");
    decl.rule.move = Choice<bool>(node, "move", what.c_str(), {{"true", true}, {"false", false}}, false);
    const bool on_arrival = decl.rule.min_organisations != 0 || !decl.rule.closed_category.empty() ||
                            decl.rule.waiting_longer_than > absl::ZeroDuration();
    if (decl.rule.move && (on_arrival || decl.rule.out_of_view)) {
      Error(decl.at, absl::StrCat(what, " is a move rule, which fires when a signal comes from another region; "
                                  "it cannot also have other conditions"));
      return decl;
    }
    if (decl.rule.move && decl.coordinators.empty()) {
      Error(decl.at, absl::StrCat(what, " is a move rule: it needs \"coordinators\", one per region"));
      return decl;
    }
    if (decl.rule.move) return decl;
    if (decl.rule.out_of_view && on_arrival) {
      Error(decl.at, absl::StrCat(what, " is an out_of_view rule, which fires when the last open signal closes; "
                                  "it cannot also have \"min_organisations\", \"closed_category\" or \"waiting_longer_than\""));
    } else if (!decl.rule.history_category.empty() && !decl.rule.out_of_view) {
      Error(decl.history_category_at, absl::StrCat(what, ": \"history_category\" belongs to out_of_view rules"));
    } else if (!on_arrival && !decl.rule.out_of_view) {
      Error(decl.at, absl::StrCat(what, " needs \"min_organisations\", \"closed_category\", "
                                  "\"waiting_longer_than\", \"out_of_view\" or \"move\" to say when it fires"));
    }
    return decl;
  }

  LeadDecl Lead(const YAML::Node& node) {
    LeadDecl decl;
    decl.present = true;
    decl.at = At(node.Mark());
    if (!CheckMap(node, "\"lead\"", {"description", "may_lead", "informs", "tell_coordinators", "legal_basis"})) {
      return decl;
    }
    if (node["description"]) decl.description = Scalar(node, "description", "\"lead\"", false);
    const size_t errors_before = DiagnosticCount();
    decl.may_lead = Party(node, "may_lead", "\"lead\"");
    if (decl.may_lead.IsAny() && DiagnosticCount() == errors_before) {
      // Default deny: a section that names nobody would read as "anyone".
      Error(node["may_lead"] ? decl.may_lead.at : decl.at,
            "\"lead\" needs \"may_lead\" naming the organisations or kinds that may take the lead");
    }
    decl.informs = Party(node, "informs", "\"lead\"");
    decl.tell_coordinators =
        Choice<bool>(node, "tell_coordinators", "\"lead\"", {{"true", true}, {"false", false}}, true);
    decl.legal_basis_id = Scalar(node, "legal_basis", "\"lead\"", true);
    decl.legal_basis_at = KeyAt(node, "legal_basis");
    return decl;
  }

  void Document(const YAML::Node& root, PolicyDocument& doc) {
    if (!CheckMap(root, "the policy file",
                  {"version", "region", "organisation_kinds", "organisations", "categories", "legal_bases",
                   "consent", "rules", "coordination", "lead"})) {
      return;
    }
    doc.version = Scalar(root, "version", "the policy file", true);
    if (root["region"]) doc.region = Scalar(root, "region", "the policy file", false);
    for (auto& [kind, at] : List(root["organisation_kinds"], "organisation_kinds")) {
      doc.organisation_kinds.push_back(kind);
    }
    ForEach(root, "organisations", [&](const YAML::Node& node) {
      if (!CheckMap(node, "an organisation", {"id", "kind", "name", "region"})) return;
      OrganisationDecl org;
      org.at = At(node.Mark());
      org.id = Scalar(node, "id", "an organisation", true);
      org.kind = Scalar(node, "kind", "an organisation", true);
      if (node["name"]) org.name = Scalar(node, "name", "an organisation", false);
      if (node["region"]) org.region = Scalar(node, "region", "an organisation", false);
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
    if (const YAML::Node lead = root["lead"]; lead) doc.lead = Lead(lead);
  }

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
