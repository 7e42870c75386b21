#include "policy/policy_cases.h"

#include <algorithm>
#include <map>
#include <set>

#include "policy/yaml_reader.h"

namespace samenloop::policy {
namespace {

class CaseReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  SimulatedSignal Signal(const YAML::Node& node, const PolicyCase& c) {
    SimulatedSignal s;
    s.at = At(node.Mark());
    s.opened = c.date;
    if (!CheckMap(node, "a signal",
                  {"key", "organisation", "subject", "category", "nature", "severity", "legal_framework", "role",
                   "status", "protected", "protected_against", "related", "opened"})) {
      return s;
    }
    s.key = Scalar(node, "key", "a signal", true);
    const std::string what = absl::StrCat("signal ", s.key);
    s.organisation = Scalar(node, "organisation", what.c_str(), true);
    s.subject = Scalar(node, "subject", what.c_str(), true);
    s.category = Scalar(node, "category", what.c_str(), true);
    s.nature = EnumChoice(node, "nature", what, kAllNatures, Nature::kUnspecified);
    s.severity = EnumChoice(node, "severity", what, kAllSeverities, Severity::kUnspecified);
    s.legal_framework = EnumChoice(node, "legal_framework", what, kAllLegalFrameworks, LegalFramework::kUnspecified);
    s.subject_role = EnumChoice(node, "role", what, kAllPersonRoles, PersonRole::kUnspecified);
    s.closed = Choice<bool>(node, "status", what.c_str(), {{"open", false}, {"closed", true}}, false);
    s.is_protected = Choice<bool>(node, "protected", what.c_str(), {{"true", true}, {"false", false}}, false);
    for (auto& [name, at] : List(node["protected_against"], "protected_against")) s.protected_against.push_back(name);
    if (const YAML::Node related = node["related"]; related) {
      if (!related.IsMap()) {
        Error(At(related.Mark()), absl::StrCat("\"related\" of ", what, " maps person names to relations, e.g. "
                                               "{ MOTHER: parent }"));
      } else {
        for (const auto& entry : related) {
          SimulatedRelated r;
          r.person = entry.first.Scalar();
          if (!entry.second.IsScalar() || !FromName(entry.second.Scalar(), kAllRelations, &r.relation)) {
            Error(At(entry.second.Mark()), absl::StrCat("the relation of ", r.person, " in ", what,
                                                        " must be one of: ", Names(kAllRelations)));
          }
          s.related.push_back(std::move(r));
        }
      }
    }
    s.opened = Date(node, "opened", what.c_str(), c.date);
    return s;
  }

  SimulatedConsent Consent(const YAML::Node& node, const PolicyCase& c) {
    SimulatedConsent consent;
    ConsentFacts& r = consent.record;
    if (!CheckMap(node, "a consent record",
                  {"id", "subject", "given_by", "giver", "kind", "recipient_organisation", "recipient_kind",
                   "categories", "valid_from", "valid_until"})) {
      return consent;
    }
    r.consent_id = Scalar(node, "id", "a consent record", true);
    const std::string what = absl::StrCat("consent record ", r.consent_id);
    consent.subject = Scalar(node, "subject", what.c_str(), true);
    r.given_by = Choice<ConsentGiver>(
        node, "given_by", what.c_str(),
        {{"subject", ConsentGiver::kSubject}, {"parent", ConsentGiver::kParentWithAuthority}, {"guardian", ConsentGiver::kGuardian}},
        ConsentGiver::kSubject);
    if (r.given_by != ConsentGiver::kSubject) {
      consent.giver = Scalar(node, "giver", what.c_str(), true);
      r.giver_key = consent.giver;
    }
    r.kind = Choice<ConsentKind>(node, "kind", what.c_str(),
                                 {{"consent", ConsentKind::kConsent}, {"objection", ConsentKind::kObjection}},
                                 ConsentKind::kConsent);
    if (!node["kind"]) Error(At(node.Mark()), absl::StrCat(what, " needs \"kind\": consent or objection"));
    if (node["recipient_organisation"]) r.recipient_organisation = Scalar(node, "recipient_organisation", what.c_str(), false);
    if (node["recipient_kind"]) r.recipient_kind = Scalar(node, "recipient_kind", what.c_str(), false);
    for (auto& [category, at] : List(node["categories"], "categories")) r.categories.push_back(category);
    r.valid_from = Date(node, "valid_from", what.c_str(), absl::InfinitePast());
    r.valid_until = Date(node, "valid_until", what.c_str(), absl::InfiniteFuture());
    (void)c;
    return consent;
  }

