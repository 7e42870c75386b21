// samenloop-loadgen: a load generator that talks to a running broker as
// organisations do — a separate process, over loopback with real mTLS —
// for the ingest and latency benchmarks (bench/mtls_bench.sh, issue 8).
// Pseudonyms are random 64-byte values: the broker cannot tell them from
// the SDK's, and SDK pseudonymisation has its own benchmark.
//
//   samenloop-loadgen ingest  --broker H:P --pki DIR --org ORG --batches N [--batch-size 1000] [--connections 2]
//   samenloop-loadgen latency --broker H:P --pki DIR --seconds S [--rate 1000] [--probes-per-second 50]
//   samenloop-loadgen nullrpc --broker H:P --pki DIR --org ORG --calls N
//   samenloop-loadgen lookup  --broker H:P --pki DIR --org ORG --calls N --max-id M
//
// Each prints one JSON object in Google Benchmark's output shape, so
// bench/report.py reads it like the other benchmarks.

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/connection.h"
#include "common/tls_files.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace {

using namespace samenloop;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string broker, pki, org = "politie-amsterdam";
  int batches = 20, batch_size = 1000, connections = 2, calls = 2000;
  int64_t max_id = 1;  // lookup: draw ids from this many own signals
  std::string name;    // overrides the benchmark name in the output
  double seconds = 10, rate = 1000, probes_per_second = 50;
};

std::shared_ptr<grpc::Channel> ChannelAs(const Options& o, const std::string& org) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      client::Connect(o.broker, TlsFilesFromDirectory(o.pki + "/" + org));
  if (!channel.ok()) {
    std::fprintf(stderr, "loadgen: %s\n", std::string(channel.status().message()).c_str());
    std::exit(1);
  }
  return *channel;
}

