#ifndef SAMENLOOP_BROKER_CORE_CHANGE_VERSIONS_H_
#define SAMENLOOP_BROKER_CORE_CHANGE_VERSIONS_H_

// ChangeVersions lets a submission do its reads and decisions without the
// write lock and then find out, under the lock, whether a write committed in
// the meantime could have changed them (docs/architecture.md "The write
// path").
//
// Every commit gets the next commit number. A commit that changes only what
// is stored about some persons (a submission: new index entries under its
// subject and related keys, its idempotency key) records its number in the
// stripes of those keys; any other commit that can change matching inputs
// (a policy, a consent, an update or state change, re-evaluation, expiry)
// records it as the epoch, which every check sees. A check asks: has any
// stripe of the keys I read, or the epoch, moved past the number I started
// from? Stripes are shared by hash, so a collision only causes a needless
// redo, never a missed one.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace samenloop::broker {

class ChangeVersions {
 public:
  // The number of the last commit; read before reading the store.
  uint64_t Committed() const { return committed_.load(std::memory_order_acquire); }

  // Under the write lock: whether a commit after `since` touched one of
  // `keys` or changed matching inputs broadly.
  bool ChangedSince(uint64_t since, const std::vector<std::string>& keys) const;

  // Under the write lock, after a commit is durable: the commit touched
  // exactly `keys` (`everything`: possibly any matching input).
  void Record(const std::vector<std::string>& keys, bool everything);

 private:
  static constexpr size_t kStripes = 1 << 14;
  static size_t StripeOf(absl::string_view key);

  std::atomic<uint64_t> committed_{0};
  uint64_t epoch_ = 0;                       // guarded by the write lock
  std::array<uint64_t, kStripes> stripes_{};  // guarded by the write lock
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_CHANGE_VERSIONS_H_
