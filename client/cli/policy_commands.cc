// samenloop policy check | test | explain | diff: the privacy officer's
// tools, run locally with the broker's own policy engine (docs/policy-guide.md).
// `policy apply` and `policy show` talk to the broker (policy_admin_commands.cc).

#include <fstream>
#include <iomanip>
#include <sstream>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli/cli_context.h"
#include "client/cli/policy_json.h"
#include "policy/behaviour_diff.h"
#include "policy/explanation_text.h"
#include "policy/duration.h"
#include "policy/policy_cases.h"
#include "policy/policy_diff.h"
#include "policy/policy_test_runner.h"
#include "policy/rule_policy.h"

namespace samenloop::cli {
namespace {

using policy::Diagnostic;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) std::cerr << d.ToString() << "\n";
}

// Loads a policy file; prints its errors (and warnings) and returns null
// when it is not usable.
std::shared_ptr<const policy::RulePolicy> LoadOrReport(const std::string& path, bool print_warnings) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    Fail(text.status());
    return nullptr;
  }
  policy::LoadedPolicy loaded = policy::LoadPolicy(*text, path);
  if (loaded.policy == nullptr || print_warnings) PrintDiagnostics(loaded.diagnostics);
  return loaded.policy;
}

absl::StatusOr<absl::Time> DateOption(const std::string& date) {
  if (date.empty()) return absl::Now();
  absl::StatusOr<absl::Time> parsed = policy::ParsePolicyDate(date);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat("--date: ", parsed.status().message()));
  return parsed;
}

int RunCheck(const GlobalOptions& options, const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return Fail(text.status());
  policy::LoadedPolicy loaded = policy::LoadPolicy(*text, path);
  if (options.json) {
    std::cout << CheckResultJson(path, loaded) << "\n";
  } else {
    PrintDiagnostics(loaded.diagnostics);
    if (loaded.policy != nullptr) {
      const policy::PolicyDocument& doc = loaded.policy->document();
      std::cout << path << ": valid — version " << doc.version << ", " << doc.organisations.size()
                << " organisations, " << doc.categories.size() << " categories, " << doc.rules.size() << " rules, "
                << doc.coordination.size() << " coordination rules; hash " << loaded.policy->Version() << "\n";
    }
  }
  return loaded.policy != nullptr ? 0 : 1;
}

int RunTest(const std::string& policy_path, const std::string& cases_path) {
  std::shared_ptr<const policy::RulePolicy> loaded = LoadOrReport(policy_path, false);
  if (loaded == nullptr) return 1;
  absl::StatusOr<std::string> text = ReadFile(cases_path);
  if (!text.ok()) return Fail(text.status());
  std::vector<Diagnostic> diagnostics;
  std::vector<policy::PolicyCase> cases = policy::ParsePolicyCases(*text, cases_path, diagnostics);
  if (!policy::HasErrors(diagnostics)) policy::CheckPolicyCases(*loaded, cases, cases_path, diagnostics);
  if (policy::HasErrors(diagnostics)) {
    PrintDiagnostics(diagnostics);
    return 1;
  }
  int failed = 0;
  for (const policy::CaseResult& result : policy::RunPolicyCases(*loaded, cases)) {
    if (result.passed()) {
      std::cout << "PASS  " << result.name << "\n";
      continue;
    }
    ++failed;
    std::cout << "FAIL  " << result.name << " (" << cases_path << ":" << result.at.line << ")\n";
    for (const policy::CaseMismatch& m : result.missing) {
      std::cout << "  missing (" << cases_path << ":" << m.at.line << "): " << m.line << "\n" << m.explanation;
    }
    for (const policy::CaseMismatch& m : result.unexpected) {
      std::cout << "  not expected: " << m.line << "\n" << m.explanation;
    }
  }
  std::cout << cases.size() - static_cast<size_t>(failed) << " of " << cases.size() << " cases passed\n";
  return failed == 0 ? 0 : 1;
}

struct ExplainOptions {
  std::string policy_path, recipient, source, category, recipient_category, match = "subject", relation;
  std::string age_band = "unspecified", recipient_age_band = "unspecified", nature = "unspecified",
              severity = "unspecified", date;
  std::string legal_framework = "unspecified", recipient_legal_framework = "unspecified", subject_role = "unspecified";
  bool closed = false, is_protected = false, protected_against_recipient = false;
  std::vector<std::string> consents, objections;  // "subject", "parent:NAME", "guardian:NAME"
};

