// The semantics of docs/policy-guide.md "How a decision is made", one test
// each: default deny, forbid over permit, the highest level, consent and
// objection, effective dates, protection, and what a decision reports.

#include "policy/rule_policy.h"

#include <fstream>
#include <functional>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/policy/policy_test_support.h"

namespace samenloop::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Describe;
using testing::PolicyWith;

std::shared_ptr<const RulePolicy> Load(const std::string& rules) { return testing::LoadWithRules(rules); }

absl::Time Day(int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()); }

MatchCandidate Candidate(const std::string& recipient, const std::string& source, const std::string& category,
                         MatchKind kind = MatchKind::kSubject) {
  MatchCandidate c;
  c.recipient.organisation_id = recipient;
  c.recipient.category = "housing_nuisance";
  c.other.organisation_id = source;
  c.other.category = category;
  c.kind = kind;
  c.decision_time = Day(2026, 11, 23);
  return c;
}

ConsentFacts Record(const std::string& id, ConsentKind kind, ConsentGiver giver = ConsentGiver::kSubject,
                    const std::string& giver_key = "") {
  ConsentFacts r;
  r.consent_id = id;
  r.kind = kind;
  r.given_by = giver;
  r.giver_key = giver_key;
  return r;
}

constexpr char kPoliceCategory[] =
    "  - { id: police-cat, effect: permit, recipient: { kinds: [police] }, level: category, legal_basis: convenant }\n";
constexpr char kAnyExistence[] =
    "  - { id: any-exist, effect: permit, level: existence_and_contact, legal_basis: convenant }\n";

TEST(RulePolicy, DefaultDenyWhenNoRuleMatches) {
  auto policy = Load(kPoliceCategory);
  Decision d = policy->Decide(Candidate("vt", "wijkteam", "domestic_violence"));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.level, DisclosureLevel::kNone);
  EXPECT_THAT(d.rule_ids, ElementsAre(kDefaultDenyRule));
  EXPECT_EQ(d.policy_version, policy->Version());
  EXPECT_THAT(d.reason, HasSubstr("default deny"));
}

TEST(RulePolicy, AnEmptyPolicyDeniesEverything) {
  auto policy = Load("");
  EXPECT_FALSE(policy->Decide(Candidate("politie", "vt", "domestic_violence")).allow);
}

TEST(RulePolicy, TheMostPermissiveLevelAmongMatchingPermitsWins) {
  auto policy = Load(std::string(kAnyExistence) + kPoliceCategory);
  Decision police = policy->Decide(Candidate("politie", "vt", "domestic_violence"));
  EXPECT_TRUE(police.allow);
  EXPECT_EQ(police.level, DisclosureLevel::kCategory);
  EXPECT_THAT(police.rule_ids, ElementsAre("police-cat"));  // the rules at the granted level
  EXPECT_THAT(police.legal_bases, ElementsAre("convenant: AVG art. 6(1)(e)"));
  Decision school = policy->Decide(Candidate("school", "vt", "domestic_violence"));
  EXPECT_EQ(school.level, DisclosureLevel::kExistenceAndContact);
  EXPECT_THAT(school.rule_ids, ElementsAre("any-exist"));
}

TEST(RulePolicy, AForbidOverridesEveryPermit) {
  auto policy = Load(std::string(kAnyExistence) + kPoliceCategory +
                     "  - { id: no-dv-to-police, effect: forbid, recipient: { organisations: [politie] }, "
                     "categories: [domestic_violence] }\n");
  Decision d = policy->Decide(Candidate("politie", "vt", "domestic_violence"));
  EXPECT_FALSE(d.allow);
  EXPECT_THAT(d.rule_ids, ElementsAre("no-dv-to-police"));
  EXPECT_THAT(d.reason, HasSubstr("forbidden by no-dv-to-police"));
  EXPECT_TRUE(policy->Decide(Candidate("politie", "vt", "housing_nuisance")).allow);
}

