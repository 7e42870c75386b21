// The policy tools and the new policy features of issue 20: `policy diff`
// beyond access (behaviour_diff.h), `policy explain`'s notify_changes,
// coordination and lead text, and `policy test` steps (close, reopen,
// update, revoke) with change and out-of-view notices, and the lead steps
// (take_lead, handover, release) with who is told of the lead.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/behaviour_diff.h"
#include "policy/explanation_text.h"
#include "policy/policy_cases.h"
#include "policy/policy_test_runner.h"
#include "tests/unit/policy/policy_test_support.h"

namespace samenloop::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Describe;

constexpr char kRules[] =
    "  - { id: partners, effect: permit, recipient: { kinds: [police, veilig_thuis] }, level: details, "
    "legal_basis: convenant }\n"
    "  - { id: team-open-only, effect: permit, recipient: { kinds: [local_team] }, status: open, "
    "level: existence_and_contact, legal_basis: convenant }\n";

constexpr char kCoordination[] =
    "coordination:\n"
    "  - { id: three, coordinator: wijkteam, legal_basis: convenant, min_organisations: 3, window: 1y }\n"
    "  - { id: out-of-view, coordinator: wijkteam, legal_basis: convenant, out_of_view: true, "
    "history_category: domestic_violence }\n";

constexpr char kLead[] = "lead: { may_lead: { kinds: [veilig_thuis] }, legal_basis: convenant }\n";

std::shared_ptr<const RulePolicy> Load(const std::string& rules, const std::string& extra) {
  LoadedPolicy loaded = LoadPolicy(testing::PolicyWith(rules) + extra, "p.yaml");
  EXPECT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  return loaded.policy;
}

std::vector<std::string> Texts(const std::vector<BehaviourChange>& changes) {
  std::vector<std::string> out;
  for (const BehaviourChange& c : changes) out.push_back(absl::StrCat(Mark(c.direction), " ", c.text));
  return out;
}

TEST(BehaviourDiff, IdenticalPoliciesHaveNone) {
  auto a = Load(kRules, std::string(kCoordination) + kLead);
  EXPECT_THAT(DiffBehaviour(a->document(), a->document()), IsEmpty());
}

TEST(BehaviourDiff, ARuleThatNoLongerTellsOfAClose) {
  auto before = Load(kRules, "");
  std::string rules = kRules;
  rules.replace(rules.find("level: details,"), 15, "level: details, notify_changes: [reopened, severity],");
  auto after = Load(rules, "");
  EXPECT_THAT(Texts(DiffBehaviour(before->document(), after->document())),
              ElementsAre("- rule partners no longer tells recipients when a signal is closed",
                          "- rule partners no longer tells recipients when a signal escalates (its severity is raised)",
                          "+ rule partners now tells recipients when a signal's severity changes",
                          "- rule partners no longer tells recipients when a signal's contact changes"));
}

TEST(BehaviourDiff, ANotifiedChangeTheLevelDoesNotShowIsSaidToHaveNoEffect) {
  auto before = Load(kRules, "");
  std::string rules = kRules;
  rules.replace(rules.find("status: open,"), 13, "status: open, notify_changes: [closed, reopened, escalated, contact, nature],");
  auto after = Load(rules, "");
  EXPECT_THAT(Texts(DiffBehaviour(before->document(), after->document())),
              ElementsAre("+ rule team-open-only now tells recipients when a signal's nature changes (no effect at "
                          "level existence_and_contact, which does not show it)"));
}

