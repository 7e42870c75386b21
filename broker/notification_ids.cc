#include "broker/notification_ids.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace samenloop::broker {

std::string MatchNotificationId(uint64_t recipient_signal, uint64_t other_signal, uint64_t generation) {
  return absl::StrCat("ntf-", recipient_signal, "-", other_signal, "-", generation);
}

std::string CoordinationNotificationId(absl::string_view coordinator, uint64_t signal) {
  return absl::StrCat("ntf-c-", coordinator, "-", signal);
}

std::vector<uint64_t> SignalsOfNotificationId(absl::string_view id) {
  uint64_t number = 0;
  if (absl::ConsumePrefix(&id, "ntf-c-")) {
    // Organisation ids may hold '-': the signal is after the last one.
    const size_t dash = id.rfind('-');
    if (dash == absl::string_view::npos || !absl::SimpleAtoi(id.substr(dash + 1), &number)) return {};
    return {number};
  }
  if (!absl::ConsumePrefix(&id, "ntf-")) return {};
  std::vector<absl::string_view> parts = absl::StrSplit(id, '-');
  uint64_t recipient = 0, other = 0, generation = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &recipient) || !absl::SimpleAtoi(parts[1], &other) ||
      !absl::SimpleAtoi(parts[2], &generation)) {
    return {};
  }
  return {recipient, other};
}

}  // namespace samenloop::broker
