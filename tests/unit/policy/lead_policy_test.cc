// The policy's `lead:` section (issue 20 item 4): who may lead and who is
// told; errors at file:line:col; default deny without the section.

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/lead_rules.h"
#include "policy/policy_parser.h"
#include "tests/unit/policy/policy_test_support.h"

namespace samenloop::policy {
namespace {

using ::testing::HasSubstr;
using testing::Describe;
using testing::PolicyWith;

// The head of PolicyWith("") has 14 lines; the lead section starts on 15.
constexpr int kLeadLine = 15;

std::string WithLead(const std::string& lead) { return absl::StrCat(PolicyWith(""), "lead:\n", lead); }

std::vector<Diagnostic> Parse(const std::string& text, PolicyDocument* out = nullptr) {
  std::vector<Diagnostic> diagnostics;
  PolicyDocument doc = ParsePolicyYaml(text, "region.yaml", diagnostics);
  if (out != nullptr) *out = std::move(doc);
  return diagnostics;
}

TEST(LeadPolicy, ReadsTheSection) {
  PolicyDocument doc;
  auto diagnostics = Parse(WithLead(R"(  description: "one family, one plan"
  may_lead: { kinds: [veilig_thuis], organisations: [wijkteam] }
  informs: { kinds: [police, veilig_thuis, local_team] }
  tell_coordinators: false
  legal_basis: convenant
)"),
                           &doc);
  ASSERT_TRUE(diagnostics.empty()) << Describe(diagnostics);
  ASSERT_TRUE(doc.lead.present);
  EXPECT_EQ(doc.lead.at.line, kLeadLine + 1);
  EXPECT_EQ(doc.lead.may_lead.kinds, (std::set<std::string>{"veilig_thuis"}));
  EXPECT_EQ(doc.lead.may_lead.organisations, (std::set<std::string>{"wijkteam"}));
  EXPECT_EQ(doc.lead.informs.kinds, (std::set<std::string>{"police", "veilig_thuis", "local_team"}));
  EXPECT_FALSE(doc.lead.tell_coordinators);
  EXPECT_EQ(doc.lead.legal_basis_id, "convenant");
}

TEST(LeadPolicy, AnUnknownKeyIsAnErrorAtItsPosition) {
  auto diagnostics = Parse(WithLead("  may_lead: { kinds: [veilig_thuis] }\n  legal_basis: convenant\n"
                                    "  may_led: { kinds: [police] }\n"));
  ASSERT_EQ(diagnostics.size(), 1u) << Describe(diagnostics);
  EXPECT_EQ(diagnostics[0].severity, Diagnostic::Severity::kError);
  EXPECT_THAT(diagnostics[0].ToString(),
              HasSubstr(absl::StrCat("region.yaml:", kLeadLine + 3, ":3: error: unknown key \"may_led\" in \"lead\"")));
  EXPECT_THAT(diagnostics[0].message, HasSubstr("may_lead"));
}

TEST(LeadPolicy, AnUnknownKeyInsideMayLeadIsAnError) {
  auto diagnostics = Parse(WithLead("  may_lead: { kind: [veilig_thuis] }\n  legal_basis: convenant\n"));
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_THAT(diagnostics[0].ToString(), HasSubstr(absl::StrCat("region.yaml:", kLeadLine + 1, ":")));
  EXPECT_THAT(diagnostics[0].message, HasSubstr("unknown key \"kind\""));
}

TEST(LeadPolicy, MayLeadMustNameSomeoneAndTheLegalBasisIsRequired) {
  auto none = Parse(WithLead("  legal_basis: convenant\n"));
  ASSERT_EQ(none.size(), 1u) << Describe(none);
  EXPECT_THAT(none[0].message, HasSubstr("\"lead\" needs \"may_lead\""));
  auto empty = Parse(WithLead("  may_lead: {}\n  legal_basis: convenant\n"));
  ASSERT_EQ(empty.size(), 1u) << Describe(empty);
  EXPECT_EQ(empty[0].at.line, kLeadLine + 1);
  auto no_basis = Parse(WithLead("  may_lead: { kinds: [veilig_thuis] }\n"));
  ASSERT_EQ(no_basis.size(), 1u) << Describe(no_basis);
  EXPECT_THAT(no_basis[0].message, HasSubstr("legal_basis"));
  auto bad_flag = Parse(WithLead("  may_lead: { kinds: [veilig_thuis] }\n  legal_basis: convenant\n"
                                 "  tell_coordinators: sometimes\n"));
  ASSERT_EQ(bad_flag.size(), 1u) << Describe(bad_flag);
  EXPECT_EQ(bad_flag[0].at.line, kLeadLine + 3);
}

TEST(LeadPolicy, NamesMustBeDeclared) {
  LoadedPolicy loaded = LoadPolicy(WithLead("  may_lead: { kinds: [gi], organisations: [jeugdzorg] }\n"
                                            "  informs: { kinds: [rvdk] }\n  legal_basis: verdrag\n"),
                                   "region.yaml");
  EXPECT_EQ(loaded.policy, nullptr);
  const std::string all = Describe(loaded.diagnostics);
  EXPECT_THAT(all, HasSubstr("names organisation kind \"gi\""));
  EXPECT_THAT(all, HasSubstr("names organisation \"jeugdzorg\""));
  EXPECT_THAT(all, HasSubstr("names organisation kind \"rvdk\""));
  EXPECT_THAT(all, HasSubstr("cites legal basis \"verdrag\""));
}

TEST(LeadPolicy, CompiledItSaysWhoMayLeadAndWhoIsTold) {
  LoadedPolicy loaded = LoadPolicy(WithLead("  may_lead: { kinds: [veilig_thuis], organisations: [wijkteam] }\n"
                                            "  informs: { kinds: [police, veilig_thuis] }\n  legal_basis: convenant\n"),
                                   "region.yaml");
  ASSERT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  const LeadRules* rules = loaded.policy->Lead();
  ASSERT_NE(rules, nullptr);
  EXPECT_TRUE(MayLead(*rules, "vt", loaded.policy->EffectiveKind("vt", "")));
  EXPECT_TRUE(MayLead(*rules, "wijkteam", loaded.policy->EffectiveKind("wijkteam", "")));
  EXPECT_FALSE(MayLead(*rules, "politie", loaded.policy->EffectiveKind("politie", "")));
  // A declared organisation is of the kind the policy gives it, whatever
  // its certificate says.
  EXPECT_FALSE(MayLead(*rules, "politie", loaded.policy->EffectiveKind("politie", "veilig_thuis")));
  EXPECT_TRUE(LearnsOfLead(*rules, "politie", "police"));
  EXPECT_FALSE(LearnsOfLead(*rules, "school", "school"));
  EXPECT_TRUE(rules->tell_coordinators);
  EXPECT_EQ(rules->legal_basis, "convenant: AVG art. 6(1)(e)");
}

TEST(LeadPolicy, WithoutTheSectionNobodyMayLead) {
  LoadedPolicy loaded = LoadPolicy(PolicyWith(""), "region.yaml");
  ASSERT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  EXPECT_EQ(loaded.policy->Lead(), nullptr);
}

TEST(LeadPolicy, TheBuiltInDevelopmentPolicyLetsAnyoneLead) {
  std::unique_ptr<DisclosurePolicy> builtin = MakeBuiltinDefaultPolicy("zvh");
  ASSERT_NE(builtin->Lead(), nullptr);
  EXPECT_TRUE(MayLead(*builtin->Lead(), "anyone", "any_kind"));
  EXPECT_TRUE(LearnsOfLead(*builtin->Lead(), "anyone", "any_kind"));
}

TEST(LeadPolicy, TheExampleRegionLetsCarePartnersLeadAndNotThePolice) {
  std::ifstream in(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  LoadedPolicy loaded = LoadPolicy(text.str(), "amsterdam-amstelland.yaml");
  ASSERT_NE(loaded.policy, nullptr) << Describe(loaded.diagnostics);
  const LeadRules* rules = loaded.policy->Lead();
  ASSERT_NE(rules, nullptr);
  EXPECT_TRUE(MayLead(*rules, "wijkteam-west", loaded.policy->EffectiveKind("wijkteam-west", "")));
  EXPECT_TRUE(MayLead(*rules, "gi-jeugdbescherming", loaded.policy->EffectiveKind("gi-jeugdbescherming", "")));
  EXPECT_FALSE(MayLead(*rules, "politie-amsterdam", loaded.policy->EffectiveKind("politie-amsterdam", "")));
  EXPECT_FALSE(LearnsOfLead(*rules, "school-de-horizon", "school"));
}

}  // namespace
}  // namespace samenloop::policy
