#ifndef SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_METRICS_H_
#define SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_METRICS_H_

// The pseudonymiser's Prometheus metrics (docs/operations.md).

#include <string>

#include "pseudonymiser/quota_ledger.h"

namespace samenloop::pseudonymiser {

std::string RenderMetrics(const QuotaLedger& quotas);

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_METRICS_H_