TEST(RulePolicy, KindsComeFromThePolicyForDeclaredOrganisations) {
  auto policy = Load(kPoliceCategory);
  MatchCandidate c = Candidate("politie", "vt", "domestic_violence");
  c.recipient.organisation_kind = "school";  // the declaration wins
  EXPECT_TRUE(policy->Decide(c).allow);
  MatchCandidate undeclared = Candidate("politie-utrecht", "vt", "domestic_violence");
  undeclared.recipient.organisation_kind = "police";  // only the certificate knows it
  EXPECT_TRUE(policy->Decide(undeclared).allow);
}

TEST(RulePolicy, EveryConditionNarrows) {
  auto policy = Load(
      "  - id: narrow\n    effect: permit\n    source: { kinds: [veilig_thuis] }\n    categories: [domestic_violence]\n"
      "    recipient_categories: [housing_nuisance]\n    match: household_related\n    relations: [partner]\n"
      "    age_bands: [\"23+\"]\n    natures: [fact]\n    severities: [high]\n    legal_frameworks: [criminal]\n"
      "    recipient_legal_frameworks: [criminal]\n    subject_roles: [alleged_perpetrator]\n    status: open\n"
      "    level: details\n    legal_basis: convenant\n");
  MatchCandidate base = Candidate("politie", "vt", "domestic_violence", MatchKind::kHouseholdRelated);
  base.relation = Relation::kPartner;
  base.other.age_band = AgeBand::k23Plus;
  base.other.nature = Nature::kFact;
  base.other.severity = Severity::kHigh;
  base.other.legal_framework = LegalFramework::kCriminal;
  base.recipient.legal_framework = LegalFramework::kCriminal;
  base.other.subject_role = PersonRole::kAllegedPerpetrator;
  ASSERT_TRUE(policy->Decide(base).allow);
  std::vector<std::pair<std::string, std::function<void(MatchCandidate&)>>> changes = {
      {"source", [](MatchCandidate& c) { c.other.organisation_id = "wijkteam"; }},
      {"category", [](MatchCandidate& c) { c.other.category = "housing_nuisance"; }},
      {"recipient category", [](MatchCandidate& c) { c.recipient.category = "school_absence"; }},
      {"match kind", [](MatchCandidate& c) { c.kind = MatchKind::kSubject; }},
      {"relation", [](MatchCandidate& c) { c.relation = Relation::kChild; }},
      {"age band", [](MatchCandidate& c) { c.other.age_band = AgeBand::k12To15; }},
      {"nature", [](MatchCandidate& c) { c.other.nature = Nature::kSuspicion; }},
      {"severity", [](MatchCandidate& c) { c.other.severity = Severity::kLow; }},
      {"legal framework", [](MatchCandidate& c) { c.other.legal_framework = LegalFramework::kVoluntary; }},
      {"recipient's legal framework",
       [](MatchCandidate& c) { c.recipient.legal_framework = LegalFramework::kUnspecified; }},
      {"subject's role", [](MatchCandidate& c) { c.other.subject_role = PersonRole::kWitness; }},
      {"status", [](MatchCandidate& c) { c.other.closed = true; }},
      {"protected", [](MatchCandidate& c) { c.other.is_protected = true; }},
  };
  for (auto& [what, change] : changes) {
    MatchCandidate c = base;
    change(c);
    EXPECT_FALSE(policy->Decide(c).allow) << what;
  }
}

TEST(RulePolicy, APermitForCourtMeasuresAllowsOnlyThoseAndExplainSaysWhy) {
  auto policy = Load("  - { id: measures, effect: permit, legal_frameworks: [court_measure], level: category, "
                     "legal_basis: convenant }\n");
  MatchCandidate c = Candidate("school", "vt", "domestic_violence");
  c.other.legal_framework = LegalFramework::kCourtMeasure;
  Decision court = policy->Decide(c);
  EXPECT_TRUE(court.allow);
  EXPECT_EQ(court.level, DisclosureLevel::kCategory);
  EXPECT_THAT(court.rule_ids, ElementsAre("measures"));

  for (LegalFramework other : {LegalFramework::kVoluntary, LegalFramework::kUnspecified}) {
    c.other.legal_framework = other;
    Explanation e = policy->Explain(c);
    EXPECT_FALSE(e.decision.allow) << Name(other);
    EXPECT_THAT(e.decision.rule_ids, ElementsAre(kDefaultDenyRule)) << Name(other);
    ASSERT_EQ(e.rules.size(), 1u);
    EXPECT_FALSE(e.rules[0].matched);
    EXPECT_EQ(e.rules[0].note, "the legal framework is not one this rule names");
  }
}