template <typename E, size_t N>
absl::StatusOr<E> EnumOption(const char* flag, const std::string& text, const E (&values)[N]) {
  E out{};
  if (policy::FromName(text, values, &out)) return out;
  std::vector<std::string> names;
  for (E v : values) names.emplace_back(policy::Name(v));
  return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", text, "\" is not one of ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<policy::ConsentFacts> GiverRecord(const std::string& text, policy::ConsentKind kind, int n) {
  policy::ConsentFacts record;
  record.kind = kind;
  record.consent_id = absl::StrCat(kind == policy::ConsentKind::kConsent ? "consent-" : "objection-", n);
  const size_t colon = text.find(':');
  const std::string who = text.substr(0, colon);
  if (who == "subject") {
    record.given_by = policy::ConsentGiver::kSubject;
  } else if (who == "parent" || who == "guardian") {
    record.given_by = who == "parent" ? policy::ConsentGiver::kParentWithAuthority : policy::ConsentGiver::kGuardian;
    if (colon == std::string::npos || colon + 1 == text.size()) {
      return absl::InvalidArgumentError(absl::StrCat("--consent/--objection: \"", text, "\": name the ", who,
                                                     ", e.g. ", who, ":mother"));
    }
    record.giver_key = text.substr(colon + 1);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--consent/--objection: \"", text,
                                                   "\" must be subject, parent:NAME or guardian:NAME"));
  }
  return record;
}

absl::StatusOr<policy::MatchCandidate> BuildCandidate(const policy::RulePolicy& p, const ExplainOptions& o) {
  policy::MatchCandidate c;
  c.recipient.organisation_id = o.recipient;
  c.recipient.organisation_kind = p.KindOf(o.recipient);
  c.recipient.category = o.recipient_category.empty() ? o.category : o.recipient_category;
  c.other.organisation_id = o.source;
  c.other.organisation_kind = p.KindOf(o.source);
  c.other.category = o.category;
  c.other.closed = o.closed;
  c.other.is_protected = o.is_protected;
  c.other_protects_against_recipient_subject = o.protected_against_recipient;
  absl::StatusOr<policy::MatchKind> kind = EnumOption("--match", o.match, policy::kAllMatchKinds);
  if (!kind.ok()) return kind.status();
  c.kind = *kind;
  if (!o.relation.empty()) {
    absl::StatusOr<policy::Relation> relation = EnumOption("--relation", o.relation, policy::kAllRelations);
    if (!relation.ok()) return relation.status();
    if (c.kind != policy::MatchKind::kHouseholdRelated) {
      return absl::InvalidArgumentError("--relation: only household_related matches have a relation (--match)");
    }
    c.relation = *relation;
  }
  for (auto [flag, text, out] : {std::tuple{"--age-band", &o.age_band, &c.other.age_band},
                                 std::tuple{"--recipient-age-band", &o.recipient_age_band, &c.recipient.age_band}}) {
    absl::StatusOr<policy::AgeBand> band = EnumOption(flag, *text, policy::kAllAgeBands);
    if (!band.ok()) return band.status();
    *out = *band;
  }
  absl::StatusOr<policy::Nature> nature = EnumOption("--nature", o.nature, policy::kAllNatures);
  if (!nature.ok()) return nature.status();
  c.other.nature = *nature;
  absl::StatusOr<policy::Severity> severity = EnumOption("--severity", o.severity, policy::kAllSeverities);
  if (!severity.ok()) return severity.status();
  c.other.severity = *severity;
  for (auto [flag, text, out] :
       {std::tuple{"--legal-framework", &o.legal_framework, &c.other.legal_framework},
        std::tuple{"--recipient-legal-framework", &o.recipient_legal_framework, &c.recipient.legal_framework}}) {
    absl::StatusOr<policy::LegalFramework> framework = EnumOption(flag, *text, policy::kAllLegalFrameworks);
    if (!framework.ok()) return framework.status();
    *out = *framework;
  }
  absl::StatusOr<policy::PersonRole> role = EnumOption("--subject-role", o.subject_role, policy::kAllPersonRoles);
  if (!role.ok()) return role.status();
  c.other.subject_role = *role;
  int n = 0;
  for (const std::string& text : o.consents) {
    absl::StatusOr<policy::ConsentFacts> r = GiverRecord(text, policy::ConsentKind::kConsent, ++n);
    if (!r.ok()) return r.status();
    c.consents.push_back(*r);
  }
  for (const std::string& text : o.objections) {
    absl::StatusOr<policy::ConsentFacts> r = GiverRecord(text, policy::ConsentKind::kObjection, ++n);
    if (!r.ok()) return r.status();
    c.consents.push_back(*r);
  }
  absl::StatusOr<absl::Time> at = DateOption(o.date);
  if (!at.ok()) return at.status();
  c.decision_time = *at;
  // Unknown names are not an error of the question but worth saying: they
  // can only match rules that name no organisation or category.
  if (c.recipient.organisation_kind.empty()) std::cerr << "note: the policy does not declare " << o.recipient << "\n";
  if (c.other.organisation_kind.empty()) std::cerr << "note: the policy does not declare " << o.source << "\n";
  if (!p.KnowsCategory(o.category)) std::cerr << "note: the policy does not declare category " << o.category << "\n";
  return c;
}

