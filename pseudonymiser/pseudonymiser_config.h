#ifndef SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_CONFIG_H_
#define SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_CONFIG_H_

// The pseudonymiser's YAML configuration file (docs/operations.md):
//
//   listen: 127.0.0.1:7444
//   metrics_listen: 127.0.0.1:9444
//   tls_dir: /etc/samenloop/pseudonymiser/tls
//   crl_dir: /etc/samenloop/pseudonymiser/crl   # optional: refuse revoked certificates
//   key_file: /var/lib/samenloop-pseudonymiser/oprf.key
//   state_dir: /var/lib/samenloop-pseudonymiser/state
//   max_batch: 10000
//   threads: 0
//   log_format: json    # or text
//   max_connection_age_seconds: 3600      # clients handshake again (revocation) at least this often
//   max_connection_age_grace_seconds: 30
//   min_free_disk_mb: 64     # evaluations are refused below this much free disk
//   quotas:
//     default: {per_second: 100, burst: 10000, per_day: 100000}
//     organisations:
//       politie-amsterdam: {per_second: 200, burst: 10000, per_day: 300000}
//     bulk_onboarding:
//       reclassering-nl: {until: "2027-01-31T00:00:00Z", per_second: 4000, burst: 10000, per_day: 5000000}
//     refused_calls: {per_second: 1, burst: 30}   # refused calls per organisation
//
// Unknown keys and bad values are refused with file:line:col and a reason.

#include <string>

#include "absl/status/statusor.h"
#include "pseudonymiser/quota_ledger.h"

namespace samenloop::pseudonymiser {

struct PseudonymiserConfig {
  std::string listen = "127.0.0.1:7444";
  std::string metrics_listen = "127.0.0.1:9444";  // Prometheus /metrics; empty: off
  std::string tls_dir;
  std::string crl_dir;  // empty: revocation is not checked (docs/pki.md)
  std::string key_file;
  std::string state_dir;
  int max_batch = 10000;
  unsigned threads = 0;
  std::string log_format = "json";
  int max_connection_age_seconds = 3600;  // 0: connections are never closed for age
  int max_connection_age_grace_seconds = 30;
  // Evaluations are refused (not ready) while the state directory's disk
  // has less free than this (docs/operations.md "Disk full").
  uint32_t min_free_disk_mb = 64;
  QuotaConfig quotas;
};

absl::StatusOr<PseudonymiserConfig> LoadPseudonymiserConfig(const std::string& path);
// The same, from text (for tests); `name` is used in error messages.
absl::StatusOr<PseudonymiserConfig> ParsePseudonymiserConfig(const std::string& text, const std::string& name);

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_CONFIG_H_
