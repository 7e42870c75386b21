// What must stay hidden (issue 17), against real broker and pseudonymiser
// processes over mTLS: revocation withdraws undelivered notifications and
// retracts delivered ones, including coordination notices a revoked signal
// caused; retention is decided at decision time; notifications carry the
// organisation's name and the nature of the other signal; ids are opaque.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"
#include "tests/support/child_process.h"

namespace samenloop::testing {
namespace {

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start().ok()); }

  v1::SubmitSignalResult Submit(const std::string& org, const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsResponse response;
    grpc::Status status = v1::SignalService::NewStub(stack_.BrokerChannelAs(org))
                              ->SubmitSignals(Deadline().get(), OneItem(key, signal), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? response.results(0) : v1::SubmitSignalResult();
  }

  grpc::Status Revoke(const std::string& org, const std::string& id, v1::RevocationReason reason) {
    v1::RevokeSignalRequest request;
    request.set_signal_id(id);
    request.set_reason("test");
    request.set_reason_class(reason);
    v1::Signal out;
    return v1::SignalService::NewStub(stack_.BrokerChannelAs(org))->RevokeSignal(Deadline().get(), request, &out);
  }

  v1::Signal Signal(uint32_t person, const std::string& reference, const std::string& category = "housing_nuisance") {
    v1::Signal s = ValidSignal(person);
    s.set_local_reference(reference);
    s.set_category(category);
    return s;
  }

  DevStack stack_;
};

TEST_F(DisclosureTest, ARevocationBeforeDeliveryLeavesNoTrace) {
  const v1::SubmitSignalResult police = Submit("politie-amsterdam", Signal(1, "P-1"), "p-1");
  const v1::SubmitSignalResult ggz = Submit("ggz-inforsa", Signal(1, "G-1"), "g-1");
  ASSERT_EQ(ggz.notifications_created(), 1u);  // only what GGZ itself was told
  ASSERT_TRUE(Revoke("ggz-inforsa", ggz.signal_id(), v1::REVOCATION_REASON_WRONG_PERSON).ok());
  // Wrong person: the police must never learn that GGZ is involved, and GGZ
  // is not told of the police through a signal that was about someone else.
  EXPECT_TRUE(stack_.DrainNotifications("politie-amsterdam").empty());
  EXPECT_TRUE(stack_.DrainNotifications("ggz-inforsa").empty());
  // Gone from matching at once.
  Submit("wijkteam-west", Signal(1, "W-1"), "w-1");
  std::vector<v1::Notification> police_told = stack_.DrainNotifications("politie-amsterdam");
  ASSERT_EQ(police_told.size(), 1u);
  EXPECT_EQ(police_told[0].other().organisation_id(), "wijkteam-west");
  EXPECT_EQ(police_told[0].your_signal_id(), police.signal_id());
}

TEST_F(DisclosureTest, ADeliveredNotificationIsRetractedWithoutContent) {
  const v1::SubmitSignalResult police = Submit("politie-amsterdam", Signal(2, "P-2"), "p-2");
  const v1::SubmitSignalResult ggz = Submit("ggz-inforsa", Signal(2, "G-2"), "g-2");
  std::vector<v1::Notification> before = stack_.DrainNotifications("politie-amsterdam");
  ASSERT_EQ(before.size(), 1u);
  ASSERT_TRUE(Revoke("ggz-inforsa", ggz.signal_id(), v1::REVOCATION_REASON_SUBMITTED_IN_ERROR).ok());
  std::vector<v1::Notification> after = stack_.DrainNotifications("politie-amsterdam");
  ASSERT_EQ(after.size(), 2u) << "the delivered one stays in the stream, followed by its retraction";
  const v1::Notification& retraction = after[1];
  EXPECT_EQ(retraction.kind(), v1::NOTIFICATION_KIND_RETRACTION);
  EXPECT_EQ(retraction.retracts_notification_id(), before[0].notification_id());
  EXPECT_EQ(retraction.your_signal_id(), police.signal_id());
  EXPECT_EQ(retraction.your_local_reference(), "P-2");
  EXPECT_EQ(retraction.other().organisation_id(), "ggz-inforsa");
  EXPECT_EQ(retraction.retraction_reason(), v1::REVOCATION_REASON_SUBMITTED_IN_ERROR);
  EXPECT_FALSE(retraction.other().has_contact()) << "never the content of the withdrawn signal";
  EXPECT_TRUE(retraction.other().category().empty());
  EXPECT_GT(retraction.cursor(), before[0].cursor());
}

