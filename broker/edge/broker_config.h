#ifndef SAMENLOOP_BROKER_EDGE_BROKER_CONFIG_H_
#define SAMENLOOP_BROKER_EDGE_BROKER_CONFIG_H_

// The broker's YAML configuration file (docs/operations.md,
// deploy/config/broker.example.yaml). Options given on the command line
// override the file. Secrets are never values here, only paths to files the
// broker checks for strict permissions. Unknown keys and bad values are
// refused at start with file:line:col and a reason.
//
//   listen: 0.0.0.0:7443
//   metrics_listen: 127.0.0.1:9443
//   data_dir: /var/lib/samenloop-broker/db
//   tls_dir: /etc/samenloop-broker/tls
//   crl_dir: /etc/samenloop-broker/crl   # optional: refuse revoked certificates
//   index_secret: /etc/samenloop-broker/index.secret
//   log_key: /etc/samenloop-broker/log.key
//   max_submit_batch: 1000
//   sweep_interval_seconds: 3600
//   outbox_keep_acknowledged_days: 30
//   tree_head_interval_seconds: 60
//   suppression_threshold: 10
//   auth_failures_per_minute: 60
//   max_connection_age_seconds: 3600      # clients handshake again (revocation) at least this often
//   max_connection_age_grace_seconds: 30
//   min_free_disk_mb: 1024         # writes are refused below this much free disk
//   coordinator: zvh-amsterdam     # only with the built-in development policy
//   log_format: json               # or text

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace samenloop::broker {

struct BrokerFileConfig {
  std::string listen = "127.0.0.1:7443";
  std::string metrics_listen;  // empty: off
  std::string data_dir;
  std::string tls_dir;
  std::string crl_dir;  // empty: revocation is not checked (docs/pki.md)
  std::string index_secret;
  std::string log_key;
  int max_submit_batch = 1000;
  int64_t sweep_interval_seconds = 3600;
  int64_t outbox_keep_acknowledged_days = 30;
  int64_t tree_head_interval_seconds = 60;
  uint32_t suppression_threshold = 10;
  uint32_t auth_failures_per_minute = 60;
  int max_connection_age_seconds = 3600;  // 0: connections are never closed for age
  int max_connection_age_grace_seconds = 30;
  uint32_t min_free_disk_mb = 64;  // 0: writes are refused only when one fails
  std::string coordinator;
  std::string log_format = "json";
};

absl::StatusOr<BrokerFileConfig> LoadBrokerConfig(const std::string& path);
// The same, from text (for tests); `name` is used in error messages.
absl::StatusOr<BrokerFileConfig> ParseBrokerConfig(const std::string& text, const std::string& name);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_BROKER_CONFIG_H_
