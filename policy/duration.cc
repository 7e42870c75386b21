#include "policy/duration.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace samenloop::policy {
namespace {
constexpr int64_t kMaxDays = 100 * 365;  // no retention or window runs a century
}

absl::StatusOr<absl::Duration> ParsePolicyDuration(absl::string_view text) {
  const std::string hint = "write a whole number followed by d (days), w (weeks) or y (years of 365 days), e.g. 90d or 1y";
  if (text.size() < 2) return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a duration; ", hint));
  const char unit = text.back();
  int64_t count = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &count) || count < 0 ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text.front()))) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a duration; ", hint));
  }
  int64_t days = 0;
  switch (unit) {
    case 'd': days = count; break;
    case 'w': days = count * 7; break;
    case 'y': days = count * 365; break;
    case 'm':
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text, "\": months are not accepted because their length varies; write days (e.g. 30d) or weeks"));
    default: return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" has an unknown unit; ", hint));
  }
  if (count > kMaxDays || days > kMaxDays) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is longer than 100 years"));
  }
  return absl::Hours(24 * days);
}

absl::StatusOr<absl::Time> ParsePolicyDate(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (text.size() != 10 || !absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a date; write YYYY-MM-DD, e.g. 2027-01-01"));
  }
  return time;
}

std::string FormatPolicyDuration(absl::Duration duration) {
  if (duration == absl::InfiniteDuration()) return "forever";
  const int64_t days = absl::ToInt64Hours(duration) / 24;
  if (days > 0 && days % 365 == 0) return absl::StrCat(days / 365, "y");
  if (days > 0 && days % 7 == 0) return absl::StrCat(days / 7, "w");
  return absl::StrCat(days, "d");
}

}  // namespace samenloop::policy
