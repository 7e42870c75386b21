#ifndef SAMENLOOP_CRYPTO_OPRF_RFC9497_H_
#define SAMENLOOP_CRYPTO_OPRF_RFC9497_H_

// RFC 9497 oblivious pseudorandom functions, suite ristretto255-SHA512, in
// modes OPRF (0x00) and VOPRF (0x01), on libsodium's ristretto255.
//
// The client blinds its input, the server evaluates the blinded element
// with its secret key, the client finalizes to a 64-byte output. The
// server learns nothing about the input; the client learns nothing about
// the key. In VOPRF mode the server also proves (DLEQ, over a whole batch)
// that it used the key whose public half it published.
//
//   BlindedInput b = *Blind(input, OprfMode::kOprf);          // client
//   BlindEvaluateBatch(key, {b.blinded_element}, out);          // server
//   OprfOutput y = *Finalize(input, b.blind, out[0]);           // client
//
// Every element received is validated (canonical, on the group, not the
// identity); zero scalars and identity results are rejected.

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace samenloop::crypto {

enum class OprfMode : uint8_t { kOprf = 0x00, kVoprf = 0x01 };

inline constexpr size_t kElementBytes = 32;
inline constexpr size_t kScalarBytes = 32;
inline constexpr size_t kOutputBytes = 64;
inline constexpr size_t kProofBytes = 2 * kScalarBytes;

using Element = std::array<uint8_t, kElementBytes>;    // encoded ristretto255 point
using Scalar = std::array<uint8_t, kScalarBytes>;      // little-endian, reduced mod L
using OprfOutput = std::array<uint8_t, kOutputBytes>;  // the pseudonym
using Proof = std::array<uint8_t, kProofBytes>;        // c || s

// The server's private key. Zeroed on destruction; movable, not copyable.
class OprfSecretKey {
 public:
  OprfSecretKey();  // the zero scalar: not a usable key until assigned
  ~OprfSecretKey();
  OprfSecretKey(OprfSecretKey&& other) noexcept;
  OprfSecretKey& operator=(OprfSecretKey&& other) noexcept;
  OprfSecretKey(const OprfSecretKey&) = delete;
  OprfSecretKey& operator=(const OprfSecretKey&) = delete;

  // A uniformly random non-zero scalar.
  static OprfSecretKey Generate();
  // 32 bytes, canonical (< L) and non-zero.
  static absl::StatusOr<OprfSecretKey> FromBytes(absl::Span<const uint8_t> bytes);

  absl::Span<const uint8_t> bytes() const { return scalar_; }
  const Scalar& scalar() const { return scalar_; }
  // pkS = skS * G.
  Element PublicKey() const;

 private:
  Scalar scalar_{};
};

// Client state between Blind and Finalize. The blind is secret: it is
// zeroed when the object goes away.
struct BlindedInput {
  BlindedInput() = default;
  BlindedInput(const BlindedInput&) = default;
  BlindedInput& operator=(const BlindedInput&) = default;
  BlindedInput(BlindedInput&&) = default;
  BlindedInput& operator=(BlindedInput&&) = default;
  ~BlindedInput();

  Scalar blind{};
  Element blinded_element{};
};

// True for a canonical encoding of a ristretto255 element other than the
// identity: the check every element received from a peer must pass.
bool IsValidElement(const Element& element);

// RFC 9497 §4.1: HashToGroup with DST "HashToGroup-" || contextString.
absl::StatusOr<Element> HashToGroup(absl::Span<const uint8_t> input, OprfMode mode);
// HashToScalar with DST "HashToScalar-" || contextString, or a given DST.
absl::StatusOr<Scalar> HashToScalar(absl::Span<const uint8_t> input, OprfMode mode);
absl::StatusOr<Scalar> HashToScalarWithDst(absl::Span<const uint8_t> input, absl::string_view dst);

// RFC 9497 §3.2.1: deterministic key derivation from a seed and info.
absl::StatusOr<OprfSecretKey> DeriveKeyPair(absl::Span<const uint8_t> seed, absl::Span<const uint8_t> info,
                                            OprfMode mode);

// Blind with a fresh random blind, or (for test vectors) a given one.
absl::StatusOr<BlindedInput> Blind(absl::Span<const uint8_t> input, OprfMode mode);
absl::StatusOr<BlindedInput> BlindWithScalar(absl::Span<const uint8_t> input, const Scalar& blind, OprfMode mode);

// Server side: out[i] = skS * blinded[i]. Thread-safe (no shared state), so
// a caller may split one batch over threads. INVALID_ARGUMENT names the
// first bad element as "blinded_elements[i]".
absl::Status BlindEvaluateBatch(const OprfSecretKey& key, absl::Span<const Element> blinded,
                                absl::Span<Element> out);

// Client side: unblind and hash to the 64-byte output (same in both modes).
absl::StatusOr<OprfOutput> Finalize(absl::Span<const uint8_t> input, const Scalar& blind,
                                    const Element& evaluated);

// VOPRF (RFC 9497 §2.2): a DLEQ proof that evaluated[i] = skS * blinded[i]
// for every i, with pkS = skS * G. Uses ComputeCompositesFast.
absl::StatusOr<Proof> GenerateProof(const OprfSecretKey& key, const Element& public_key,
                                    absl::Span<const Element> blinded, absl::Span<const Element> evaluated);
// The same with a given proof random scalar (test vectors only).
absl::StatusOr<Proof> GenerateProofWithScalar(const OprfSecretKey& key, const Element& public_key,
                                              absl::Span<const Element> blinded,
                                              absl::Span<const Element> evaluated, const Scalar& random);
// OK if the proof verifies; INVALID_ARGUMENT otherwise.
absl::Status VerifyProof(const Element& public_key, absl::Span<const Element> blinded,
                         absl::Span<const Element> evaluated, const Proof& proof);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_OPRF_RFC9497_H_
