// The engines behind `samenloop policy test` and `policy diff`.

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy_cases.h"
#include "policy/policy_diff.h"
#include "policy/policy_test_runner.h"
#include "tests/unit/policy/policy_test_support.h"

namespace samenloop::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Describe;
using testing::PolicyWith;

std::shared_ptr<const RulePolicy> Load(const std::string& rules) { return testing::LoadWithRules(rules); }

constexpr char kRules[] =
    "  - { id: partners, effect: permit, recipient: { kinds: [police, veilig_thuis] }, level: category, "
    "legal_basis: convenant }\n"
    "  - { id: school-consent, effect: permit, recipient: { kinds: [school] }, relations: [parent], "
    "level: existence_and_contact, legal_basis: consent, consent: required }\n";

constexpr char kCases[] = R"yaml(cases:
  - name: family
    date: 2026-11-23
    persons: { DAD: 23+, KID: 0-11 }
    signals:
      - { key: p1, organisation: politie, subject: DAD, category: domestic_violence, related: { KID: child } }
      - { key: s1, organisation: school, subject: KID, category: school_absence }
      - { key: v1, organisation: vt, subject: DAD, category: domestic_violence }
    consents:
      - { id: c1, subject: DAD, given_by: subject, kind: consent }
    expect:
      - "politie p1 <- school s1 household_related:child category"
      - "school s1 <- politie p1 household_related:parent existence_and_contact"
      - "politie p1 <- vt v1 subject category"
      - "vt v1 <- politie p1 subject category"
)yaml";

std::vector<PolicyCase> ParseCases(const RulePolicy& policy, const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  std::vector<PolicyCase> cases = ParsePolicyCases(text, "cases.yaml", diagnostics);
  CheckPolicyCases(policy, cases, "cases.yaml", diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  return cases;
}

TEST(PolicyCases, AMatchingCasePasses) {
  auto policy = Load(kRules);
  auto results = RunPolicyCases(*policy, ParseCases(*policy, kCases));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed());
  for (const auto& m : results[0].unexpected) ADD_FAILURE() << "unexpected " << m.line << "\n" << m.explanation;
  for (const auto& m : results[0].missing) ADD_FAILURE() << "missing " << m.line << "\n" << m.explanation;
}

TEST(PolicyCases, WithoutTheConsentTheSchoolIsNotToldAndTheFailureExplainsWhy) {
  auto policy = Load(kRules);
  std::string text = kCases;
  text.erase(text.find("    consents:"), text.find("    expect:") - text.find("    consents:"));
  auto results = RunPolicyCases(*policy, ParseCases(*policy, text));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed());
  ASSERT_EQ(results[0].missing.size(), 1u);
  EXPECT_THAT(results[0].missing[0].line, HasSubstr("school s1 <- "));
  EXPECT_THAT(results[0].missing[0].explanation, HasSubstr("school-consent (line 17): matches, but needs consent"));
  EXPECT_EQ(results[0].missing[0].at.line, 11);  // the expectation, once consents are gone
  EXPECT_THAT(results[0].unexpected, IsEmpty());
}

TEST(PolicyCases, AnUnexpectedNotificationFailsTheCase) {
  auto policy = Load(kRules);
  std::string text = kCases;
  text.erase(text.find("      - \"vt v1 <- politie p1 subject category\"\n"),
             std::string("      - \"vt v1 <- politie p1 subject category\"\n").size());
  auto results = RunPolicyCases(*policy, ParseCases(*policy, text));
  ASSERT_EQ(results[0].unexpected.size(), 1u);
  EXPECT_EQ(results[0].unexpected[0].line, "vt v1 <- politie p1 subject category");
  EXPECT_THAT(results[0].unexpected[0].explanation, HasSubstr("ALLOW at category"));
}

TEST(PolicyCases, ReferencesToUnknownPersonsOrganisationsAndCategoriesAreErrors) {
  auto policy = Load(kRules);
  std::vector<Diagnostic> diagnostics;
  auto cases = ParsePolicyCases(R"yaml(cases:
  - name: bad
    date: 2026-11-23
    persons: { A: 23+ }
    signals:
      - { key: x, organisation: ggz, subject: B, category: nope, related: { C: cousin } }
    expect: []
)yaml",
                                "cases.yaml", diagnostics);
  CheckPolicyCases(*policy, cases, "cases.yaml", diagnostics);
  const std::string text = Describe(diagnostics);
  EXPECT_THAT(text, HasSubstr("cases.yaml:6:80: error: the relation of C in signal x must be one of"));
  EXPECT_THAT(text, HasSubstr("organisation \"ggz\", which the policy does not declare"));
  EXPECT_THAT(text, HasSubstr("category \"nope\""));
  EXPECT_THAT(text, HasSubstr("names person B, who is not listed"));
}