v1::Pseudonym RandomPseudonym() {
  std::string bytes(64, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  v1::Pseudonym p;
  p.set_value(bytes);
  return p;
}

void AddSignal(v1::SubmitSignalsRequest& request, const v1::Pseudonym& subject, const std::string& key) {
  v1::SubmitSignalItem* item = request.add_items();
  item->set_idempotency_key(key);
  v1::Signal* signal = item->mutable_signal();
  *signal->mutable_subject() = subject;
  signal->set_age_band(v1::AGE_BAND_23_PLUS);
  signal->set_category("housing_nuisance");
  signal->set_nature(v1::NATURE_CONCERN);
  signal->mutable_contact()->set_name(key);  // names the signal in the other side's notification
  signal->set_local_reference(key);
  v1::RelatedPerson* related = signal->add_related();
  *related->mutable_person() = RandomPseudonym();
  related->set_relation(v1::RELATION_PARENT);
}

bool Submit(v1::SignalService::Stub& stub, const v1::SubmitSignalsRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::SubmitSignalsResponse response;
  grpc::Status status = stub.SubmitSignals(&context, request, &response);
  if (!status.ok()) {
    std::fprintf(stderr, "loadgen: SubmitSignals: %s\n", status.error_message().c_str());
    return false;
  }
  for (const v1::SubmitSignalResult& r : response.results()) {
    if (r.code() != 0 || r.duplicate()) {
      std::fprintf(stderr, "loadgen: item %s: %s\n", r.duplicate() ? "was a duplicate" : "refused",
                   r.message().c_str());
      return false;
    }
  }
  return true;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[index];
}

void PrintJson(const std::string& name, const std::map<std::string, double>& fields) {
  std::string body = absl::StrCat("{\"benchmarks\": [{\"name\": \"", name, "\"");
  for (const auto& [key, value] : fields) absl::StrAppend(&body, ", \"", key, "\": ", absl::StrFormat("%.6f", value));
  absl::StrAppend(&body, "}]}\n");
  std::fputs(body.c_str(), stdout);
}

// Batches of `batch_size` new signals on `connections` channels in parallel.
int RunIngest(const Options& o) {
  // Keys unique to this run: a store filled by earlier runs must grow.
  const std::string run = absl::StrCat(randombytes_random());
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      auto stub = v1::SignalService::NewStub(ChannelAs(o, o.org));
      for (int b = next++; b < o.batches && !failed; b = next++) {
        v1::SubmitSignalsRequest request;
        for (int i = 0; i < o.batch_size; ++i) AddSignal(request, RandomPseudonym(), absl::StrCat("in-", run, "-", c, "-", b, "-", i));
        if (!Submit(*stub, request)) failed = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) return 1;
  PrintJson(o.name.empty() ? absl::StrCat("MTLS_Ingest/", o.batch_size) : o.name,
            {{"items_per_second", o.batches * o.batch_size / seconds}, {"real_time", seconds}});
  return 0;
}

// Background load from one organisation at `rate` signals/s (batches of
// 10 every 10 ms), and probes: ggz-inforsa holds a signal on a person, the
// police submit one on the same person, and the time from the police's
// acknowledgement to the notification on GGZ's stream is measured.
int RunLatency(const Options& o) {
  auto police = v1::SignalService::NewStub(ChannelAs(o, "politie-amsterdam"));
  auto ggz = v1::SignalService::NewStub(ChannelAs(o, "ggz-inforsa"));
  auto background = v1::SignalService::NewStub(ChannelAs(o, "wijkteam-west"));

  std::mutex mu;
  std::map<std::string, Clock::time_point> sent;    // probe key -> when the submit call started
  std::map<std::string, Clock::time_point> acked;   // probe key -> acknowledgement time
  std::map<std::string, Clock::time_point> arrived;  // probe key -> notification arrival
  grpc::ClientContext stream_context;
  v1::SubscribeRequest subscribe;
  std::unique_ptr<grpc::ClientReader<v1::Notification>> reader =
      v1::NotificationService::NewStub(ChannelAs(o, "ggz-inforsa"))->Subscribe(&stream_context, subscribe);
  std::thread listener([&] {
    v1::Notification n;
    while (reader->Read(&n)) {
      const auto now = Clock::now();
      std::lock_guard<std::mutex> lock(mu);
      arrived.emplace(n.other().contact().name(), now);
    }
  });

  std::atomic<bool> stop{false};
  std::thread load([&] {
    const int per_tick = std::max(1, static_cast<int>(o.rate / 100));
    auto tick = Clock::now();
    for (int n = 0; !stop; ++n) {
      v1::SubmitSignalsRequest request;
      for (int i = 0; i < per_tick; ++i) AddSignal(request, RandomPseudonym(), absl::StrCat("bg-", n, "-", i));
      Submit(*background, request);
      tick += std::chrono::milliseconds(10);
      std::this_thread::sleep_until(tick);
    }
  });

  const auto end = Clock::now() + std::chrono::duration<double>(o.seconds);
  const auto interval = std::chrono::duration<double>(1.0 / o.probes_per_second);
  int probes = 0;
  for (auto next = Clock::now(); Clock::now() < end; ++probes) {
    const v1::Pseudonym person = RandomPseudonym();
    v1::SubmitSignalsRequest held;
    AddSignal(held, person, absl::StrCat("held-", probes));
    Submit(*ggz, held);
    v1::SubmitSignalsRequest probe;
    const std::string key = absl::StrCat("probe-", probes);
    AddSignal(probe, person, key);
    const auto call = Clock::now();
    if (!Submit(*police, probe)) break;
    {
      std::lock_guard<std::mutex> lock(mu);
      sent.emplace(key, call);
      acked.emplace(key, Clock::now());
    }
    next += std::chrono::duration_cast<Clock::duration>(interval);
    std::this_thread::sleep_until(next);
  }
  stop = true;
  load.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last notifications
  stream_context.TryCancel();
  listener.join();

  // From the submit call's start (what an organisation experiences end to
  // end) and from its acknowledgement. The notification is committed before
  // the acknowledgement is sent, so it can arrive first: that counts as 0.
  std::vector<double> from_call_ms, from_ack_ms;
  int missing = 0;
  for (const auto& [key, ack] : acked) {
    auto it = arrived.find(key);
    if (it == arrived.end()) {
      ++missing;
      continue;
    }
    from_call_ms.push_back(std::chrono::duration<double, std::milli>(it->second - sent[key]).count());
    from_ack_ms.push_back(std::max(0.0, std::chrono::duration<double, std::milli>(it->second - ack).count()));
  }
  if (missing > 0) std::fprintf(stderr, "loadgen: %d probe notification(s) never arrived\n", missing);
  PrintJson("MTLS_SubmitToNotification",
            {{"p50_ms", Percentile(from_call_ms, 0.50)}, {"p99_ms", Percentile(from_call_ms, 0.99)},
             {"ack_to_notification_p50_ms", Percentile(from_ack_ms, 0.50)},
             {"ack_to_notification_p99_ms", Percentile(from_ack_ms, 0.99)},
             {"probes", static_cast<double>(from_call_ms.size())}, {"missing", static_cast<double>(missing)},
             {"background_rate", o.rate}});
  return missing == 0 ? 0 : 1;
}

// The cheapest authenticated call: GetSignal with an id that cannot parse
// (certificate check, role check, argument check, answer).
int RunNullRpc(const Options& o) {
  auto stub = v1::SignalService::NewStub(ChannelAs(o, o.org));
  std::vector<double> latencies_ms;
  for (int i = 0; i < o.calls; ++i) {
    grpc::ClientContext context;
    v1::GetSignalRequest request;
    request.set_signal_id("null");
    v1::Signal out;
    const auto start = Clock::now();
    (void)stub->GetSignal(&context, request, &out);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  PrintJson("MTLS_NullRpc", {{"p50_ms", Percentile(latencies_ms, 0.50)}, {"p99_ms", Percentile(latencies_ms, 0.99)}});
  return 0;
}

// Point reads of existing own signals (GetSignal of a random id), the
// lookup whose latency must stay flat as the store grows.
int RunLookup(const Options& o) {
  auto stub = v1::SignalService::NewStub(ChannelAs(o, o.org));
  // Ids are opaque (docs/api.md "Identifiers"): take up to 10,000 of the
  // organisation's own from ListOwnSignals, spread over the store.
  std::vector<std::string> ids;
  v1::ListOwnSignalsRequest list;
  list.mutable_page()->set_page_size(1000);
  while (static_cast<int64_t>(ids.size()) < std::min<int64_t>(o.max_id, 10000)) {
    grpc::ClientContext context;
    v1::ListOwnSignalsResponse page;
    if (grpc::Status status = stub->ListOwnSignals(&context, list, &page); !status.ok()) {
      std::fprintf(stderr, "loadgen: ListOwnSignals: %s\n", status.error_message().c_str());
      return 1;
    }
    for (const v1::Signal& signal : page.signals()) ids.push_back(signal.signal_id());
    if (page.next_page_token().empty()) break;
    list.mutable_page()->set_page_token(page.next_page_token());
  }
  if (ids.empty()) {
    std::fprintf(stderr, "loadgen: lookup: the organisation has no signals\n");
    return 1;
  }
  std::vector<double> latencies_ms;
  for (int i = 0; i < o.calls; ++i) {
    grpc::ClientContext context;
    v1::GetSignalRequest request;
    request.set_signal_id(ids[randombytes_uniform(static_cast<uint32_t>(ids.size()))]);
    v1::Signal out;
    const auto start = Clock::now();
    grpc::Status status = stub->GetSignal(&context, request, &out);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!status.ok()) {
      std::fprintf(stderr, "loadgen: GetSignal: %s\n", status.error_message().c_str());
      return 1;
    }
  }
  PrintJson(o.name.empty() ? "MTLS_Lookup" : o.name,
            {{"p50_ms", Percentile(latencies_ms, 0.50)}, {"p99_ms", Percentile(latencies_ms, 0.99)}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  Options o;
  CLI::App app{"samenloop-loadgen: benchmark load over mTLS"};
  app.require_subcommand(1);
  for (CLI::App* cmd : {app.add_subcommand("ingest", "batches of new signals"),
                        app.add_subcommand("latency", "submit-to-notification latency under load"),
                        app.add_subcommand("nullrpc", "latency of the cheapest call"),
                        app.add_subcommand("lookup", "latency of reading an existing signal")}) {
    cmd->add_option("--broker", o.broker, "host:port")->required();
    cmd->add_option("--pki", o.pki, "dev PKI directory")->required();
    cmd->add_option("--org", o.org, "organisation identity");
    cmd->add_option("--batches", o.batches);
    cmd->add_option("--batch-size", o.batch_size);
    cmd->add_option("--connections", o.connections);
    cmd->add_option("--calls", o.calls);
    cmd->add_option("--seconds", o.seconds);
    cmd->add_option("--rate", o.rate, "background signals/s");
    cmd->add_option("--probes-per-second", o.probes_per_second);
    cmd->add_option("--max-id", o.max_id, "lookup: how many own signals to draw ids from (at most 10,000)");
    cmd->add_option("--name", o.name, "benchmark name in the output");
  }
  CLI11_PARSE(app, argc, argv);
  if (app.got_subcommand("ingest")) return RunIngest(o);
  if (app.got_subcommand("latency")) return RunLatency(o);
  if (app.got_subcommand("lookup")) return RunLookup(o);
  return RunNullRpc(o);
}
