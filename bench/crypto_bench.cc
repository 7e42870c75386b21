// Pseudonymiser evaluation throughput against its physical limit: the raw
// cost of one crypto_scalarmult_ristretto255, measured in the same run.

#include <sodium.h>

#include "benchmark/benchmark.h"
#include "crypto/oprf_rfc9497.h"
#include "pseudonymiser/batch_evaluator.h"

namespace {

using samenloop::crypto::Element;

std::vector<Element> Blinded(size_t n) {
  std::vector<Element> out;
  for (size_t i = 0; i < n; ++i) {
    std::vector<uint8_t> input = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
    out.push_back(samenloop::crypto::Blind(input, samenloop::crypto::OprfMode::kOprf)->blinded_element);
  }
  return out;
}

// Baseline: one raw scalar multiplication per element, single thread.
void BM_RawScalarMult(benchmark::State& state) {
  samenloop::crypto::OprfSecretKey key = samenloop::crypto::OprfSecretKey::Generate();
  std::vector<Element> in = Blinded(1024);
  Element out{};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto_scalarmult_ristretto255(out.data(), key.scalar().data(), in[i++ % in.size()].data()));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RawScalarMult);

// The pseudonymiser's batch evaluation over `threads` workers.
void BM_BatchEvaluate(benchmark::State& state) {
  samenloop::crypto::OprfSecretKey key = samenloop::crypto::OprfSecretKey::Generate();
  std::vector<Element> in = Blinded(static_cast<size_t>(state.range(0)));
  samenloop::pseudonymiser::BatchEvaluator evaluator(&key, static_cast<unsigned>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(evaluator.Evaluate(in));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_BatchEvaluate)->Args({10000, 1})->Args({10000, 2})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
