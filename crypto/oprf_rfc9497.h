#ifndef SAMENLOOP_CRYPTO_OPRF_RFC9497_H_
#define SAMENLOOP_CRYPTO_OPRF_RFC9497_H_

// RFC 9497 oblivious pseudorandom functions, suite ristretto255-SHA512, in
// modes OPRF (0x00) and VOPRF (0x01), on libsodium's ristretto255.
//
// The client blinds its input, the server evaluates the blinded element
// with its secret key, the client finalizes to a 64-byte output. The server
// learns nothing about the input; the client learns nothing about the key.
// In VOPRF mode the server also proves (one DLEQ proof over a whole batch)
// that it used the key whose public half it published.
//
//   BlindedInput b = *Blind(input, OprfMode::kOprf);               // client
//   Element e = *BlindEvaluate(key, b.blinded_element);              // server
//   OprfOutput pseudonym = *Finalize(input, b.blind, e);             // client
//
// Every element received is validated: a canonical encoding, and not the
// identity (libsodium's crypto_core_ristretto255_is_valid_point accepts the
// identity, so it is refused separately). Zero scalars and identity results
// of a scalar multiplication are refused. Error messages name the field and
// the index, never the bytes.
//
// All functions are thread-safe: there is no shared mutable state.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/secure_bytes.h"

namespace samenloop::crypto {

enum class OprfMode : uint8_t { kOprf = 0x00, kVoprf = 0x01 };

inline constexpr size_t kElementBytes = 32;
inline constexpr size_t kScalarBytes = 32;
inline constexpr size_t kOutputBytes = 64;
inline constexpr size_t kProofBytes = 2 * kScalarBytes;
// Inputs and key info are length-prefixed with two bytes.
inline constexpr size_t kMaxInputBytes = 0xffff;

using Element = std::array<uint8_t, kElementBytes>;    // encoded ristretto255 element
using Scalar = std::array<uint8_t, kScalarBytes>;      // little-endian, reduced mod L
using OprfOutput = std::array<uint8_t, kOutputBytes>;  // the pseudonym
using Proof = std::array<uint8_t, kProofBytes>;        // c || s

// The server's private key skS: a non-zero scalar below L. Wiped on
// destruction; movable (the source becomes the zero scalar), not copyable.
class OprfSecretKey {
 public:
  // The zero scalar, as is a moved-from key: evaluation and proofs refuse
  // it, and its PublicKey() is all zeros (not a valid element).
  OprfSecretKey() = default;
  OprfSecretKey(OprfSecretKey&&) noexcept = default;
  OprfSecretKey& operator=(OprfSecretKey&&) noexcept = default;
  OprfSecretKey(const OprfSecretKey&) = delete;
  OprfSecretKey& operator=(const OprfSecretKey&) = delete;
  ~OprfSecretKey() = default;

  // A uniformly random non-zero scalar.
  static OprfSecretKey Generate();
  // 32 bytes, reduced (< L) and non-zero.
  static absl::StatusOr<OprfSecretKey> FromBytes(absl::Span<const uint8_t> bytes);

  absl::Span<const uint8_t> bytes() const { return scalar_.span(); }
  const Scalar& scalar() const { return scalar_.array(); }
  // pkS = skS * G.
  Element PublicKey() const;

