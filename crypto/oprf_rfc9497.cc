#include "crypto/oprf_rfc9497.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "crypto/expand_message_xmd.h"
#include "crypto/ristretto255_rfc9496.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kSuite = "ristretto255-SHA512";
constexpr size_t kHashBytes = crypto_hash_sha512_BYTES;  // the 64 uniform bytes both hashes take
constexpr absl::string_view kInvalidPoint = "not a valid ristretto255 point (or the identity)";

// libsodium's random generator needs sodium_init() first. It is idempotent
// and thread-safe, and the static makes it run once.
void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no safe randomness: refuse to continue
}

bool IsKnownMode(OprfMode mode) { return mode == OprfMode::kOprf || mode == OprfMode::kVoprf; }

absl::Status CheckMode(OprfMode mode) {
  if (IsKnownMode(mode)) return absl::OkStatus();
  return absl::InvalidArgumentError("mode: must be OPRF (0x00) or VOPRF (0x01)");
}

// contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier
std::string ContextString(OprfMode mode) {
  std::string context = "OPRFV1-";
  context.push_back(static_cast<char>(mode));
  absl::StrAppend(&context, "-", kSuite);
  return context;
}

bool IsZero(absl::Span<const uint8_t> bytes) { return sodium_is_zero(bytes.data(), bytes.size()) == 1; }

// A 32-byte scalar is reduced exactly when reducing it (zero-extended to
// the 64 bytes libsodium's reduce takes) gives it back. libsodium's scalar
// multiplications silently drop bit 255, so an unreduced scalar must never
// reach them.
bool IsReducedScalar(const Scalar& scalar) {
  std::array<uint8_t, 64> wide{};
  Scalar reduced{};
  WipeOnExit wipe_wide(wide);
  WipeOnExit wipe_reduced(reduced);
  std::copy(scalar.begin(), scalar.end(), wide.begin());
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide.data());
  return sodium_memcmp(reduced.data(), scalar.data(), kScalarBytes) == 0;
}

bool IsUsableScalar(const Scalar& scalar) { return !IsZero(scalar) && IsReducedScalar(scalar); }

