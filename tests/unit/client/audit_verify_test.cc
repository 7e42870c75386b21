// The auditor's offline checks without a broker: the streaming root equals
// RFC 6962's for every size, a consistency check fails for a wrong proof
// or a smaller tree, an export with redacted leaves verifies from their
// hashes only when each redaction is accounted for, and a subject_key export
// holds an event that names only its signal's subject only when a
// PERSONS_LINKED event in it links the event to the key.

#include "client/audit_verify.h"

#include <sstream>

#include "client/audit_files.h"
#include "crypto/hex.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace samenloop::client {
namespace {

crypto::MerkleHash Leaf(uint64_t i) {
  const uint8_t data[2] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
  return crypto::HashLeaf(data);
}

TEST(RootBuilder, EqualsTheRfc6962RootForEverySize) {
  std::vector<crypto::MerkleHash> leaves;
  RootBuilder builder;
  EXPECT_EQ(builder.Root(), crypto::EmptyRoot());
  for (uint64_t n = 1; n <= 70; ++n) {
    leaves.push_back(Leaf(n));
    builder.Add(leaves.back());
    EXPECT_EQ(builder.Root(), crypto::RootFromLeafHashes(leaves)) << n;
  }
}

SavedTreeHead Signed(const crypto::LogSigningKey& key, const std::vector<crypto::MerkleHash>& leaves, uint64_t size) {
  SavedTreeHead saved;
  saved.head.tree_size = size;
  saved.head.root = crypto::RootFromLeafHashes(absl::MakeConstSpan(leaves).subspan(0, size));
  saved.head.timestamp_ms = 1700000000000 + static_cast<int64_t>(size);
  saved.signature = key.Sign(saved.head);
  return saved;
}

TEST(VerifyHeadsConsistent, PassesOnlyForAnHonestExtensionSignedByThePinnedKey) {
  const crypto::LogSigningKey key = crypto::LogSigningKey::Generate();
  std::vector<crypto::MerkleHash> leaves;
  for (uint64_t i = 0; i < 13; ++i) leaves.push_back(Leaf(i));
  const SavedTreeHead old_head = Signed(key, leaves, 6), new_head = Signed(key, leaves, 13);
  absl::StatusOr<std::vector<crypto::MerkleHash>> proof = crypto::ConsistencyProof(6, 13, leaves);
  ASSERT_TRUE(proof.ok());

  VerifyReport honest;
  VerifyHeadsConsistent(old_head, new_head, *proof, key.PublicKey(), honest);
  EXPECT_TRUE(honest.ok()) << honest.failed.front();

  VerifyReport other_key;
  VerifyHeadsConsistent(old_head, new_head, *proof, crypto::LogSigningKey::Generate().PublicKey(), other_key);
  EXPECT_EQ(other_key.failed.size(), 2u);

  std::vector<crypto::MerkleHash> rewritten = leaves;
  rewritten[2] = Leaf(99);
  const SavedTreeHead forked = Signed(key, rewritten, 13);
  VerifyReport fork;
  VerifyHeadsConsistent(old_head, forked, *crypto::ConsistencyProof(6, 13, rewritten), key.PublicKey(), fork);
  ASSERT_EQ(fork.failed.size(), 1u);
  EXPECT_NE(fork.failed[0].find("does not extend"), std::string::npos);

  VerifyReport shrunk;
  VerifyHeadsConsistent(new_head, old_head, {}, key.PublicKey(), shrunk);
  ASSERT_EQ(shrunk.failed.size(), 1u);
  EXPECT_NE(shrunk.failed[0].find("truncated"), std::string::npos);
}

// A small log as the broker writes it: four events about sig-1 and sig-2,
// then the expiry of sig-1 naming the leaves (1 and 3) it redacted.
class RedactedExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint64_t i = 0; i < 5; ++i) {
      v1::AuditEvent event;
      event.set_leaf_index(i);
      *event.mutable_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1800000000 + static_cast<int64_t>(i));
      event.set_type(i == 4 ? v1::AUDIT_EVENT_TYPE_SIGNAL_EXPIRED : v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
      event.add_signal_ids(i % 2 == 1 || i == 4 ? "sig-1" : "sig-2");
      if (i == 4) {
        event.add_redacted_leaves(1);
        event.add_redacted_leaves(3);
      }
      events_.push_back(event);
    }
    Rehash();
  }

  void Rehash() {
    leaves_.clear();
    for (const v1::AuditEvent& event : events_) leaves_.push_back(crypto::HashLeaf(Bytes(event)));
    head_ = Signed(key_, leaves_, leaves_.size());
  }

  static std::vector<uint8_t> Bytes(const v1::AuditEvent& event) {
    const std::string bytes = event.SerializeAsString();
    return {bytes.begin(), bytes.end()};
  }

  // The export of `leaves` (all when `complete`), with `redacted` ones as
  // the broker returns them after retention: stub and leaf hash, no body.
  std::string Export(const std::vector<uint64_t>& leaves, const std::set<uint64_t>& redacted, bool complete) {
    audit_files::v1::ExportLine header;
    header.mutable_header()->set_format(kExportFormat);
    v1::SignedTreeHead sth;
    sth.set_tree_size(head_.head.tree_size);
    sth.set_root_hash(std::string(head_.head.root.begin(), head_.head.root.end()));
    *sth.mutable_timestamp() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(head_.head.timestamp_ms);
    sth.set_signature(std::string(head_.signature.begin(), head_.signature.end()));
    *header.mutable_header()->mutable_tree_head() = ToTreeHeadFile(sth);
    header.mutable_header()->set_complete(complete);
    *header.mutable_header()->mutable_filters() = filters_;
    std::string out = ToJsonLine(header) + "\n";
    for (uint64_t i : leaves) {
      audit_files::v1::ExportLine line;
      audit_files::v1::ExportedEvent* event = line.mutable_event();
      event->set_leaf_index(i);
      absl::StatusOr<std::vector<crypto::MerkleHash>> proof = crypto::InclusionProof(i, leaves_.size(), leaves_);
      EXPECT_TRUE(proof.ok());
      if (proof.ok()) {
        for (const crypto::MerkleHash& hash : *proof) event->add_proof(crypto::HexEncode(hash));
      }
      if (redacted.count(i) > 0) {
        event->mutable_event()->set_leaf_index(i);
        event->mutable_event()->set_redacted(true);
        crypto::MerkleHash hash = leaves_[i];
        if (wrong_hash_) hash[0] ^= 1;
        if (leaky_stub_) event->mutable_event()->set_category("debt");
        event->set_leaf_hash(crypto::HexEncode(hash));
      } else {
        event->set_leaf_data(crypto::HexEncode(Bytes(events_[i])));
        *event->mutable_event() = events_[i];
      }
      out += ToJsonLine(line) + "\n";
    }
    return out;
  }

  VerifyReport Verify(const std::string& text) {
    std::istringstream in(text);
    VerifyReport report;
    VerifyExport(in, key_.PublicKey(), std::nullopt, report);
    return report;
  }

  static bool Mentions(const std::vector<std::string>& lines, const std::string& what) {
    for (const std::string& line : lines) {
      if (line.find(what) != std::string::npos) return true;
    }
    return false;
  }

  const crypto::LogSigningKey key_ = crypto::LogSigningKey::Generate();
  std::vector<v1::AuditEvent> events_;
  std::vector<crypto::MerkleHash> leaves_;
  SavedTreeHead head_;
  bool wrong_hash_ = false;  // redacted leaves carry a hash one bit off
  bool leaky_stub_ = false;  // redacted leaves' stubs keep their category
  v1::QueryEventsRequest filters_;  // the header's filters
};