TEST_F(DisclosureTest, CoordinationNoticesARevokedSignalCausedAreWithdrawn) {
  // The built-in policy's coordinator (zvh-amsterdam) hears of three
  // organisations on one person within a year.
  Submit("politie-amsterdam", Signal(3, "P-3"), "p-3");
  Submit("ggz-inforsa", Signal(3, "G-3"), "g-3");
  const v1::SubmitSignalResult third = Submit("wijkteam-west", Signal(3, "W-3"), "w-3");
  ASSERT_TRUE(Revoke("wijkteam-west", third.signal_id(), v1::REVOCATION_REASON_WRONG_PERSON).ok());
  EXPECT_TRUE(stack_.DrainNotifications("zvh-amsterdam").empty())
      << "without the revoked signal there was no pattern";
  // A real third organisation later: the pattern is told once, with every
  // signal, under an opaque handle.
  Submit("reclassering-nl", Signal(3, "R-3"), "r-3");
  std::vector<v1::Notification> zvh = stack_.DrainNotifications("zvh-amsterdam");
  ASSERT_EQ(zvh.size(), 1u);
  EXPECT_EQ(zvh[0].coordination_event(), v1::COORDINATION_EVENT_PATTERN);
  EXPECT_EQ(zvh[0].coordination_count(), 3u);
  EXPECT_EQ(zvh[0].other().organisation_id(), "reclassering-nl") << "the signal whose arrival formed it";
  EXPECT_EQ(zvh[0].pattern_handle().rfind("pat_", 0), 0u) << zvh[0].pattern_handle();
  std::vector<std::string> organisations;
  for (const v1::DisclosedSignal& member : zvh[0].pattern_members()) {
    organisations.push_back(member.organisation_id());
    EXPECT_FALSE(member.contact().name().empty()) << "whom to call";
  }
  std::sort(organisations.begin(), organisations.end());
  EXPECT_EQ(organisations, (std::vector<std::string>{"ggz-inforsa", "politie-amsterdam", "reclassering-nl"}));
}

TEST_F(DisclosureTest, AProtectedSignalIsNoPartOfAPattern) {
  Submit("politie-amsterdam", Signal(4, "P-4"), "p-4");
  Submit("ggz-inforsa", Signal(4, "G-4"), "g-4");
  v1::Signal shelter = Signal(4, "S-4");
  shelter.set_protected_(true);
  Submit("zorg-de-brug", shelter, "s-4");
  EXPECT_TRUE(stack_.DrainNotifications("zvh-amsterdam").empty()) << "two visible organisations are no pattern";
}

