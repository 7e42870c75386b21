#include "broker/core/change_versions.h"

#include "absl/hash/hash.h"

namespace samenloop::broker {

size_t ChangeVersions::StripeOf(absl::string_view key) { return absl::HashOf(key) % kStripes; }

bool ChangeVersions::ChangedSince(uint64_t since, const std::vector<std::string>& keys) const {
  if (epoch_ > since) return true;
  for (const std::string& key : keys) {
    if (stripes_[StripeOf(key)] > since) return true;
  }
  return false;
}

void ChangeVersions::Record(const std::vector<std::string>& keys, bool everything) {
  const uint64_t number = committed_.load(std::memory_order_relaxed) + 1;
  if (everything) epoch_ = number;
  for (const std::string& key : keys) stripes_[StripeOf(key)] = number;
  // Published last: a reader that sees `number` started after this commit
  // was visible in the store.
  committed_.store(number, std::memory_order_release);
}

}  // namespace samenloop::broker
