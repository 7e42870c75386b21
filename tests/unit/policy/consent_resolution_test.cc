// Consent and objection precedence (ARCHITECTURE.md §5,
// docs/policy-guide.md "Consent and objection") as a table: records on the
// subject, the question, and the outcome.

#include "policy/consent_resolution.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace samenloop::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const absl::Time kNow = absl::FromCivil(absl::CivilDay(2026, 11, 23), absl::UTCTimeZone());

struct R {  // a record, briefly
  R(std::string id_, ConsentKind kind_ = ConsentKind::kConsent, ConsentGiver giver_ = ConsentGiver::kSubject,
    std::string giver_key_ = "", std::string org_ = "", std::string kind_scope_ = "",
    std::vector<std::string> categories_ = {})
      : id(std::move(id_)), kind(kind_), giver(giver_), giver_key(std::move(giver_key_)), org(std::move(org_)),
        kind_scope(std::move(kind_scope_)), categories(std::move(categories_)) {}
  std::string id;
  ConsentKind kind;
  ConsentGiver giver;
  std::string giver_key;
  std::string org, kind_scope;
  std::vector<std::string> categories;
};

ConsentFacts Make(const R& r) {
  ConsentFacts f;
  f.consent_id = r.id;
  f.kind = r.kind;
  f.given_by = r.giver;
  f.giver_key = r.giver_key;
  f.recipient_organisation = r.org;
  f.recipient_kind = r.kind_scope;
  f.categories = r.categories;
  return f;
}

constexpr ConsentKind C = ConsentKind::kConsent;
constexpr ConsentKind O = ConsentKind::kObjection;
constexpr ConsentGiver S = ConsentGiver::kSubject;
constexpr ConsentGiver P = ConsentGiver::kParentWithAuthority;
constexpr ConsentGiver G = ConsentGiver::kGuardian;

struct Row {
  const char* name;
  std::vector<R> records;
  AgeBand age;
  ParentalConsent parents;
  bool consented;
  bool objected;
  std::vector<std::string> ids;  // consent ids when consented, objection ids when objected
};

ConsentOutcome Resolve(const Row& row) {
  std::vector<ConsentFacts> records;
  for (const R& r : row.records) records.push_back(Make(r));
  return ResolveConsent(records, {"school-de-horizon", "school", "school_absence", row.age, kNow}, row.parents);
}

constexpr AgeBand Adult = AgeBand::k23Plus;
constexpr AgeBand Teen = AgeBand::k12To15;
constexpr AgeBand Child = AgeBand::k0To11;
constexpr ParentalConsent Both = ParentalConsent::kBothRequired;
constexpr ParentalConsent Either = ParentalConsent::kEitherSufficient;

