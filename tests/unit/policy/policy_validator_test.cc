// The validator checks the policy as a whole: references, windows,
// unreachable permits (errors) and rules that can never match (warnings).

#include "policy/policy_validator.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy_parser.h"
#include "tests/unit/policy/policy_test_support.h"

namespace samenloop::policy {
namespace {

using ::testing::HasSubstr;
using testing::Describe;
using testing::PolicyWith;

std::vector<Diagnostic> Check(const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  PolicyDocument doc = ParsePolicyYaml(text, "p.yaml", diagnostics);
  EXPECT_FALSE(HasErrors(diagnostics)) << "parse errors: " << Describe(diagnostics);
  ValidatePolicy(doc, diagnostics);
  return diagnostics;
}

TEST(PolicyValidator, AValidPolicyHasNoFindings) {
  auto diagnostics = Check(PolicyWith(
      "  - { id: a, effect: permit, recipient: { kinds: [police] }, categories: [domestic_violence], level: details, "
      "legal_basis: convenant }\n  - { id: f, effect: forbid, recipient: { kinds: [school] } }\n"));
  EXPECT_TRUE(diagnostics.empty()) << Describe(diagnostics);
}

TEST(PolicyValidator, UndeclaredReferencesAreErrorsAtTheReference) {
  auto diagnostics = Check(PolicyWith(
      "  - id: a\n    effect: permit\n    recipient: { kinds: [polic] , organisations: [ggz] }\n"
      "    categories: [huiselijk_geweld]\n    level: details\n    legal_basis: wet\n"));
  const std::string text = Describe(diagnostics);
  EXPECT_EQ(diagnostics.size(), 4u) << text;
  EXPECT_THAT(text, HasSubstr("kind \"polic\""));
  EXPECT_THAT(text, HasSubstr("organisation \"ggz\""));
  EXPECT_THAT(text, HasSubstr("p.yaml:19:17: error:"));  // categories: [huiselijk_geweld]
  EXPECT_THAT(text, HasSubstr("category \"huiselijk_geweld\""));
  EXPECT_THAT(text, HasSubstr("p.yaml:21:18: error: rule a cites legal basis \"wet\""));
}

TEST(PolicyValidator, DuplicateDeclarationsAndUndeclaredOrganisationKind) {
  std::string text = PolicyWith("");
  text.insert(text.find("categories:"), "  - { id: vt, kind: veilig_thuis }\n  - { id: ggz, kind: mental_health }\n");
  auto diagnostics = Check(text);
  EXPECT_THAT(Describe(diagnostics), HasSubstr("organisation \"vt\" is declared twice"));
  EXPECT_THAT(Describe(diagnostics), HasSubstr("kind \"mental_health\", which is not listed under organisation_kinds"));
}

TEST(PolicyValidator, OverlappingWindowsOfOneRuleIdAreAnError) {
  auto rule = [](const char* from, const char* until) {
    return absl::StrCat("  - { id: a, effect: permit, level: details, legal_basis: convenant, effective_from: ", from,
                        ", effective_until: ", until, " }\n");
  };
  auto both = [&](const char* from1, const char* until1, const char* from2, const char* until2) {
    return Check(PolicyWith(rule(from1, until1) + rule(from2, until2)));
  };
  EXPECT_THAT(Describe(both("2026-01-01", "2027-01-01", "2026-06-01", "2028-01-01")),
              HasSubstr("rule a appears again (first at line 16) with an overlapping effective window"));
  EXPECT_TRUE(both("2026-01-01", "2027-01-01", "2027-01-01", "2028-01-01").empty());  // back to back is fine
}

TEST(PolicyValidator, AWindowThatEndsBeforeItStartsIsAnError) {
  auto diagnostics = Check(PolicyWith("  - { id: a, effect: forbid, effective_from: 2027-01-01, effective_until: 2026-01-01 }\n"));
  EXPECT_THAT(Describe(diagnostics), HasSubstr("ends (effective_until) on or before it starts"));
}

TEST(PolicyValidator, APermitEveryCaseOfWhichAForbidCoversIsUnreachable) {
  auto diagnostics = Check(PolicyWith(
      "  - { id: no-school, effect: forbid, recipient: { kinds: [school] } }\n"
      "  - { id: school-dv, effect: permit, recipient: { organisations: [school] }, categories: [domestic_violence], "
      "level: details, legal_basis: convenant }\n"
      "  - { id: all-dv, effect: permit, categories: [domestic_violence], level: details, legal_basis: convenant }\n"));
  ASSERT_EQ(diagnostics.size(), 1u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics[0].at.line, 17);
  EXPECT_THAT(diagnostics[0].message,
              HasSubstr("rule school-dv can never take effect: forbid rule no-school (line 16) covers every case"));
}

TEST(PolicyValidator, AForbidLimitedInTimeDoesNotMakeAPermanentPermitUnreachable) {
  auto diagnostics = Check(PolicyWith(
      "  - { id: f, effect: forbid, effective_until: 2027-01-01 }\n"
      "  - { id: p, effect: permit, level: details, legal_basis: convenant }\n"));
  EXPECT_TRUE(diagnostics.empty()) << Describe(diagnostics);
}

TEST(PolicyValidator, AForbidNarrowedByFrameworkOrRoleCoversOnlyPermitsAsNarrow) {
  // Narrower forbids leave the wider permit reachable...
  EXPECT_TRUE(Check(PolicyWith("  - { id: f, effect: forbid, legal_frameworks: [criminal] }\n"
                               "  - { id: g, effect: forbid, recipient_legal_frameworks: [voluntary] }\n"
                               "  - { id: h, effect: forbid, subject_roles: [victim] }\n"
                               "  - { id: p, effect: permit, level: details, legal_basis: convenant }\n"))
                  .empty());
  // ...and one as narrow as the permit makes it unreachable.
  auto diagnostics = Check(PolicyWith(
      "  - { id: f, effect: forbid, legal_frameworks: [criminal, court_measure], subject_roles: [victim] }\n"
      "  - { id: p, effect: permit, legal_frameworks: [criminal], subject_roles: [victim], level: details, "
      "legal_basis: convenant }\n"));
  ASSERT_EQ(diagnostics.size(), 1u) << Describe(diagnostics);
  EXPECT_THAT(diagnostics[0].message, HasSubstr("rule p can never take effect: forbid rule f"));
}

TEST(PolicyValidator, RulesThatCanNeverMatchAreWarnings) {
  auto diagnostics = Check(PolicyWith(
      "  - { id: own, effect: permit, recipient: { organisations: [vt] }, source: { organisations: [vt] }, "
      "level: details, legal_basis: convenant }\n"
      "  - { id: rel, effect: permit, match: subject, relations: [parent], level: details, legal_basis: convenant }\n"));
  ASSERT_EQ(diagnostics.size(), 2u) << Describe(diagnostics);
  EXPECT_FALSE(HasErrors(diagnostics));
  EXPECT_THAT(diagnostics[0].message, HasSubstr("an organisation is never told of its own signals"));
  EXPECT_THAT(diagnostics[1].message, HasSubstr("\"relations\" has no effect"));
}

TEST(PolicyValidator, CoordinationReferences) {
  auto diagnostics = Check(absl::StrCat(
      PolicyWith(""), "coordination:\n  - { id: c, coordinator: zvh, legal_basis: convenant, min_organisations: 3 }\n"
                      "  - { id: c, coordinator: vt, legal_basis: nope, closed_category: abuse }\n"));
  const std::string text = Describe(diagnostics);
  EXPECT_THAT(text, HasSubstr("coordinator \"zvh\""));
  EXPECT_THAT(text, HasSubstr("legal basis \"nope\""));
  EXPECT_THAT(text, HasSubstr("category \"abuse\""));
  EXPECT_THAT(text, HasSubstr("coordination rule c is declared twice"));
}

}  // namespace
}  // namespace samenloop::policy