// A transcript of known small size, kept on the stack (no allocation per
// element of a batch).
class Transcript {
 public:
  void Append(absl::Span<const uint8_t> bytes) {
    if (bytes.size() > bytes_.size() - size_) std::abort();  // fixed formats: cannot happen
    std::copy(bytes.begin(), bytes.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(size_));
    size_ += bytes.size();
  }
  void Append(absl::string_view text) {
    Append(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }
  void AppendU16(size_t value) {
    const std::array<uint8_t, 2> be = {static_cast<uint8_t>((value >> 8) & 0xff),
                                       static_cast<uint8_t>(value & 0xff)};
    Append(be);
  }
  // I2OSP(len(x), 2) || x
  void AppendLengthPrefixed(absl::Span<const uint8_t> bytes) {
    AppendU16(bytes.size());
    Append(bytes);
  }
  void AppendLengthPrefixed(absl::string_view text) {
    AppendU16(text.size());
    Append(text);
  }
  absl::Span<const uint8_t> bytes() const { return absl::MakeConstSpan(bytes_.data(), size_); }

 private:
  std::array<uint8_t, 256> bytes_{};
  size_t size_ = 0;
};

absl::Status ElementError(absl::string_view field, size_t index) {
  return absl::InvalidArgumentError(absl::StrCat(field, "[", index, "]: ", kInvalidPoint));
}

absl::Status CheckElements(absl::Span<const Element> elements, absl::string_view field) {
  for (size_t i = 0; i < elements.size(); ++i) {
    if (!IsValidElement(elements[i])) return ElementError(field, i);
  }
  return absl::OkStatus();
}

// RFC 9497 §2.2.1 ComputeComposites (verifier, key == nullptr) and
// ComputeCompositesFast (prover): M = sum d_i * C_i, Z = sum d_i * D_i or
// skS * M, with d_i = HashToScalar(seed || i || C_i || D_i || "Composite").
struct Composites {
  Element m{};
  Element z{};
};

absl::StatusOr<Composites> ComputeComposites(const OprfSecretKey* key, const Element& public_key,
                                             absl::Span<const Element> c, absl::Span<const Element> d) {
  const std::string context = ContextString(OprfMode::kVoprf);
  const std::string hash_to_scalar_dst = absl::StrCat("HashToScalar-", context);

  Transcript seed_transcript;
  seed_transcript.AppendLengthPrefixed(public_key);
  seed_transcript.AppendLengthPrefixed(absl::StrCat("Seed-", context));
  std::array<uint8_t, kHashBytes> seed{};
  crypto_hash_sha512(seed.data(), seed_transcript.bytes().data(), seed_transcript.bytes().size());

  Composites out;
  for (size_t i = 0; i < c.size(); ++i) {
    Transcript transcript;
    transcript.AppendLengthPrefixed(seed);
    transcript.AppendU16(i);
    transcript.AppendLengthPrefixed(c[i]);
    transcript.AppendLengthPrefixed(d[i]);
    transcript.Append("Composite");
    absl::StatusOr<Scalar> di = HashToScalarWithDst(transcript.bytes(), hash_to_scalar_dst);
    if (!di.ok()) return di.status();

    Element mi{};
    if (crypto_scalarmult_ristretto255(mi.data(), di->data(), c[i].data()) != 0) {
      return ElementError("blinded_elements", i);
    }
    if (i == 0) {
      out.m = mi;
    } else {
      crypto_core_ristretto255_add(out.m.data(), out.m.data(), mi.data());
    }
    if (key == nullptr) {
      Element zi{};
      if (crypto_scalarmult_ristretto255(zi.data(), di->data(), d[i].data()) != 0) {
        return ElementError("evaluated_elements", i);
      }
      if (i == 0) {
        out.z = zi;
      } else {
        crypto_core_ristretto255_add(out.z.data(), out.z.data(), zi.data());
      }
    }
  }
  if (key != nullptr && crypto_scalarmult_ristretto255(out.z.data(), key->scalar().data(), out.m.data()) != 0) {
    return absl::InvalidArgumentError("proof: the composite element is the identity");
  }
  return out;
}

// The DLEQ challenge: HashToScalar(B || M || Z || t2 || t3 || "Challenge"),
// each element length-prefixed.
absl::StatusOr<Scalar> Challenge(const Element& b, const Composites& composites, const Element& t2,
                                 const Element& t3) {
  Transcript transcript;
  for (const Element* e : {&b, &composites.m, &composites.z, &t2, &t3}) transcript.AppendLengthPrefixed(*e);
  transcript.Append("Challenge");
  return HashToScalar(transcript.bytes(), OprfMode::kVoprf);
}

absl::Status CheckBatch(absl::Span<const Element> blinded, absl::Span<const Element> evaluated) {
  if (blinded.empty() || blinded.size() > 0xffff) {
    return absl::InvalidArgumentError("blinded_elements: a proof covers 1 to 65535 elements");
  }
  if (evaluated.size() != blinded.size()) {
    return absl::InvalidArgumentError("evaluated_elements: must be as many as blinded_elements");
  }
  return absl::OkStatus();
}

}  // namespace

OprfSecretKey OprfSecretKey::Generate() {
  EnsureSodium();
  OprfSecretKey key;
  crypto_core_ristretto255_scalar_random(key.scalar_.data());  // uniform in [1, L)
  return key;
}

absl::StatusOr<OprfSecretKey> OprfSecretKey::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() != kScalarBytes) return absl::InvalidArgumentError("key: must be 32 bytes");
  OprfSecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.scalar_.data());
  if (IsZero(key.bytes())) return absl::InvalidArgumentError("key: the zero scalar is not a key");
  if (!IsReducedScalar(key.scalar())) return absl::InvalidArgumentError("key: scalar is not reduced mod L");
  return key;
}

Element OprfSecretKey::PublicKey() const {
  Element out{};
  crypto_scalarmult_ristretto255_base(out.data(), scalar_.data());  // all zero for the zero key
  return out;
}

BlindedInput::~BlindedInput() { sodium_memzero(blind.data(), blind.size()); }

bool IsValidElement(const Element& element) {
  // RFC 9496 Decode in full (libsodium 1.0.18 alone accepts bit 255 set),
  // and not the identity.
  return !IsZero(element) && IsValidRistretto255Encoding(element);
}

absl::StatusOr<Element> HashToGroup(absl::Span<const uint8_t> input, OprfMode mode) {
  if (absl::Status s = CheckMode(mode); !s.ok()) return s;
  std::array<uint8_t, kHashBytes> uniform{};
  WipeOnExit wipe_uniform(uniform);
  if (absl::Status s = ExpandMessageXmdSha512(input, absl::StrCat("HashToGroup-", ContextString(mode)),
                                              absl::MakeSpan(uniform));
      !s.ok()) {
    return s;
  }
  Element out{};
  crypto_core_ristretto255_from_hash(out.data(), uniform.data());
  return out;
}

