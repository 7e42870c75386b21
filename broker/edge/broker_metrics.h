#ifndef SAMENLOOP_BROKER_EDGE_BROKER_METRICS_H_
#define SAMENLOOP_BROKER_EDGE_BROKER_METRICS_H_

// The broker's Prometheus metrics (docs/operations.md "Metrics"), served on
// their own port by common/metrics_endpoint.h. Counts, sizes and
// organisation ids only: never a key, a pseudonym or a contact.

#include <string>

#include "broker/ledger.h"
#include "storage/store.h"

namespace samenloop::broker {

std::string RenderBrokerMetrics(const Ledger& ledger, const Store& store);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_BROKER_METRICS_H_