TEST_F(RedactedExportTest, ACompleteExportWithAccountedRedactionsVerifies) {
  VerifyReport report = Verify(Export({0, 1, 2, 3, 4}, {1, 3}, /*complete=*/true));
  EXPECT_TRUE(report.ok()) << report.failed.front();
  EXPECT_TRUE(Mentions(report.passed, "2 leaf/leaves redacted after retention, each named by a later SIGNAL_EXPIRED"));
  EXPECT_TRUE(Mentions(report.passed, "the leaves hash to the tree head's root"));
}

TEST_F(RedactedExportTest, ARedactionNoExpiryEventNamesFailsACompleteExport) {
  // Leaf 2's body removed as if redacted, but the expiry event names 1 and 3 only.
  VerifyReport report = Verify(Export({0, 1, 2, 3, 4}, {1, 2, 3}, /*complete=*/true));
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(Mentions(report.failed, "(first: leaf 2) named by no SIGNAL_EXPIRED event"));
}

TEST_F(RedactedExportTest, AFilteredExportWithoutTheExpiryEventIsNotedNotFailed) {
  VerifyReport report = Verify(Export({1, 3}, {1, 3}, /*complete=*/false));
  EXPECT_TRUE(report.ok()) << report.failed.front();
  EXPECT_TRUE(Mentions(report.passed, "2 not named by an expiry event in this filtered export"));
  EXPECT_FALSE(report.complete()) << "two of five leaves prove nothing about the other three";
}