absl::StatusOr<Scalar> HashToScalarWithDst(absl::Span<const uint8_t> input, absl::string_view dst) {
  std::array<uint8_t, kHashBytes> uniform{};
  WipeOnExit wipe_uniform(uniform);
  if (absl::Status s = ExpandMessageXmdSha512(input, dst, absl::MakeSpan(uniform)); !s.ok()) return s;
  Scalar out{};
  crypto_core_ristretto255_scalar_reduce(out.data(), uniform.data());
  return out;
}

absl::StatusOr<Scalar> HashToScalar(absl::Span<const uint8_t> input, OprfMode mode) {
  if (absl::Status s = CheckMode(mode); !s.ok()) return s;
  return HashToScalarWithDst(input, absl::StrCat("HashToScalar-", ContextString(mode)));
}

absl::StatusOr<OprfSecretKey> DeriveKeyPair(absl::Span<const uint8_t> seed, absl::Span<const uint8_t> info,
                                            OprfMode mode) {
  if (absl::Status s = CheckMode(mode); !s.ok()) return s;
  if (seed.size() != kScalarBytes) return absl::InvalidArgumentError("seed: must be 32 bytes");
  if (info.size() > kMaxInputBytes) return absl::InvalidArgumentError("info: longer than 65535 bytes");
  // deriveInput = seed || I2OSP(len(info), 2) || info, then a counter byte.
  std::vector<uint8_t> derive_input;
  WipeOnExit wipe_derive_input(derive_input);
  derive_input.reserve(seed.size() + 2 + info.size() + 1);
  derive_input.insert(derive_input.end(), seed.begin(), seed.end());
  derive_input.push_back(static_cast<uint8_t>(info.size() >> 8));
  derive_input.push_back(static_cast<uint8_t>(info.size() & 0xff));
  derive_input.insert(derive_input.end(), info.begin(), info.end());
  derive_input.push_back(0);
  const std::string dst = absl::StrCat("DeriveKeyPair", ContextString(mode));
  for (int counter = 0; counter <= 255; ++counter) {
    derive_input.back() = static_cast<uint8_t>(counter);
    absl::StatusOr<Scalar> scalar = HashToScalarWithDst(derive_input, dst);
    if (!scalar.ok()) return scalar.status();
    WipeOnExit wipe_scalar(*scalar);
    if (!IsZero(*scalar)) return OprfSecretKey::FromBytes(*scalar);
  }
  return absl::InternalError("DeriveKeyPair: no non-zero scalar after 256 tries");
}

absl::StatusOr<BlindedInput> BlindWithScalar(absl::Span<const uint8_t> input, const Scalar& blind,
                                             OprfMode mode) {
  if (input.size() > kMaxInputBytes) return absl::InvalidArgumentError("input: longer than 65535 bytes");
  if (!IsUsableScalar(blind)) return absl::InvalidArgumentError("blind: must be a reduced, non-zero scalar");
  absl::StatusOr<Element> input_element = HashToGroup(input, mode);
  if (!input_element.ok()) return input_element.status();
  WipeOnExit wipe_input_element(*input_element);  // H(input) is as guessable as the input
  BlindedInput out;
  out.blind = blind;
  if (crypto_scalarmult_ristretto255(out.blinded_element.data(), blind.data(), input_element->data()) != 0) {
    return absl::InvalidArgumentError("input: hashes to the identity");
  }
  return out;
}

absl::StatusOr<BlindedInput> Blind(absl::Span<const uint8_t> input, OprfMode mode) {
  EnsureSodium();
  Scalar blind{};
  WipeOnExit wipe_blind(blind);
  crypto_core_ristretto255_scalar_random(blind.data());  // uniform in [1, L)
  return BlindWithScalar(input, blind, mode);
}

absl::StatusOr<Element> BlindEvaluate(const OprfSecretKey& key, const Element& blinded_element) {
  Element out{};
  if (absl::Status s = BlindEvaluateBatch(key, absl::MakeConstSpan(&blinded_element, 1), absl::MakeSpan(&out, 1));
      !s.ok()) {
    return s;
  }
  return out;
}

