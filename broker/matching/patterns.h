#ifndef SAMENLOOP_BROKER_MATCHING_PATTERNS_H_
#define SAMENLOOP_BROKER_MATCHING_PATTERNS_H_

// Coordination patterns as stored (docs/architecture.md "Matching"): the
// signals one coordinator was told of as one pattern, kept with the pair
// decisions.
//
//   pattern/<coordinator>/<anchor>        CoordinationPattern: the rule that
//                                         formed it, its members, notices sent
//   coordination/<coordinator>/<signal>   PairDecision marker of a member,
//                                         naming the pattern's anchor
//
// The anchor is the number of the signal whose arrival formed the pattern;
// the coordinator sees it only as an opaque handle (OpaqueIds::PatternHandle).
// Everything goes through the write's staged records, so two signals of one
// batch that join the same pattern both land in it.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "broker/core/transaction.h"
#include "broker_storage.pb.h"

namespace samenloop::broker {

class PatternBook {
 public:
  PatternBook(Transaction& write, std::string coordinator) : write_(write), coordinator_(std::move(coordinator)) {}

  // The anchor of the pattern `signal` is a member of; nullopt when it is
  // in none (or was told on its own, before patterns).
  absl::StatusOr<std::optional<uint64_t>> AnchorOf(uint64_t signal) const;
  // Whether `signal` has a marker at all (a member, or told on its own).
  absl::StatusOr<bool> Marked(uint64_t signal) const;
  // The same in the committed store, before this write.
  absl::StatusOr<bool> MarkedBefore(uint64_t signal) const;

  absl::StatusOr<std::optional<storage::CoordinationPattern>> Load(uint64_t anchor) const;
  // Writes the pattern and a marker for each of its members.
  void Save(uint64_t anchor, const storage::CoordinationPattern& pattern, const std::string& policy_version);
  // Removes one member's marker.
  void Forget(uint64_t signal);
  // Removes the pattern and its members' markers.
  void Dissolve(uint64_t anchor, const storage::CoordinationPattern& pattern);

 private:
  std::string MarkerKey(uint64_t signal) const;
  std::string PatternKey(uint64_t anchor) const;

  Transaction& write_;
  const std::string coordinator_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_PATTERNS_H_