TEST(PolicyCases, TheExampleRegionCasesPass) {
  const std::string dir = std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/";
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::ostringstream read;
    read << in.rdbuf();
    return read.str();
  };
  LoadedPolicy loaded = LoadPolicy(slurp(dir + "amsterdam-amstelland.yaml"), "amsterdam-amstelland.yaml");
  ASSERT_NE(loaded.policy, nullptr);
  auto results = RunPolicyCases(*loaded.policy, ParseCases(*loaded.policy, slurp(dir + "amsterdam-amstelland.cases.yaml")));
  EXPECT_GE(results.size(), 4u);
  for (const CaseResult& r : results) EXPECT_TRUE(r.passed()) << r.name;
}

constexpr char kFrameworkRules[] =
    "  - { id: measures, effect: permit, legal_frameworks: [court_measure], level: existence_and_contact, "
    "legal_basis: convenant }\n"
    "  - { id: not-of-victims, effect: forbid, subject_roles: [victim] }\n";

// The school's signal says nothing of a framework; Veilig Thuis's and the
// police's are under a court measure, the police's about the child as victim.
constexpr char kFrameworkCases[] = R"yaml(cases:
  - name: measures
    date: 2026-11-23
    persons: { KID: 0-11 }
    signals:
      - { key: s1, organisation: school, subject: KID, category: school_absence }
      - { key: v1, organisation: vt, subject: KID, category: domestic_violence, legal_framework: court_measure,
          role: involved }
      - { key: p1, organisation: politie, subject: KID, category: domestic_violence, legal_framework: court_measure,
          role: victim }
    expect:
      - "school s1 <- vt v1 subject existence_and_contact"
      - "politie p1 <- vt v1 subject existence_and_contact"
)yaml";

TEST(PolicyCases, LegalFrameworkAndRoleReachTheRules) {
  auto policy = Load(kFrameworkRules);
  auto results = RunPolicyCases(*policy, ParseCases(*policy, kFrameworkCases));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed());
  for (const auto& m : results[0].unexpected) ADD_FAILURE() << "unexpected " << m.line << "\n" << m.explanation;
  for (const auto& m : results[0].missing) ADD_FAILURE() << "missing " << m.line << "\n" << m.explanation;

  // A witness is no victim: the forbid no longer holds the police signal back.
  std::string witness = kFrameworkCases;
  witness.replace(witness.find("role: victim"), 12, "role: witness");
  results = RunPolicyCases(*policy, ParseCases(*policy, witness));
  ASSERT_EQ(results.size(), 1u);
  std::vector<std::string> unexpected;
  for (const auto& m : results[0].unexpected) unexpected.push_back(m.line);
  EXPECT_THAT(unexpected, ::testing::UnorderedElementsAre("school s1 <- politie p1 subject existence_and_contact",
                                                          "vt v1 <- politie p1 subject existence_and_contact"));
  EXPECT_THAT(results[0].missing, IsEmpty());
}

TEST(PolicyCases, AnUnknownLegalFrameworkOrRoleIsAnErrorAtTheValue) {
  std::string text = kFrameworkCases;
  text.replace(text.find("legal_framework: court_measure"), 30, "legal_framework: court_order");
  text.replace(text.find("role: victim"), 12, "role: suspect");
  std::vector<Diagnostic> diagnostics;
  ParsePolicyCases(text, "cases.yaml", diagnostics);
  ASSERT_EQ(diagnostics.size(), 2u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics[0].ToString(),
            "cases.yaml:7:98: error: \"legal_framework\" of signal v1 must be one of: unspecified, voluntary, "
            "preventive, court_measure, criminal");
  EXPECT_EQ(diagnostics[1].ToString(),
            "cases.yaml:10:17: error: \"role\" of signal p1 must be one of: unspecified, victim, "
            "alleged_perpetrator, witness, involved");
}

TEST(PolicyDiff, IdenticalPoliciesHaveNoDifference) {
  auto a = Load(kRules);
  auto b = Load(kRules);
  EXPECT_THAT(DiffPolicies(*a, *b, absl::Now()), IsEmpty());
}

