// The audit log's secondary indexes (audit/index.h): a query by
// subject key, organisation or time range reads only the leaves it can
// return, shown by giving it a read budget no larger than its answer (a scan
// in leaf order would run out and answer with a page token); paging over an
// index keeps the tree size the first page fixed.

#include "absl/strings/str_cat.h"
#include "audit/index.h"
#include "audit/query.h"
#include "audit/events.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/support/audit_index_entries.h"
#include "tests/unit/audit/audit_log_fixture.h"

namespace samenloop::broker {
namespace {

using google::protobuf::util::TimeUtil;

constexpr uint64_t kEvents = 3000;
constexpr int64_t kStart = 1800000000;  // event i happens kStart + i seconds

std::string SubjectKey(uint64_t person) { return absl::StrCat(std::string(60, 'a'), 1000 + person % 100); }

class AuditIndexTest : public testing::AuditLogFixture {
 protected:
  void SetUp() override {
    AuditLogFixture::SetUp();
    // Event i: actor org-(i % 3), about person i % 100, every 50th told to org-9.
    for (uint64_t begin = 0; begin < kEvents; begin += 500) {
      std::vector<v1::AuditEvent> events;
      for (uint64_t i = begin; i < begin + 500; ++i) {
        CallerIdentity actor{absl::StrCat("org-", i % 3), Role::kOrg, ""};
        v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED, actor,
                                         absl::FromUnixSeconds(kStart + static_cast<int64_t>(i)));
        event.add_subject_keys(SubjectKey(i));
        if (i % 50 == 0) event.set_recipient_organisation("org-9");
        events.push_back(std::move(event));
      }
      Append(std::move(events));
    }
    ASSERT_EQ(size_, kEvents);
  }

  // All of a query's pages, each read with `budget`; the leaves returned.
  std::vector<uint64_t> Run(v1::QueryEventsRequest request, uint32_t page_size, uint64_t budget, int* pages) {
    request.mutable_page()->set_page_size(page_size);
    absl::StatusOr<AuditQueryPlan> plan = PlanAuditQuery(request);
    EXPECT_TRUE(plan.ok()) << plan.status();
    std::vector<uint64_t> leaves;
    *pages = 0;
    const uint64_t end = size_;
    do {
      absl::StatusOr<AuditScan> scan = ScanAuditLog(*store_, *plan, end, budget);
      EXPECT_TRUE(scan.ok()) << scan.status();
      if (!scan.ok()) break;
      ++*pages;
      for (const AuditLeaf& leaf : scan->matches) {
        EXPECT_TRUE(leaf.event.has_value());
        leaves.push_back(leaf.index);
      }
      plan->start = scan->next;
      // The log grows between pages; the answer does not.
      Append({BaseEvent(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY, {"org-1", Role::kAuditor, ""},
                        absl::FromUnixSeconds(kStart + 1500))});
    } while (plan->start < end && *pages < 100);
    return leaves;
  }
};

TEST_F(AuditIndexTest, ASubjectQueryReadsOnlyThePersonsLeaves) {
  v1::QueryEventsRequest request;
  request.set_subject_key(SubjectKey(7));
  int pages = 0;
  std::vector<uint64_t> leaves = Run(request, 1000, /*budget=*/30, &pages);
  ASSERT_EQ(leaves.size(), 30u);
  EXPECT_EQ(pages, 1) << "30 leaves read for 30 events: no second page";
  for (size_t n = 0; n < leaves.size(); ++n) EXPECT_EQ(leaves[n], 7 + 100 * n);

  // Small pages: the same leaves in the same order, and none appended later.
  std::vector<uint64_t> paged = Run(request, 7, /*budget=*/30, &pages);
  EXPECT_EQ(paged, leaves);
  EXPECT_EQ(pages, 5);
}

TEST_F(AuditIndexTest, AnOrganisationQueryFindsActorAndRecipientThroughTheIndex) {
  v1::QueryEventsRequest request;
  request.set_organisation("org-9");  // recipient only
  int pages = 0;
  std::vector<uint64_t> leaves = Run(request, 1000, /*budget=*/60, &pages);
  ASSERT_EQ(leaves.size(), kEvents / 50);
  EXPECT_EQ(pages, 1);
  for (uint64_t leaf : leaves) EXPECT_EQ(leaf % 50, 0u);

  request.set_organisation("org-2");
  request.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED);
  leaves = Run(request, 1000, /*budget=*/kEvents / 3, &pages);
  EXPECT_EQ(leaves.size(), kEvents / 3);
  EXPECT_EQ(pages, 1);
}

TEST_F(AuditIndexTest, ATimeRangeReadsOnlyTheBlocksItOverlaps) {
  // Leaves 1500..1599 lie in the second block of 1024 leaves.
  v1::QueryEventsRequest request;
  *request.mutable_time_range()->mutable_from() = TimeUtil::SecondsToTimestamp(kStart + 1500);
  *request.mutable_time_range()->mutable_until() = TimeUtil::SecondsToTimestamp(kStart + 1600);
  int pages = 0;
  std::vector<uint64_t> leaves = Run(request, 1000, /*budget=*/kAuditTimeBlockLeaves, &pages);
  ASSERT_EQ(leaves.size(), 100u);
  EXPECT_EQ(pages, 1) << "one block read";
  EXPECT_EQ(leaves.front(), 1500u);
  EXPECT_EQ(leaves.back(), 1599u);

  // A range no event falls in reads nothing at all.
  *request.mutable_time_range()->mutable_from() = TimeUtil::SecondsToTimestamp(kStart - 100);
  *request.mutable_time_range()->mutable_until() = TimeUtil::SecondsToTimestamp(kStart - 1);
  EXPECT_TRUE(Run(request, 1000, /*budget=*/1, &pages).empty());
  EXPECT_EQ(pages, 1);
}