TEST(ConsentResolution, PrecedenceTable) {
  const std::vector<Row> rows = {
      {"nothing registered", {}, Adult, Both, false, false, {}},
      {"general consent", {{"c1", C}}, Adult, Both, true, false, {"c1"}},
      {"general objection", {{"o1", O}}, Adult, Both, false, true, {"o1"}},
      {"equal specificity: objection beats consent", {{"c1", C}, {"o1", O}}, Adult, Both, false, true, {"o1"}},
      {"organisation-specific consent beats general objection",
       {{"o1", O}, {"c1", C, S, "", "school-de-horizon"}}, Adult, Both, true, false, {"c1"}},
      {"organisation-specific objection beats kind consent",
       {{"c1", C, S, "", "", "school"}, {"o1", O, S, "", "school-de-horizon"}}, Adult, Both, false, true, {"o1"}},
      {"kind consent beats general objection", {{"o1", O}, {"c1", C, S, "", "", "school"}}, Adult, Both, true, false,
       {"c1"}},
      {"category-specific objection beats general consent",
       {{"c1", C}, {"o1", O, S, "", "", "", {"school_absence"}}}, Adult, Both, false, true, {"o1"}},
      {"consent for another category does not apply", {{"c1", C, S, "", "", "", {"debt"}}}, Adult, Both, false, false,
       {}},
      {"consent for another organisation does not apply", {{"c1", C, S, "", "wijkteam-west"}}, Adult, Both, false,
       false, {}},
      {"adult: a parent's consent does not count", {{"c1", C, P, "mother"}}, Adult, Both, false, false, {}},
      {"adult: a guardian's consent counts", {{"c1", C, G, "mentor"}}, Adult, Both, true, false, {"c1"}},
      {"child: both parents required, one consents", {{"c1", C, P, "mother"}}, Child, Both, false, false, {}},
      {"child: both parents consent", {{"c1", C, P, "mother"}, {"c2", C, P, "father"}}, Child, Both, true, false,
       {"c1", "c2"}},
      {"child: the same parent twice is not two parents", {{"c1", C, P, "mother"}, {"c2", C, P, "mother"}}, Child,
       Both, false, false, {}},
      {"child: either sufficient, mother consents", {{"c1", C, P, "mother"}}, Child, Either, true, false, {"c1"}},
      {"child: mother consents, father objects (Everyone unhappy)",
       {{"c1", C, P, "mother"}, {"o1", O, P, "father"}}, Child, Either, false, true, {"o1"}},
      {"child: the child's own word does not count", {{"c1", C, S}}, Child, Either, false, false, {}},
      {"child: a guardian stands in for the parents", {{"c1", C, G, "gi"}}, Child, Both, true, false, {"c1"}},
      {"12-15: the child and the parents", {{"c1", C, S}, {"c2", C, P, "mother"}}, Teen, Either, true, false,
       {"c1", "c2"}},
      {"12-15: parents alone are not enough", {{"c2", C, P, "mother"}, {"c3", C, P, "father"}}, Teen, Both, false,
       false, {}},
      {"12-15: the child alone is not enough", {{"c1", C, S}}, Teen, Either, false, false, {}},
      {"12-15: the child's objection stands", {{"o1", O, S}, {"c2", C, P, "mother"}}, Teen, Either, false, true,
       {"o1"}},
  };
  for (const Row& row : rows) {
    ConsentOutcome outcome = Resolve(row);
    EXPECT_EQ(outcome.consented, row.consented) << row.name << ": " << outcome.explanation;
    EXPECT_EQ(outcome.objected, row.objected) << row.name << ": " << outcome.explanation;
    const std::vector<std::string>& ids = row.objected ? outcome.objection_ids : outcome.consent_ids;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), std::set<std::string>(row.ids.begin(), row.ids.end()))
        << row.name;
    EXPECT_FALSE(outcome.explanation.empty()) << row.name;
  }
}

TEST(ConsentResolution, ValidityPeriodIsHalfOpen) {
  ConsentFacts record = Make({"c1", C});
  record.valid_from = kNow - absl::Hours(24);
  record.valid_until = kNow;
  ConsentQuestion q{"vt", "veilig_thuis", "domestic_violence", Adult, kNow - absl::Seconds(1)};
  EXPECT_TRUE(ResolveConsent({record}, q, Both).consented);
  q.at = kNow;  // expired at its end date, without anyone doing anything
  EXPECT_FALSE(ResolveConsent({record}, q, Both).consented);
  q.at = kNow - absl::Hours(25);  // not yet valid
  EXPECT_FALSE(ResolveConsent({record}, q, Both).consented);
}

TEST(ConsentResolution, ReportsEveryObjectionThatStands) {
  ConsentOutcome outcome =
      ResolveConsent({Make({"o1", O, P, "father"}), Make({"o2", O, G, "gi"}), Make({"c1", C, P, "mother"})},
                     {"vt", "veilig_thuis", "domestic_violence", Child, kNow}, Either);
  EXPECT_TRUE(outcome.objected);
  EXPECT_THAT(outcome.objection_ids, UnorderedElementsAre("o1", "o2"));
  EXPECT_THAT(outcome.consent_ids, IsEmpty());
}

}  // namespace
}  // namespace samenloop::policy