TEST(RulePolicy, TheRecipientsOwnLegalFrameworkIsItsOwnCondition) {
  auto policy = Load("  - { id: under-measure, effect: permit, recipient: { kinds: [veilig_thuis] }, "
                     "recipient_legal_frameworks: [court_measure], level: details, legal_basis: convenant }\n");
  MatchCandidate c = Candidate("vt", "politie", "domestic_violence");
  c.recipient.legal_framework = LegalFramework::kCourtMeasure;
  EXPECT_TRUE(policy->Decide(c).allow);
  // The disclosed signal's framework is no stand-in for the recipient's.
  c.recipient.legal_framework = LegalFramework::kVoluntary;
  c.other.legal_framework = LegalFramework::kCourtMeasure;
  Explanation e = policy->Explain(c);
  EXPECT_FALSE(e.decision.allow);
  ASSERT_EQ(e.rules.size(), 1u);
  EXPECT_EQ(e.rules[0].note, "the recipient's own legal framework is not one this rule names");
}

TEST(RulePolicy, AForbidOnTheSubjectsRoleForbidsThatRoleOnly) {
  auto policy =
      Load(std::string(kAnyExistence) + "  - { id: not-of-victims, effect: forbid, subject_roles: [victim] }\n");
  MatchCandidate c = Candidate("politie", "vt", "domestic_violence");
  c.other.subject_role = PersonRole::kVictim;
  Decision victim = policy->Decide(c);
  EXPECT_FALSE(victim.allow);
  EXPECT_THAT(victim.rule_ids, ElementsAre("not-of-victims"));
  EXPECT_THAT(victim.reason, HasSubstr("forbidden by not-of-victims"));
  // The recipient's own subject's role does not count.
  c.other.subject_role = PersonRole::kWitness;
  c.recipient.subject_role = PersonRole::kVictim;
  Explanation witness = policy->Explain(c);
  EXPECT_TRUE(witness.decision.allow);
  EXPECT_THAT(witness.decision.rule_ids, ElementsAre("any-exist"));
  ASSERT_EQ(witness.rules.size(), 2u);
  EXPECT_EQ(witness.rules[1].note, "the subject's role is not one this rule names");
}

TEST(RulePolicy, RelationsNarrowOnlyHouseholdRelatedMatches) {
  auto policy = Load("  - { id: r, effect: permit, match: [subject, household_related], relations: [parent], "
                     "level: details, legal_basis: convenant }\n");
  EXPECT_TRUE(policy->Decide(Candidate("school", "vt", "domestic_violence", MatchKind::kSubject)).allow);
  MatchCandidate parent = Candidate("school", "vt", "domestic_violence", MatchKind::kHouseholdRelated);
  parent.relation = Relation::kParent;
  EXPECT_TRUE(policy->Decide(parent).allow);
  parent.relation = Relation::kSibling;
  EXPECT_FALSE(policy->Decide(parent).allow);
  EXPECT_FALSE(policy->Decide(Candidate("school", "vt", "domestic_violence", MatchKind::kHouseholdSharedRelated)).allow);
}

TEST(RulePolicy, ProtectedSignalsNeedARuleThatSaysSo) {
  auto policy = Load(std::string(kAnyExistence) +
                     "  - { id: shelter, effect: permit, recipient: { kinds: [veilig_thuis] }, protected: only, "
                     "level: existence_and_contact, legal_basis: convenant }\n");
  MatchCandidate c = Candidate("politie", "wijkteam", "domestic_violence");
  c.other.is_protected = true;
  EXPECT_FALSE(policy->Decide(c).allow);
  c.recipient.organisation_id = "vt";
  Decision d = policy->Decide(c);
  EXPECT_TRUE(d.allow);
  EXPECT_THAT(d.rule_ids, ElementsAre("shelter"));
}