TEST_F(AuditIndexTest, TheIndexHoldsExactlyWhatARebuildFromTheLeavesWrites) {
  const std::map<std::string, std::string> written = samenloop::testing::AuditIndexEntries(*store_);
  ASSERT_FALSE(written.empty());
  rocksdb::WriteBatch clear;
  for (Family family : {Family::kAuditIndex, Family::kAuditKeyIndex}) {
    clear.DeleteRange(store_->Handle(family), "", std::string(1, '\xff'));
  }
  ASSERT_TRUE(store_->Commit(&clear).ok());
  ASSERT_TRUE(samenloop::testing::AuditIndexEntries(*store_).empty());
  ASSERT_TRUE(RebuildAuditIndex(*store_).ok());
  EXPECT_EQ(samenloop::testing::AuditIndexEntries(*store_), written);
}

TEST_F(AuditIndexTest, TheSignalAndSubjectEntriesMoveToTheirOwnFamilyUnchanged) {
  // What a store before schema 4 held: every entry in audit_index.
  const std::map<std::string, std::string> written = samenloop::testing::AuditIndexEntries(*store_);
  rocksdb::WriteBatch old_layout;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kAuditKeyIndex);
  size_t key_entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++key_entries) {
    old_layout.Put(store_->Handle(Family::kAuditIndex), it->key(), it->value());
  }
  ASSERT_GT(key_entries, 0u);
  old_layout.DeleteRange(store_->Handle(Family::kAuditKeyIndex), "", std::string(1, '\xff'));
  ASSERT_TRUE(store_->Commit(&old_layout).ok());
  ASSERT_NE(samenloop::testing::AuditIndexEntries(*store_), written);

  ASSERT_TRUE(MoveAuditKeyEntries(*store_).ok());
  EXPECT_EQ(samenloop::testing::AuditIndexEntries(*store_), written);
  ASSERT_TRUE(MoveAuditKeyEntries(*store_).ok()) << "run again (a restart before the stamp)";
  EXPECT_EQ(samenloop::testing::AuditIndexEntries(*store_), written);
}

// A PERSONS_LINKED event (store schema 5) lists its signal's earlier leaves
// under the persons it names: a query by the related person's key returns
// them with the link event, unless its filters or its tree size would leave
// the link event out.
using AuditLinkTest = testing::AuditLogFixture;

TEST_F(AuditLinkTest, ALinkEventListsTheOldLeavesUnderTheRelatedPerson) {
  const std::string mother(64, 'a'), father(64, 'b');
  const CallerIdentity broker{"broker", Role::kOperator, ""};
  std::vector<v1::AuditEvent> old;
  for (int i = 0; i < 3; ++i) {
    const v1::AuditEventType type = i == 1 ? v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED : v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED;
    v1::AuditEvent event = BaseEvent(type, broker, absl::FromUnixSeconds(kStart + i));
    event.add_subject_keys(mother);
    event.add_signal_ids("sig-1");
    old.push_back(std::move(event));
  }
  Append(std::move(old));
  v1::AuditEvent link = BaseEvent(v1::AUDIT_EVENT_TYPE_PERSONS_LINKED, broker, absl::FromUnixSeconds(kStart + 9));
  link.add_subject_keys(mother);
  link.add_named_persons()->set_key(father);
  link.add_signal_ids("sig-1");
  link.add_linked_leaves(0);
  link.add_linked_leaves(2);
  link.add_linked_leaves(7);  // not before the link: ignored
  Append({link});
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Family::kMeta), keys::PersonsLinkedSizeKey(), keys::U64(size_));
  ASSERT_TRUE(store_->Commit(&batch).ok());

  const auto leaves = [&](const v1::QueryEventsRequest& request, uint64_t end) {
    absl::StatusOr<AuditQueryPlan> plan = PlanAuditQuery(request);
    EXPECT_TRUE(plan.ok()) << plan.status();
    std::vector<uint64_t> out;
    absl::StatusOr<AuditScan> scan = ScanAuditLog(*store_, *plan, end);
    EXPECT_TRUE(scan.ok()) << scan.status();
    if (scan.ok()) {
      for (const AuditLeaf& leaf : scan->matches) out.push_back(leaf.index);
    }
    return out;
  };
  v1::QueryEventsRequest request;
  request.set_subject_key(father);
  EXPECT_EQ(leaves(request, size_), (std::vector<uint64_t>{0, 2, 3}));
  EXPECT_EQ(leaves(request, 2), (std::vector<uint64_t>{})) << "a tree size from before the link events";
  request.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_UPDATED);
  EXPECT_EQ(leaves(request, size_), (std::vector<uint64_t>{})) << "the link event would be left out";
  request.add_types(v1::AUDIT_EVENT_TYPE_PERSONS_LINKED);
  EXPECT_EQ(leaves(request, size_), (std::vector<uint64_t>{0, 2, 3}));
  request.clear_types();
  request.set_subject_key(mother);
  EXPECT_EQ(leaves(request, size_), (std::vector<uint64_t>{0, 1, 2, 3})) << "the subject's own report is unchanged";

  // A rebuild from the leaves writes the same entries.
  const std::map<std::string, std::string> written = samenloop::testing::AuditIndexEntries(*store_);
  rocksdb::WriteBatch clear;
  clear.DeleteRange(store_->Handle(Family::kAuditKeyIndex), "", std::string(1, '\xff'));
  ASSERT_TRUE(store_->Commit(&clear).ok());
  ASSERT_TRUE(RebuildAuditIndex(*store_).ok());
  EXPECT_EQ(samenloop::testing::AuditIndexEntries(*store_), written);
}

}  // namespace
}  // namespace samenloop::broker
