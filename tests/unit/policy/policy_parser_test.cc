// The parser turns every structural problem into a diagnostic at
// file:line:col with a sentence a privacy officer understands.

#include "policy/policy_parser.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/coordination.h"
#include "policy/duration.h"
#include "tests/unit/policy/policy_test_support.h"

namespace samenloop::policy {
namespace {

using ::testing::HasSubstr;
using testing::Describe;
using testing::PolicyWith;

// Line of the first rule in PolicyWith(...): the head has 14 lines, then "rules:".
constexpr int kFirstRuleLine = 16;

std::vector<Diagnostic> Parse(const std::string& text, PolicyDocument* out = nullptr) {
  std::vector<Diagnostic> diagnostics;
  PolicyDocument doc = ParsePolicyYaml(text, "region.yaml", diagnostics);
  if (out != nullptr) *out = std::move(doc);
  return diagnostics;
}

TEST(PolicyParser, ReadsAWellFormedPolicy) {
  PolicyDocument doc;
  auto diagnostics = Parse(PolicyWith(R"(  - id: partners
    effect: permit
    recipient: { kinds: [police, veilig_thuis] }
    source: { organisations: [wijkteam] }
    categories: [domestic_violence]
    match: household
    relations: [partner, ex_partner]
    age_bands: ["0-11", "23+"]
    natures: [fact]
    severities: [high, acute]
    status: closed
    protected: include
    level: category
    legal_basis: convenant
    consent: required
    objection: does_not_stop
    effective_from: 2026-01-01
    effective_until: 2027-01-01
)"),
                           &doc);
  ASSERT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  EXPECT_EQ(doc.version, "t1");
  ASSERT_EQ(doc.organisations.size(), 4u);
  EXPECT_EQ(doc.organisations[1].kind, "veilig_thuis");
  ASSERT_EQ(doc.categories.size(), 3u);
  EXPECT_EQ(doc.categories[1].retention.active, absl::Hours(24 * 7 * 26));
  EXPECT_EQ(doc.categories[2].retention.visible, absl::Hours(24 * 14));
  ASSERT_EQ(doc.rules.size(), 1u);
  const RuleDecl& rule = doc.rules[0];
  EXPECT_EQ(rule.at.line, kFirstRuleLine);
  EXPECT_EQ(rule.recipient.kinds, (std::set<std::string>{"police", "veilig_thuis"}));
  EXPECT_EQ(rule.source.organisations, (std::set<std::string>{"wijkteam"}));
  EXPECT_EQ(rule.match_kinds,
            (std::set<MatchKind>{MatchKind::kHouseholdRelated, MatchKind::kHouseholdSharedRelated}));
  EXPECT_EQ(rule.relations, (std::set<Relation>{Relation::kPartner, Relation::kExPartner}));
  EXPECT_EQ(rule.age_bands, (std::set<AgeBand>{AgeBand::k0To11, AgeBand::k23Plus}));
  EXPECT_EQ(rule.severities, (std::set<Severity>{Severity::kHigh, Severity::kAcute}));
  EXPECT_TRUE(rule.closed_only);
  EXPECT_EQ(rule.protected_filter, ProtectedFilter::kAny);
  EXPECT_EQ(rule.level, DisclosureLevel::kCategory);
  EXPECT_TRUE(rule.needs_consent);
  EXPECT_FALSE(rule.objection_stops);
  EXPECT_EQ(rule.effective_from, absl::FromCivil(absl::CivilDay(2026, 1, 1), absl::UTCTimeZone()));
}

TEST(PolicyParser, UnknownKeyIsAnErrorAtItsPositionNamingTheAllowedKeys) {
  auto diagnostics = Parse(PolicyWith("  - id: a\n    effect: permit\n    level: details\n    legal_basis: convenant\n"
                                      "    recipeint: { kinds: [police] }\n"));
  ASSERT_EQ(diagnostics.size(), 1u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics[0].severity, Diagnostic::Severity::kError);
  EXPECT_EQ(diagnostics[0].at.line, kFirstRuleLine + 4);
  EXPECT_EQ(diagnostics[0].at.column, 5);
  EXPECT_THAT(diagnostics[0].ToString(), HasSubstr("region.yaml:20:5: error: unknown key \"recipeint\" in rule a"));
  EXPECT_THAT(diagnostics[0].message, HasSubstr("recipient"));
}

TEST(PolicyParser, UnknownTopLevelKeyAndUnknownEnumValue) {
  auto diagnostics = Parse(absl::StrCat(PolicyWith("  - { id: a, effect: permit, level: details, legal_basis: "
                                                   "convenant, natures: [rumour] }\n"),
                                        "colour: blue\n"));
  ASSERT_EQ(diagnostics.size(), 2u) << Describe(diagnostics);
  EXPECT_THAT(diagnostics[0].message, HasSubstr("\"rumour\" is not a valid value for \"natures\""));
  EXPECT_THAT(diagnostics[0].message, HasSubstr("fact, suspicion, concern"));
  EXPECT_EQ(diagnostics[1].at.line, kFirstRuleLine + 1);
  EXPECT_THAT(diagnostics[1].message, HasSubstr("unknown key \"colour\" in the policy file"));
}

TEST(PolicyParser, ReadsLegalFrameworksAndSubjectRoles) {
  PolicyDocument doc;
  auto diagnostics = Parse(PolicyWith(R"(  - id: measures
    effect: permit
    legal_frameworks: [court_measure, criminal]
    recipient_legal_frameworks: court_measure
    subject_roles: [victim, unspecified]
    level: details
    legal_basis: convenant
  - { id: plain, effect: forbid }
)"),
                           &doc);
  ASSERT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  ASSERT_EQ(doc.rules.size(), 2u);
  const RuleDecl& rule = doc.rules[0];
  EXPECT_EQ(rule.legal_frameworks,
            (std::set<LegalFramework>{LegalFramework::kCourtMeasure, LegalFramework::kCriminal}));
  EXPECT_EQ(rule.recipient_legal_frameworks, (std::set<LegalFramework>{LegalFramework::kCourtMeasure}));
  // "unspecified" is a value one can name: signals that do not say.
  EXPECT_EQ(rule.subject_roles, (std::set<PersonRole>{PersonRole::kUnspecified, PersonRole::kVictim}));
  // Absent keys mean any.
  EXPECT_TRUE(doc.rules[1].legal_frameworks.empty());
  EXPECT_TRUE(doc.rules[1].recipient_legal_frameworks.empty());
  EXPECT_TRUE(doc.rules[1].subject_roles.empty());
}

TEST(PolicyParser, AnUnknownLegalFrameworkOrRoleIsAnErrorAtTheValue) {
  auto diagnostics = Parse(PolicyWith("  - id: a\n    effect: permit\n    level: details\n    legal_basis: convenant\n"
                                      "    legal_frameworks: [court_measure, court_order]\n"
                                      "  - { id: b, effect: forbid, subject_roles: [victim, suspect] }\n"));
  ASSERT_EQ(diagnostics.size(), 2u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics[0].ToString(),
            "region.yaml:20:39: error: \"court_order\" is not a valid value for \"legal_frameworks\"; use one of: "
            "unspecified, voluntary, preventive, court_measure, criminal");
  EXPECT_EQ(diagnostics[1].ToString(),
            "region.yaml:21:54: error: \"suspect\" is not a valid value for \"subject_roles\"; use one of: "
            "unspecified, victim, alleged_perpetrator, witness, involved");
  // The singular is a typo, not a synonym.
  auto singular = Parse(PolicyWith("  - { id: c, effect: forbid, legal_framework: criminal }\n"));
  ASSERT_EQ(singular.size(), 1u) << Describe(singular);
  EXPECT_THAT(singular[0].message, HasSubstr("unknown key \"legal_framework\" in rule c"));
  EXPECT_THAT(singular[0].message, HasSubstr("legal_frameworks, recipient_legal_frameworks, subject_roles"));
}

TEST(PolicyParser, BadDurationsAreErrorsThatSayWhatIsAllowed) {
  std::string text = PolicyWith("");
  text.replace(text.find("active: 30d"), 11, "active: 3m");
  auto diagnostics = Parse(text);
  ASSERT_EQ(diagnostics.size(), 1u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics[0].at.line, 11);
  EXPECT_THAT(diagnostics[0].message, HasSubstr("category school_absence"));
  EXPECT_THAT(diagnostics[0].message, HasSubstr("month"));
}

TEST(PolicyParser, PermitWithoutLevelOrLegalBasisAndForbidWithConsent) {
  auto diagnostics = Parse(PolicyWith("  - id: p\n    effect: permit\n"
                                      "  - id: f\n    effect: forbid\n    consent: required\n"));
  ASSERT_EQ(diagnostics.size(), 3u) << Describe(diagnostics);
  EXPECT_THAT(diagnostics[0].message, HasSubstr("needs a \"level\""));
  EXPECT_THAT(diagnostics[1].message, HasSubstr("needs the key \"legal_basis\""));
  EXPECT_THAT(diagnostics[2].message, HasSubstr("consent cannot lift a forbid rule"));
  EXPECT_EQ(diagnostics[2].at.line, kFirstRuleLine + 4);
}

TEST(PolicyParser, ForbidCoversProtectedSignalsUnlessToldOtherwise) {
  PolicyDocument doc;
  auto diagnostics = Parse(PolicyWith("  - { id: f, effect: forbid }\n  - { id: g, effect: forbid, protected: exclude }\n"
                                      "  - { id: p, effect: permit, level: details, legal_basis: convenant }\n"),
                           &doc);
  ASSERT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  EXPECT_EQ(doc.rules[0].protected_filter, ProtectedFilter::kAny);
  EXPECT_EQ(doc.rules[1].protected_filter, ProtectedFilter::kUnprotectedOnly);
  EXPECT_EQ(doc.rules[2].protected_filter, ProtectedFilter::kUnprotectedOnly);
}

TEST(PolicyParser, InvalidYamlIsOneErrorWithItsPosition) {
  auto diagnostics = Parse("version: t\nrules:\n  - id: [unclosed\n");
  ASSERT_EQ(diagnostics.size(), 1u) << Describe(diagnostics);
  EXPECT_THAT(diagnostics[0].message, HasSubstr("not valid YAML"));
  EXPECT_GT(diagnostics[0].at.line, 1);
}

TEST(PolicyParser, EmptyAndNonMappingFiles) {
  EXPECT_THAT(Describe(Parse("")), HasSubstr("region.yaml:1:1: error: the policy file is empty"));
  EXPECT_THAT(Describe(Parse("- a\n- b\n")), HasSubstr("must be a mapping"));
}

TEST(PolicyParser, WrongShapesAreErrorsNotCrashes) {
  EXPECT_THAT(Describe(Parse("version: t\nrules: 3\n")), HasSubstr("\"rules\" must be a list"));
  EXPECT_THAT(Describe(Parse("version: [a, b]\n")), HasSubstr("\"version\" in the policy file must be a single"));
  EXPECT_THAT(Describe(Parse(PolicyWith("  - { id: a, effect: allow }\n"))),
              HasSubstr("\"effect\" in rule a must be one of: permit, forbid"));
  EXPECT_THAT(Describe(Parse(PolicyWith("  - { id: a, effect: forbid, effective_from: 2026-13-01 }\n"))),
              HasSubstr("effective_from"));
  EXPECT_THAT(Describe(Parse(absl::StrCat(PolicyWith(""), "coordination:\n  - { id: c, coordinator: vt, "
                                                          "legal_basis: convenant, min_organisations: 1 }\n"))),
              HasSubstr("from 2 to 100"));
}

TEST(PolicyDuration, DaysWeeksYearsAndRefusals) {
  EXPECT_EQ(*ParsePolicyDuration("30d"), absl::Hours(24 * 30));
  EXPECT_EQ(*ParsePolicyDuration("6w"), absl::Hours(24 * 42));
  EXPECT_EQ(*ParsePolicyDuration("1y"), absl::Hours(24 * 365));
  EXPECT_FALSE(ParsePolicyDuration("3m").ok());
  EXPECT_FALSE(ParsePolicyDuration("").ok());
  EXPECT_FALSE(ParsePolicyDuration("-1d").ok());
  EXPECT_FALSE(ParsePolicyDuration("101y").ok());
  EXPECT_FALSE(ParsePolicyDuration("1.5y").ok());
  EXPECT_EQ(FormatPolicyDuration(absl::Hours(24 * 365)), "1y");
  EXPECT_EQ(FormatPolicyDuration(absl::Hours(24 * 14)), "2w");
  EXPECT_EQ(FormatPolicyDuration(absl::Hours(24 * 30)), "30d");
  EXPECT_FALSE(ParsePolicyDate("2026-02-30").ok());
  EXPECT_FALSE(ParsePolicyDate("26-01-01").ok());
}

}  // namespace
}  // namespace samenloop::policy

