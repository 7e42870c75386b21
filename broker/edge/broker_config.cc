#include "broker/edge/broker_config.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/caller_identity.h"
#include "common/logging.h"
#include "common/tls_files.h"
#include "yaml-cpp/yaml.h"

namespace samenloop::broker {
namespace {

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  absl::Status Error(const YAML::Node& node, absl::string_view what) const {
    const YAML::Mark mark = node.Mark();
    return absl::InvalidArgumentError(absl::StrCat(name_, ":", mark.line + 1, ":", mark.column + 1, ": ", what));
  }

  template <typename T>
  absl::Status Read(const YAML::Node& map, const std::string& key, T* out, T min, T max) const {
    const YAML::Node node = map[key];
    if (!node) return absl::OkStatus();
    T value{};
    if (!node.IsScalar() || !YAML::convert<T>::decode(node, value) || value < min || value > max) {
      return Error(node, absl::StrCat(key, ": must be a whole number from ", min, " to ", max));
    }
    *out = value;
    return absl::OkStatus();
  }

  absl::Status ReadText(const YAML::Node& map, const std::string& key, std::string* out) const {
    const YAML::Node node = map[key];
    if (!node) return absl::OkStatus();
    if (!node.IsScalar()) return Error(node, absl::StrCat(key, ": must be a single value"));
    *out = node.Scalar();
    return absl::OkStatus();
  }

 private:
  std::string name_;
};

}  // namespace

absl::StatusOr<BrokerFileConfig> ParseBrokerConfig(const std::string& text, const std::string& name) {
  Reader reader(name);
  BrokerFileConfig config;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ":", e.mark.line + 1, ":", e.mark.column + 1, ": not valid YAML: ", e.msg));
  }
  if (!root || root.IsNull()) return config;
  if (!root.IsMap()) return reader.Error(root, "the configuration must be a mapping of keys to values");
  static const std::set<std::string> kKeys = {
      "listen", "metrics_listen", "data_dir", "tls_dir", "crl_dir", "index_secret", "log_key", "max_submit_batch",
      "sweep_interval_seconds", "tree_head_interval_seconds", "suppression_threshold", "coordinator", "log_format",
      "outbox_keep_acknowledged_days", "auth_failures_per_minute", "max_connection_age_seconds",
      "max_connection_age_grace_seconds", "min_free_disk_mb"};
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (kKeys.count(key) == 0) {
      return reader.Error(entry.first, absl::StrCat("unknown key '", key, "' (see docs/operations.md)"));
    }
  }
  for (const auto& [key, field] : {std::pair<const char*, std::string*>{"listen", &config.listen},
                                   {"metrics_listen", &config.metrics_listen},
                                   {"data_dir", &config.data_dir},
                                   {"tls_dir", &config.tls_dir},
                                   {"crl_dir", &config.crl_dir},
                                   {"index_secret", &config.index_secret},
                                   {"log_key", &config.log_key},
                                   {"coordinator", &config.coordinator},
                                   {"log_format", &config.log_format}}) {
    if (absl::Status s = reader.ReadText(root, key, field); !s.ok()) return s;
  }
  if (absl::Status s = reader.Read(root, "max_submit_batch", &config.max_submit_batch, 1, 10000); !s.ok()) return s;
  if (absl::Status s = reader.Read<int64_t>(root, "sweep_interval_seconds", &config.sweep_interval_seconds, 0,
                                            7 * 86400);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read<int64_t>(root, "outbox_keep_acknowledged_days",
                                            &config.outbox_keep_acknowledged_days, 0, 3650);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read<int64_t>(root, "tree_head_interval_seconds", &config.tree_head_interval_seconds,
                                            0, 86400);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read<uint32_t>(root, "suppression_threshold", &config.suppression_threshold, 1, 1000);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read<uint32_t>(root, "min_free_disk_mb", &config.min_free_disk_mb, 0, 1 << 20);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read<uint32_t>(root, "auth_failures_per_minute", &config.auth_failures_per_minute, 1,
                                             100000);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read(root, "max_connection_age_seconds", &config.max_connection_age_seconds, 0,
                                  7 * 86400);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = reader.Read(root, "max_connection_age_grace_seconds",
                                  &config.max_connection_age_grace_seconds, 1, 3600);
      !s.ok()) {
    return s;
  }
  if (!ParseLogFormat(config.log_format).ok()) {
    return reader.Error(root["log_format"], "log_format: must be json or text");
  }
  if (!config.coordinator.empty() && !IsValidOrganisationId(config.coordinator)) {
    return reader.Error(root["coordinator"], "coordinator: not an organisation id");
  }
  return config;
}

absl::StatusOr<BrokerFileConfig> LoadBrokerConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseBrokerConfig(*text, path);
}

}  // namespace samenloop::broker