// The header's `complete` flag and filters are not signed: only the leaves
// can establish completeness.
TEST_F(RedactedExportTest, CompletenessComesFromTheLeavesNotFromTheHeader) {
  // Events removed and the flag edited to false: every event verifies, but
  // the export is not established as complete.
  VerifyReport edited = Verify(Export({0, 2, 4}, {}, /*complete=*/false));
  EXPECT_TRUE(edited.ok()) << edited.failed.front();
  EXPECT_FALSE(edited.complete());
  EXPECT_NE(edited.completeness_not_established.find("3 of the tree's 5 leaves"), std::string::npos)
      << edited.completeness_not_established;

  // The flag edited to false, nothing removed: the leaves still prove it.
  VerifyReport unmarked = Verify(Export({0, 1, 2, 3, 4}, {}, /*complete=*/false));
  EXPECT_TRUE(unmarked.ok()) << unmarked.failed.front();
  EXPECT_TRUE(unmarked.complete());
  EXPECT_TRUE(Mentions(unmarked.passed, "holds all 5 leaves of the tree head and they hash to its root"));

  // Marked complete while events are missing: fails, as before.
  EXPECT_FALSE(Verify(Export({0, 2, 4}, {}, /*complete=*/true)).ok());
}

TEST_F(RedactedExportTest, EditedFiltersFail) {
  // An honest filtered export: the submissions only.
  filters_.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
  VerifyReport honest = Verify(Export({0, 1, 2, 3}, {}, /*complete=*/false));
  EXPECT_TRUE(honest.ok()) << honest.failed.front();
  EXPECT_FALSE(honest.complete());

  // The filters edited to claim the export holds something else.
  filters_.clear_types();
  filters_.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_EXPIRED);
  VerifyReport retyped = Verify(Export({0, 1, 2, 3}, {}, /*complete=*/false));
  EXPECT_TRUE(Mentions(retyped.failed, "leaf 0 does not match the export's filters (its type"));
  EXPECT_TRUE(Mentions(retyped.failed, "4 events in all do not match"));

  filters_.Clear();
  filters_.set_organisation("ggz-inforsa");  // no event names it
  EXPECT_TRUE(Mentions(Verify(Export({0}, {}, false)).failed, "neither its actor nor its recipient"));

  // A header marked complete that carries filters was edited.
  filters_.Clear();
  filters_.set_outcome(v1::DECISION_OUTCOME_ALLOW);
  VerifyReport contradictory = Verify(Export({0, 1, 2, 3, 4}, {}, /*complete=*/true));
  EXPECT_TRUE(Mentions(contradictory.failed, "marked complete but carries filters"));
}

