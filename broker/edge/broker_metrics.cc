#include "broker/edge/broker_metrics.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/metrics_endpoint.h"

namespace samenloop::broker {
namespace {

// Column families worth watching for size, by their store names.
constexpr std::pair<Family, const char*> kWatched[] = {
    {Family::kSignals, "signals"},         {Family::kSubjectIndex, "subject_index"},
    {Family::kRelatedIndex, "related_index"}, {Family::kPairDecisions, "pair_decisions"},
    {Family::kOutbox, "outbox"},           {Family::kAudit, "audit"},
    {Family::kAuditNodes, "audit_nodes"},  {Family::kConsents, "consents"},
};

}  // namespace

std::string RenderBrokerMetrics(const Ledger& ledger, const Store& store) {
  const LedgerCounters counters = ledger.CountersSnapshot();
  std::string out;
  PrometheusHelp(out, "samenloop_broker_signals_stored_total", "counter", "Signals accepted since the store was created.");
  out += PrometheusLine("samenloop_broker_signals_stored_total", "",
                        static_cast<double>(counters.next_signal_number - 1));
  PrometheusHelp(out, "samenloop_broker_audit_tree_size", "gauge", "Events in the audit log (the Merkle tree's size).");
  out += PrometheusLine("samenloop_broker_audit_tree_size", "", static_cast<double>(counters.audit.size));
  PrometheusHelp(out, "samenloop_broker_outbox_depth", "gauge", "Notifications not yet acknowledged, per recipient.");
  for (const auto& [recipient, head] : counters.outbox_head) {
    auto acked = counters.acknowledged.find(recipient);
    const uint64_t done = acked == counters.acknowledged.end() ? 0 : acked->second;
    out += PrometheusLine("samenloop_broker_outbox_depth", absl::StrCat("recipient=\"", recipient, "\""),
                          static_cast<double>(head > done ? head - done : 0));
  }
  PrometheusHelp(out, "samenloop_broker_policy_info", "gauge", "The policy in force (value 1), by version hash.");
  out += PrometheusLine("samenloop_broker_policy_info",
                        absl::StrCat("version=\"", ledger.policy().Current()->Version(), "\""), 1);
  // One group per metric family, as the text format requires.
  for (const auto& [property, metric, help] :
       {std::tuple<const char*, const char*, const char*>{"rocksdb.estimate-num-keys",
                                                          "samenloop_broker_store_keys_estimate",
                                                          "RocksDB's estimate of keys per column family."},
        {"rocksdb.live-sst-files-size", "samenloop_broker_store_live_bytes",
         "RocksDB live SST bytes per column family."}}) {
    PrometheusHelp(out, metric, "gauge", help);
    for (const auto& [family, name] : kWatched) {
      uint64_t value = 0;
      store.db()->GetIntProperty(store.Handle(family), property, &value);
      out += PrometheusLine(metric, absl::StrCat("family=\"", name, "\""), static_cast<double>(value));
    }
  }
  uint64_t pending = 0;
  for (const auto& [family, name] : kWatched) {
    uint64_t bytes = 0;
    store.db()->GetIntProperty(store.Handle(family), "rocksdb.estimate-pending-compaction-bytes", &bytes);
    pending += bytes;
  }
  PrometheusHelp(out, "samenloop_broker_store_pending_compaction_bytes", "gauge", "Compaction debt (write stalls grow with it).");
  out += PrometheusLine("samenloop_broker_store_pending_compaction_bytes", "", static_cast<double>(pending));
  uint64_t running = 0;
  store.db()->GetIntProperty("rocksdb.num-running-compactions", &running);
  PrometheusHelp(out, "samenloop_broker_store_running_compactions", "gauge", "RocksDB compactions running now.");
  out += PrometheusLine("samenloop_broker_store_running_compactions", "", static_cast<double>(running));
  return out;
}

}  // namespace samenloop::broker