TEST(BehaviourDiff, CoordinationRulesAddedRemovedAndChanged) {
  auto before = Load(kRules, kCoordination);
  std::string coordination = kCoordination;
  coordination.replace(coordination.find("min_organisations: 3, window: 1y"), 32,
                       "min_organisations: 2, window: 2y, scope: household, level: category, closed_category: "
                       "domestic_violence, waiting_longer_than: 12w");
  coordination.replace(coordination.find("id: out-of-view"), 15, "id: out-of-view-2");
  auto after = Load(kRules, coordination);
  EXPECT_THAT(
      Texts(DiffBehaviour(before->document(), after->document())),
      ElementsAre(
          "+ coordination rule three now counts over households instead of persons: the coordinator may be told of "
          "patterns across related persons",
          "+ coordination rule three now shows the coordinator category of each member instead of "
          "existence_and_contact",
          "+ coordination rule three now fires from 2 organisations (was 3)",
          "+ coordination rule three now counts signals opened within 2y (was 1y)",
          "+ coordination rule three now fires on a new signal after a closed domestic_violence signal",
          "+ coordination rule three now fires when an organisation has waited longer than 12w for a professional",
          "- coordination rule out-of-view removed (out of view): it no longer tells wijkteam (existence and "
          "contact) when the last open signal on one person closes and there is a domestic_violence history (out "
          "of view)",
          "+ coordination rule out-of-view-2 added (out of view): it tells wijkteam (existence and contact) when the "
          "last open signal on one person closes and there is a domestic_violence history (out of view)"));
}

// The head in two regions (vt in "east", the rest in the file's "west").
std::shared_ptr<const RulePolicy> LoadInRegions(const std::string& coordination) {
  std::string text = testing::PolicyWith(kRules) + coordination;
  text.replace(text.find("organisation_kinds:"), 0, "region: west\n");
  text.replace(text.find("{ id: vt, kind: veilig_thuis }"), 30, "{ id: vt, kind: veilig_thuis, region: east }");
  LoadedPolicy loaded = LoadPolicy(text, "p.yaml");
  EXPECT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  return loaded.policy;
}

TEST(BehaviourDiff, CoordinatorsPerRegionAndMoveRules) {
  auto before = LoadInRegions(
      "coordination:\n  - { id: three, coordinator: wijkteam, legal_basis: convenant, min_organisations: 3 }\n");
  auto after = LoadInRegions(
      "coordination:\n"
      "  - { id: three, coordinators: { west: wijkteam, east: vt }, legal_basis: convenant, min_organisations: 3 }\n"
      "  - { id: moved, coordinators: { west: wijkteam, east: vt }, legal_basis: convenant, move: true }\n");
  EXPECT_THAT(Texts(DiffBehaviour(before->document(), after->document())),
              ElementsAre("~ coordination rule three now tells the coordinator of the region (west: wijkteam, east: "
                          "vt) (was wijkteam)",
                          "+ coordination rule moved added (move): it tells the coordinators of both regions (west: "
                          "wijkteam, east: vt) when a signal arrives from an organisation of one region on one "
                          "person with live signals from another (a move)"));
}

TEST(BehaviourDiff, TheLeadSection) {
  auto none = Load(kRules, "");
  auto vt = Load(kRules, kLead);
  auto police = Load(kRules, "lead: { may_lead: { kinds: [veilig_thuis, police] }, informs: { organisations: "
                             "[school] }, tell_coordinators: false, legal_basis: consent }\n");
  EXPECT_THAT(Texts(DiffBehaviour(none->document(), vt->document())),
              ElementsAre("+ lead: section added: may lead: kinds veilig_thuis"));
  EXPECT_THAT(Texts(DiffBehaviour(vt->document(), none->document())),
              ElementsAre("- lead: section removed: nobody may take the lead any more"));
  EXPECT_THAT(Texts(DiffBehaviour(vt->document(), police->document())),
              ElementsAre("+ lead: organisations of kind police may now lead",
                          "- lead: only organisations school are told of a lead now (was every organisation that "
                          "may learn of the lead's signal)",
                          "- lead: coordinators no longer hear of a lead",
                          "~ lead: now cites legal basis consent instead of convenant"));
}

