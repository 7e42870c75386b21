#ifndef SAMENLOOP_PSEUDONYMISER_BATCH_EVALUATOR_H_
#define SAMENLOOP_PSEUDONYMISER_BATCH_EVALUATOR_H_

// BatchEvaluator applies the OPRF key to a batch of blinded elements,
// splitting large batches over worker threads (one scalar multiplication per
// element is the whole cost, so the work divides evenly). Results are in
// request order.

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/oprf_rfc9497.h"

namespace samenloop::pseudonymiser {

class BatchEvaluator {
 public:
  // `threads` = 0 uses the machine's hardware concurrency.
  BatchEvaluator(const crypto::OprfSecretKey* key, unsigned threads);

  // Validates every element as it evaluates it. INVALID_ARGUMENT names the
  // first bad element by its request index, e.g.
  // "blinded_elements[3]: not a valid ristretto255 point (or the identity)".
  absl::StatusOr<std::vector<crypto::Element>> Evaluate(absl::Span<const crypto::Element> blinded) const;

  // Elements handed to the scalar multiplication since construction: the
  // evaluation work done (metrics, and tests that a refused batch did none).
  uint64_t elements_evaluated() const { return elements_evaluated_.load(std::memory_order_relaxed); }

 private:
  const crypto::OprfSecretKey* key_;
  unsigned threads_;
  mutable std::atomic<uint64_t> elements_evaluated_{0};
};

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_BATCH_EVALUATOR_H_
