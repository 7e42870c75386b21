#include "pseudonymiser/quota_ledger.h"

#include "gtest/gtest.h"
#include "pseudonymiser/pseudonymiser_metrics.h"
#include "tests/support/temp_dir.h"

namespace samenloop::pseudonymiser {
namespace {

class QuotaLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.defaults = QuotaLimits{10, 100, 250};
    Reopen();
  }
  void Reopen() {
    ledger_.reset();
    auto ledger = QuotaLedger::Open(dir_.Sub("state"), config_, [this] { return now_; });
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
  }
  absl::Status Charge(const std::string& org, uint64_t count) { return ledger_->Charge(org, count, &retry_); }

  testing::TempDir dir_;
  QuotaConfig config_;
  absl::Time now_ = absl::FromUnixSeconds(1800000000);  // 2027-01-15, mid-day UTC
  absl::Duration retry_;
  std::unique_ptr<QuotaLedger> ledger_;
};

TEST_F(QuotaLedgerTest, BurstThenRateLimitWithAnAccurateRetryHint) {
  EXPECT_TRUE(Charge("politie-amsterdam", 100).ok());
  absl::Status refused = Charge("politie-amsterdam", 20);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(retry_, absl::Seconds(2));  // 20 elements at 10 per second
  now_ += absl::Seconds(2);
  EXPECT_TRUE(Charge("politie-amsterdam", 20).ok());
  EXPECT_EQ(ledger_->refusals(), 1u);
  const std::string metrics = RenderMetrics(*ledger_, 0);
  EXPECT_NE(metrics.find("samenloop_pseudonymiser_quota_refusals_total{organisation=\"politie-amsterdam\"} 1\n"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("samenloop_pseudonymiser_elements_evaluated_total{organisation=\"politie-amsterdam\"} 120\n"),
            std::string::npos) << metrics;
}

TEST_F(QuotaLedgerTest, RefundGivesTheChargeBack) {
  EXPECT_TRUE(Charge("politie-amsterdam", 100).ok());
  ASSERT_TRUE(ledger_->Refund("politie-amsterdam", 100).ok());
  EXPECT_TRUE(Charge("politie-amsterdam", 100).ok()) << "the bucket is full again";
  EXPECT_NE(RenderMetrics(*ledger_, 0).find("elements_evaluated_total{organisation=\"politie-amsterdam\"} 100\n"),
            std::string::npos);
}

TEST_F(QuotaLedgerTest, BatchLargerThanTheBurstCanNeverPass) {
  absl::Status refused = Charge("politie-amsterdam", 101);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("split it"), absl::string_view::npos);
}

TEST_F(QuotaLedgerTest, DailyCapHoldsUntilTheNextUtcDay) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(Charge("ggz-inforsa", 10).ok()) << i;
    now_ += absl::Seconds(1);
  }
  now_ += absl::Hours(1);  // the bucket is full again, the day is not over
  absl::Status refused = Charge("ggz-inforsa", 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("daily cap"), absl::string_view::npos);
  EXPECT_GT(retry_, absl::ZeroDuration());
  now_ += retry_;
  EXPECT_TRUE(Charge("ggz-inforsa", 1).ok());
}

TEST_F(QuotaLedgerTest, SpentQuotaSurvivesARestart) {
  EXPECT_TRUE(Charge("politie-amsterdam", 100).ok());
  Reopen();
  EXPECT_EQ(Charge("politie-amsterdam", 50).code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(QuotaLedgerTest, OrganisationLimitsAndBulkOnboardingWindow) {
  config_.organisations["reclassering-nl"] = QuotaLimits{1, 5, 10};
  config_.bulk_onboarding["reclassering-nl"] = BulkAllowance{QuotaLimits{1000, 5000, 100000}, now_ + absl::Hours(1)};
  Reopen();
  EXPECT_TRUE(Charge("reclassering-nl", 5000).ok());  // inside the window
  now_ += absl::Hours(2);                              // the window has ended
  EXPECT_EQ(Charge("reclassering-nl", 6).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(Charge("politie-amsterdam", 100).ok());  // defaults elsewhere
}

}  // namespace
}  // namespace samenloop::pseudonymiser