MatchCandidate VtToPolice(const RulePolicy& p) {
  MatchCandidate c;
  c.recipient = {"politie", p.KindOf("politie"), "domestic_violence"};
  c.other = {"vt", p.KindOf("vt"), "domestic_violence"};
  c.decision_time = absl::FromUnixSeconds(1'800'000'000);
  return c;
}

TEST(ExplainText, SaysWhatTheRecipientIsToldOfLater) {
  auto p = Load(kRules, "");
  const std::string text = ExplanationText(p->Explain(VtToPolice(*p)));
  EXPECT_THAT(text, HasSubstr("later told of: closed, reopened, escalated, contact\n"));
  EXPECT_THAT(text, HasSubstr("permit partners (line"));
  EXPECT_THAT(text, HasSubstr("notifies closed, reopened, escalated, contact"));
}

TEST(ExplainText, ShowsCoordinationRulesAndTheLead) {
  auto p = Load(kRules, std::string(kCoordination) + kLead);
  MatchCandidate c = VtToPolice(*p);
  const std::string text = CoordinationAndLeadText(*p, c, p->Decide(c));
  EXPECT_THAT(text, HasSubstr("coordination three (line"));
  EXPECT_THAT(text, HasSubstr("tells wijkteam (existence and contact of each member, counted over persons) when at "
                              "least 3 organisations have a live signal on one person within 1y"));
  EXPECT_THAT(text, HasSubstr("a domestic_violence signal is the history it looks for"));
  EXPECT_THAT(text, HasSubstr("lead: may lead: kinds veilig_thuis"));
  EXPECT_THAT(text, HasSubstr("politie may not lead; vt may lead"));
  EXPECT_THAT(text, HasSubstr("if vt leads, politie is told"));
}

std::vector<CaseResult> RunCases(const RulePolicy& policy, const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  std::vector<PolicyCase> cases = ParsePolicyCases(text, "cases.yaml", diagnostics);
  CheckPolicyCases(policy, cases, "cases.yaml", diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  return RunPolicyCases(policy, cases);
}

std::string Failures(const std::vector<CaseResult>& results) {
  std::string out;
  for (const CaseResult& r : results) {
    for (const CaseMismatch& m : r.missing) absl::StrAppend(&out, "missing: ", m.line, "\n", m.explanation);
    for (const CaseMismatch& m : r.unexpected) absl::StrAppend(&out, "not expected: ", m.line, "\n");
  }
  return out;
}

constexpr char kWorld[] = R"yaml(cases:
  - name: lifecycle
    date: 2026-11-23
    persons: { M: 23+ }
    signals:
      - { key: v1, organisation: vt, subject: M, category: domestic_violence }
      - { key: p1, organisation: politie, subject: M, category: housing_nuisance }
      - { key: w1, organisation: wijkteam, subject: M, category: housing_nuisance }
)yaml";

TEST(PolicyCaseSteps, ClosingTellsThoseToldAndTheLastCloseIsOutOfView) {
  auto p = Load(kRules, kCoordination);
  // wijkteam is the coordinator: the pattern shows only the other two, and
  // its own signal is no member of the out-of-view moment either.
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { close: v1 }
      - { close: w1 }
      - { close: p1 }
    expect:
      - "politie p1 <- vt v1 subject details"
      - "vt v1 <- politie p1 subject details"
      - "wijkteam w1 <- vt v1 subject existence_and_contact"
      - "wijkteam w1 <- politie p1 subject existence_and_contact"
      - "politie p1 <- wijkteam w1 subject details"
      - "vt v1 <- wijkteam w1 subject details"
      - "politie p1 <- vt v1 change closed"
      - "vt v1 <- politie p1 change closed"
      - "politie p1 <- wijkteam w1 change closed"
      - "vt v1 <- wijkteam w1 change closed"
      - "wijkteam - <- politie p1 coordination existence_and_contact pattern=1 members=politie:p1,vt:v1"
      - "wijkteam - <- politie p1 coordination out_of_view"
)yaml";
  // The local team's rule is for open signals only: after a close it is
  // told nothing; closing w1 (the coordinator's own) leaves p1 open, so the
  // out-of-view notice names p1, which closed last.
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseSteps, ReopenAndEscalateAreToldAtTheLevelThatShowsThem) {
  auto p = Load(kRules, "");
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { close: v1 }
      - { reopen: v1 }
      - { update: v1, severity: acute }
      - { update: p1, nature: fact }
    expect:
      - "politie p1 <- vt v1 subject details"
      - "vt v1 <- politie p1 subject details"
      - "wijkteam w1 <- vt v1 subject existence_and_contact"
      - "wijkteam w1 <- politie p1 subject existence_and_contact"
      - "politie p1 <- wijkteam w1 subject details"
      - "vt v1 <- wijkteam w1 subject details"
      - "politie p1 <- vt v1 change closed"
      - "politie p1 <- vt v1 change reopened"
      - "politie p1 <- vt v1 change escalated"
)yaml";
  // After v1's close the local team may not learn of it (status: open), so
  // the reopen tells it anew (a match line it already expects); at
  // existence_and_contact it hears no escalation; police hear of the
  // escalation but not of the severity (not in the default
  // notify_changes); p1's nature is notified by no rule.
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseSteps, AMissingChangeNoticeSaysWhyNothingWasTold) {
  auto p = Load(kRules, "");
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { update: v1, severity: acute }
    expect:
      - "politie p1 <- vt v1 subject details"
      - "vt v1 <- politie p1 subject details"
      - "wijkteam w1 <- vt v1 subject existence_and_contact"
      - "wijkteam w1 <- politie p1 subject existence_and_contact"
      - "politie p1 <- wijkteam w1 subject details"
      - "vt v1 <- wijkteam w1 subject details"
      - "politie p1 <- vt v1 change escalated"
      - "wijkteam w1 <- vt v1 change escalated"
)yaml";
  auto results = RunCases(*p, text);
  ASSERT_EQ(results[0].missing.size(), 1u) << Failures(results);
  EXPECT_EQ(results[0].missing[0].line, "wijkteam w1 <- vt v1 change escalated");
  EXPECT_THAT(results[0].missing[0].explanation, HasSubstr("allowed, but nothing to tell"));
}