  // `{ close: KEY }`, `{ reopen: KEY }`, `{ update: KEY, severity: S,
  // nature: N, category: C }`, `{ revoke: KEY }`, `{ take_lead: KEY }`,
  // `{ handover: KEY, to: ORG }` or `{ release: KEY }`: one action a map,
  // like a signal.
  CaseStep Step(const YAML::Node& node) {
    CaseStep step;
    step.at = At(node.Mark());
    if (!CheckMap(node, "a step",
                  {"close", "reopen", "update", "severity", "nature", "category", "revoke", "take_lead", "handover",
                   "to", "release"})) {
      return step;
    }
    int actions = 0;
    for (auto [key, action] : {std::pair{"close", CaseStep::Action::kClose},
                               std::pair{"reopen", CaseStep::Action::kReopen},
                               std::pair{"update", CaseStep::Action::kUpdate},
                               std::pair{"revoke", CaseStep::Action::kRevoke},
                               std::pair{"take_lead", CaseStep::Action::kTakeLead},
                               std::pair{"handover", CaseStep::Action::kHandOver},
                               std::pair{"release", CaseStep::Action::kRelease}}) {
      if (!node[key]) continue;
      ++actions;
      step.action = action;
      step.key = Scalar(node, key, "a step", true);
    }
    if (actions != 1) {
      Error(step.at, "a step is one of { close: KEY }, { reopen: KEY }, { update: KEY, severity: S, ... }, "
                     "{ revoke: KEY }, { take_lead: KEY }, { handover: KEY, to: ORG } or { release: KEY }");
      return step;
    }
    const std::string what = absl::StrCat("the step on ", step.key);
    if (step.action == CaseStep::Action::kHandOver) {
      step.to = Scalar(node, "to", what.c_str(), true);
    } else if (node["to"]) {
      Error(At(node["to"].Mark()), "\"to\" belongs to a handover step only");
    }
    if (step.action != CaseStep::Action::kUpdate) {
      for (const char* key : {"severity", "nature", "category"}) {
        if (node[key]) Error(At(node[key].Mark()), absl::StrCat("\"", key, "\" belongs to an update step only"));
      }
      return step;
    }
    if (node["severity"]) step.severity = EnumChoice(node, "severity", what, kAllSeverities, Severity::kUnspecified);
    if (node["nature"]) step.nature = EnumChoice(node, "nature", what, kAllNatures, Nature::kUnspecified);
    if (node["category"]) step.category = Scalar(node, "category", what.c_str(), true);
    if (!step.severity && !step.nature && !step.category) {
      Error(step.at, absl::StrCat(what, " changes nothing: give severity, nature or category"));
    }
    return step;
  }

  PolicyCase Case(const YAML::Node& node) {
    PolicyCase c;
    c.at = At(node.Mark());
    if (!CheckMap(node, "a case", {"name", "date", "persons", "signals", "consents", "steps", "expect"})) return c;
    c.name = Scalar(node, "name", "a case", true);
    const std::string what = absl::StrCat("case \"", c.name, "\"");
    c.date = Date(node, "date", what.c_str(), absl::UnixEpoch());
    if (!node["date"]) Error(c.at, absl::StrCat(what, " needs a \"date\" (YYYY-MM-DD): rules are decided on a date"));
    if (const YAML::Node persons = node["persons"]; persons) {
      if (!persons.IsMap()) {
        Error(At(persons.Mark()), "\"persons\" maps names to age bands, e.g. { M: 23+, CHILD: 0-11 }");
      } else {
        for (const auto& entry : persons) {
          AgeBand band = AgeBand::kUnspecified;
          if (!entry.second.IsScalar() || !FromName(entry.second.Scalar(), kAllAgeBands, &band)) {
            Error(At(entry.second.Mark()), absl::StrCat("the age band of ", entry.first.Scalar(),
                                                        " must be one of: ", Names(kAllAgeBands)));
          }
          c.persons[entry.first.Scalar()] = band;
        }
      }
    }
    ForEach(node, "signals", [&](const YAML::Node& s) { c.signals.push_back(Signal(s, c)); });
    ForEach(node, "consents", [&](const YAML::Node& s) { c.consents.push_back(Consent(s, c)); });
    ForEach(node, "steps", [&](const YAML::Node& s) { c.steps.push_back(Step(s)); });
    if (!node["expect"]) {
      Error(c.at, absl::StrCat(what, " needs \"expect\": the notifications it must produce (an empty list for none)"));
    }
    ForEach(node, "expect", [&](const YAML::Node& line) {
      if (!line.IsScalar()) {
        Error(At(line.Mark()), "each expected notification is one line: \"RECIPIENT KEY <- ORG KEY MATCH LEVEL\"");
        return;
      }
      c.expect.emplace_back(line.Scalar(), At(line.Mark()));
    });
    return c;
  }

 private:
  template <typename E, size_t N>
  static std::string Names(const E (&values)[N]) {
    std::vector<std::string> names;
    for (E value : values) names.emplace_back(Name(value));
    return absl::StrJoin(names, ", ");
  }

  template <typename E, size_t N>
  E EnumChoice(const YAML::Node& node, const char* key, const std::string& what, const E (&values)[N], E fallback) {
    const YAML::Node value = node[key];
    if (!value) return fallback;
    E out = fallback;
    if (!value.IsScalar() || !FromName(value.Scalar(), values, &out)) {
      Error(At(value.Mark()), absl::StrCat("\"", key, "\" of ", what, " must be one of: ", Names(values)));
    }
    return out;
  }
};

}  // namespace

