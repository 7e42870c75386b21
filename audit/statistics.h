#ifndef SAMENLOOP_AUDIT_STATISTICS_H_
#define SAMENLOOP_AUDIT_STATISTICS_H_

// Aggregate statistics over the audit log for auditors and privacy
// officers, with small cells suppressed: a count of 1 to threshold - 1 is
// reported as suppressed (count 0), since a small count about one category
// from one organisation in one month can point at a person.
//
// Cells are per calendar month (UTC) and the requested range is widened to
// whole months, so two overlapping ranges cannot be subtracted to reveal a
// suppressed count. Dimensions (docs/audit.md):
//   signals_by_category   "<category>/<organisation>" of SIGNAL_SUBMITTED
//   decisions_by_outcome  "<category>/<allow|deny>"   of MATCH_DECISION
//   consents              "registered" | "withdrawn"
// No dimension is the sum of another, so no suppressed cell follows from
// a published total.
//
// Cost: one scan over the leaves of the range's tree, parsing each.

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/store.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

inline constexpr uint32_t kDefaultSuppressionThreshold = 10;

// Over leaves [0, end). INVALID_ARGUMENT naming the field for a bad range.
absl::StatusOr<v1::GetStatisticsResponse> AuditStatistics(const Store& store, uint64_t end,
                                                           const v1::GetStatisticsRequest& request,
                                                           uint32_t threshold);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_STATISTICS_H_
