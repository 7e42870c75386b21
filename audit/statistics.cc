#include "audit/statistics.h"

#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "storage/keys.h"
#include "audit/events.h"

namespace samenloop::broker {
namespace {

using Cell = std::tuple<std::string, std::string, std::string>;  // month, dimension, key

absl::CivilMonth MonthOf(absl::Time t) {
  return absl::CivilMonth(absl::ToCivilSecond(t, absl::UTCTimeZone()));
}

absl::StatusOr<std::optional<absl::CivilMonth>> Bound(bool has, const google::protobuf::Timestamp& t,
                                                       absl::string_view field) {
  if (!has) return std::optional<absl::CivilMonth>();
  if (!IsValidTimestamp(t)) return absl::InvalidArgumentError(absl::StrCat(field, ": not a valid timestamp"));
  return std::optional<absl::CivilMonth>(MonthOf(FromProto(t)));
}

// The cell an event counts in, if any.
std::optional<std::pair<std::string, std::string>> CellOf(const v1::AuditEvent& e) {
  switch (e.type()) {
    case v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED:
      return std::make_pair("signals_by_category", absl::StrCat(e.category(), "/", e.actor_organisation()));
    case v1::AUDIT_EVENT_TYPE_MATCH_DECISION:
      return std::make_pair("decisions_by_outcome",
                            absl::StrCat(e.category(), "/",
                                         e.outcome() == v1::DECISION_OUTCOME_ALLOW ? "allow" : "deny"));
    case v1::AUDIT_EVENT_TYPE_CONSENT_REGISTERED:
      return std::make_pair("consents", "registered");
    case v1::AUDIT_EVENT_TYPE_CONSENT_WITHDRAWN:
      return std::make_pair("consents", "withdrawn");
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::StatusOr<v1::GetStatisticsResponse> AuditStatistics(const Store& store, uint64_t end,
                                                           const v1::GetStatisticsRequest& request,
                                                           uint32_t threshold) {
  const v1::TimeRange& range = request.time_range();
  absl::StatusOr<std::optional<absl::CivilMonth>> first = Bound(range.has_from(), range.from(), "time_range.from");
  if (!first.ok()) return first.status();
  absl::StatusOr<std::optional<absl::CivilMonth>> last = Bound(range.has_until(), range.until(), "time_range.until");
  if (!last.ok()) return last.status();
  // [from, until) widened to whole months: until's own month counts only
  // when until is not its first instant.
  std::optional<absl::CivilMonth> last_month = *last;
  if (last_month.has_value() &&
      absl::FromCivil(*last_month, absl::UTCTimeZone()) == FromProto(range.until())) {
    last_month = *last_month - 1;
  }
  if (first->has_value() && last_month.has_value() && **first > *last_month) {
    return absl::InvalidArgumentError("time_range: from must be before until");
  }
  std::map<Cell, uint64_t> counts;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAudit);
  const std::string end_key = keys::U64(end);
  for (it->SeekToFirst(); it->Valid() && it->key().compare(end_key) < 0; it->Next()) {
    v1::AuditEvent event;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) continue;
    std::optional<std::pair<std::string, std::string>> cell = CellOf(event);
    if (!cell.has_value()) continue;
    const absl::CivilMonth month = MonthOf(FromProto(event.time()));
    if ((first->has_value() && month < **first) || (last_month.has_value() && month > *last_month)) continue;
    ++counts[{absl::FormatCivilTime(month), cell->first, cell->second}];
  }
  if (!it->status().ok()) return absl::InternalError("audit log scan: " + it->status().ToString());
  v1::GetStatisticsResponse response;
  response.set_suppression_threshold(threshold);
  for (const auto& [cell, count] : counts) {
    v1::StatisticsCell* out = response.add_cells();
    out->set_month(std::get<0>(cell));
    out->set_dimension(std::get<1>(cell));
    out->set_key(std::get<2>(cell));
    if (count < threshold) {
      out->set_suppressed(true);
    } else {
      out->set_count(count);
    }
  }
  return response;
}

}  // namespace samenloop::broker
