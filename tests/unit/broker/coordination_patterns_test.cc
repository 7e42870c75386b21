// Coordination patterns (issue 20 item 3) on a real RocksDB store: one
// notice per pattern with a stable opaque handle and every member, updates
// when it grows, households counted over direct relations, protected signals
// neither counted nor connecting, and revoked members taken out.

#include <set>

#include "tests/unit/broker/ledger_fixture.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

const CallerIdentity kPolice{"police", Role::kOrg, "police"};
const CallerIdentity kVt{"vt", Role::kOrg, "vt"};
const CallerIdentity kSchool{"school", Role::kOrg, "school"};
const CallerIdentity kGi{"gi", Role::kOrg, "gi"};
const CallerIdentity kGgz{"ggz", Role::kOrg, "ggz"};
const CallerIdentity kShelter{"shelter", Role::kOrg, "shelter"};
constexpr char kCoordinator[] = "zvh";

// A household rule (four organisations) and a person rule that needs three
// on one person, which these tests never reach.
std::string PolicyYaml(const std::string& level, int household_minimum) {
  return absl::StrCat(
      "version: \"patterns\"\norganisation_kinds: [police, vt, school, gi, ggz, shelter, safety_house]\n"
      "organisations:\n  - { id: police, kind: police }\n  - { id: vt, kind: vt }\n  - { id: school, kind: school }\n"
      "  - { id: gi, kind: gi }\n  - { id: ggz, kind: ggz }\n  - { id: shelter, kind: shelter }\n"
      "  - { id: zvh, kind: safety_house }\n"
      "categories:\n  - { id: housing_nuisance, active: 1y, visible: 2y }\n"
      "  - { id: domestic_violence, active: 1y, visible: 2y }\n"
      "legal_bases:\n  - { id: task, citation: \"AVG art. 6(1)(e)\" }\n"
      "rules:\n  - { id: none, effect: forbid, categories: [domestic_violence] }\n"
      "coordination:\n"
      "  - { id: person, coordinator: zvh, legal_basis: task, min_organisations: 3, window: 1y }\n"
      "  - { id: household, coordinator: zvh, legal_basis: task, scope: household, level: ",
      level, ", min_organisations: ", household_minimum, ", window: 1y }\n"
      "  - { id: waiting, coordinator: zvh, legal_basis: task, waiting_longer_than: 12w }\n");
}

class CoordinationPatternsTest : public testing::LedgerFixture {
 protected:
  void Start(const std::string& level = "existence_and_contact", int household_minimum = 4) {
    StartWith(PolicyYaml(level, household_minimum));
  }

  // The coordinator's notifications since the last call, released as a
  // stream would release them (so later ones retract rather than withdraw).
  std::vector<v1::Notification> Released() {
    uint64_t next = 0;
    absl::StatusOr<std::vector<v1::Notification>> page =
        ledger_->outbox().ReleaseOutbox(kCoordinator, cursor_, 1000, &next);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    cursor_ = next;
    return *page;
  }
  static std::set<std::string> Members(const v1::Notification& n) {
    std::set<std::string> out;
    for (const v1::DisclosedSignal& m : n.pattern_members()) out.insert(m.contact().name());
    return out;
  }

  // A family: the father (police, naming the mother and the elder child),
  // the mother (Veilig Thuis, naming both children), the elder child (the
  // school). The household of the mother is all four persons.
  void Family() {
    Submit(kPolice, Related(Related(ValidSignal(father_), mother_, v1::RELATION_PARTNER), child_, v1::RELATION_CHILD),
           "police-1");
    Submit(kVt, Related(Related(ValidSignal(mother_), sibling_, v1::RELATION_CHILD), child_, v1::RELATION_CHILD),
           "vt-1");
    Submit(kSchool, ValidSignal(child_), "school-1");
  }

  uint64_t cursor_ = 0;
  const v1::Pseudonym father_ = RandomPseudonym(), mother_ = RandomPseudonym(), child_ = RandomPseudonym(),
                      sibling_ = RandomPseudonym(), stranger_ = RandomPseudonym();
};