namespace samenloop::policy {
namespace {

TEST(PolicyParser, NotifyChangesIsASetOfChangesAndAnEmptyListMeansNone) {
  PolicyDocument doc;
  auto diagnostics = Parse(PolicyWith(R"(  - { id: a, effect: permit, level: details, legal_basis: convenant,
      notify_changes: [closed, escalated, category] }
  - { id: b, effect: permit, level: category, legal_basis: convenant, notify_changes: [] }
  - { id: c, effect: permit, level: category, legal_basis: convenant }
)"),
                           &doc);
  ASSERT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  ASSERT_EQ(doc.rules.size(), 3u);
  EXPECT_EQ(doc.rules[0].notify_changes,
            Bit(ChangeKind::kClosed) | Bit(ChangeKind::kEscalated) | Bit(ChangeKind::kCategory));
  EXPECT_EQ(doc.rules[1].notify_changes, 0u);
  EXPECT_EQ(doc.rules[2].notify_changes, kDefaultNotifiedChanges);
}

TEST(PolicyParser, NotifyChangesRefusesUnknownChangesAndForbids) {
  auto unknown = Parse(PolicyWith(
      "  - { id: a, effect: permit, level: details, legal_basis: convenant, notify_changes: [closd] }\n"));
  ASSERT_EQ(unknown.size(), 1u) << Describe(unknown);
  EXPECT_THAT(unknown[0].message, HasSubstr("\"closd\" is not a valid value for \"notify_changes\""));
  EXPECT_EQ(unknown[0].at.line, kFirstRuleLine);
  auto forbid = Parse(PolicyWith("  - { id: f, effect: forbid, notify_changes: [closed] }\n"));
  ASSERT_EQ(forbid.size(), 1u) << Describe(forbid);
  EXPECT_THAT(forbid[0].message, HasSubstr("\"notify_changes\" applies to permits"));
}

TEST(PolicyParser, ADecisionCarriesTheChangesOfThePermitsItCites) {
  std::shared_ptr<const RulePolicy> policy = testing::LoadWithRules(
      R"(  - { id: a, effect: permit, recipient: { kinds: [police] }, level: details, legal_basis: convenant,
      notify_changes: [severity] }
  - { id: b, effect: permit, recipient: { kinds: [police] }, level: details, legal_basis: convenant,
      notify_changes: [nature] }
  - { id: c, effect: permit, recipient: { kinds: [police] }, level: category, legal_basis: convenant,
      notify_changes: [contact] }
)");
  ASSERT_NE(policy, nullptr);
  MatchCandidate candidate;
  candidate.recipient.organisation_id = "politie";
  candidate.other.organisation_id = "vt";
  candidate.other.category = "domestic_violence";
  const Decision decision = policy->Decide(candidate);
  ASSERT_TRUE(decision.allow);
  // The permits at the granted level (details) only: c is not cited.
  EXPECT_EQ(decision.notify_changes, Bit(ChangeKind::kSeverity) | Bit(ChangeKind::kNature));
}

