#include "pseudonymiser/pseudonymiser_config.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/caller_identity.h"
#include "common/tls_files.h"
#include "common/logging.h"
#include "yaml-cpp/yaml.h"

namespace samenloop::pseudonymiser {
namespace {

class ConfigReader {
 public:
  explicit ConfigReader(std::string name) : name_(std::move(name)) {}

  absl::Status Error(const YAML::Node& node, absl::string_view what) const {
    const YAML::Mark mark = node.Mark();
    return absl::InvalidArgumentError(
        absl::StrCat(name_, ":", mark.line + 1, ":", mark.column + 1, ": ", what));
  }

  absl::Status CheckKeys(const YAML::Node& map, const std::set<std::string>& allowed, absl::string_view where) const {
    if (!map.IsMap()) return Error(map, absl::StrCat(where, " must be a mapping"));
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      if (allowed.count(key) == 0) return Error(entry.first, absl::StrCat("unknown key '", key, "' in ", where));
    }
    return absl::OkStatus();
  }

  template <typename T>
  absl::Status Read(const YAML::Node& map, const std::string& key, T* out) const {
    const YAML::Node node = map[key];
    if (!node) return absl::OkStatus();
    try {
      *out = node.as<T>();
    } catch (const YAML::Exception&) {
      return Error(node, absl::StrCat(key, ": not a valid value"));
    }
    return absl::OkStatus();
  }

  absl::Status ReadLimits(const YAML::Node& node, absl::string_view where, QuotaLimits* limits) const {
    if (absl::Status s = CheckKeys(node, {"per_second", "burst", "per_day", "until"}, where); !s.ok()) return s;
    if (absl::Status s = Read(node, "per_second", &limits->per_second); !s.ok()) return s;
    if (absl::Status s = Read(node, "burst", &limits->burst); !s.ok()) return s;
    if (absl::Status s = Read(node, "per_day", &limits->per_day); !s.ok()) return s;
    if (limits->per_second <= 0 || limits->burst < 1 || limits->per_day < 1) {
      return Error(node, absl::StrCat(where, ": per_second must be above 0, burst and per_day at least 1"));
    }
    return absl::OkStatus();
  }