TEST_F(CoordinationPatternsTest, FourOrganisationsOnAHouseholdFormOnePatternThatGrowsUnderOneHandle) {
  Start();
  Family();
  EXPECT_TRUE(Released().empty()) << "three organisations on the household are not yet four";
  // The GI on the younger child, who is related to the mother: the mother's
  // household now has four organisations.
  Submit(kGi, ValidSignal(sibling_), "gi-1");
  std::vector<v1::Notification> told = Released();
  ASSERT_EQ(told.size(), 1u) << "one notice for the pattern, not one per signal";
  const v1::Notification formed = told[0];
  EXPECT_EQ(formed.kind(), v1::NOTIFICATION_KIND_COORDINATION);
  EXPECT_EQ(formed.coordination_event(), v1::COORDINATION_EVENT_PATTERN);
  EXPECT_EQ(formed.coordination_rule_id(), "household");
  EXPECT_EQ(formed.other().contact().name(), "gi-1");
  EXPECT_EQ(Members(formed), (std::set<std::string>{"police-1", "vt-1", "school-1", "gi-1"}));
  EXPECT_EQ(formed.coordination_count(), 4u);
  EXPECT_EQ(formed.basis().rule_ids(0), "household");
  EXPECT_EQ(formed.basis().legal_bases(0).rfind("task", 0), 0u) << formed.basis().legal_bases(0);
  EXPECT_TRUE(formed.pattern_members(0).category().empty()) << "the rule's level is existence and contact";

  // GGZ on the father: the pattern grows, the coordinator can tell it is the same.
  Submit(kGgz, ValidSignal(father_), "ggz-1");
  told = Released();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].coordination_event(), v1::COORDINATION_EVENT_PATTERN_UPDATED);
  EXPECT_EQ(told[0].pattern_handle(), formed.pattern_handle());
  EXPECT_NE(told[0].notification_id(), formed.notification_id());
  EXPECT_EQ(told[0].other().contact().name(), "ggz-1");
  EXPECT_EQ(Members(told[0]), (std::set<std::string>{"police-1", "vt-1", "school-1", "gi-1", "ggz-1"}));

  // A signal on someone unrelated is no part of it.
  Submit(kShelter, ValidSignal(stranger_), "shelter-1");
  EXPECT_TRUE(Released().empty());
}

TEST_F(CoordinationPatternsTest, AtLevelCategoryTheMembersCarryTheirCategories) {
  Start("category");
  Family();
  Submit(kGi, ValidSignal(sibling_), "gi-1");
  std::vector<v1::Notification> told = Released();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].disclosure_level(), v1::DISCLOSURE_LEVEL_CATEGORY);
  for (const v1::DisclosedSignal& m : told[0].pattern_members()) EXPECT_EQ(m.category(), "housing_nuisance");
  EXPECT_TRUE(told[0].pattern_members(0).has_contact());
}

TEST_F(CoordinationPatternsTest, AProtectedSignalNeitherCountsNorConnectsPersons) {
  Start("existence_and_contact", 3);
  // Only the shelter's protected signal ties the mother to the father and
  // the child; without it each person stands alone.
  Submit(kPolice, ValidSignal(father_), "police-1");
  Submit(kSchool, ValidSignal(child_), "school-1");
  v1::Signal shelter = Related(Related(ValidSignal(mother_), father_, v1::RELATION_PARTNER), child_, v1::RELATION_CHILD);
  shelter.set_protected_(true);
  Submit(kShelter, shelter, "shelter-1");
  Submit(kVt, ValidSignal(mother_), "vt-1");
  EXPECT_TRUE(Released().empty()) << "a pattern here would show that a hidden signal exists";
  // The same family tied by an unprotected signal forms the pattern.
  Submit(kGi, Related(ValidSignal(mother_), child_, v1::RELATION_CHILD), "gi-1");
  std::vector<v1::Notification> told = Released();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(Members(told[0]), (std::set<std::string>{"school-1", "vt-1", "gi-1"}));
}