TEST(PolicyCaseSteps, BadStepsAreErrorsAtTheirLine) {
  auto p = Load(kRules, "");
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { close: v1 }
      - { close: v1 }
      - { reopen: p1 }
      - { close: nobody }
      - { update: v1 }
      - { close: v1, severity: acute }
      - { close: v1, reopen: v1 }
    expect: []
)yaml";
  std::vector<Diagnostic> diagnostics;
  std::vector<PolicyCase> cases = ParsePolicyCases(text, "cases.yaml", diagnostics);
  CheckPolicyCases(*p, cases, "cases.yaml", diagnostics);
  const std::string all = Describe(diagnostics);
  EXPECT_THAT(all, HasSubstr("cases.yaml:11:9: error: signal v1 is already closed here"));
  EXPECT_THAT(all, HasSubstr("cases.yaml:12:9: error: signal p1 is open here"));
  EXPECT_THAT(all, HasSubstr("cases.yaml:13:9: error: the step names signal nobody"));
  EXPECT_THAT(all, HasSubstr("cases.yaml:14:9: error: the step on v1 changes nothing"));
  EXPECT_THAT(all, HasSubstr("\"severity\" belongs to an update step only"));
  EXPECT_THAT(all, HasSubstr("cases.yaml:16:9: error: a step is one of"));
}

constexpr char kLeadArrivals[] =
    "      - \"politie p1 <- vt v1 subject details\"\n"
    "      - \"vt v1 <- politie p1 subject details\"\n"
    "      - \"wijkteam w1 <- vt v1 subject existence_and_contact\"\n"
    "      - \"wijkteam w1 <- politie p1 subject existence_and_contact\"\n"
    "      - \"politie p1 <- wijkteam w1 subject details\"\n"
    "      - \"vt v1 <- wijkteam w1 subject details\"\n";

constexpr char kTeamMayLead[] = "lead: { may_lead: { kinds: [veilig_thuis, local_team] }, legal_basis: convenant }\n";