TEST(RulePolicy, NothingDisclosesTowardsThePersonASignalProtectsAgainst) {
  auto policy = Load("  - { id: all, effect: permit, protected: include, level: details, legal_basis: convenant }\n");
  MatchCandidate c = Candidate("politie", "wijkteam", "domestic_violence");
  c.other.is_protected = true;
  EXPECT_TRUE(policy->Decide(c).allow);
  c.other_protects_against_recipient_subject = true;
  Decision d = policy->Decide(c);
  EXPECT_FALSE(d.allow);
  EXPECT_THAT(d.rule_ids, ElementsAre(kProtectedAgainstRule));
}

TEST(RulePolicy, EffectiveDatesAreHonouredAtDecisionTime) {
  auto policy = Load("  - { id: pilot, effect: permit, level: details, legal_basis: convenant, "
                     "effective_from: 2027-01-01, effective_until: 2028-01-01 }\n");
  MatchCandidate c = Candidate("politie", "vt", "domestic_violence");
  c.decision_time = Day(2026, 12, 31) + absl::Hours(23);
  EXPECT_FALSE(policy->Decide(c).allow);
  c.decision_time = Day(2027, 1, 1);
  EXPECT_TRUE(policy->Decide(c).allow);
  c.decision_time = Day(2028, 1, 1) - absl::Seconds(1);
  EXPECT_TRUE(policy->Decide(c).allow);
  c.decision_time = Day(2028, 1, 1);  // until is exclusive
  EXPECT_FALSE(policy->Decide(c).allow);
}

TEST(RulePolicy, AConsentRuleAppliesOnlyWithConsentAndReportsIt) {
  auto policy = Load("  - { id: with-consent, effect: permit, level: category, legal_basis: consent, consent: required }\n");
  MatchCandidate c = Candidate("school", "wijkteam", "housing_nuisance");
  Decision without = policy->Decide(c);
  EXPECT_FALSE(without.allow);
  EXPECT_THAT(without.reason, HasSubstr("held back by consent or objection: with-consent"));
  c.consents.push_back(Record("cns-1", ConsentKind::kConsent));
  Decision with = policy->Decide(c);
  EXPECT_TRUE(with.allow);
  EXPECT_THAT(with.consent_ids, ElementsAre("cns-1"));
  EXPECT_THAT(with.legal_bases, ElementsAre("consent: AVG art. 6(1)(a)"));
}

TEST(RulePolicy, AnObjectionStopsARuleOnlyWhenTheRuleSaysSo) {
  auto policy = Load(
      "  - { id: duty, effect: permit, recipient: { kinds: [veilig_thuis] }, level: category, legal_basis: convenant, "
      "objection: does_not_stop }\n"
      "  - { id: task, effect: permit, recipient: { kinds: [police] }, level: category, legal_basis: convenant }\n");
  MatchCandidate c = Candidate("vt", "wijkteam", "housing_nuisance");
  c.consents.push_back(Record("obj-1", ConsentKind::kObjection));
  EXPECT_TRUE(policy->Decide(c).allow);  // a legal duty goes on
  c.recipient.organisation_id = "politie";
  Decision stopped = policy->Decide(c);
  EXPECT_FALSE(stopped.allow);
  EXPECT_THAT(stopped.consent_ids, ElementsAre("obj-1"));  // the objection that stood
}

TEST(RulePolicy, ExplainListsEveryRuleWithWhyItDidOrDidNotCount) {
  auto policy = Load(std::string(kPoliceCategory) +
                     "  - { id: with-consent, effect: permit, level: details, legal_basis: consent, consent: required }\n"
                     "  - { id: no-school, effect: forbid, recipient: { kinds: [school] } }\n"
                     "  - { id: later, effect: permit, level: details, legal_basis: convenant, effective_from: 2030-01-01 }\n");
  Explanation e = policy->Explain(Candidate("politie", "vt", "domestic_violence"));
  EXPECT_TRUE(e.decision.allow);
  EXPECT_EQ(e.decision.level, DisclosureLevel::kCategory);
  ASSERT_EQ(e.rules.size(), 4u);
  EXPECT_TRUE(e.rules[0].applied);
  EXPECT_EQ(e.rules[0].line, 16);
  EXPECT_TRUE(e.rules[1].matched);
  EXPECT_FALSE(e.rules[1].applied);
  EXPECT_THAT(e.rules[1].note, HasSubstr("needs consent"));
  EXPECT_FALSE(e.rules[2].matched);
  EXPECT_EQ(e.rules[2].note, "the recipient is not one this rule names");
  EXPECT_EQ(e.rules[3].note, "not in effect on 2026-11-23");
  // Explain and Decide agree.
  Decision d = policy->Decide(Candidate("politie", "vt", "domestic_violence"));
  EXPECT_EQ(d.rule_ids, e.decision.rule_ids);
  EXPECT_EQ(d.reason, e.decision.reason);
}

