// End-to-end SDK pseudonymisation over loopback mTLS (validate, encode,
// blind, one Evaluate call to a real pseudonymiser server, finalize), in
// BSN/s, next to its same-run baseline: the raw crypto of the same work
// (encode, blind, evaluate, finalize) in one thread, without the network.

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "bench/logs_to_stderr.h"
#include "client/connection.h"
#include "client/pseudonymiser_client.h"
#include "common/server_builder.h"
#include "crypto/bsn.h"
#include "crypto/oprf_rfc9497.h"
#include "pseudonymiser/pseudonymiser_service.h"

namespace {

using samenloop::crypto::OprfMode;

std::vector<std::string> ValidBsns(size_t count) {
  std::vector<std::string> out;
  for (uint64_t candidate = 100000000; out.size() < count; ++candidate) {
    std::string bsn = absl::StrFormat("%09d", candidate);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (i == 8 ? -1 : 9 - i) * (bsn[static_cast<size_t>(i)] - '0');
    if (sum % 11 == 0) out.push_back(bsn);
  }
  return out;
}

// A real pseudonymiser on a loopback port with a fresh dev PKI, generous
// quotas (the benchmark measures the work, not the limits).
class Stack {
 public:
  Stack() {
    char pattern[] = "/tmp/samenloop-bench-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    const std::string pki = dir_ + "/pki";
    const std::string command = std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/dev-pki.sh --only pseudonymiser,politie-amsterdam " +
                                pki + " > /dev/null 2>&1";
    if (std::system(command.c_str()) != 0) std::abort();
    key_.secret = samenloop::crypto::OprfSecretKey::Generate();
    key_.public_key = key_.secret.PublicKey();
    samenloop::pseudonymiser::QuotaConfig quotas;
    quotas.defaults = samenloop::pseudonymiser::QuotaLimits{1e9, 1e9, 1000000000000};
    quotas_ = *samenloop::pseudonymiser::QuotaLedger::Open(dir_ + "/quota", quotas);
    service_ = std::make_unique<samenloop::pseudonymiser::PseudonymiserServiceImpl>(
        &key_, quotas_.get(), samenloop::pseudonymiser::ServiceOptions{});
    samenloop::ServerOptions server;
    server.tls = samenloop::TlsFilesFromDirectory(pki + "/pseudonymiser");
    running_ = *samenloop::StartServer(server, {service_.get()});
    channel_ = *samenloop::client::Connect("localhost:" + std::to_string(running_.port),
                                           samenloop::TlsFilesFromDirectory(pki + "/politie-amsterdam"));
  }
  ~Stack() {
    running_.server->Shutdown();
    std::filesystem::remove_all(dir_);
  }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  std::string dir_;
  samenloop::pseudonymiser::OprfKey key_;
  std::unique_ptr<samenloop::pseudonymiser::QuotaLedger> quotas_;
  std::unique_ptr<samenloop::pseudonymiser::PseudonymiserServiceImpl> service_;
  samenloop::RunningServer running_;
  std::shared_ptr<grpc::Channel> channel_;
};

void BM_SdkPseudonymiseOverMtls(benchmark::State& state) {
  static Stack* stack = new Stack();
  const std::vector<std::string> bsns = ValidBsns(static_cast<size_t>(state.range(0)));
  samenloop::client::PseudonymiserClient client(stack->channel());
  for (auto _ : state) {
    auto pseudonyms = client.Pseudonymise(bsns);
    if (!pseudonyms.ok()) state.SkipWithError("pseudonymise failed");
    benchmark::DoNotOptimize(pseudonyms);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_SdkPseudonymiseOverMtls)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

// Baseline: the same crypto for the same BSNs, in-process, one thread.
void BM_RawOprfCryptoPerBsn(benchmark::State& state) {
  const std::vector<std::string> bsns = ValidBsns(static_cast<size_t>(state.range(0)));
  samenloop::crypto::OprfSecretKey key = samenloop::crypto::OprfSecretKey::Generate();
  for (auto _ : state) {
    for (const std::string& bsn : bsns) {
      std::vector<uint8_t> input = samenloop::crypto::EncodeBsnOprfInput(bsn, 0);
      auto blinded = samenloop::crypto::Blind(input, OprfMode::kOprf);
      std::vector<samenloop::crypto::Element> evaluated(1);
      (void)samenloop::crypto::BlindEvaluateBatch(key, absl::MakeConstSpan(&blinded->blinded_element, 1),
                                                  absl::MakeSpan(evaluated));
      benchmark::DoNotOptimize(samenloop::crypto::Finalize(input, blinded->blind, evaluated[0]));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_RawOprfCryptoPerBsn)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