TEST_F(RedactedExportTest, AWrongLeafHashOrABodyOnTheStubFails) {
  wrong_hash_ = true;
  VerifyReport altered = Verify(Export({0, 1, 2, 3, 4}, {1, 3}, /*complete=*/true));
  EXPECT_TRUE(Mentions(altered.failed, "leaf 1: redacted; its inclusion proof does not verify"));
  EXPECT_TRUE(Mentions(altered.failed, "not to the tree head's root"));

  // A stub that still carries part of the body is not a redaction.
  wrong_hash_ = false;
  leaky_stub_ = true;
  VerifyReport carried = Verify(Export({0, 1, 2, 3, 4}, {1, 3}, /*complete=*/true));
  EXPECT_TRUE(Mentions(carried.failed, "leaf 1: redacted, but its readable event carries more than the stub"));
}

// A log upgraded to store schema 5: leaves 0 and 1 are about sig-1 and name
// only its subject (appended before the upgrade); leaf 2 is about another
// person; leaf 3 is the PERSONS_LINKED event that links 0 and 1 to sig-1's
// related person, the father.
class LinkedExportTest : public RedactedExportTest {
 protected:
  static constexpr char kMother[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static constexpr char kFather[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  static constexpr char kOther[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

  void SetUp() override {
    events_.clear();
    const v1::AuditEventType types[] = {v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED, v1::AUDIT_EVENT_TYPE_MATCH_DECISION,
                                        v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED, v1::AUDIT_EVENT_TYPE_PERSONS_LINKED};
    for (uint64_t i = 0; i < 4; ++i) {
      v1::AuditEvent event;
      event.set_leaf_index(i);
      *event.mutable_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1800000000 + static_cast<int64_t>(i));
      event.set_type(types[i]);
      event.add_signal_ids(i == 2 ? "sig-2" : "sig-1");
      event.add_subject_keys(i == 2 ? kOther : kMother);
      events_.push_back(event);
    }
    v1::NamedPerson* father = events_[3].add_named_persons();
    father->set_key(kFather);
    father->set_relation(v1::RELATION_PARTNER);
    father->set_role(v1::PERSON_ROLE_VICTIM);
    events_[3].add_linked_leaves(0);
    events_[3].add_linked_leaves(1);
    Rehash();
    filters_.set_subject_key(kFather);
  }
};

TEST_F(LinkedExportTest, EventsLinkedToTheKeyByAPersonsLinkedEventVerify) {
  VerifyReport report = Verify(Export({0, 1, 3}, {}, /*complete=*/false));
  EXPECT_TRUE(report.ok()) << report.failed.front();
  EXPECT_TRUE(Mentions(report.passed, "2 event(s) that name only their signal's subject, each linked"));
  // The subject's own export needs no link: the events name her.
  filters_.set_subject_key(kMother);
  EXPECT_TRUE(Verify(Export({0, 1, 3}, {}, false)).ok());
}

TEST_F(LinkedExportTest, AnExportWithTheLinkEventRemovedFails) {
  VerifyReport report = Verify(Export({0, 1}, {}, /*complete=*/false));
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(Mentions(report.failed, "leaf 0 does not match the export's filters (it does not name the filters' "
                                      "subject_key"));
  EXPECT_TRUE(Mentions(report.failed, "2 events in all do not match"));
}

TEST_F(LinkedExportTest, ALinkForAnotherKeyOrAnUnlistedLeafDoesNotCount) {
  // Leaf 2 is about another person: the link event does not list it.
  VerifyReport unlisted = Verify(Export({0, 1, 2, 3}, {}, /*complete=*/false));
  EXPECT_TRUE(Mentions(unlisted.failed, "leaf 2 does not match the export's filters (it does not name"));
  // The link names the father, not the other person: under her key, 0 and 1
  // are not hers.
  filters_.set_subject_key(kOther);
  VerifyReport other = Verify(Export({0, 2, 3}, {}, /*complete=*/false));
  EXPECT_TRUE(Mentions(other.failed, "leaf 0 does not match the export's filters (it does not name"));
}

}  // namespace
}  // namespace samenloop::client
