// Fuzz target: the OPRF decoding and proof verification paths a peer's
// bytes reach: element decoding (IsValidElement), the server's evaluation
// of blinded elements, and a client's VOPRF proof verification over
// evaluated elements and a proof. The input is cut into 32-byte elements:
// the first is the public key, the last two make the proof, the rest are
// split into blinded and evaluated halves. Any crash, sanitizer report, an
// invalid point evaluated or a proof verifying over one is a bug.
// Run: tests/fuzz/run.sh; replayed over the seed corpus in every test run.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "crypto/oprf_rfc9497.h"

namespace crypto = samenloop::crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const size_t count = size / crypto::kElementBytes;
  if (count < 3 || count > 64) return 0;
  std::vector<crypto::Element> elements(count);
  for (size_t i = 0; i < count; ++i) {
    std::copy_n(data + i * crypto::kElementBytes, crypto::kElementBytes, elements[i].begin());
    (void)crypto::IsValidElement(elements[i]);
  }
  crypto::Proof proof{};
  std::copy_n(data + (count - 2) * crypto::kElementBytes, proof.size(), proof.begin());
  const size_t middle = count - 3;
  const size_t half = middle / 2;
  absl::Span<const crypto::Element> blinded(elements.data() + 1, half);
  absl::Span<const crypto::Element> evaluated(elements.data() + 1 + half, half);

  // A fixed server key evaluating the peer's blinded elements.
  static const absl::StatusOr<crypto::OprfSecretKey> key = [] {
    const uint8_t seed[32] = {7};
    return crypto::DeriveKeyPair(seed, {}, crypto::OprfMode::kVoprf);
  }();
  if (!key.ok()) std::abort();
  for (const crypto::Element& e : blinded) {
    absl::StatusOr<crypto::Element> out = crypto::BlindEvaluate(*key, e);
    if (out.ok() && !crypto::IsValidElement(e)) std::abort();  // an invalid point was evaluated
  }
  // A proof never verifies over an invalid public key or element.
  if (half > 0 && crypto::VerifyProof(elements[0], blinded, evaluated, proof).ok()) {
    for (size_t i = 0; i < 1 + 2 * half; ++i) {
      if (!crypto::IsValidElement(elements[i])) std::abort();
    }
  }
  return 0;
}
