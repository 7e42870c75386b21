#include "broker/matching/patterns.h"

#include "absl/strings/str_cat.h"
#include "storage/keys.h"

namespace samenloop::broker {

std::string PatternBook::MarkerKey(uint64_t signal) const {
  return absl::StrCat("coordination/", coordinator_, "/", keys::U64(signal));
}

std::string PatternBook::PatternKey(uint64_t anchor) const {
  return absl::StrCat("pattern/", coordinator_, "/", keys::U64(anchor));
}

absl::StatusOr<bool> PatternBook::Marked(uint64_t signal) const {
  absl::StatusOr<std::optional<std::string>> marker = write_.GetStaged(Family::kPairDecisions, MarkerKey(signal));
  if (!marker.ok()) return marker.status();
  return marker->has_value();
}

absl::StatusOr<bool> PatternBook::MarkedBefore(uint64_t signal) const {
  absl::StatusOr<std::string> marker = write_.store().Get(Family::kPairDecisions, MarkerKey(signal));
  if (absl::IsNotFound(marker.status())) return false;
  if (!marker.ok()) return marker.status();
  return true;
}

absl::StatusOr<std::optional<uint64_t>> PatternBook::AnchorOf(uint64_t signal) const {
  absl::StatusOr<std::optional<std::string>> marker = write_.GetStaged(Family::kPairDecisions, MarkerKey(signal));
  if (!marker.ok()) return marker.status();
  if (!marker->has_value()) return std::optional<uint64_t>();
  storage::PairDecision decision;
  if (!decision.ParseFromString(**marker)) return absl::DataLossError("coordination marker does not parse");
  if (decision.pattern_anchor() == 0) return std::optional<uint64_t>();
  return std::optional<uint64_t>(decision.pattern_anchor());
}

absl::StatusOr<std::optional<storage::CoordinationPattern>> PatternBook::Load(uint64_t anchor) const {
  absl::StatusOr<std::optional<std::string>> bytes = write_.GetStaged(Family::kPairDecisions, PatternKey(anchor));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<storage::CoordinationPattern>();
  storage::CoordinationPattern pattern;
  if (!pattern.ParseFromString(**bytes)) return absl::DataLossError("coordination pattern does not parse");
  return std::optional<storage::CoordinationPattern>(std::move(pattern));
}

void PatternBook::Save(uint64_t anchor, const storage::CoordinationPattern& pattern,
                       const std::string& policy_version) {
  write_.PutStaged(Family::kPairDecisions, PatternKey(anchor), pattern.SerializeAsString());
  storage::PairDecision marker;
  marker.set_allowed(true);
  marker.set_level(v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT);
  marker.set_policy_version(policy_version);
  marker.set_pattern_anchor(anchor);
  const std::string bytes = marker.SerializeAsString();
  for (uint64_t member : pattern.members()) write_.PutStaged(Family::kPairDecisions, MarkerKey(member), bytes);
}

void PatternBook::Forget(uint64_t signal) { write_.DeleteStaged(Family::kPairDecisions, MarkerKey(signal)); }

void PatternBook::Dissolve(uint64_t anchor, const storage::CoordinationPattern& pattern) {
  for (uint64_t member : pattern.members()) Forget(member);
  write_.DeleteStaged(Family::kPairDecisions, PatternKey(anchor));
}

}  // namespace samenloop::broker
