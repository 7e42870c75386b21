#include "pseudonymiser/pseudonymiser_config.h"

#include "gtest/gtest.h"

namespace samenloop::pseudonymiser {
namespace {

TEST(PseudonymiserConfig, ParsesEverySetting) {
  auto config = ParsePseudonymiserConfig(R"(
listen: 0.0.0.0:7444
tls_dir: /etc/tls
crl_dir: /etc/crl
key_file: /var/lib/key
state_dir: /var/lib/state
max_batch: 5000
threads: 2
log_format: text
max_connection_age_seconds: 0
max_connection_age_grace_seconds: 5
quotas:
  default: {per_second: 50, burst: 1000, per_day: 20000}
  organisations:
    politie-amsterdam: {per_second: 200}
  bulk_onboarding:
    reclassering-nl: {until: "2027-01-31T00:00:00Z", per_second: 4000, burst: 10000, per_day: 5000000}
  refused_calls: {per_second: 0.5, burst: 12}
)",
                                         "p.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "0.0.0.0:7444");
  EXPECT_EQ(config->crl_dir, "/etc/crl");
  EXPECT_EQ(config->max_batch, 5000);
  EXPECT_EQ(config->threads, 2u);
  EXPECT_EQ(config->log_format, "text");
  EXPECT_EQ(config->max_connection_age_seconds, 0);
  EXPECT_EQ(config->max_connection_age_grace_seconds, 5);
  EXPECT_EQ(config->quotas.defaults.per_day, 20000u);
  // An organisation's own limits start from the defaults.
  EXPECT_EQ(config->quotas.organisations.at("politie-amsterdam").per_second, 200);
  EXPECT_EQ(config->quotas.organisations.at("politie-amsterdam").burst, 1000);
  EXPECT_EQ(config->quotas.bulk_onboarding.at("reclassering-nl").limits.per_day, 5000000u);
  EXPECT_EQ(config->quotas.refused_calls.per_second, 0.5);
  EXPECT_EQ(config->quotas.refused_calls.burst, 12);
}

// The example operators copy must stay loadable as the keys change.
TEST(PseudonymiserConfig, TheExampleConfigurationLoads) {
  auto config = LoadPseudonymiserConfig(std::string(SAMENLOOP_SOURCE_DIR) +
                                        "/deploy/config/pseudonymiser.example.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->crl_dir, "/etc/samenloop-pseudonymiser/crl");
}

TEST(PseudonymiserConfig, ErrorsNameFileLineAndColumn) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c : {
           Case{"listen: a\nlisten_port: 3\n", "p.yaml:2:1: unknown key 'listen_port' in the top level"},
           Case{"max_batch: lots\n", "p.yaml:1:12: max_batch: not a valid value"},
           Case{"max_batch: 0\n", "p.yaml:1:12: max_batch: must be 1 to 100000"},
           Case{"log_format: xml\n", "p.yaml:1:13: log_format: must be json or text"},
           Case{"max_connection_age_seconds: -5\n", "p.yaml:1:29: max_connection_age_seconds: must be 0 to 604800"},
           Case{"max_connection_age_grace_seconds: 0\n",
                "p.yaml:1:35: max_connection_age_grace_seconds: must be 1 to 3600"},
           Case{"quotas:\n  default: {per_second: 0}\n", "p.yaml:2:12: quotas.default: per_second must be above 0"},
           Case{"quotas:\n  bulk_onboarding:\n    ggz: {per_day: 5}\n",
                "p.yaml:3:10: quotas.bulk_onboarding.ggz.until: required"},
           Case{"quotas:\n  organisations:\n    Bad_Id: {}\n", "p.yaml:3:5: 'Bad_Id' is not an organisation id"},
           Case{"quotas:\n  refused_calls: {burst: 0}\n", "p.yaml:2:18: quotas.refused_calls: per_second must be"},
       }) {
    auto config = ParsePseudonymiserConfig(c.text, "p.yaml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.expected), absl::string_view::npos)
        << config.status().message() << "\nexpected: " << c.expected;
  }
}

}  // namespace
}  // namespace samenloop::pseudonymiser
