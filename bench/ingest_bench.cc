// Signal ingest into the broker's ledger, in-process (no gRPC yet): batches
// of 1,000 signals, each with one related person, durably written (synced
// WAL), indexed, matched and audited, in signals/s. Same-run baseline: a raw
// RocksDB WriteBatch of as many records of the same size with the same sync.

#include <sodium.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "broker/core/schema.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "bench/logs_to_stderr.h"
#include "broker/ledger.h"
#include "rocksdb/db.h"

namespace {

using namespace samenloop;


std::string TempDir() {
  char pattern[] = "/tmp/samenloop-bench-XXXXXX";
  return ::mkdtemp(pattern);
}

v1::Pseudonym RandomPseudonym() {
  std::string bytes(64, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  v1::Pseudonym p;
  p.set_value(bytes);
  return p;
}

v1::SubmitSignalsRequest Batch(int size, int64_t* serial) {
  v1::SubmitSignalsRequest request;
  for (int i = 0; i < size; ++i) {
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(absl::StrCat("k", ++*serial));
    v1::Signal* signal = item->mutable_signal();
    *signal->mutable_subject() = RandomPseudonym();
    signal->set_age_band(v1::AGE_BAND_23_PLUS);
    signal->set_category("housing_nuisance");
    signal->set_nature(v1::NATURE_CONCERN);
    signal->mutable_contact()->set_name("Team Noord");
    signal->set_local_reference(absl::StrCat("case-", *serial));
    v1::RelatedPerson* related = signal->add_related();
    *related->mutable_person() = RandomPseudonym();
    related->set_relation(v1::RELATION_PARENT);
  }
  return request;
}

void BM_LedgerIngestInProcess(benchmark::State& state) {
  if (sodium_init() < 0) std::abort();
  const std::string dir = TempDir();
  std::array<uint8_t, 32> secret{};
  secret.fill(9);
  broker::SubjectKeyer keyer(*crypto::IndexSecret::FromBytes(secret));
  std::shared_ptr<const policy::DisclosurePolicy> policy = policy::MakeBuiltinDefaultPolicy();
  broker::NotificationHub hub;
  {
    std::unique_ptr<broker::Store> store = *broker::OpenBrokerStore(dir + "/db");
    std::unique_ptr<broker::Ledger> ledger = *broker::Ledger::Create(store.get(), &keyer, policy, &hub);
    CallerIdentity caller{"politie-amsterdam", Role::kOrg, "police"};
    int64_t serial = 0;
    for (auto _ : state) {
      state.PauseTiming();
      v1::SubmitSignalsRequest request = Batch(static_cast<int>(state.range(0)), &serial);
      state.ResumeTiming();
      auto response = ledger->submission().Submit(caller, request);
      if (!response.ok()) state.SkipWithError("submit failed");
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LedgerIngestInProcess)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

// Baseline: the same number of records per batch, of the size of a stored
// signal, in one synced WriteBatch.
void BM_RawRocksDbSyncedWriteBatch(benchmark::State& state) {
  const std::string dir = TempDir();
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir + "/db", &raw).ok()) std::abort();
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value(300, 'x');
  rocksdb::WriteOptions sync;
  sync.sync = true;
  uint64_t key = 0;
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < state.range(0); ++i) batch.Put(absl::StrCat("signal/", ++key), value);
    if (!db->Write(sync, &batch).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  db.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RawRocksDbSyncedWriteBatch)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
