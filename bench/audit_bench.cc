// Audit log speed (issue 7): appending events in synced batches with their
// RFC 6962 nodes, and inclusion proofs on a large log (10^7 leaves by
// default; SAMENLOOP_AUDIT_BENCH_LEAVES overrides, bench/run.sh --quick uses
// 10^6), generated from the stored nodes and verified. Same-run baselines:
// raw SHA-256 of the same bytes (a leaf's bytes for appends; the hashes of
// one proof's path for proofs).

#include <sodium.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "bench/logs_to_stderr.h"
#include "audit/merkle_tree.h"
#include "audit/events.h"
#include "audit/log_writer.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "crypto/merkle_rfc6962.h"

namespace {

using namespace samenloop;

constexpr size_t kLeafBytes = 256;  // a typical serialized AuditEvent

std::string TempDir() {
  char pattern[] = "/tmp/samenloop-bench-XXXXXX";
  return ::mkdtemp(pattern);
}

std::vector<uint8_t> LeafData(uint64_t i) {
  std::vector<uint8_t> data(kLeafBytes);
  randombytes_buf_deterministic(data.data(), data.size(),
                                reinterpret_cast<const unsigned char*>("samenloop-audit-bench-leaf-seed!"));
  for (size_t b = 0; b < 8; ++b) data[b] = static_cast<uint8_t>(i >> (8 * b));
  return data;
}

uint64_t LargeLogLeaves() {
  const char* env = std::getenv("SAMENLOOP_AUDIT_BENCH_LEAVES");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 10000000;
}

// Events appended as the ledger does: the leaf bytes and the nodes it
// completes, in batches of state.range(0), one synced write each.
void BM_AuditAppend(benchmark::State& state) {
  const std::string dir = TempDir();
  {
    std::unique_ptr<broker::Store> store = *broker::Store::Open(dir);
    broker::AuditFrontier frontier;
    uint64_t next = 0;
    const auto batch_size = static_cast<uint64_t>(state.range(0));
    for (auto _ : state) {
      rocksdb::WriteBatch batch;
      for (uint64_t i = 0; i < batch_size; ++i, ++next) {
        const std::vector<uint8_t> data = LeafData(next);
        batch.Put(store->Handle(broker::Family::kAudit), broker::keys::U64(next),
                  rocksdb::Slice(reinterpret_cast<const char*>(data.data()), data.size()));
        broker::AppendAuditLeaf(*store, batch, next, data, frontier);
      }
      if (!store->Commit(&batch).ok()) state.SkipWithError("commit failed");
    }
    state.SetItemsProcessed(static_cast<int64_t>(next));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AuditAppend)->Arg(1000)->UseRealTime();

// Events appended as the ledger appends them (audit::AuditLogWriter, the
// writer every broker Transaction uses):
// realistic match decisions with their index entries (signal, subject,
// organisation, time block), 1000 per synced write. The gap to
// BM_AuditAppend is the cost of the indexes.
void BM_LedgerAuditAppend(benchmark::State& state) {
  const std::string dir = TempDir();
  {
    std::unique_ptr<broker::Store> store = *broker::Store::Open(dir);
    broker::AuditLogState log = *broker::AuditLogState::Load(*store, 0);
    uint64_t appended = 0;
    const auto batch_size = static_cast<uint64_t>(state.range(0));
    const CallerIdentity actor{"broker", Role::kOperator, ""};
    for (auto _ : state) {
      rocksdb::WriteBatch batch;
      broker::AuditLogWriter write(*store, log);
      for (uint64_t i = 0; i < batch_size; ++i, ++appended) {
        v1::AuditEvent event = broker::BaseEvent(v1::AUDIT_EVENT_TYPE_MATCH_DECISION, actor, absl::Now());
        event.add_subject_keys(std::string(56, 'c') + std::to_string(10000000 + appended % 1000000));
        event.add_signal_ids(broker::keys::SignalId(appended + 1));
        event.add_signal_ids(broker::keys::SignalId(appended / 2 + 1));
        event.set_category("domestic_violence");
        event.set_recipient_organisation("ggz-inforsa");
        event.set_outcome(v1::DECISION_OUTCOME_ALLOW);
        event.mutable_basis()->add_rule_ids("vt-to-ggz");
        event.mutable_basis()->add_legal_bases("Wmo 2015 art. 4.1.1");
        event.mutable_basis()->set_policy_version(std::string(64, 'e'));
        write.Append(batch, std::move(event));
      }
      if (!write.Finish(batch).ok() || !store->Commit(&batch).ok()) state.SkipWithError("commit failed");
      log = write.state();
    }
    state.SetItemsProcessed(static_cast<int64_t>(appended));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LedgerAuditAppend)->Arg(1000)->UseRealTime();

void BM_RawSha256Leaf(benchmark::State& state) {
  const std::vector<uint8_t> data = LeafData(1);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::HashLeaf(data));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawSha256Leaf);

// A log of LargeLogLeaves() leaves, built once (unsynced, it is set-up).
class LargeLog {
 public:
  static LargeLog& Get() {
    static LargeLog log;
    return log;
  }
  const broker::Store& store() const { return *store_; }
  uint64_t size() const { return size_; }
  const crypto::MerkleHash& root() const { return root_; }
  ~LargeLog() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

 private:
  LargeLog() : dir_(TempDir()), size_(LargeLogLeaves()) {
    store_ = *broker::Store::Open(dir_);
    broker::AuditFrontier frontier;
    for (uint64_t next = 0; next < size_;) {
      rocksdb::WriteBatch batch;
      for (int i = 0; i < 100000 && next < size_; ++i, ++next) {
        broker::AppendAuditLeaf(*store_, batch, next, LeafData(next), frontier);
      }
      rocksdb::WriteOptions unsynced;
      (void)store_->db()->Write(unsynced, &batch);
    }
    root_ = *broker::AuditRoot(*store_, size_);
  }
  std::string dir_;
  uint64_t size_;
  std::unique_ptr<broker::Store> store_;
  crypto::MerkleHash root_{};
};

void BM_InclusionProof(benchmark::State& state) {
  LargeLog& log = LargeLog::Get();
  for (auto _ : state) {
    const uint64_t index = randombytes_uniform(static_cast<uint32_t>(std::min<uint64_t>(log.size(), UINT32_MAX)));
    absl::StatusOr<std::vector<crypto::MerkleHash>> proof = broker::AuditInclusionProof(log.store(), index, log.size());
    if (!proof.ok()) state.SkipWithError("proof failed");
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["leaves"] = static_cast<double>(log.size());
}
BENCHMARK(BM_InclusionProof)->UseRealTime();

void BM_VerifyInclusion(benchmark::State& state) {
  LargeLog& log = LargeLog::Get();
  const uint64_t index = log.size() / 3;
  const std::vector<crypto::MerkleHash> proof = *broker::AuditInclusionProof(log.store(), index, log.size());
  const crypto::MerkleHash leaf = crypto::HashLeaf(LeafData(index));
  for (auto _ : state) {
    absl::Status ok = crypto::VerifyInclusion(index, log.size(), leaf, proof, log.root());
    if (!ok.ok()) state.SkipWithError("proof did not verify");
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["path_hashes"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_VerifyInclusion);

// The raw hashing one proof's path needs: as many node hashes as the path
// is long at this log size.
void BM_RawSha256Path(benchmark::State& state) {
  size_t depth = 0;
  for (uint64_t n = LargeLogLeaves(); n > 1; n = (n + 1) / 2) ++depth;
  crypto::MerkleHash node{};
  const crypto::MerkleHash sibling{};
  for (auto _ : state) {
    for (size_t i = 0; i < depth; ++i) node = crypto::HashChildren(node, sibling);
    benchmark::DoNotOptimize(node);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawSha256Path);

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