TEST_F(DisclosureTest, RetentionIsDecidedAtDecisionTime) {
  // The built-in policy keeps a signal active a year, then visible five.
  v1::Signal ancient = Signal(5, "P-5");
  ancient.mutable_opened_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(24 * 365 * 7)));
  const v1::SubmitSignalResult refused = Submit("politie-amsterdam", ancient, "p-5");
  EXPECT_EQ(refused.code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION)) << refused.message();
  EXPECT_NE(refused.message().find("visible period"), std::string::npos) << refused.message();
  EXPECT_TRUE(refused.signal_id().empty());

  // Old but still visible: it matches. Closed with a date that ends its
  // visible period, GGZ's undelivered notification about it is withdrawn.
  v1::Signal old = Signal(5, "P-5b");
  const absl::Time opened = absl::Now() - absl::Hours(24 * 365 * 5 + 24 * 180);
  old.mutable_opened_at()->set_seconds(absl::ToUnixSeconds(opened));
  const v1::SubmitSignalResult police = Submit("politie-amsterdam", old, "p-5b");
  ASSERT_EQ(police.code(), 0) << police.message();
  Submit("ggz-inforsa", Signal(5, "G-5"), "g-5");
  v1::CloseSignalRequest close;
  close.set_signal_id(police.signal_id());
  close.mutable_closed_at()->set_seconds(absl::ToUnixSeconds(opened + absl::Hours(1)));
  v1::Signal closed;
  ASSERT_TRUE(v1::SignalService::NewStub(stack_.BrokerChannelAs("politie-amsterdam"))
                  ->CloseSignal(Deadline().get(), close, &closed)
                  .ok());
  EXPECT_TRUE(stack_.DrainNotifications("ggz-inforsa").empty()) << "an expired signal is never disclosed";
}

TEST_F(DisclosureTest, NotificationsNameTheOrganisationAndTheNature) {
  v1::ApplyPolicyRequest apply;
  apply.set_policy_yaml(*ReadFileToString(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml"));
  apply.set_file_name("amsterdam-amstelland.yaml");
  v1::PolicyVersion version;
  ASSERT_TRUE(v1::PolicyAdminService::NewStub(stack_.BrokerChannelAs("privacy-officer"))
                  ->ApplyPolicy(Deadline().get(), apply, &version)
                  .ok());
  v1::Signal violence = Signal(6, "VT-6", "domestic_violence");
  violence.set_nature(v1::NATURE_SUSPICION);
  Submit("veilig-thuis-amsterdam", violence, "vt-6");
  Submit("politie-amsterdam", Signal(6, "P-6"), "p-6");
  std::vector<v1::Notification> police = stack_.DrainNotifications("politie-amsterdam");
  ASSERT_EQ(police.size(), 1u);
  EXPECT_EQ(police[0].other().organisation_name(), "Veilig Thuis Amsterdam-Amstelland");
  EXPECT_EQ(police[0].disclosure_level(), v1::DISCLOSURE_LEVEL_CATEGORY);
  EXPECT_EQ(police[0].other().category(), "domestic_violence");
  EXPECT_EQ(police[0].other().nature(), v1::NATURE_SUSPICION) << "a suspicion is not a fact";
  // Below the category level the nature stays hidden like the category.
  std::vector<v1::Notification> vt = stack_.DrainNotifications("veilig-thuis-amsterdam");
  ASSERT_EQ(vt.size(), 1u);
  EXPECT_EQ(vt[0].other().organisation_name(), "Politie Eenheid Amsterdam");
  EXPECT_EQ(vt[0].disclosure_level(), v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  EXPECT_EQ(vt[0].other().nature(), v1::NATURE_UNSPECIFIED);
}

TEST_F(DisclosureTest, IdsAreOpaqueAndOldStyleIdsFindNothingNew) {
  const v1::SubmitSignalResult a = Submit("politie-amsterdam", Signal(7, "P-7"), "p-7");
  const v1::SubmitSignalResult b = Submit("politie-amsterdam", Signal(8, "P-8"), "p-8");
  for (const std::string& id : {a.signal_id(), b.signal_id()}) {
    EXPECT_EQ(id.rfind("sig_", 0), 0u) << id;
    EXPECT_EQ(id.find_first_of("0189"), std::string::npos) << "base32, no decimal counter: " << id;
  }
  // "sig-1" is what the first of these was once called: it names nothing now.
  v1::GetSignalRequest get;
  get.set_signal_id("sig-1");
  v1::Signal out;
  EXPECT_EQ(v1::SignalService::NewStub(stack_.BrokerChannelAs("politie-amsterdam"))
                ->GetSignal(Deadline().get(), get, &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace samenloop::testing