TEST(PolicyParser, ChangesALevelDoesNotShowAreAWarning) {
  LoadedPolicy loaded = LoadPolicy(PolicyWith("  - { id: a, effect: permit, level: existence_and_contact, "
                                              "legal_basis: convenant, notify_changes: [closed, escalated] }\n"),
                                   "p.yaml");
  ASSERT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  ASSERT_EQ(loaded.diagnostics.size(), 1u) << Describe(loaded.diagnostics);
  EXPECT_EQ(loaded.diagnostics[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_THAT(loaded.diagnostics[0].message, HasSubstr("names escalated, which level existence_and_contact does not show"));
}

TEST(ChangesVisibleAt, EachLevelShowsItsFieldsAndNoneShowsNothing) {
  EXPECT_EQ(ChangesVisibleAt(DisclosureLevel::kNone), 0u);
  const ChangeMask existence = ChangesVisibleAt(DisclosureLevel::kExistenceAndContact);
  EXPECT_EQ(existence, Bit(ChangeKind::kClosed) | Bit(ChangeKind::kReopened) | Bit(ChangeKind::kContact));
  EXPECT_EQ(ChangesVisibleAt(DisclosureLevel::kCategory),
            existence | Bit(ChangeKind::kCategory) | Bit(ChangeKind::kNature));
  EXPECT_EQ(ChangesVisibleAt(DisclosureLevel::kDetails),
            ChangesVisibleAt(DisclosureLevel::kCategory) | Bit(ChangeKind::kEscalated) | Bit(ChangeKind::kSeverity));
}

}  // namespace
}  // namespace samenloop::policy

