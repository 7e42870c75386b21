// The broker's configuration file: every key, and refusals at file:line:col.

#include "broker/edge/broker_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace samenloop::broker {
namespace {

using ::testing::HasSubstr;

TEST(BrokerConfig, ReadsEveryKey) {
  absl::StatusOr<BrokerFileConfig> config = ParseBrokerConfig(R"yaml(
listen: 0.0.0.0:7443
metrics_listen: 127.0.0.1:9443
data_dir: /var/lib/samenloop-broker/db
tls_dir: /etc/samenloop-broker/tls
crl_dir: /etc/samenloop-broker/crl
index_secret: /etc/samenloop-broker/index.secret
log_key: /etc/samenloop-broker/log.key
max_submit_batch: 500
sweep_interval_seconds: 600
tree_head_interval_seconds: 30
suppression_threshold: 5
coordinator: zvh-amsterdam
log_format: text
max_connection_age_seconds: 600
max_connection_age_grace_seconds: 5
)yaml",
                                                              "broker.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "0.0.0.0:7443");
  EXPECT_EQ(config->metrics_listen, "127.0.0.1:9443");
  EXPECT_EQ(config->data_dir, "/var/lib/samenloop-broker/db");
  EXPECT_EQ(config->index_secret, "/etc/samenloop-broker/index.secret");
  EXPECT_EQ(config->crl_dir, "/etc/samenloop-broker/crl");
  EXPECT_EQ(config->max_submit_batch, 500);
  EXPECT_EQ(config->sweep_interval_seconds, 600);
  EXPECT_EQ(config->tree_head_interval_seconds, 30);
  EXPECT_EQ(config->suppression_threshold, 5u);
  EXPECT_EQ(config->coordinator, "zvh-amsterdam");
  EXPECT_EQ(config->log_format, "text");
  EXPECT_EQ(config->max_connection_age_seconds, 600);
  EXPECT_EQ(config->max_connection_age_grace_seconds, 5);
}

// The example operators copy must stay loadable as the keys change.
TEST(BrokerConfig, TheExampleConfigurationLoads) {
  absl::StatusOr<BrokerFileConfig> config =
      LoadBrokerConfig(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/config/broker.example.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->crl_dir, "/etc/samenloop-broker/crl");
}

TEST(BrokerConfig, AnEmptyFileKeepsTheDefaults) {
  absl::StatusOr<BrokerFileConfig> config = ParseBrokerConfig("", "broker.yaml");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->listen, "127.0.0.1:7443");
  EXPECT_EQ(config->max_submit_batch, 1000);
  EXPECT_TRUE(config->metrics_listen.empty());
  EXPECT_TRUE(config->crl_dir.empty()) << "revocation checking is opt-in";
  EXPECT_EQ(config->max_connection_age_seconds, 3600) << "clients handshake again hourly";
}

TEST(BrokerConfig, BadConfigIsRefusedWithFileLineAndReason) {
  auto error = [](const std::string& text) {
    return std::string(ParseBrokerConfig(text, "broker.yaml").status().message());
  };
  EXPECT_THAT(error("listen: a\nindex_secet: /x\n"), HasSubstr("broker.yaml:2:1: unknown key 'index_secet'"));
  EXPECT_THAT(error("max_submit_batch: 0\n"), HasSubstr("broker.yaml:1:19: max_submit_batch: must be a whole number from 1 to 10000"));
  EXPECT_THAT(error("sweep_interval_seconds: soon\n"), HasSubstr("sweep_interval_seconds: must be a whole number"));
  EXPECT_THAT(error("data_dir: [a, b]\n"), HasSubstr("data_dir: must be a single value"));
  EXPECT_THAT(error("coordinator: Not An Org\n"), HasSubstr("coordinator: not an organisation id"));
  EXPECT_THAT(error("log_format: xml\n"), HasSubstr("broker.yaml:1:13: log_format: must be json or text"));
  EXPECT_THAT(error("max_connection_age_seconds: -1\n"),
              HasSubstr("max_connection_age_seconds: must be a whole number from 0 to 604800"));
  EXPECT_THAT(error("max_connection_age_grace_seconds: 0\n"),
              HasSubstr("max_connection_age_grace_seconds: must be a whole number from 1 to 3600"));
  EXPECT_THAT(error("listen: [unclosed\n"), HasSubstr("not valid YAML"));
  EXPECT_THAT(error("- a\n- b\n"), HasSubstr("must be a mapping"));
}

}  // namespace
}  // namespace samenloop::broker
