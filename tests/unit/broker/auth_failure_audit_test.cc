// The flood guard of AUTHENTICATION_FAILED events (broker/edge/auth_failure_audit.h):
// at most N per minute are logged one by one, the rest counted in one event
// when the minute is over, whether or not another failure comes.

#include "broker/edge/auth_failure_audit.h"

#include "gtest/gtest.h"

namespace samenloop::broker {
namespace {

class AuthFailureAuditTest : public ::testing::Test {
 protected:
  AuthFailureAuditor MakeAuditor(uint32_t per_minute) {
    return AuthFailureAuditor(
        [this](std::vector<v1::AuditEvent> events) {
          ++writes_;
          for (v1::AuditEvent& e : events) recorded_.push_back(std::move(e));
          return absl::OkStatus();
        },
        per_minute, [this] { return now_; });
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);  // on a minute boundary
  std::vector<v1::AuditEvent> recorded_;
  int writes_ = 0;
};

TEST_F(AuthFailureAuditTest, EachFailureIsLoggedWithTheCertificatesIdentityWhenItHasOne) {
  AuthFailureAuditor auditor = MakeAuditor(10);
  auditor.Refused("/samenloop.v1.AuditService/QueryEvents", CallerIdentity{"politie-amsterdam", Role::kOrg, "police"},
                  "the audit log is read with an auditor certificate (role auditor)");
  auditor.Refused("/samenloop.v1.SignalService/SubmitSignals",
                  absl::UnauthenticatedError("client certificate: no samenloop://role/<role> URI in subjectAltName"),
                  "client certificate: no samenloop://role/<role> URI in subjectAltName");
  ASSERT_EQ(recorded_.size(), 2u);
  EXPECT_EQ(recorded_[0].type(), v1::AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED);
  EXPECT_EQ(recorded_[0].actor_organisation(), "politie-amsterdam");
  EXPECT_EQ(recorded_[0].actor_role(), "org");
  EXPECT_EQ(recorded_[0].reason(),
            "AuditService/QueryEvents: the audit log is read with an auditor certificate (role auditor)");
  EXPECT_EQ(recorded_[1].actor_organisation(), "");
  EXPECT_EQ(recorded_[1].actor_role(), "");
  EXPECT_EQ(recorded_[1].reason().rfind("SignalService/SubmitSignals: client certificate:", 0), 0u);
}

TEST_F(AuthFailureAuditTest, AFloodIsCappedPerMinuteAndCountedInOneEvent) {
  AuthFailureAuditor auditor = MakeAuditor(3);
  const CallerIdentity org{"ggz-inforsa", Role::kOrg, ""};
  for (int i = 0; i < 10; ++i) auditor.Refused("/samenloop.v1.AuditService/GetTreeHead", org, "denied");
  EXPECT_EQ(recorded_.size(), 3u);
  EXPECT_EQ(auditor.suppressed_total(), 7u);
  auditor.Flush();  // the minute is not over
  EXPECT_EQ(recorded_.size(), 3u);

  now_ += absl::Seconds(61);
  auditor.Flush();
  ASSERT_EQ(recorded_.size(), 4u);
  EXPECT_EQ(recorded_[3].type(), v1::AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED);
  EXPECT_EQ(recorded_[3].actor_organisation(), "broker");
  EXPECT_EQ(recorded_[3].reason(),
            "7 further authentication failure(s) in the minute from 2027-01-15T08:00:00Z, over the limit of 3 "
            "logged one by one");
  auditor.Flush();
  EXPECT_EQ(recorded_.size(), 4u) << "counted once";

  // A new minute logs again; its first failure also closes a flooded minute.
  for (int i = 0; i < 5; ++i) auditor.Refused("/x/y", org, "denied");
  now_ += absl::Seconds(60);
  const int writes_before = writes_;
  auditor.Refused("/x/y", org, "denied");
  ASSERT_EQ(recorded_.size(), 4u + 3u + 2u);
  EXPECT_EQ(writes_, writes_before + 1) << "the count and the new failure in one write";
  EXPECT_EQ(recorded_[7].reason().rfind("2 further authentication failure(s)", 0), 0u) << recorded_[7].reason();
  EXPECT_EQ(recorded_[8].reason(), "x/y: denied");
}

}  // namespace
}  // namespace samenloop::broker