TEST(RulePolicy, TaxonomyRetentionAndCoordination) {
  LoadedPolicy loaded = LoadPolicy(
      absl::StrCat(PolicyWith(""), "coordination:\n  - { id: three, coordinator: vt, legal_basis: convenant, "
                                   "min_organisations: 3, window: 1y }\n"),
      "p.yaml");
  ASSERT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  EXPECT_TRUE(loaded.policy->KnowsCategory("school_absence"));
  EXPECT_FALSE(loaded.policy->KnowsCategory("school_absense"));
  EXPECT_EQ(loaded.policy->RetentionFor("school_absence").active, absl::Hours(24 * 30));
  EXPECT_EQ(loaded.policy->RetentionFor("school_absence").visible, absl::Hours(24 * 14));
  ASSERT_EQ(loaded.policy->CoordinationRules().size(), 1u);
  const CoordinationRule& rule = loaded.policy->CoordinationRules()[0];
  EXPECT_EQ(rule.coordinator, "vt");
  EXPECT_EQ(rule.min_organisations, 3);
  EXPECT_EQ(rule.window, absl::Hours(24 * 365));
  EXPECT_EQ(rule.legal_basis, "convenant: AVG art. 6(1)(e)");
  EXPECT_EQ(loaded.policy->KindOf("school"), "school");
}

TEST(LoadPolicy, TheVersionIsTheHashOfTheExactBytes) {
  const std::string text = PolicyWith(kAnyExistence);
  EXPECT_EQ(LoadPolicy(text, "a.yaml").policy->Version(), PolicyVersionHash(text));
  EXPECT_EQ(PolicyVersionHash(text).size(), 64u);
  EXPECT_NE(PolicyVersionHash(text), PolicyVersionHash(text + "\n"));
  // sha256("") is well known.
  EXPECT_EQ(PolicyVersionHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(LoadPolicy, AnInvalidPolicyIsRefusedWholeWithSortedDiagnostics) {
  LoadedPolicy loaded = LoadPolicy(PolicyWith("  - { id: a, effect: permit, level: details, legal_basis: nope }\n"
                                              "  - { id: b, effect: forbid, categories: [nope] }\n"),
                                   "p.yaml");
  EXPECT_EQ(loaded.policy, nullptr);
  ASSERT_EQ(loaded.diagnostics.size(), 2u) << Describe(loaded.diagnostics);
  EXPECT_LT(loaded.diagnostics[0].at.line, loaded.diagnostics[1].at.line);
}

TEST(LoadPolicy, TheExampleRegionPolicyIsCleanAndCoversTheSeedRegion) {
  std::ifstream in(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml");
  ASSERT_TRUE(in) << "deploy/policies/amsterdam-amstelland.yaml missing";
  std::ostringstream read;
  read << in.rdbuf();
  const std::string text = read.str();
  LoadedPolicy loaded = LoadPolicy(text, "amsterdam-amstelland.yaml");
  ASSERT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  EXPECT_TRUE(loaded.diagnostics.empty()) << Describe(loaded.diagnostics);
  EXPECT_GE(loaded.policy->document().rules.size(), 10u);
  // Three patterns (one over households), waiting too long, a move rule for
  // two regions and out of view.
  EXPECT_EQ(loaded.policy->CoordinationRules().size(), 7u);
}

}  // namespace
}  // namespace samenloop::policy
