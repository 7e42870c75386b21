#include "crypto/oprf_rfc9497.h"

#include <sodium.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "crypto/expand_message_xmd.h"

namespace samenloop::crypto {
namespace {

constexpr absl::string_view kSuite = "ristretto255-SHA512";

// contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier
std::string ContextString(OprfMode mode) {
  std::string context = "OPRFV1-";
  context.push_back(static_cast<char>(mode));
  absl::StrAppend(&context, "-", kSuite);
  return context;
}

void AppendU16(std::vector<uint8_t>& out, size_t value) {
  out.push_back(static_cast<uint8_t>((value >> 8) & 0xff));
  out.push_back(static_cast<uint8_t>(value & 0xff));
}

void AppendBytes(std::vector<uint8_t>& out, absl::Span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void AppendString(std::vector<uint8_t>& out, absl::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

// I2OSP(len(x), 2) || x
void AppendLengthPrefixed(std::vector<uint8_t>& out, absl::Span<const uint8_t> bytes) {
  AppendU16(out, bytes.size());
  AppendBytes(out, bytes);
}

// sodium_init() is idempotent and thread-safe; it must precede the first
// use of libsodium's random generator.
void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no safe randomness: refuse to continue
}

bool IsZero(absl::Span<const uint8_t> bytes) { return sodium_is_zero(bytes.data(), bytes.size()) == 1; }

// libsodium's scalar reduce wants 64 bytes; a 32-byte scalar is canonical
// exactly when reducing it (zero-extended) gives it back.
bool IsCanonicalScalar(const Scalar& scalar) {
  unsigned char wide[64] = {0};
  std::copy(scalar.begin(), scalar.end(), wide);
  Scalar reduced{};
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide);
  return sodium_memcmp(reduced.data(), scalar.data(), kScalarBytes) == 0;
}

absl::StatusOr<Element> ScalarMult(const Scalar& scalar, const Element& element) {
  Element out{};
  if (crypto_scalarmult_ristretto255(out.data(), scalar.data(), element.data()) != 0) {
    return absl::InvalidArgumentError("scalar multiplication gave the identity");
  }
  return out;
}

absl::StatusOr<Element> Add(const Element& a, const Element& b) {
  Element out{};
  if (crypto_core_ristretto255_add(out.data(), a.data(), b.data()) != 0) {
    return absl::InvalidArgumentError("invalid element in addition");
  }
  return out;
}

struct Composites {
  Element m{};
  Element z{};
};

// RFC 9497 §2.2.1 ComputeComposites (verifier) and ComputeCompositesFast
// (prover, with the key). M = sum d_i * C_i; Z = sum d_i * D_i or k * M.
absl::StatusOr<Composites> ComputeComposites(const OprfSecretKey* key, const Element& public_key,
                                             absl::Span<const Element> c, absl::Span<const Element> d) {
  if (c.empty() || c.size() != d.size() || c.size() > 0xffff) {
    return absl::InvalidArgumentError("proof: batch must be 1 to 65535 matching element pairs");
  }
  const std::string context = ContextString(OprfMode::kVoprf);
  const std::string seed_dst = absl::StrCat("Seed-", context);
  std::vector<uint8_t> seed_transcript;
  AppendLengthPrefixed(seed_transcript, public_key);
  AppendU16(seed_transcript, seed_dst.size());
  AppendString(seed_transcript, seed_dst);
  std::array<uint8_t, crypto_hash_sha512_BYTES> seed{};
  crypto_hash_sha512(seed.data(), seed_transcript.data(), seed_transcript.size());

  Composites out;
  bool first = true;
  for (size_t i = 0; i < c.size(); ++i) {
    std::vector<uint8_t> transcript;
    AppendLengthPrefixed(transcript, seed);
    AppendU16(transcript, i);
    AppendLengthPrefixed(transcript, c[i]);
    AppendLengthPrefixed(transcript, d[i]);
    AppendString(transcript, "Composite");
    absl::StatusOr<Scalar> di = HashToScalar(transcript, OprfMode::kVoprf);
    if (!di.ok()) return di.status();
    absl::StatusOr<Element> mi = ScalarMult(*di, c[i]);
    if (!mi.ok()) return mi.status();
    absl::StatusOr<Element> m = first ? mi : Add(out.m, *mi);
    if (!m.ok()) return m.status();
    out.m = *m;
    if (key == nullptr) {
      absl::StatusOr<Element> zi = ScalarMult(*di, d[i]);
      if (!zi.ok()) return zi.status();
      absl::StatusOr<Element> z = first ? zi : Add(out.z, *zi);
      if (!z.ok()) return z.status();
      out.z = *z;
    }
    first = false;
  }
  if (key != nullptr) {
    absl::StatusOr<Element> z = ScalarMult(key->scalar(), out.m);
    if (!z.ok()) return z.status();
    out.z = *z;
  }
  return out;
}

// The DLEQ challenge over (B, M, Z, t2, t3).
absl::StatusOr<Scalar> Challenge(const Element& b, const Composites& composites, const Element& t2,
                                 const Element& t3) {
  std::vector<uint8_t> transcript;
  for (const Element* e : {&b, &composites.m, &composites.z, &t2, &t3}) AppendLengthPrefixed(transcript, *e);
  AppendString(transcript, "Challenge");
  return HashToScalar(transcript, OprfMode::kVoprf);
}

absl::Status CheckElements(absl::Span<const Element> elements, absl::string_view field) {
  for (size_t i = 0; i < elements.size(); ++i) {
    if (!IsValidElement(elements[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: not a valid ristretto255 point (or the identity)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

OprfSecretKey::OprfSecretKey() = default;
OprfSecretKey::~OprfSecretKey() { sodium_memzero(scalar_.data(), scalar_.size()); }
OprfSecretKey::OprfSecretKey(OprfSecretKey&& other) noexcept : scalar_(other.scalar_) {
  sodium_memzero(other.scalar_.data(), other.scalar_.size());
}
OprfSecretKey& OprfSecretKey::operator=(OprfSecretKey&& other) noexcept {
  if (this != &other) {
    scalar_ = other.scalar_;
    sodium_memzero(other.scalar_.data(), other.scalar_.size());
  }
  return *this;
}

OprfSecretKey OprfSecretKey::Generate() {
  EnsureSodium();
  OprfSecretKey key;
  crypto_core_ristretto255_scalar_random(key.scalar_.data());  // in ]0, L[
  return key;
}

absl::StatusOr<OprfSecretKey> OprfSecretKey::FromBytes(absl::Span<const uint8_t> bytes) {
  if (bytes.size() != kScalarBytes) return absl::InvalidArgumentError("OPRF key: must be 32 bytes");
  OprfSecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.scalar_.begin());
  if (IsZero(key.scalar_)) return absl::InvalidArgumentError("OPRF key: the zero scalar is not a key");
  if (!IsCanonicalScalar(key.scalar_)) return absl::InvalidArgumentError("OPRF key: scalar is not reduced");
  return key;
}

Element OprfSecretKey::PublicKey() const {
  Element out{};
  crypto_scalarmult_ristretto255_base(out.data(), scalar_.data());
  return out;
}

BlindedInput::~BlindedInput() { sodium_memzero(blind.data(), blind.size()); }

bool IsValidElement(const Element& element) {
  return !IsZero(element) && crypto_core_ristretto255_is_valid_point(element.data()) == 1;
}

absl::StatusOr<Element> HashToGroup(absl::Span<const uint8_t> input, OprfMode mode) {
  absl::StatusOr<std::vector<uint8_t>> uniform =
      ExpandMessageXmdSha512(input, absl::StrCat("HashToGroup-", ContextString(mode)), 64);
  if (!uniform.ok()) return uniform.status();
  Element out{};
  crypto_core_ristretto255_from_hash(out.data(), uniform->data());
  return out;
}

absl::StatusOr<Scalar> HashToScalarWithDst(absl::Span<const uint8_t> input, absl::string_view dst) {
  absl::StatusOr<std::vector<uint8_t>> uniform = ExpandMessageXmdSha512(input, dst, 64);
  if (!uniform.ok()) return uniform.status();
  Scalar out{};
  crypto_core_ristretto255_scalar_reduce(out.data(), uniform->data());
  sodium_memzero(uniform->data(), uniform->size());
  return out;
}

absl::StatusOr<Scalar> HashToScalar(absl::Span<const uint8_t> input, OprfMode mode) {
  return HashToScalarWithDst(input, absl::StrCat("HashToScalar-", ContextString(mode)));
}

absl::StatusOr<OprfSecretKey> DeriveKeyPair(absl::Span<const uint8_t> seed, absl::Span<const uint8_t> info,
                                            OprfMode mode) {
  if (info.size() > 0xffff) return absl::InvalidArgumentError("DeriveKeyPair: info too long");
  std::vector<uint8_t> derive_input;
  AppendBytes(derive_input, seed);
  AppendLengthPrefixed(derive_input, info);
  derive_input.push_back(0);  // counter
  const std::string dst = absl::StrCat("DeriveKeyPair", ContextString(mode));
  for (int counter = 0; counter <= 255; ++counter) {
    derive_input.back() = static_cast<uint8_t>(counter);
    absl::StatusOr<Scalar> scalar = HashToScalarWithDst(derive_input, dst);
    if (!scalar.ok()) return scalar.status();
    if (!IsZero(*scalar)) {
      sodium_memzero(derive_input.data(), derive_input.size());
      absl::StatusOr<OprfSecretKey> key = OprfSecretKey::FromBytes(*scalar);
      sodium_memzero(scalar->data(), scalar->size());
      return key;
    }
  }
  return absl::InternalError("DeriveKeyPair: no non-zero scalar after 256 tries");
}

absl::StatusOr<BlindedInput> BlindWithScalar(absl::Span<const uint8_t> input, const Scalar& blind,
                                             OprfMode mode) {
  if (IsZero(blind)) return absl::InvalidArgumentError("blind: must not be zero");
  absl::StatusOr<Element> input_element = HashToGroup(input, mode);
  if (!input_element.ok()) return input_element.status();
  if (IsZero(*input_element)) return absl::InvalidArgumentError("input: hashes to the identity");
  BlindedInput out;
  out.blind = blind;
  absl::StatusOr<Element> blinded = ScalarMult(blind, *input_element);
  if (!blinded.ok()) return blinded.status();
  out.blinded_element = *blinded;
  return out;
}

absl::StatusOr<BlindedInput> Blind(absl::Span<const uint8_t> input, OprfMode mode) {
  EnsureSodium();
  Scalar blind{};
  crypto_core_ristretto255_scalar_random(blind.data());
  absl::StatusOr<BlindedInput> out = BlindWithScalar(input, blind, mode);
  sodium_memzero(blind.data(), blind.size());
  return out;
}

absl::Status BlindEvaluateBatch(const OprfSecretKey& key, absl::Span<const Element> blinded,
                                absl::Span<Element> out) {
  if (out.size() != blinded.size()) return absl::InternalError("BlindEvaluateBatch: output size mismatch");
  if (IsZero(key.scalar())) return absl::FailedPreconditionError("OPRF key: not set");
  for (size_t i = 0; i < blinded.size(); ++i) {
    // crypto_scalarmult_ristretto255 decodes (rejecting non-canonical
    // encodings) and fails on an identity result, which a valid non-identity
    // element times a non-zero key can only give for the identity input.
    if (IsZero(blinded[i]) ||
        crypto_scalarmult_ristretto255(out[i].data(), key.scalar().data(), blinded[i].data()) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("blinded_elements[", i, "]: not a valid ristretto255 point (or the identity)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<OprfOutput> Finalize(absl::Span<const uint8_t> input, const Scalar& blind,
                                    const Element& evaluated) {
  if (input.size() > 0xffff) return absl::InvalidArgumentError("input: longer than 65535 bytes");
  if (!IsValidElement(evaluated)) {
    return absl::InvalidArgumentError("evaluated element: not a valid ristretto255 point (or the identity)");
  }
  Scalar inverse{};
  if (crypto_core_ristretto255_scalar_invert(inverse.data(), blind.data()) != 0) {
    return absl::InvalidArgumentError("blind: must not be zero");
  }
  absl::StatusOr<Element> unblinded = ScalarMult(inverse, evaluated);
  sodium_memzero(inverse.data(), inverse.size());
  if (!unblinded.ok()) return unblinded.status();

  std::vector<uint8_t> hash_input;
  AppendLengthPrefixed(hash_input, input);
  AppendLengthPrefixed(hash_input, *unblinded);
  AppendString(hash_input, "Finalize");
  OprfOutput out{};
  crypto_hash_sha512(out.data(), hash_input.data(), hash_input.size());
  sodium_memzero(hash_input.data(), hash_input.size());
  return out;
}

absl::StatusOr<Proof> GenerateProofWithScalar(const OprfSecretKey& key, const Element& public_key,
                                              absl::Span<const Element> blinded,
                                              absl::Span<const Element> evaluated, const Scalar& random) {
  if (absl::Status s = CheckElements(blinded, "blinded_elements"); !s.ok()) return s;
  if (absl::Status s = CheckElements(evaluated, "evaluated_elements"); !s.ok()) return s;
  absl::StatusOr<Composites> composites = ComputeComposites(&key, public_key, blinded, evaluated);
  if (!composites.ok()) return composites.status();
  Element t2{};
  if (crypto_scalarmult_ristretto255_base(t2.data(), random.data()) != 0) {
    return absl::InvalidArgumentError("proof random scalar: must not be zero");
  }
  absl::StatusOr<Element> t3 = ScalarMult(random, composites->m);
  if (!t3.ok()) return t3.status();
  absl::StatusOr<Scalar> c = Challenge(public_key, *composites, t2, *t3);
  if (!c.ok()) return c.status();
  // s = r - c * k
  Scalar ck{};
  Scalar s{};
  crypto_core_ristretto255_scalar_mul(ck.data(), c->data(), key.scalar().data());
  crypto_core_ristretto255_scalar_sub(s.data(), random.data(), ck.data());
  sodium_memzero(ck.data(), ck.size());
  Proof proof{};
  std::copy(c->begin(), c->end(), proof.begin());
  std::copy(s.begin(), s.end(), proof.begin() + kScalarBytes);
  return proof;
}

absl::StatusOr<Proof> GenerateProof(const OprfSecretKey& key, const Element& public_key,
                                    absl::Span<const Element> blinded, absl::Span<const Element> evaluated) {
  EnsureSodium();
  Scalar random{};
  crypto_core_ristretto255_scalar_random(random.data());
  absl::StatusOr<Proof> proof = GenerateProofWithScalar(key, public_key, blinded, evaluated, random);
  sodium_memzero(random.data(), random.size());
  return proof;
}

absl::Status VerifyProof(const Element& public_key, absl::Span<const Element> blinded,
                         absl::Span<const Element> evaluated, const Proof& proof) {
  const absl::Status invalid = absl::InvalidArgumentError("proof: does not verify");
  if (!IsValidElement(public_key)) return absl::InvalidArgumentError("public key: not a valid element");
  if (absl::Status s = CheckElements(blinded, "blinded_elements"); !s.ok()) return s;
  if (absl::Status s = CheckElements(evaluated, "evaluated_elements"); !s.ok()) return s;
  Scalar c{};
  Scalar s{};
  std::copy(proof.begin(), proof.begin() + kScalarBytes, c.begin());
  std::copy(proof.begin() + kScalarBytes, proof.end(), s.begin());
  if (!IsCanonicalScalar(c) || !IsCanonicalScalar(s)) return invalid;

  absl::StatusOr<Composites> composites = ComputeComposites(nullptr, public_key, blinded, evaluated);
  if (!composites.ok()) return composites.status();
  // t2 = s*G + c*B; t3 = s*M + c*Z
  Element s_g{};
  if (crypto_scalarmult_ristretto255_base(s_g.data(), s.data()) != 0) return invalid;
  absl::StatusOr<Element> c_b = ScalarMult(c, public_key);
  absl::StatusOr<Element> s_m = ScalarMult(s, composites->m);
  absl::StatusOr<Element> c_z = ScalarMult(c, composites->z);
  if (!c_b.ok() || !s_m.ok() || !c_z.ok()) return invalid;
  absl::StatusOr<Element> t2 = Add(s_g, *c_b);
  absl::StatusOr<Element> t3 = Add(*s_m, *c_z);
  if (!t2.ok() || !t3.ok()) return invalid;
  absl::StatusOr<Scalar> expected = Challenge(public_key, *composites, *t2, *t3);
  if (!expected.ok()) return expected.status();
  if (sodium_memcmp(expected->data(), c.data(), kScalarBytes) != 0) return invalid;
  return absl::OkStatus();
}

}  // namespace samenloop::crypto
