// The move notice (issue 20 item 6) on a real RocksDB store: organisations
// belong to regions, a coordination rule names a coordinator per region, and
// a signal from another region on a household with live signals tells the
// coordinators of both regions, once; a protected signal never counts.

#include "tests/unit/broker/ledger_fixture.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::TestSecret;
using testing::ValidSignal;

const CallerIdentity kGi{"gi", Role::kOrg, "gi"};
const CallerIdentity kDebt{"debt", Role::kOrg, "debt"};
const CallerIdentity kZaandam{"wt-zaandam", Role::kOrg, "local_team"};
const CallerIdentity kShelter{"shelter-zaandam", Role::kOrg, "shelter"};

constexpr char kPolicy[] = R"yaml(version: "regions"
region: amsterdam
organisation_kinds: [gi, debt, local_team, shelter, safety_house]
organisations:
  - { id: gi, kind: gi }
  - { id: debt, kind: debt }
  - { id: wt-zaandam, kind: local_team, region: zaanstreek }
  - { id: shelter-zaandam, kind: shelter, region: zaanstreek }
  - { id: zvh-amsterdam, kind: safety_house }
  - { id: zvh-zaanstreek, kind: safety_house, region: zaanstreek }
categories:
  - { id: housing_nuisance, active: 1y, visible: 2y }
legal_bases:
  - { id: convenant, citation: "AVG art. 6(1)(e)" }
rules:
  - { id: none, effect: forbid, recipient: { kinds: [shelter] } }
coordination:
  - { id: moved, coordinators: { amsterdam: zvh-amsterdam, zaanstreek: zvh-zaanstreek }, legal_basis: convenant, scope: household, move: true }
)yaml";

class MoveNoticeTest : public testing::LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    StartWith(kPolicy);
  }
  std::vector<v1::Notification> Moves(const std::string& coordinator) {
    std::vector<v1::Notification> out;
    for (const v1::Notification& n : Outbox(coordinator)) {
      if (n.coordination_event() == v1::COORDINATION_EVENT_MOVE) out.push_back(n);
    }
    return out;
  }

  const v1::Pseudonym mother_ = RandomPseudonym(), son_ = RandomPseudonym();
};

TEST_F(MoveNoticeTest, ASignalFromAnotherRegionTellsTheCoordinatorsOfBoth) {
  Submit(kGi, Related(ValidSignal(son_), mother_, v1::RELATION_PARENT), "gi-son");
  Submit(kDebt, ValidSignal(mother_), "debt-1");
  EXPECT_TRUE(Moves("zvh-amsterdam").empty()) << "all in one region";
  // The mother moved to Zaandam: the local team there signs in on her.
  Submit(kZaandam, ValidSignal(mother_), "wt-1");
  for (const std::string coordinator : {"zvh-amsterdam", "zvh-zaanstreek"}) {
    std::vector<v1::Notification> moves = Moves(coordinator);
    ASSERT_EQ(moves.size(), 1u) << coordinator;
    EXPECT_EQ(moves[0].kind(), v1::NOTIFICATION_KIND_COORDINATION);
    EXPECT_EQ(moves[0].other().organisation_id(), "wt-zaandam") << "the arriving signal: whom to call there";
    EXPECT_EQ(moves[0].pattern_members_size(), 3) << "the son's measure is on the household";
    EXPECT_EQ(moves[0].coordination_rule_id(), "moved");
  }
  // A second signal from the same region on the same family is another move
  // notice only for what it adds: it also comes from another region than
  // the Amsterdam signals, so both are told of it once.
  Submit(kZaandam, ValidSignal(son_), "wt-2");
  EXPECT_EQ(Moves("zvh-amsterdam").size(), 2u);
}

TEST_F(MoveNoticeTest, AProtectedSignalIsNoMove) {
  Submit(kDebt, ValidSignal(mother_), "debt-1");
  v1::Signal shelter = ValidSignal(mother_);
  shelter.set_protected_(true);
  Submit(kShelter, shelter, "shelter-1");
  EXPECT_TRUE(Moves("zvh-amsterdam").empty()) << "a move notice would reveal the shelter";
  EXPECT_TRUE(Moves("zvh-zaanstreek").empty());
}

}  // namespace
}  // namespace samenloop::broker
