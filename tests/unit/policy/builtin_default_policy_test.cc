#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "policy/disclosure_policy.h"

namespace samenloop::policy {
namespace {

MatchCandidate Candidate(const std::string& recipient_org, const std::string& other_org) {
  MatchCandidate candidate;
  candidate.recipient.organisation_id = recipient_org;
  candidate.other.organisation_id = other_org;
  candidate.kind = MatchKind::kSubject;
  candidate.decision_time = absl::Now();
  return candidate;
}

TEST(BuiltinDefaultPolicy, SubjectMatchBetweenOrganisationsDisclosesExistenceAndContact) {
  auto policy = MakeBuiltinDefaultPolicy();
  Decision decision = policy->Decide(Candidate("politie-amsterdam", "ggz-inforsa"));
  EXPECT_TRUE(decision.allow);
  EXPECT_EQ(decision.level, DisclosureLevel::kExistenceAndContact);
  ASSERT_EQ(decision.rule_ids.size(), 1u);
  EXPECT_EQ(decision.rule_ids[0], "builtin.subject-match");
  EXPECT_EQ(decision.legal_bases.size(), 1u);
  EXPECT_EQ(decision.policy_version, policy->Version());
}

TEST(BuiltinDefaultPolicy, SameOrganisationIsDenied) {
  Decision decision = MakeBuiltinDefaultPolicy()->Decide(Candidate("ggz-inforsa", "ggz-inforsa"));
  EXPECT_FALSE(decision.allow);
  EXPECT_EQ(decision.level, DisclosureLevel::kNone);
  EXPECT_EQ(decision.rule_ids, std::vector<std::string>{"builtin.default-deny"});
}

TEST(BuiltinDefaultPolicy, HouseholdMatchesDiscloseExistenceAndContactUnderTheirOwnRule) {
  for (MatchKind kind : {MatchKind::kHouseholdRelated, MatchKind::kHouseholdSharedRelated}) {
    MatchCandidate candidate = Candidate("politie-amsterdam", "ggz-inforsa");
    candidate.kind = kind;
    Decision decision = MakeBuiltinDefaultPolicy()->Decide(candidate);
    EXPECT_TRUE(decision.allow);
    EXPECT_EQ(decision.level, DisclosureLevel::kExistenceAndContact);
    EXPECT_EQ(decision.rule_ids, std::vector<std::string>{"builtin.household-match"});
  }
}

TEST(BuiltinDefaultPolicy, ProtectedSignalIsNeverDisclosed) {
  MatchCandidate candidate = Candidate("politie-amsterdam", "veilig-thuis-amsterdam");
  candidate.other.is_protected = true;
  Decision decision = MakeBuiltinDefaultPolicy()->Decide(candidate);
  EXPECT_FALSE(decision.allow);
  EXPECT_EQ(decision.rule_ids, std::vector<std::string>{"builtin.forbid-protected"});

  candidate.other.is_protected = false;
  candidate.other_protects_against_recipient_subject = true;
  EXPECT_FALSE(MakeBuiltinDefaultPolicy()->Decide(candidate).allow);
}

}  // namespace
}  // namespace samenloop::policy