TEST(PolicyDiff, ANewForbidRemovesAccessAndNamesTheRules) {
  auto before = Load(kRules);
  auto after = Load(std::string(kRules) +
                    "  - { id: no-dv-to-vt, effect: forbid, recipient: { organisations: [vt] }, source: { organisations: "
                    "[politie] }, categories: [domestic_violence] }\n");
  auto changes = DiffPolicies(*before, *after, absl::Now());
  ASSERT_EQ(changes.size(), 3u);  // one row per match kind
  for (const AccessChange& c : changes) {
    EXPECT_FALSE(c.added());
    EXPECT_EQ(c.recipient, "vt");
    EXPECT_EQ(c.source, "politie");
    EXPECT_EQ(c.category, "domestic_violence");
    EXPECT_EQ(c.before, DisclosureLevel::kCategory);
    EXPECT_EQ(c.after, DisclosureLevel::kNone);
    EXPECT_EQ(c.rules_before, std::vector<std::string>{"partners"});
    EXPECT_EQ(c.rules_after, std::vector<std::string>{"no-dv-to-vt"});
    // Not when an objection already stopped "partners", nor for protected
    // signals, which no rule here discloses.
    EXPECT_THAT(c.when, ::testing::ElementsAre("protected: no", "consent: none,given"));
  }
}

TEST(PolicyDiff, AWiderRelationAddsAccessOnlyUnderItsConditions) {
  auto before = Load(kRules);
  std::string wider = kRules;
  wider.replace(wider.find("relations: [parent]"), 19, "relations: [parent, sibling]");
  auto after = Load(wider);
  auto changes = DiffPolicies(*before, *after, absl::Now());
  ASSERT_FALSE(changes.empty());
  for (const AccessChange& c : changes) {
    EXPECT_TRUE(c.added());
    EXPECT_EQ(c.recipient, "school");
    EXPECT_EQ(c.match, "household_related");
    EXPECT_THAT(c.when, ::testing::Contains("relation: sibling"));
    EXPECT_THAT(c.when, ::testing::Contains("consent: given"));
  }
}

TEST(PolicyDiff, AChangeInLegalFrameworksAloneIsFoundUnderThatCondition) {
  auto before = Load(kFrameworkRules);
  std::string wider = kFrameworkRules;
  wider.replace(wider.find("legal_frameworks: [court_measure]"), 33, "legal_frameworks: [court_measure, criminal]");
  auto after = Load(wider);
  auto changes = DiffPolicies(*before, *after, absl::Now());
  // Each of the 12 ordered pairs of the four organisations, three
  // categories, three match kinds.
  ASSERT_EQ(changes.size(), 12u * 3u * 3u);
  for (const AccessChange& c : changes) {
    EXPECT_TRUE(c.added());
    EXPECT_EQ(c.after, DisclosureLevel::kExistenceAndContact);
    EXPECT_EQ(c.rules_after, std::vector<std::string>{"measures"});
    // Not for victims, whom the forbid still holds back.
    EXPECT_THAT(c.when, ::testing::ElementsAre("legal framework: criminal",
                                               "subject's role: unspecified,alleged_perpetrator,witness,involved",
                                               "protected: no", "consent: none,given"));
  }
}

TEST(PolicyDiff, TheRecipientsLegalFrameworkAndTheSubjectsRoleAreConditionsToo) {
  auto before = Load(kFrameworkRules);
  auto after = Load(std::string(kFrameworkRules) +
                    "  - { id: not-under-voluntary, effect: forbid, recipient_legal_frameworks: [voluntary] }\n"
                    "  - { id: not-of-witnesses, effect: forbid, subject_roles: [witness] }\n");
  auto changes = DiffPolicies(*before, *after, absl::Now());
  ASSERT_FALSE(changes.empty());
  std::set<std::string> conditions;
  for (const AccessChange& c : changes) {
    EXPECT_FALSE(c.added());
    conditions.insert(absl::StrJoin(c.when, "; "));
  }
  // Under a voluntary framework every role's signal is gone (victims' never
  // showed), a witness's whatever the recipient's framework; the row where
  // both forbids hold names both, so it stays a row of its own.
  EXPECT_THAT(conditions,
              ::testing::UnorderedElementsAre(
                  "legal framework: court_measure; recipient's legal framework: voluntary; "
                  "subject's role: unspecified,alleged_perpetrator,involved; protected: no; consent: none,given",
                  "legal framework: court_measure; recipient's legal framework: voluntary; "
                  "subject's role: witness; protected: no; consent: none,given",
                  "legal framework: court_measure; recipient's legal framework: unspecified,preventive,court_measure,"
                  "criminal; subject's role: witness; protected: no; consent: none,given"));
}

}  // namespace
}  // namespace samenloop::policy