int RunExplain(const GlobalOptions& options, const ExplainOptions& o) {
  std::shared_ptr<const policy::RulePolicy> loaded = LoadOrReport(o.policy_path, false);
  if (loaded == nullptr) return 1;
  absl::StatusOr<policy::MatchCandidate> candidate = BuildCandidate(*loaded, o);
  if (!candidate.ok()) return Fail(candidate.status());
  const policy::Explanation explanation = loaded->Explain(*candidate);
  if (options.json) {
    std::cout << ExplanationJson(explanation) << "\n";
  } else {
    std::cout << "may " << o.recipient << " learn of " << o.source << "'s " << o.category << " signal ("
              << o.match << (o.relation.empty() ? "" : " via " + o.relation) << ")?\n"
              << policy::ExplanationText(explanation)
              << policy::CoordinationAndLeadText(*loaded, *candidate, explanation.decision) << "policy version "
              << loaded->Version() << "\n";
  }
  return 0;
}

void PrintAccessChanges(const std::vector<policy::AccessChange>& changes) {
  std::cout << std::left << "  " << std::setw(24) << "recipient" << std::setw(24) << "source" << std::setw(26)
            << "category" << std::setw(26) << "match" << std::setw(46) << "access" << "rules\n";
  for (const policy::AccessChange& c : changes) {
    const std::string access = absl::StrCat(policy::Name(c.before), " -> ", policy::Name(c.after));
    const std::vector<std::string>& rules = c.added() ? c.rules_after : c.rules_before;
    std::cout << (c.added() ? "+ " : "- ") << std::setw(24) << c.recipient << std::setw(24) << c.source
              << std::setw(26) << c.category << std::setw(26) << c.match << std::setw(46) << access
              << absl::StrJoin(rules, ",") << (c.added() ? "" : " (now " + absl::StrJoin(c.rules_after, ",") + ")")
              << "\n";
    if (!c.when.empty()) std::cout << "      when " << absl::StrJoin(c.when, "; ") << "\n";
  }
  size_t added = 0;
  for (const policy::AccessChange& c : changes) added += c.added() ? 1u : 0u;
  std::cout << added << " rows add access, " << changes.size() - added << " remove or narrow it\n";
}