TEST_F(CoordinationPatternsTest, ARevokedMemberLeavesThePatternWhichIsResentOrDissolved) {
  Start();
  Family();
  const std::string gi = Submit(kGi, ValidSignal(sibling_), "gi-1");
  const std::string ggz = Submit(kGgz, ValidSignal(father_), "ggz-1");
  std::vector<v1::Notification> before = Released();
  ASSERT_EQ(before.size(), 2u);
  const std::string handle = before[0].pattern_handle();

  // GGZ's signal was about the wrong person: the update naming it is
  // retracted (the first notice did not name it), and the pattern is sent
  // again without it (four remain).
  Revoke(kGgz, ggz);
  std::vector<v1::Notification> after = Released();
  ASSERT_EQ(after.size(), 2u);
  std::set<std::string> retracted;
  for (const v1::Notification& n : after) {
    if (n.kind() == v1::NOTIFICATION_KIND_RETRACTION) retracted.insert(n.retracts_notification_id());
  }
  EXPECT_EQ(retracted, (std::set<std::string>{before[1].notification_id()}));
  const v1::Notification resent = after.back();
  EXPECT_EQ(resent.coordination_event(), v1::COORDINATION_EVENT_PATTERN_UPDATED);
  EXPECT_EQ(resent.pattern_handle(), handle);
  EXPECT_EQ(Members(resent), (std::set<std::string>{"police-1", "vt-1", "school-1", "gi-1"}));

  // Without the GI only three organisations remain: the pattern dissolves.
  // Every notice naming the GI is retracted, each once (the update already
  // retracted with GGZ is not retracted again).
  Revoke(kGi, gi);
  after = Released();
  retracted.clear();
  for (const v1::Notification& n : after) {
    EXPECT_EQ(n.kind(), v1::NOTIFICATION_KIND_RETRACTION);
    retracted.insert(n.retracts_notification_id());
  }
  EXPECT_EQ(after.size(), 2u);
  EXPECT_EQ(retracted, (std::set<std::string>{before[0].notification_id(), resent.notification_id()}));

  // A fourth organisation later forms a new pattern, judged afresh.
  Submit(kGgz, ValidSignal(sibling_), "ggz-2");
  after = Released();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].coordination_event(), v1::COORDINATION_EVENT_PATTERN);
  EXPECT_NE(after[0].pattern_handle(), handle);
}

TEST_F(CoordinationPatternsTest, AMemberRevokedBeforeDeliveryNeverReachesTheCoordinator) {
  Start();
  Family();
  Submit(kGi, ValidSignal(sibling_), "gi-1");
  const std::string ggz = Submit(kGgz, ValidSignal(father_), "ggz-1");
  Revoke(kGgz, ggz);  // nothing released yet
  std::vector<v1::Notification> told = Released();
  ASSERT_EQ(told.size(), 2u) << "the update naming GGZ is withdrawn; the pattern is sent as it is now";
  EXPECT_EQ(told[0].coordination_event(), v1::COORDINATION_EVENT_PATTERN);
  for (const v1::Notification& n : told) {
    EXPECT_EQ(Members(n), (std::set<std::string>{"police-1", "vt-1", "school-1", "gi-1"}));
  }
}

TEST_F(CoordinationPatternsTest, AnUpdateCitesTheOtherRulesTheArrivalMakesFire) {
  Start();
  Family();
  Submit(kGi, ValidSignal(sibling_), "gi-1");
  ASSERT_EQ(Released().size(), 1u);
  // GGZ signs in on the father, waiting for a professional for twenty weeks.
  v1::Signal waiting = ValidSignal(father_);
  waiting.mutable_waiting_since()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(24 * 7 * 20)));
  Submit(kGgz, waiting, "ggz-1");
  std::vector<v1::Notification> told = Released();
  ASSERT_EQ(told.size(), 1u) << "one update, not a second pattern for the same family";
  EXPECT_EQ(told[0].coordination_rule_id(), "household") << "the rule that formed it";
  ASSERT_EQ(told[0].basis().rule_ids_size(), 2);
  EXPECT_EQ(told[0].basis().rule_ids(1), "waiting") << "and the rule the newcomer makes fire";
  EXPECT_EQ(told[0].basis().legal_bases_size(), 2);
}

TEST_F(CoordinationPatternsTest, TwoSignalsOfOneBatchBothJoinThePattern) {
  Start();
  Family();
  Submit(kGi, ValidSignal(sibling_), "gi-1");
  ASSERT_EQ(Released().size(), 1u);
  v1::SubmitSignalsRequest request;
  for (const auto& [person, key] : {std::pair{father_, "ggz-1"}, std::pair{mother_, "ggz-2"}}) {
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = ValidSignal(person);
    item->mutable_signal()->mutable_contact()->set_name(key);
  }
  ASSERT_TRUE(ledger_->submission().Submit(kGgz, request).ok());
  std::vector<v1::Notification> told = Released();
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(Members(told[1]), (std::set<std::string>{"police-1", "vt-1", "school-1", "gi-1", "ggz-1", "ggz-2"}));
}

}  // namespace
}  // namespace samenloop::broker