TEST(PolicyCaseLeadSteps, TakeRefuseHandOverAndReleaseSayWhoIsTold) {
  auto p = Load(kRules, kTeamMayLead);
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { take_lead: p1 }
      - { take_lead: w1 }
      - { take_lead: v1 }
      - { handover: w1, to: vt }
      - { release: w1 }
      - { release: v1 }
    expect:
)yaml" + kLeadArrivals + R"yaml(      - "politie p1 lead refused may_lead"
      - "vt v1 <- wijkteam w1 lead taken"
      - "politie p1 <- wijkteam w1 lead taken"
      - "vt v1 lead refused leads:wijkteam"
      - "vt v1 <- vt v1 lead handed_over from=wijkteam:w1"
      - "wijkteam w1 <- vt v1 lead handed_over from=wijkteam:w1"
      - "politie p1 <- vt v1 lead handed_over from=wijkteam:w1"
      - "wijkteam w1 lead refused not_lead"
      - "politie p1 <- vt v1 lead released"
      - "wijkteam w1 <- vt v1 lead released"
)yaml";
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseLeadSteps, ACloseLapsesAReopenIsToldAndARevocationRetracts) {
  auto p = Load(kRules, kTeamMayLead);
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { take_lead: w1 }
      - { close: w1 }
      - { take_lead: v1 }
      - { close: p1 }
      - { reopen: p1 }
      - { revoke: v1 }
      - { take_lead: w1 }
    expect:
)yaml" + kLeadArrivals + R"yaml(      - "vt v1 <- wijkteam w1 lead taken"
      - "politie p1 <- wijkteam w1 lead taken"
      - "vt v1 <- wijkteam w1 change closed"
      - "politie p1 <- wijkteam w1 change closed"
      - "vt v1 <- wijkteam w1 lead lapsed"
      - "politie p1 <- wijkteam w1 lead lapsed"
      - "politie p1 <- vt v1 lead taken"
      - "wijkteam w1 <- vt v1 lead taken"
      - "vt v1 <- politie p1 change closed"
      - "vt v1 <- politie p1 change reopened"
      - "politie p1 <- vt v1 retraction"
      - "wijkteam w1 <- vt v1 retraction"
      - "wijkteam w1 lead refused not_open"
)yaml";
  // The closed team signal is still live, so the team hears of vt's lead;
  // p1 reopened is told again who leads (the same line as at the take);
  // revoking v1 retracts what was told of it and ends its lead silently.
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseLeadSteps, ALeadOnAProtectedSignalTellsNoOneAndRefusesNothing) {
  auto p = Load(kRules, kTeamMayLead);
  const std::string text = R"yaml(cases:
  - name: hidden lead
    date: 2026-11-23
    persons: { M: 23+ }
    signals:
      - { key: v1, organisation: vt, subject: M, category: domestic_violence, protected: true }
      - { key: p1, organisation: politie, subject: M, category: housing_nuisance }
      - { key: w1, organisation: wijkteam, subject: M, category: housing_nuisance }
    steps:
      - { take_lead: v1 }
      - { take_lead: w1 }
    expect:
      - "wijkteam w1 <- politie p1 subject existence_and_contact"
      - "politie p1 <- wijkteam w1 subject details"
      - "vt v1 <- politie p1 subject details"
      - "vt v1 <- wijkteam w1 subject details"
      - "politie p1 <- wijkteam w1 lead taken"
      - "vt v1 <- wijkteam w1 lead taken"
)yaml";
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseLeadSteps, TheCoordinatorToldOfTheLeadsSignalIsToldAndARevokedMemberDissolvesThePattern) {
  auto p = Load(kRules, std::string(kTeamMayLead) +
                            "coordination:\n"
                            "  - { id: three, coordinator: school, legal_basis: convenant, min_organisations: 3, "
                            "window: 1y }\n");
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { take_lead: v1 }
      - { revoke: p1 }
    expect:
)yaml" + kLeadArrivals + R"yaml(      - "school - <- wijkteam w1 coordination existence_and_contact pattern=1 members=politie:p1,vt:v1,wijkteam:w1"
      - "politie p1 <- vt v1 lead taken"
      - "wijkteam w1 <- vt v1 lead taken"
      - "school - <- vt v1 lead taken"
      - "vt v1 <- politie p1 retraction"
      - "wijkteam w1 <- politie p1 retraction"
      - "school - <- politie p1 retraction"
)yaml";
  // Two organisations are left: the rule no longer fires, the pattern
  // dissolves without an update.
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseLeadSteps, ACoordinatorFirstToldOfTheLeadsSignalOnAReopenIsToldWhoLeads) {
  auto p = Load(kRules, std::string(kTeamMayLead) +
                            "coordination:\n"
                            "  - { id: dv-history, coordinator: school, legal_basis: convenant, "
                            "closed_category: domestic_violence }\n");
  const std::string text = R"yaml(cases:
  - name: reopen forms a pattern
    date: 2026-11-23
    persons: { M: 23+ }
    signals:
      - { key: w1, organisation: wijkteam, subject: M, category: housing_nuisance }
      - { key: v1, organisation: vt, subject: M, category: domestic_violence, status: closed }
      - { key: p1, organisation: politie, subject: M, category: housing_nuisance, status: closed }
    steps:
      - { take_lead: w1 }
      - { reopen: p1 }
    expect:
      - "vt v1 <- wijkteam w1 subject details"
      - "vt v1 <- politie p1 subject details"
      - "politie p1 <- wijkteam w1 subject details"
      - "politie p1 <- vt v1 subject details"
      - "vt v1 <- wijkteam w1 lead taken"
      - "politie p1 <- wijkteam w1 lead taken"
      - "vt v1 <- politie p1 change reopened"
      - "wijkteam w1 <- politie p1 subject existence_and_contact"
      - "school - <- politie p1 coordination existence_and_contact pattern=1 members=politie:p1,vt:v1,wijkteam:w1"
      - "school - <- wijkteam w1 lead taken"
)yaml";
  // The reopened police signal forms the history pattern: the school
  // (coordinator) is first told of the team's signal now, and of its lead.
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].passed()) << Failures(results);
}