int RunDiff(const GlobalOptions& options, const std::string& old_path, const std::string& new_path,
            const std::string& date) {
  std::shared_ptr<const policy::RulePolicy> before = LoadOrReport(old_path, false);
  std::shared_ptr<const policy::RulePolicy> after = LoadOrReport(new_path, false);
  if (before == nullptr || after == nullptr) return 1;
  absl::StatusOr<absl::Time> at = DateOption(date);
  if (!at.ok()) return Fail(at.status());
  const std::vector<policy::AccessChange> changes = policy::DiffPolicies(*before, *after, *at);
  const std::vector<policy::BehaviourChange> behaviour =
      policy::DiffBehaviour(before->document(), after->document());
  if (options.json) {
    std::cout << DiffJson(changes, behaviour) << "\n";
    return 0;
  }
  if (changes.empty()) {
    std::cout << "no change in access\n";
  } else {
    PrintAccessChanges(changes);
  }
  // What recipients hear of later, what coordinators are told, who leads:
  // not access to a signal, but what a privacy officer must see before
  // applying (policy/behaviour_diff.h).
  if (!behaviour.empty()) {
    std::cout << "other changes (notifications, coordination, lead):\n";
    for (const policy::BehaviourChange& c : behaviour) std::cout << policy::Mark(c.direction) << " " << c.text << "\n";
    std::cout << behaviour.size() << " other changes\n";
  }
  return 0;
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, GlobalOptions& options) {
  CLI::App* policy = app.add_subcommand("policy", "Check, test, explain, diff and apply disclosure policies");
  policy->require_subcommand(1);

  auto check_path = std::make_shared<std::string>();
  CLI::App* check = policy->add_subcommand("check", "Validate a policy file (exit 0 valid, 1 not)");
  check->add_option("FILE", *check_path, "the policy file")->required();
  check->add_flag("--json", options.json, "machine-readable JSON output");
  check->callback([&options, check_path] {
    if (int code = RunCheck(options, *check_path); code != 0) throw CLI::RuntimeError(code);
  });

  auto test_policy = std::make_shared<std::string>();
  auto test_cases = std::make_shared<std::string>();
  CLI::App* test = policy->add_subcommand("test", "Run golden cases against a policy (exit 0 all pass, 1 not)");
  test->add_option("FILE", *test_policy, "the policy file")->required();
  test->add_option("CASES", *test_cases, "the cases file")->required();
  test->callback([test_policy, test_cases] {
    if (int code = RunTest(*test_policy, *test_cases); code != 0) throw CLI::RuntimeError(code);
  });

  auto o = std::make_shared<ExplainOptions>();
  CLI::App* explain = policy->add_subcommand("explain", "Why a recipient may or may not learn of a signal");
  explain->add_option("FILE", o->policy_path, "the policy file")->required();
  explain->add_option("--recipient", o->recipient, "organisation that would be told")->required();
  explain->add_option("--source", o->source, "organisation of the other signal")->required();
  explain->add_option("--category", o->category, "category of the other signal")->required();
  explain->add_option("--recipient-category", o->recipient_category, "category of the recipient's own signal");
  explain->add_option("--match", o->match, "subject, household_related or household_shared_related");
  explain->add_option("--relation", o->relation, "other's subject is RELATION of the recipient's subject");
  explain->add_option("--age-band", o->age_band, "age band of the other signal's subject");
  explain->add_option("--recipient-age-band", o->recipient_age_band, "age band of the recipient's subject");
  explain->add_option("--nature", o->nature, "fact, suspicion or concern");
  explain->add_option("--severity", o->severity, "low, elevated, high or acute");
  explain->add_option("--legal-framework", o->legal_framework,
                      "framework of the other signal: voluntary, preventive, court_measure or criminal");
  explain->add_option("--recipient-legal-framework", o->recipient_legal_framework,
                      "framework of the recipient's own signal");
  explain->add_option("--subject-role", o->subject_role,
                      "role of the other signal's subject: victim, alleged_perpetrator, witness or involved");
  explain->add_flag("--closed", o->closed, "the other signal is closed");
  explain->add_flag("--protected", o->is_protected, "the other signal is protected");
  explain->add_flag("--protected-against-recipient", o->protected_against_recipient,
                    "the other signal protects against the recipient's subject");
  explain->add_option("--consent", o->consents, "a consent by subject, parent:NAME or guardian:NAME (repeatable)");
  explain->add_option("--objection", o->objections, "an objection by subject, parent:NAME or guardian:NAME");
  explain->add_flag("--json", options.json, "machine-readable JSON output");
  explain->add_option("--date", o->date, "decide as on this date (YYYY-MM-DD; default today)");
  explain->callback([&options, o] {
    if (int code = RunExplain(options, *o); code != 0) throw CLI::RuntimeError(code);
  });

  auto old_path = std::make_shared<std::string>();
  auto new_path = std::make_shared<std::string>();
  auto diff_date = std::make_shared<std::string>();
  CLI::App* diff = policy->add_subcommand("diff", "The access a policy change adds and removes");
  diff->add_option("OLD", *old_path, "the policy in force")->required();
  diff->add_option("NEW", *new_path, "the proposed policy")->required();
  diff->add_flag("--json", options.json, "machine-readable JSON output");
  diff->add_option("--date", *diff_date, "compare as on this date (YYYY-MM-DD; default today)");
  diff->callback([&options, old_path, new_path, diff_date] {
    if (int code = RunDiff(options, *old_path, *new_path, *diff_date); code != 0) throw CLI::RuntimeError(code);
  });

  RegisterPolicyAdminCommands(*policy, options);
}

}  // namespace samenloop::cli