std::vector<PolicyCase> ParsePolicyCases(absl::string_view yaml_text, absl::string_view file_name,
                                         std::vector<Diagnostic>& diagnostics) {
  std::vector<PolicyCase> cases;
  CaseReader reader(std::string(file_name), diagnostics);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root || root.IsNull()) {
      reader.Error({1, 1}, "the cases file is empty");
      return cases;
    }
    if (!reader.CheckMap(root, "the cases file", {"cases"})) return cases;
    reader.ForEach(root, "cases", [&](const YAML::Node& node) { cases.push_back(reader.Case(node)); });
  } catch (const YAML::Exception& e) {
    reader.Error(At(e.mark), absl::StrCat("this is not valid YAML: ", e.msg));
  }
  return cases;
}

void CheckPolicyCases(const RulePolicy& policy, const std::vector<PolicyCase>& cases, absl::string_view file_name,
                      std::vector<Diagnostic>& diagnostics) {
  auto error = [&](SourceLocation at, std::string message) {
    diagnostics.push_back({Diagnostic::Severity::kError, std::string(file_name), at, std::move(message)});
  };
  for (const PolicyCase& c : cases) {
    std::set<std::string> keys;
    auto person = [&](const std::string& name, SourceLocation at, const std::string& what) {
      if (!name.empty() && !c.persons.contains(name)) {
        error(at, absl::StrCat(what, " names person ", name, ", who is not listed under \"persons\""));
      }
    };
    for (const SimulatedSignal& s : c.signals) {
      const std::string what = absl::StrCat("signal ", s.key);
      if (!keys.insert(s.key).second) error(s.at, absl::StrCat(what, " appears twice in case \"", c.name, "\""));
      if (!s.organisation.empty() && policy.KindOf(s.organisation).empty()) {
        error(s.at, absl::StrCat(what, " comes from organisation \"", s.organisation,
                                 "\", which the policy does not declare"));
      }
      if (!s.category.empty() && !policy.KnowsCategory(s.category)) {
        error(s.at, absl::StrCat(what, " has category \"", s.category, "\", which the policy does not declare"));
      }
      person(s.subject, s.at, what);
      for (const SimulatedRelated& r : s.related) person(r.person, s.at, what);
      for (const std::string& p : s.protected_against) person(p, s.at, what);
    }
    // Steps in order, as the broker would accept them: only an open signal
    // closes, only a closed one reopens, nothing happens to a revoked one.
    // A lead step the broker would refuse is a line, not an error.
    std::map<std::string, bool> closed;
    std::map<std::string, std::string> organisation_of;
    std::set<std::string> revoked;
    for (const SimulatedSignal& s : c.signals) {
      closed[s.key] = s.closed;
      organisation_of[s.key] = s.organisation;
    }
    for (const CaseStep& step : c.steps) {
      auto it = closed.find(step.key);
      if (it == closed.end()) {
        error(step.at, absl::StrCat("the step names signal ", step.key, ", which is not among the case's signals"));
        continue;
      }
      if (revoked.contains(step.key)) {
        error(step.at, absl::StrCat("signal ", step.key, " is revoked here: no step can follow on it"));
        continue;
      }
      if (step.action == CaseStep::Action::kRevoke) revoked.insert(step.key);
      if (step.action == CaseStep::Action::kHandOver) {
        if (!step.to.empty() && policy.KindOf(step.to).empty()) {
          error(step.at, absl::StrCat("the handover names organisation \"", step.to,
                                      "\", which the policy does not declare"));
        } else if (step.to == organisation_of[step.key]) {
          error(step.at, absl::StrCat("the handover of ", step.key, " is to its own organisation; hand over to "
                                      "another one"));
        }
      }
      const bool lifecycle = step.action == CaseStep::Action::kClose || step.action == CaseStep::Action::kReopen ||
                             step.action == CaseStep::Action::kUpdate;
      if (!lifecycle) continue;
      if (step.action == CaseStep::Action::kClose && it->second) {
        error(step.at, absl::StrCat("signal ", step.key, " is already closed here: only an open signal closes"));
      }
      if (step.action == CaseStep::Action::kReopen && !it->second) {
        error(step.at, absl::StrCat("signal ", step.key, " is open here: only a closed signal is reopened"));
      }
      if (step.action != CaseStep::Action::kUpdate) it->second = step.action == CaseStep::Action::kClose;
      if (step.category && !policy.KnowsCategory(*step.category)) {
        error(step.at, absl::StrCat("the step gives signal ", step.key, " category \"", *step.category,
                                    "\", which the policy does not declare"));
      }
    }
    for (const SimulatedConsent& consent : c.consents) {
      const std::string what = absl::StrCat("consent record ", consent.record.consent_id);
      person(consent.subject, c.at, what);
      person(consent.giver, c.at, what);
    }
  }
}

}  // namespace samenloop::policy