TEST(PolicyCaseLeadSteps, AMissingLeadLineSaysWhy) {
  auto p = Load(kRules, std::string("lead: { may_lead: { kinds: [veilig_thuis] }, informs: { kinds: [police] }, "
                                    "legal_basis: convenant }\n"));
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { take_lead: v1 }
      - { take_lead: w1 }
    expect:
)yaml" + kLeadArrivals + R"yaml(      - "politie p1 <- vt v1 lead taken"
      - "wijkteam w1 <- vt v1 lead taken"
      - "wijkteam w1 <- vt v1 lead handed_over"
)yaml";
  auto results = RunCases(*p, text);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(results[0].missing.size(), 2u) << Failures(results);
  EXPECT_THAT(results[0].missing[1].explanation, HasSubstr("lead.informs leaves this organisation out"));
  ASSERT_EQ(results[0].unexpected.size(), 1u) << Failures(results);
  EXPECT_EQ(results[0].unexpected[0].line, "wijkteam w1 lead refused may_lead");
  EXPECT_THAT(results[0].unexpected[0].explanation, HasSubstr("the step was refused: may_lead"));
}

TEST(PolicyCaseLeadSteps, BadLeadStepsAreErrorsAtTheirLine) {
  auto p = Load(kRules, kTeamMayLead);
  const std::string text = std::string(kWorld) + R"yaml(    steps:
      - { handover: w1 }
      - { handover: w1, to: nobody }
      - { handover: w1, to: wijkteam }
      - { take_lead: w1, to: vt }
      - { revoke: p1 }
      - { take_lead: p1 }
    expect: []
)yaml";
  std::vector<Diagnostic> diagnostics;
  std::vector<PolicyCase> cases = ParsePolicyCases(text, "cases.yaml", diagnostics);
  CheckPolicyCases(*p, cases, "cases.yaml", diagnostics);
  const std::string all = Describe(diagnostics);
  EXPECT_THAT(all, HasSubstr("cases.yaml:10:9: error: the step on w1 needs the key \"to\""));
  EXPECT_THAT(all, HasSubstr("cases.yaml:11:9: error: the handover names organisation \"nobody\""));
  EXPECT_THAT(all, HasSubstr("cases.yaml:12:9: error: the handover of w1 is to its own organisation"));
  EXPECT_THAT(all, HasSubstr("\"to\" belongs to a handover step only"));
  EXPECT_THAT(all, HasSubstr("cases.yaml:15:9: error: signal p1 is revoked here"));
}

}  // namespace
}  // namespace samenloop::policy
