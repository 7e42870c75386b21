#include "pseudonymiser/batch_evaluator.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"

namespace samenloop::pseudonymiser {
namespace {

// Below this, thread start-up costs more than it saves.
constexpr size_t kMinElementsPerThread = 64;

}  // namespace

BatchEvaluator::BatchEvaluator(const crypto::OprfSecretKey* key, unsigned threads)
    : key_(key), threads_(threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads) {}

absl::StatusOr<std::vector<crypto::Element>> BatchEvaluator::Evaluate(
    absl::Span<const crypto::Element> blinded) const {
  std::vector<crypto::Element> out(blinded.size());
  elements_evaluated_.fetch_add(blinded.size(), std::memory_order_relaxed);
  const size_t workers = std::min<size_t>(threads_, std::max<size_t>(1, blinded.size() / kMinElementsPerThread));
  std::vector<absl::Status> results(workers);
  std::vector<size_t> offsets(workers + 1);
  for (size_t w = 0; w <= workers; ++w) offsets[w] = blinded.size() * w / workers;

  auto run = [&](size_t w) {
    size_t begin = offsets[w];
    size_t count = offsets[w + 1] - begin;
    results[w] = crypto::BlindEvaluateBatch(*key_, blinded.subspan(begin, count),
                                            absl::MakeSpan(out).subspan(begin, count));
  };
  std::vector<std::thread> pool;
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (std::thread& t : pool) t.join();
  for (const absl::Status& status : results) {
    if (status.ok()) continue;
    // Validation happens once, inside the evaluation; only on this error
    // path is the first bad element looked up, to name its request index.
    for (size_t i = 0; i < blinded.size(); ++i) {
      if (!crypto::IsValidElement(blinded[i])) {
        return absl::InvalidArgumentError(
            absl::StrCat("blinded_elements[", i, "]: not a valid ristretto255 point (or the identity)"));
      }
    }
    return status;
  }
  return out;
}

}  // namespace samenloop::pseudonymiser