namespace samenloop::policy {
namespace {

TEST(PolicyParser, OutOfViewRulesStandAloneAndNameADeclaredHistory) {
  const std::string head = std::string(testing::kPolicyHead) + "coordination:\n";
  LoadedPolicy good = LoadPolicy(head + "  - { id: oov, coordinator: vt, legal_basis: convenant, out_of_view: true, "
                                        "history_category: domestic_violence }\n",
                                 "p.yaml");
  ASSERT_NE(good.policy, nullptr) << testing::Describe(good.diagnostics);
  ASSERT_EQ(good.policy->CoordinationRules().size(), 1u);
  EXPECT_TRUE(good.policy->CoordinationRules()[0].out_of_view);
  EXPECT_EQ(good.policy->CoordinationRules()[0].history_category, "domestic_violence");

  for (const auto& [rule, expected] : std::vector<std::pair<std::string, std::string>>{
           {"out_of_view: true, min_organisations: 3", "cannot also have"},
           {"min_organisations: 3, history_category: domestic_violence", "belongs to out_of_view rules"},
           {"out_of_view: true, history_category: burglary", "names category \"burglary\""},
           {"out_of_view: maybe", "out_of_view"}}) {
    LoadedPolicy bad =
        LoadPolicy(head + "  - { id: oov, coordinator: vt, legal_basis: convenant, " + rule + " }\n", "p.yaml");
    EXPECT_EQ(bad.policy, nullptr) << rule;
    EXPECT_THAT(testing::Describe(bad.diagnostics), HasSubstr(expected)) << rule;
  }
}

TEST(OutOfViewFires, OnlyWhenNoVisibleMemberIsOpenAndTheHistoryIsThere) {
  CoordinationRule rule;
  rule.out_of_view = true;
  rule.history_category = "domestic_violence";
  const absl::Time t = absl::FromUnixSeconds(1'700'000'000);
  std::vector<PatternMember> members = {{"politie", "housing_nuisance", t, true, false},
                                        {"vt", "domestic_violence", t, true, false}};
  EXPECT_TRUE(OutOfViewFires(rule, members, 0));
  members.push_back({"ggz", "psychiatric_concern", t, false, false});
  EXPECT_FALSE(OutOfViewFires(rule, members, 0)) << "GGZ is still involved";
  members.back().is_protected = true;
  EXPECT_TRUE(OutOfViewFires(rule, members, 0)) << "a protected member is no part of it";
  members[1].category = "school_absence";
  EXPECT_FALSE(OutOfViewFires(rule, members, 0)) << "no domestic-violence history";
  rule.history_category.clear();
  EXPECT_TRUE(OutOfViewFires(rule, members, 0));
  rule.out_of_view = false;
  EXPECT_FALSE(OutOfViewFires(rule, members, 0));
  CoordinationRule on_arrival;
  on_arrival.out_of_view = true;
  on_arrival.min_organisations = 2;
  EXPECT_FALSE(CoordinationFires(on_arrival, members, 0, t))
      << "an out-of-view rule never fires on an arrival";
}

}  // namespace
}  // namespace samenloop::policy

namespace samenloop::policy {
namespace {

TEST(PolicyParser, WaitingLongerThanIsACoordinationCondition) {
  const std::string head = std::string(testing::kPolicyHead) + "coordination:\n";
  LoadedPolicy good =
      LoadPolicy(head + "  - { id: w, coordinator: vt, legal_basis: convenant, waiting_longer_than: 12w }\n", "p.yaml");
  ASSERT_NE(good.policy, nullptr) << testing::Describe(good.diagnostics);
  EXPECT_EQ(good.policy->CoordinationRules()[0].waiting_longer_than, absl::Hours(24 * 7 * 12));
  LoadedPolicy bad = LoadPolicy(
      head + "  - { id: w, coordinator: vt, legal_basis: convenant, waiting_longer_than: 12w, out_of_view: true }\n",
      "p.yaml");
  EXPECT_EQ(bad.policy, nullptr);
  EXPECT_THAT(testing::Describe(bad.diagnostics), HasSubstr("cannot also have"));
}

TEST(CoordinationFires, AnOpenVisibleMemberWaitingTooLongFiresTheRule) {
  CoordinationRule rule;
  rule.waiting_longer_than = absl::Hours(24 * 7 * 12);
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  std::vector<PatternMember> members = {{"school", "school_absence", now, false, false},
                                        {"gi", "child_protection", now - absl::Hours(24 * 7 * 30), false, false}};
  EXPECT_FALSE(CoordinationFires(rule, members, 0, now)) << "nobody waits";
  members[1].waiting_since = now - absl::Hours(24 * 7 * 13);
  EXPECT_TRUE(CoordinationFires(rule, members, 0, now));
  members[1].waiting_since = now - absl::Hours(24 * 7 * 11);
  EXPECT_FALSE(CoordinationFires(rule, members, 0, now)) << "not long enough";
  members[1].waiting_since = now - absl::Hours(24 * 7 * 13);
  members[1].is_protected = true;
  EXPECT_FALSE(CoordinationFires(rule, members, 0, now)) << "a protected member is no part of it";
  members[1].is_protected = false;
  members[1].closed = true;
  EXPECT_FALSE(CoordinationFires(rule, members, 0, now)) << "a closed case waits for nobody";
}

}  // namespace
}  // namespace samenloop::policy

namespace samenloop::policy {
namespace {

TEST(PolicyParser, CoordinationRulesCountOverAPersonOrAHouseholdAtALevel) {
  const std::string head = std::string(testing::kPolicyHead) + "coordination:\n";
  LoadedPolicy plain = LoadPolicy(head + "  - { id: p, coordinator: vt, legal_basis: convenant, min_organisations: 3 }\n",
                                  "p.yaml");
  ASSERT_NE(plain.policy, nullptr) << testing::Describe(plain.diagnostics);
  EXPECT_EQ(plain.policy->CoordinationRules()[0].scope, CoordinationRule::Scope::kPerson) << "the default";
  EXPECT_EQ(plain.policy->CoordinationRules()[0].level, DisclosureLevel::kExistenceAndContact) << "the default";

  LoadedPolicy household = LoadPolicy(head + "  - { id: h, coordinator: vt, legal_basis: convenant, scope: household, "
                                             "level: category, min_organisations: 4 }\n",
                                      "p.yaml");
  ASSERT_NE(household.policy, nullptr) << testing::Describe(household.diagnostics);
  EXPECT_EQ(household.policy->CoordinationRules()[0].scope, CoordinationRule::Scope::kHousehold);
  EXPECT_EQ(household.policy->CoordinationRules()[0].level, DisclosureLevel::kCategory);

  for (const auto& [rule, expected] : std::vector<std::pair<std::string, std::string>>{
           {"scope: family", "\"scope\" in coordination rule h must be one of: person, household"},
           {"level: details", "\"level\" in coordination rule h must be one of: existence_and_contact, category"}}) {
    LoadedPolicy bad = LoadPolicy(
        head + "  - { id: h, coordinator: vt, legal_basis: convenant, min_organisations: 3, " + rule + " }\n", "p.yaml");
    EXPECT_EQ(bad.policy, nullptr) << rule;
    EXPECT_THAT(testing::Describe(bad.diagnostics), HasSubstr(expected)) << rule;
    EXPECT_THAT(testing::Describe(bad.diagnostics), HasSubstr("p.yaml:")) << "file:line:col";
  }
}

}  // namespace
}  // namespace samenloop::policy

namespace samenloop::policy {
namespace {

TEST(PolicyParser, ACoordinatorPerRegionBecomesOneRulePerRegion) {
  const std::string text = absl::StrCat(
      "version: \"r\"\nregion: west\norganisation_kinds: [vt, gi, zvh]\n"
      "organisations:\n  - { id: vt, kind: vt }\n  - { id: gi, kind: gi, region: east }\n"
      "  - { id: zvh-west, kind: zvh }\n  - { id: zvh-east, kind: zvh, region: east }\n"
      "categories:\n  - { id: housing_nuisance, active: 1y, visible: 2y }\n"
      "legal_bases:\n  - { id: convenant, citation: \"AVG art. 6(1)(e)\" }\n"
      "rules:\n  - { id: none, effect: forbid, categories: [housing_nuisance] }\n"
      "coordination:\n"
      "  - { id: moved, coordinators: { west: zvh-west, east: zvh-east }, legal_basis: convenant, move: true }\n");
  LoadedPolicy loaded = LoadPolicy(text, "r.yaml");
  ASSERT_NE(loaded.policy, nullptr) << testing::Describe(loaded.diagnostics);
  ASSERT_EQ(loaded.policy->CoordinationRules().size(), 2u);
  EXPECT_EQ(loaded.policy->CoordinationRules()[0].coordinator, "zvh-west");
  EXPECT_EQ(loaded.policy->CoordinationRules()[0].region, "west");
  EXPECT_EQ(loaded.policy->CoordinationRules()[1].coordinator, "zvh-east");
  EXPECT_TRUE(loaded.policy->CoordinationRules()[1].move);
  EXPECT_EQ(loaded.policy->RegionOf("vt"), "west") << "the policy's region";
  EXPECT_EQ(loaded.policy->RegionOf("gi"), "east");

  for (const auto& [change, expected] : std::vector<std::pair<std::pair<std::string, std::string>, std::string>>{
           {{"east: zvh-east", "north: zvh-east"}, "names region \"north\""},
           {{"east: zvh-east", "east: nobody"}, "names coordinator \"nobody\" for region \"east\""},
           {{"coordinators: { west: zvh-west, east: zvh-east }", "coordinator: zvh-west"}, "needs \"coordinators\""},
           {{"move: true", "move: true, min_organisations: 3"}, "cannot also have other conditions"}}) {
    std::string bad_text = text;
    bad_text.replace(bad_text.find(change.first), change.first.size(), change.second);
    LoadedPolicy bad = LoadPolicy(bad_text, "r.yaml");
    EXPECT_EQ(bad.policy, nullptr) << change.second;
    EXPECT_THAT(testing::Describe(bad.diagnostics), HasSubstr(expected)) << change.second;
  }
}

}  // namespace
}  // namespace samenloop::policy
