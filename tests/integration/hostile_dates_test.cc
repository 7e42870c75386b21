// Dates are checked (issue 18, item 4): a closed_at before opened_at, and
// dates far in the past or the future, are refused on submit, update and
// close (a close dated 1901 made the next sweep delete the signal and
// redact its audit events); a consent's validity lies within a century of
// today; ListTreeHeads and GetStatistics refuse an end before their start.

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/hostile_input.h"

namespace samenloop::testing {
namespace {

using grpc::StatusCode;
constexpr StatusCode INVALID = StatusCode::INVALID_ARGUMENT;
constexpr int64_t k1901 = -2177452800;  // 1901-01-01
const absl::Duration kYear = absl::Hours(24 * 365);

class HostileDatesTest : public HostileInputTest {};

TEST_F(HostileDatesTest, SignalDatesArePlausibleOnSubmitUpdateAndClose) {
  using S = v1::Signal;
  std::vector<HostileCase> cases = {
      {"opened in 1901", [this] { return SubmitSpoiled([](S& s) { *s.mutable_opened_at() = Seconds(k1901); }); },
       INVALID, "items[0].signal.opened_at: more than 50 years ago", 1},
      {"opened next week",
       [this] { return SubmitSpoiled([](S& s) { *s.mutable_opened_at() = FromNow(absl::Hours(24 * 7)); }); },
       INVALID, "items[0].signal.opened_at: in the future", 1},
      {"confirmed before it was opened",
       [this] {
         return SubmitSpoiled([](S& s) {
           *s.mutable_opened_at() = FromNow(-absl::Hours(24));
           *s.mutable_last_confirmed_at() = FromNow(-absl::Hours(72));
         });
       },
       INVALID, "items[0].signal.last_confirmed_at: is before opened_at", 1},
      {"confirmed next year",
       [this] { return SubmitSpoiled([](S& s) { *s.mutable_last_confirmed_at() = FromNow(kYear); }); }, INVALID,
       "items[0].signal.last_confirmed_at: in the future", 1},
      {"informed 60 years ago",
       [this] {
         return SubmitSpoiled([](S& s) { *s.mutable_duty_to_inform()->mutable_informed_at() = FromNow(-60 * kYear); });
       },
       INVALID, "items[0].signal.duty_to_inform.informed_at: more than 50 years ago", 1},
      {"update: confirmed in 1901",
       [this] {
         return Update([](v1::UpdateSignalRequest& r) {
           *r.mutable_signal()->mutable_last_confirmed_at() = Seconds(k1901);
           r.mutable_update_mask()->add_paths("last_confirmed_at");
         });
       },
       INVALID, "signal.last_confirmed_at: more than 50 years ago", 0},
      {"update: confirmed next month",
       [this] {
         return Update([](v1::UpdateSignalRequest& r) {
           *r.mutable_signal()->mutable_last_confirmed_at() = FromNow(absl::Hours(24 * 30));
           r.mutable_update_mask()->add_paths("last_confirmed_at");
         });
       },
       INVALID, "signal.last_confirmed_at: in the future", 0},
      {"update: informed in the future",
       [this] {
         return Update([](v1::UpdateSignalRequest& r) {
           r.mutable_signal()->mutable_duty_to_inform()->set_status(v1::DUTY_TO_INFORM_STATUS_INFORMED);
           *r.mutable_signal()->mutable_duty_to_inform()->mutable_informed_at() = FromNow(kYear);
           r.mutable_update_mask()->add_paths("duty_to_inform");
         });
       },
       INVALID, "signal.duty_to_inform.informed_at: in the future", 0},
      // The defect: this close made the next sweep delete the signal.
      {"closed in 1901", [this] { return Close(Seconds(k1901)); }, INVALID, "closed_at: more than 50 years ago", 0},
      {"closed before it was opened", [this] { return Close(FromNow(-absl::Hours(48))); }, INVALID,
       "closed_at: is before the signal's opened_at", 0},
      {"closed next week", [this] { return Close(FromNow(absl::Hours(24 * 7))); }, INVALID,
       "closed_at: in the future", 0},
  };
  RunBattery(cases);
}

TEST_F(HostileDatesTest, ConsentValidityLiesWithinACentury) {
  std::vector<HostileCase> cases = {
      {"valid from 120 years ago",
       [this] { return Consent([](v1::ConsentRecord& r) { *r.mutable_valid_from() = FromNow(-120 * kYear); }); },
       INVALID, "record.valid_from: must lie within 100 years", 0},
      {"valid until 150 years from now",
       [this] { return Consent([](v1::ConsentRecord& r) { *r.mutable_valid_until() = FromNow(150 * kYear); }); },
       INVALID, "record.valid_until: must lie within 100 years", 0},
      {"valid until yesterday, from now",
       [this] { return Consent([](v1::ConsentRecord& r) { *r.mutable_valid_until() = FromNow(-absl::Hours(24)); }); },
       INVALID, "record.valid_until: must be after now", 0},
  };
  RunBattery(cases);
}

TEST_F(HostileDatesTest, AuditRangesEndAfterTheyStart) {
  const auto range = [](absl::Duration from, absl::Duration until) {
    v1::TimeRange r;
    *r.mutable_from() = FromNow(from);
    *r.mutable_until() = FromNow(until);
    return r;
  };
  std::vector<HostileCase> cases = {
      {"tree heads ending before they start",
       [this, range] {
         v1::ListTreeHeadsRequest request;
         *request.mutable_time_range() = range(absl::Hours(1), -absl::Hours(1));
         v1::ListTreeHeadsResponse response;
         return FromStatus(audit_->ListTreeHeads(Deadline().get(), request, &response));
       },
       INVALID, "time_range: from must be before until", 0},
      {"tree heads in an empty range",
       [this, range] {
         v1::ListTreeHeadsRequest request;
         *request.mutable_time_range() = range(absl::ZeroDuration(), absl::ZeroDuration());
         v1::ListTreeHeadsResponse response;
         return FromStatus(audit_->ListTreeHeads(Deadline().get(), request, &response));
       },
       INVALID, "time_range: from must be before until", 0},
      {"statistics ending before they start",
       [this, range] {
         v1::GetStatisticsRequest request;
         *request.mutable_time_range() = range(absl::Hours(24 * 60), -absl::Hours(24 * 60));
         v1::GetStatisticsResponse response;
         return FromStatus(audit_->GetStatistics(Deadline().get(), request, &response));
       },
       INVALID, "time_range: from must be before until", 0},
      {"statistics from the year 10000",
       [this] {
         v1::GetStatisticsRequest request;
         *request.mutable_time_range()->mutable_from() = Seconds(253402300800);
         v1::GetStatisticsResponse response;
         return FromStatus(audit_->GetStatistics(Deadline().get(), request, &response));
       },
       INVALID, "time_range.from: not a valid timestamp", 0},
      {"events ending before they start",
       [this, range] {
         return Query([&](v1::QueryEventsRequest& r) {
           *r.mutable_time_range() = range(absl::Hours(1), -absl::Hours(1));
         });
       },
       INVALID, "time_range: from must be before until", 1},
  };
  RunBattery(cases);
}

}  // namespace
}  // namespace samenloop::testing