absl::Status BlindEvaluateBatch(const OprfSecretKey& key, absl::Span<const Element> blinded,
                                absl::Span<Element> out) {
  if (out.size() != blinded.size()) {
    return absl::InvalidArgumentError("out: must be as long as blinded_elements");
  }
  if (IsZero(key.bytes())) return absl::FailedPreconditionError("key: not set");
  for (size_t i = 0; i < blinded.size(); ++i) {
    // crypto_scalarmult_ristretto255 decodes the element, refusing most
    // bad encodings, and fails on an identity result, which a non-zero key
    // below L gives only for the identity; the RFC 9496 encoding checks it
    // lacks (bit 255, negative s) come first and cost next to nothing.
    if (!IsCanonicalRistretto255Encoding(blinded[i]) ||
        crypto_scalarmult_ristretto255(out[i].data(), key.scalar().data(), blinded[i].data()) != 0) {
      return ElementError("blinded_elements", i);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<OprfOutput> Finalize(absl::Span<const uint8_t> input, const Scalar& blind,
                                    const Element& evaluated) {
  if (input.size() > kMaxInputBytes) return absl::InvalidArgumentError("input: longer than 65535 bytes");
  if (!IsUsableScalar(blind)) return absl::InvalidArgumentError("blind: must be a reduced, non-zero scalar");
  if (!IsValidElement(evaluated)) return absl::InvalidArgumentError(absl::StrCat("evaluated_element: ", kInvalidPoint));

  Scalar inverse{};
  Element unblinded{};
  WipeOnExit wipe_inverse(inverse);
  WipeOnExit wipe_unblinded(unblinded);  // the unblinded element determines the output
  crypto_core_ristretto255_scalar_invert(inverse.data(), blind.data());  // blind is non-zero
  if (crypto_scalarmult_ristretto255(unblinded.data(), inverse.data(), evaluated.data()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("evaluated_element: ", kInvalidPoint));
  }

  // hashInput = I2OSP(len(input), 2) || input || I2OSP(len(unblinded), 2) ||
  //             unblinded || "Finalize"
  const std::array<uint8_t, 2> input_length = {static_cast<uint8_t>(input.size() >> 8),
                                               static_cast<uint8_t>(input.size() & 0xff)};
  const std::array<uint8_t, 2> element_length = {0, kElementBytes};
  constexpr absl::string_view kFinalize = "Finalize";
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, input_length.data(), input_length.size());
  crypto_hash_sha512_update(&state, input.data(), input.size());
  crypto_hash_sha512_update(&state, element_length.data(), element_length.size());
  crypto_hash_sha512_update(&state, unblinded.data(), unblinded.size());
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(kFinalize.data()), kFinalize.size());
  OprfOutput out{};
  crypto_hash_sha512_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

absl::StatusOr<Proof> GenerateProofWithScalar(const OprfSecretKey& key, const Element& public_key,
                                              absl::Span<const Element> blinded,
                                              absl::Span<const Element> evaluated, const Scalar& random) {
  if (IsZero(key.bytes())) return absl::FailedPreconditionError("key: not set");
  if (public_key != key.PublicKey()) return absl::InvalidArgumentError("public_key: is not this key's");
  if (!IsUsableScalar(random)) {
    return absl::InvalidArgumentError("proof_random_scalar: must be a reduced, non-zero scalar");
  }
  if (absl::Status s = CheckBatch(blinded, evaluated); !s.ok()) return s;
  // Blinded elements are decoded (and so checked) by ComputeCompositesFast;
  // evaluated ones are only hashed there, so check them here.
  if (absl::Status s = CheckElements(evaluated, "evaluated_elements"); !s.ok()) return s;
  absl::StatusOr<Composites> composites = ComputeComposites(&key, public_key, blinded, evaluated);
  if (!composites.ok()) return composites.status();

  // t2 = r * G, t3 = r * M, c = Challenge(B, M, Z, t2, t3), s = r - c * skS
  Element t2{};
  Element t3{};
  crypto_scalarmult_ristretto255_base(t2.data(), random.data());  // r is non-zero and reduced
  if (crypto_scalarmult_ristretto255(t3.data(), random.data(), composites->m.data()) != 0) {
    return absl::InvalidArgumentError("proof: the composite element is the identity");
  }
  absl::StatusOr<Scalar> c = Challenge(public_key, *composites, t2, t3);
  if (!c.ok()) return c.status();
  Scalar ck{};
  Scalar s{};
  WipeOnExit wipe_ck(ck);
  crypto_core_ristretto255_scalar_mul(ck.data(), c->data(), key.scalar().data());
  crypto_core_ristretto255_scalar_sub(s.data(), random.data(), ck.data());
  Proof proof{};
  std::copy(c->begin(), c->end(), proof.begin());
  std::copy(s.begin(), s.end(), proof.begin() + kScalarBytes);
  return proof;
}

absl::StatusOr<Proof> GenerateProof(const OprfSecretKey& key, const Element& public_key,
                                    absl::Span<const Element> blinded, absl::Span<const Element> evaluated) {
  EnsureSodium();
  Scalar random{};
  WipeOnExit wipe_random(random);
  crypto_core_ristretto255_scalar_random(random.data());  // uniform in [1, L)
  return GenerateProofWithScalar(key, public_key, blinded, evaluated, random);
}

absl::StatusOr<Proof> BlindEvaluateBatchWithProof(const OprfSecretKey& key, absl::Span<const Element> blinded,
                                                  absl::Span<Element> out) {
  if (absl::Status s = BlindEvaluateBatch(key, blinded, out); !s.ok()) return s;
  return GenerateProof(key, key.PublicKey(), blinded, out);
}

absl::Status VerifyProof(const Element& public_key, absl::Span<const Element> blinded,
                         absl::Span<const Element> evaluated, const Proof& proof) {
  const absl::Status invalid = absl::InvalidArgumentError("proof: does not verify");
  if (!IsValidElement(public_key)) return absl::InvalidArgumentError(absl::StrCat("public_key: ", kInvalidPoint));
  if (absl::Status s = CheckBatch(blinded, evaluated); !s.ok()) return s;
  if (absl::Status s = CheckElements(blinded, "blinded_elements"); !s.ok()) return s;
  if (absl::Status s = CheckElements(evaluated, "evaluated_elements"); !s.ok()) return s;
  Scalar c{};
  Scalar s{};
  std::copy(proof.begin(), proof.begin() + kScalarBytes, c.begin());
  std::copy(proof.begin() + kScalarBytes, proof.end(), s.begin());
  // An honest c or s is zero with negligible probability; libsodium's
  // multiplications refuse zero (and would truncate unreduced) scalars.
  if (!IsUsableScalar(c) || !IsUsableScalar(s)) return invalid;

  absl::StatusOr<Composites> composites = ComputeComposites(nullptr, public_key, blinded, evaluated);
  if (!composites.ok()) return invalid;  // an identity term: no honest proof covers it
  // t2 = s * G + c * B, t3 = s * M + c * Z
  Element s_g{};
  Element c_b{};
  Element s_m{};
  Element c_z{};
  if (crypto_scalarmult_ristretto255_base(s_g.data(), s.data()) != 0 ||
      crypto_scalarmult_ristretto255(c_b.data(), c.data(), public_key.data()) != 0 ||
      crypto_scalarmult_ristretto255(s_m.data(), s.data(), composites->m.data()) != 0 ||
      crypto_scalarmult_ristretto255(c_z.data(), c.data(), composites->z.data()) != 0) {
    return invalid;
  }
  Element t2{};
  Element t3{};
  crypto_core_ristretto255_add(t2.data(), s_g.data(), c_b.data());
  crypto_core_ristretto255_add(t3.data(), s_m.data(), c_z.data());
  absl::StatusOr<Scalar> expected = Challenge(public_key, *composites, t2, t3);
  if (!expected.ok()) return expected.status();
  if (sodium_memcmp(expected->data(), c.data(), kScalarBytes) != 0) return invalid;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OprfOutput>> VerifyProofAndFinalize(const Element& public_key,
                                                               absl::Span<const std::vector<uint8_t>> inputs,
                                                               absl::Span<const BlindedInput> blinded,
                                                               absl::Span<const Element> evaluated,
                                                               const Proof& proof) {
  if (inputs.size() != blinded.size()) return absl::InvalidArgumentError("inputs: must be as many as blinded");
  std::vector<Element> blinded_elements;
  blinded_elements.reserve(blinded.size());
  for (const BlindedInput& b : blinded) blinded_elements.push_back(b.blinded_element);
  if (absl::Status s = VerifyProof(public_key, blinded_elements, evaluated, proof); !s.ok()) return s;
  std::vector<OprfOutput> outputs;
  outputs.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    absl::StatusOr<OprfOutput> output = Finalize(inputs[i], blinded[i].blind, evaluated[i]);
    if (!output.ok()) {
      for (OprfOutput& done : outputs) sodium_memzero(done.data(), done.size());
      return absl::Status(output.status().code(), absl::StrCat("batch[", i, "]: ", output.status().message()));
    }
    outputs.push_back(*output);
    sodium_memzero(output->data(), output->size());
  }
  return outputs;
}

}  // namespace samenloop::crypto
