#include "pseudonymiser/pseudonymiser_metrics.h"

#include "absl/strings/str_cat.h"
#include "common/metrics_endpoint.h"

namespace samenloop::pseudonymiser {

std::string RenderMetrics(const QuotaLedger& quotas, uint64_t turned_away) {
  const QuotaLedger::Counters counters = quotas.counters();
  std::string out;
  absl::StrAppend(&out,
                  "# HELP samenloop_pseudonymiser_quota_refusals_total Evaluate requests refused by a quota.\n",
                  "# TYPE samenloop_pseudonymiser_quota_refusals_total counter\n");
  out += PrometheusLine("samenloop_pseudonymiser_quota_refusals_total", "", static_cast<double>(counters.refusals));
  for (const auto& [org, count] : counters.refusals_by_organisation) {
    out += PrometheusLine("samenloop_pseudonymiser_quota_refusals_total", absl::StrCat("organisation=\"", org, "\""),
                          static_cast<double>(count));
  }
  absl::StrAppend(&out, "# HELP samenloop_pseudonymiser_elements_evaluated_total Blinded elements evaluated.\n",
                  "# TYPE samenloop_pseudonymiser_elements_evaluated_total counter\n");
  for (const auto& [org, count] : counters.elements_by_organisation) {
    out += PrometheusLine("samenloop_pseudonymiser_elements_evaluated_total",
                          absl::StrCat("organisation=\"", org, "\""), static_cast<double>(count));
  }
  absl::StrAppend(&out,
                  "# HELP samenloop_pseudonymiser_turned_away_total Evaluate calls turned away unread because the "
                  "organisation's earlier calls were refused too often.\n",
                  "# TYPE samenloop_pseudonymiser_turned_away_total counter\n");
  out += PrometheusLine("samenloop_pseudonymiser_turned_away_total", "", static_cast<double>(turned_away));
  return out;
}

}  // namespace samenloop::pseudonymiser