  absl::Status ReadQuotas(const YAML::Node& quotas, QuotaConfig* config) const {
    if (absl::Status s = CheckKeys(quotas, {"default", "organisations", "bulk_onboarding", "refused_calls"}, "quotas");
        !s.ok()) {
      return s;
    }
    if (quotas["default"]) {
      if (absl::Status s = ReadLimits(quotas["default"], "quotas.default", &config->defaults); !s.ok()) return s;
    }
    if (const YAML::Node orgs = quotas["organisations"]; orgs) {
      if (!orgs.IsMap()) return Error(orgs, "quotas.organisations must be a mapping");
      for (const auto& entry : orgs) {
        const std::string org = entry.first.as<std::string>();
        if (!IsValidOrganisationId(org)) return Error(entry.first, absl::StrCat("'", org, "' is not an organisation id"));
        QuotaLimits limits = config->defaults;
        if (absl::Status s = ReadLimits(entry.second, absl::StrCat("quotas.organisations.", org), &limits); !s.ok()) {
          return s;
        }
        config->organisations[org] = limits;
      }
    }
    if (const YAML::Node bulk = quotas["bulk_onboarding"]; bulk) {
      if (!bulk.IsMap()) return Error(bulk, "quotas.bulk_onboarding must be a mapping");
      for (const auto& entry : bulk) {
        const std::string org = entry.first.as<std::string>();
        const std::string where = absl::StrCat("quotas.bulk_onboarding.", org);
        if (!IsValidOrganisationId(org)) return Error(entry.first, absl::StrCat("'", org, "' is not an organisation id"));
        BulkAllowance allowance;
        allowance.limits = config->defaults;
        if (absl::Status s = ReadLimits(entry.second, where, &allowance.limits); !s.ok()) return s;
        std::string until;
        if (absl::Status s = Read(entry.second, "until", &until); !s.ok()) return s;
        std::string parse_error;
        if (until.empty() || !absl::ParseTime(absl::RFC3339_full, until, &allowance.until, &parse_error)) {
          return Error(entry.second, absl::StrCat(where, ".until: required, an RFC 3339 time such as 2027-01-31T00:00:00Z"));
        }
        config->bulk_onboarding[org] = allowance;
      }
    }
    if (const YAML::Node refused = quotas["refused_calls"]; refused) {
      RefusalLimits& limits = config->refused_calls;
      if (absl::Status s = CheckKeys(refused, {"per_second", "burst"}, "quotas.refused_calls"); !s.ok()) return s;
      if (absl::Status s = Read(refused, "per_second", &limits.per_second); !s.ok()) return s;
      if (absl::Status s = Read(refused, "burst", &limits.burst); !s.ok()) return s;
      if (limits.per_second <= 0 || limits.burst < 1) {
        return Error(refused, "quotas.refused_calls: per_second must be above 0, burst at least 1");
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string name_;
};

}  // namespace

absl::StatusOr<PseudonymiserConfig> ParsePseudonymiserConfig(const std::string& text, const std::string& name) {
  ConfigReader reader(name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
  PseudonymiserConfig config;
  if (!root || root.IsNull()) return config;
  if (absl::Status s = reader.CheckKeys(
          root, {"listen", "metrics_listen", "tls_dir", "crl_dir", "key_file", "state_dir", "max_batch", "threads",
                 "quotas", "log_format", "max_connection_age_seconds", "max_connection_age_grace_seconds",
                 "min_free_disk_mb"},
          "the top level");
      !s.ok()) {
    return s;
  }
  for (auto [key, field] : {std::pair{"listen", &config.listen}, std::pair{"metrics_listen", &config.metrics_listen},
                            std::pair{"tls_dir", &config.tls_dir}, std::pair{"crl_dir", &config.crl_dir},
                            std::pair{"key_file", &config.key_file}, std::pair{"state_dir", &config.state_dir},
                            std::pair{"log_format", &config.log_format}}) {
    if (absl::Status s = reader.Read(root, key, field); !s.ok()) return s;
  }
  if (absl::Status s = reader.Read(root, "max_batch", &config.max_batch); !s.ok()) return s;
  if (config.max_batch < 1 || config.max_batch > 100000) {
    return reader.Error(root["max_batch"], "max_batch: must be 1 to 100000");
  }
  if (absl::Status s = reader.Read(root, "threads", &config.threads); !s.ok()) return s;
  if (absl::Status s = reader.Read(root, "min_free_disk_mb", &config.min_free_disk_mb); !s.ok()) return s;
  if (config.min_free_disk_mb > (1u << 20)) {
    return reader.Error(root["min_free_disk_mb"], "min_free_disk_mb: must be 0 to 1048576");
  }
  if (absl::Status s = reader.Read(root, "max_connection_age_seconds", &config.max_connection_age_seconds); !s.ok()) {
    return s;
  }
  if (config.max_connection_age_seconds < 0 || config.max_connection_age_seconds > 7 * 86400) {
    return reader.Error(root["max_connection_age_seconds"], "max_connection_age_seconds: must be 0 to 604800");
  }
  if (absl::Status s = reader.Read(root, "max_connection_age_grace_seconds", &config.max_connection_age_grace_seconds);
      !s.ok()) {
    return s;
  }
  if (config.max_connection_age_grace_seconds < 1 || config.max_connection_age_grace_seconds > 3600) {
    return reader.Error(root["max_connection_age_grace_seconds"], "max_connection_age_grace_seconds: must be 1 to 3600");
  }
  if (!ParseLogFormat(config.log_format).ok()) {
    return reader.Error(root["log_format"], "log_format: must be json or text");
  }
  if (root["quotas"]) {
    if (absl::Status s = reader.ReadQuotas(root["quotas"], &config.quotas); !s.ok()) return s;
  }
  return config;
}

absl::StatusOr<PseudonymiserConfig> LoadPseudonymiserConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParsePseudonymiserConfig(*text, path);
}

}  // namespace samenloop::pseudonymiser
