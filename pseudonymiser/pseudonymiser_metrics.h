#ifndef SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_METRICS_H_
#define SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_METRICS_H_

// The pseudonymiser's Prometheus metrics (docs/operations.md).

#include <cstdint>
#include <string>

#include "pseudonymiser/quota_ledger.h"

namespace samenloop::pseudonymiser {

// `turned_away`: calls the refusal limiter turned away (refusal_limiter.h).
std::string RenderMetrics(const QuotaLedger& quotas, uint64_t turned_away);

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_METRICS_H_