 private:
  SecretArray<kScalarBytes> scalar_;
};

// Client state between Blind and Finalize. The blind is secret: every copy
// wipes it when it goes away.
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

// RFC 9497 §4.1: HashToGroup with DST "HashToGroup-" || contextString,
// HashToScalar with DST "HashToScalar-" || contextString or a given DST.
// contextString = "OPRFV1-" || I2OSP(mode, 1) || "-ristretto255-SHA512".
absl::StatusOr<Element> HashToGroup(absl::Span<const uint8_t> input, OprfMode mode);
absl::StatusOr<Scalar> HashToScalar(absl::Span<const uint8_t> input, OprfMode mode);
absl::StatusOr<Scalar> HashToScalarWithDst(absl::Span<const uint8_t> input, absl::string_view dst);

// RFC 9497 §3.2.1 DeriveKeyPair: a deterministic key from a 32-byte seed
// and public info (at most 65535 bytes). The public key is PublicKey().
absl::StatusOr<OprfSecretKey> DeriveKeyPair(absl::Span<const uint8_t> seed, absl::Span<const uint8_t> info,
                                            OprfMode mode);

// Client: blinds `input` (at most kMaxInputBytes) with a fresh random blind.
absl::StatusOr<BlindedInput> Blind(absl::Span<const uint8_t> input, OprfMode mode);
// The same with a given blind (reduced and non-zero): for test vectors only.
absl::StatusOr<BlindedInput> BlindWithScalar(absl::Span<const uint8_t> input, const Scalar& blind,
                                             OprfMode mode);

// Server: skS * blinded_element, in both modes.
absl::StatusOr<Element> BlindEvaluate(const OprfSecretKey& key, const Element& blinded_element);

// Server, batched: out[i] = skS * blinded[i]; out must be as long as
// blinded. One scalar multiplication per element (which also decodes and
// so validates it). Thread-safe, so a caller may split one batch into
// subspans over threads. INVALID_ARGUMENT names the first bad element as
// "blinded_elements[i]" (i relative to this span); out is then undefined.
absl::Status BlindEvaluateBatch(const OprfSecretKey& key, absl::Span<const Element> blinded,
                                absl::Span<Element> out);

// Client: unblinds and hashes to the 64-byte output (the same in both
// modes): SHA-512(I2OSP(len(input), 2) || input || I2OSP(32, 2) ||
// blind^-1 * evaluated || "Finalize"). In VOPRF mode, verify the batch's
// proof first (VerifyProof, or VerifyProofAndFinalize below).
absl::StatusOr<OprfOutput> Finalize(absl::Span<const uint8_t> input, const Scalar& blind,
                                    const Element& evaluated);

// VOPRF server (RFC 9497 §2.2.1): a DLEQ proof that evaluated[i] = skS *
// blinded[i] for every i (1 to 65535 pairs), with public_key = skS * G,
// using ComputeCompositesFast.
absl::StatusOr<Proof> GenerateProof(const OprfSecretKey& key, const Element& public_key,
                                    absl::Span<const Element> blinded, absl::Span<const Element> evaluated);
// The same with a given proof random scalar (reduced and non-zero): for
// test vectors only.
absl::StatusOr<Proof> GenerateProofWithScalar(const OprfSecretKey& key, const Element& public_key,
                                              absl::Span<const Element> blinded,
                                              absl::Span<const Element> evaluated, const Scalar& random);

// VOPRF server, RFC 9497's BlindEvaluate for a batch: evaluates into out
// and proves the whole batch. Use BlindEvaluateBatch over threads and then
// GenerateProof to spread the evaluation.
absl::StatusOr<Proof> BlindEvaluateBatchWithProof(const OprfSecretKey& key, absl::Span<const Element> blinded,
                                                  absl::Span<Element> out);

// VOPRF client (RFC 9497 §2.2.1 with ComputeComposites): OK if the proof
// verifies; INVALID_ARGUMENT naming the bad element, or "proof: does not
// verify".
absl::Status VerifyProof(const Element& public_key, absl::Span<const Element> blinded,
                         absl::Span<const Element> evaluated, const Proof& proof);

// VOPRF client, RFC 9497's Finalize for a batch: verifies the proof over
// all of blinded[i].blinded_element and evaluated, then finalizes each
// input. Nothing is returned unless the proof verifies.
absl::StatusOr<std::vector<OprfOutput>> VerifyProofAndFinalize(const Element& public_key,
                                                               absl::Span<const std::vector<uint8_t>> inputs,
                                                               absl::Span<const BlindedInput> blinded,
                                                               absl::Span<const Element> evaluated,
                                                               const Proof& proof);

}  // namespace samenloop::crypto

#endif  // SAMENLOOP_CRYPTO_OPRF_RFC9497_H_
