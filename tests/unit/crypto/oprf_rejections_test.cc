// What the RFC 9497 implementation must refuse: invalid and identity
// elements, zero and unreduced scalars, tampered proofs and elements. And
// the law the pseudonymiser relies on: the output does not depend on the
// blind.

#include <string>

#include "crypto/hex.h"
#include "crypto/oprf_rfc9497.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

Element ElementFromHex(const std::string& hex) {
  Element out{};
  std::vector<uint8_t> bytes = HexDecode(hex).value();
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Scalar ScalarFromHex(const std::string& hex) { return ElementFromHex(hex); }

// The ristretto255 generator (RFC 9496 A.1) and encodings RFC 9496 A.2 says
// must be refused: non-canonical (>= p), negative, and off the group.
const Element kGenerator = ElementFromHex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
const Element kIdentity{};
const std::vector<Element> kBadEncodings = {
    kIdentity,
    ElementFromHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    ElementFromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ElementFromHex("0100000000000000000000000000000000000000000000000000000000000000"),
    ElementFromHex("26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371"),
};
// L, the group order: the smallest unreduced scalar.
const Scalar kOrder = ScalarFromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
const Scalar kZero{};

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

class OprfRejections : public ::testing::Test {
 protected:
  OprfSecretKey key_ = OprfSecretKey::Generate();
  std::vector<uint8_t> input_ = {'x'};
};

TEST_F(OprfRejections, IsValidElementRefusesIdentityAndBadEncodings) {
  EXPECT_TRUE(IsValidElement(kGenerator));
  EXPECT_TRUE(IsValidElement(key_.PublicKey()));
  for (size_t i = 0; i < kBadEncodings.size(); ++i) EXPECT_FALSE(IsValidElement(kBadEncodings[i])) << i;
}

TEST_F(OprfRejections, BatchEvaluationNamesTheBadElementButNotItsBytes) {
  for (const Element& bad : kBadEncodings) {
    std::vector<Element> batch(5, kGenerator);
    batch[3] = bad;
    std::vector<Element> out(batch.size());
    absl::Status status = BlindEvaluateBatch(key_, batch, absl::MakeSpan(out));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), "blinded_elements[3]: not a valid ristretto255 point (or the identity)");
    EXPECT_FALSE(Contains(status.message(), HexEncode(bad).substr(0, 8)));
    EXPECT_FALSE(BlindEvaluate(key_, bad).ok());
  }
}

TEST_F(OprfRejections, BatchEvaluationNeedsAMatchingOutputAndASetKey) {
  std::vector<Element> batch(2, kGenerator);
  std::vector<Element> out(1);
  EXPECT_EQ(BlindEvaluateBatch(key_, batch, absl::MakeSpan(out)).code(), absl::StatusCode::kInvalidArgument);
  OprfSecretKey unset;
  out.resize(2);
  EXPECT_EQ(BlindEvaluateBatch(unset, batch, absl::MakeSpan(out)).code(), absl::StatusCode::kFailedPrecondition);
  OprfSecretKey moved_from = OprfSecretKey::Generate();
  OprfSecretKey taker = std::move(moved_from);
  EXPECT_EQ(BlindEvaluateBatch(moved_from, batch, absl::MakeSpan(out)).code(),  // NOLINT(bugprone-use-after-move)
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(BlindEvaluateBatch(taker, batch, absl::MakeSpan(out)).ok());
}

TEST_F(OprfRejections, FinalizeRefusesBadEvaluatedElements) {
  BlindedInput b = *Blind(input_, OprfMode::kOprf);
  for (const Element& bad : kBadEncodings) {
    absl::StatusOr<OprfOutput> output = Finalize(input_, b.blind, bad);
    EXPECT_EQ(output.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(output.status().message(), "evaluated_element"));
  }
}

TEST_F(OprfRejections, ZeroAndUnreducedScalarsAreRefused) {
  EXPECT_FALSE(BlindWithScalar(input_, kZero, OprfMode::kOprf).ok());
  EXPECT_FALSE(BlindWithScalar(input_, kOrder, OprfMode::kOprf).ok());
  Scalar high{};
  high.fill(0xff);
  EXPECT_FALSE(BlindWithScalar(input_, high, OprfMode::kOprf).ok());

  EXPECT_FALSE(OprfSecretKey::FromBytes(kZero).ok());
  EXPECT_FALSE(OprfSecretKey::FromBytes(kOrder).ok());
  EXPECT_FALSE(OprfSecretKey::FromBytes(std::vector<uint8_t>(31, 1)).ok());

  BlindedInput b = *Blind(input_, OprfMode::kOprf);
  std::vector<Element> evaluated(1);
  ASSERT_TRUE(BlindEvaluateBatch(key_, absl::MakeConstSpan(&b.blinded_element, 1), absl::MakeSpan(evaluated)).ok());
  EXPECT_FALSE(Finalize(input_, kZero, evaluated[0]).ok());
  EXPECT_FALSE(Finalize(input_, kOrder, evaluated[0]).ok());

  const Element pk = key_.PublicKey();
  EXPECT_FALSE(GenerateProofWithScalar(key_, pk, {b.blinded_element}, evaluated, kZero).ok());
  EXPECT_FALSE(GenerateProofWithScalar(key_, pk, {b.blinded_element}, evaluated, kOrder).ok());
}

TEST_F(OprfRejections, OtherParametersAreChecked) {
  EXPECT_FALSE(HashToGroup(input_, static_cast<OprfMode>(2)).ok());  // POPRF is not supported
  EXPECT_FALSE(Blind(input_, static_cast<OprfMode>(2)).ok());
  EXPECT_FALSE(DeriveKeyPair(std::vector<uint8_t>(31, 0xa3), {}, OprfMode::kOprf).ok());
  EXPECT_TRUE(DeriveKeyPair(std::vector<uint8_t>(32, 0xa3), {}, OprfMode::kOprf).ok());
  EXPECT_FALSE(Blind(std::vector<uint8_t>(kMaxInputBytes + 1, 0), OprfMode::kOprf).ok());
  EXPECT_TRUE(Blind(std::vector<uint8_t>(kMaxInputBytes, 0), OprfMode::kOprf).ok());
}

class VoprfRejections : public OprfRejections {
 protected:
  void SetUp() override {
    blinded_ = {Blind(input_, OprfMode::kVoprf)->blinded_element,
                Blind(std::vector<uint8_t>{'y'}, OprfMode::kVoprf)->blinded_element,
                Blind(std::vector<uint8_t>{'z'}, OprfMode::kVoprf)->blinded_element};
    evaluated_.resize(blinded_.size());
    ASSERT_TRUE(BlindEvaluateBatch(key_, blinded_, absl::MakeSpan(evaluated_)).ok());
    proof_ = *GenerateProof(key_, pk_, blinded_, evaluated_);
    ASSERT_TRUE(VerifyProof(pk_, blinded_, evaluated_, proof_).ok());
  }

  const Element pk_ = key_.PublicKey();
  std::vector<Element> blinded_;
  std::vector<Element> evaluated_;
  Proof proof_{};
};

TEST_F(VoprfRejections, TamperedProofFails) {
  for (size_t byte : {size_t{0}, size_t{17}, size_t{32}, size_t{40}}) {
    Proof tampered = proof_;
    tampered[byte] ^= 1;
    absl::Status status = VerifyProof(pk_, blinded_, evaluated_, tampered);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << byte;
    EXPECT_EQ(status.message(), "proof: does not verify") << byte;
  }
  Proof unreduced = proof_;
  std::copy(kOrder.begin(), kOrder.end(), unreduced.begin() + kScalarBytes);
  EXPECT_FALSE(VerifyProof(pk_, blinded_, evaluated_, unreduced).ok());
  EXPECT_FALSE(VerifyProof(pk_, blinded_, evaluated_, Proof{}).ok());
}

TEST_F(VoprfRejections, TamperedElementsFail) {
  // Any evaluated element replaced by another valid one.
  for (size_t i = 0; i < evaluated_.size(); ++i) {
    std::vector<Element> tampered = evaluated_;
    tampered[i] = kGenerator;
    EXPECT_EQ(VerifyProof(pk_, blinded_, tampered, proof_).message(), "proof: does not verify") << i;
  }
  // Any blinded element replaced.
  for (size_t i = 0; i < blinded_.size(); ++i) {
    std::vector<Element> tampered = blinded_;
    tampered[i] = kGenerator;
    EXPECT_FALSE(VerifyProof(pk_, tampered, evaluated_, proof_).ok()) << i;
  }
  // Reordered evaluations, a dropped pair, and evaluations under another key.
  std::vector<Element> swapped = {evaluated_[1], evaluated_[0], evaluated_[2]};
  EXPECT_FALSE(VerifyProof(pk_, blinded_, swapped, proof_).ok());
  EXPECT_FALSE(VerifyProof(pk_, absl::MakeConstSpan(blinded_).first(2), absl::MakeConstSpan(evaluated_).first(2),
                           proof_)
                   .ok());
  OprfSecretKey other = OprfSecretKey::Generate();
  std::vector<Element> wrong(blinded_.size());
  ASSERT_TRUE(BlindEvaluateBatch(other, blinded_, absl::MakeSpan(wrong)).ok());
  EXPECT_FALSE(VerifyProof(pk_, blinded_, wrong, proof_).ok());
  EXPECT_FALSE(VerifyProof(other.PublicKey(), blinded_, evaluated_, proof_).ok());
}

TEST_F(VoprfRejections, InvalidElementsAreNamed) {
  std::vector<Element> bad_evaluated = evaluated_;
  bad_evaluated[1] = kIdentity;
  EXPECT_EQ(VerifyProof(pk_, blinded_, bad_evaluated, proof_).message(),
            "evaluated_elements[1]: not a valid ristretto255 point (or the identity)");
  std::vector<Element> bad_blinded = blinded_;
  bad_blinded[2] = kBadEncodings[1];
  EXPECT_EQ(VerifyProof(pk_, bad_blinded, evaluated_, proof_).message(),
            "blinded_elements[2]: not a valid ristretto255 point (or the identity)");
  EXPECT_FALSE(VerifyProof(kIdentity, blinded_, evaluated_, proof_).ok());
  EXPECT_FALSE(VerifyProof(pk_, {}, {}, proof_).ok());
  EXPECT_FALSE(VerifyProof(pk_, blinded_, absl::MakeConstSpan(evaluated_).first(2), proof_).ok());

  EXPECT_FALSE(GenerateProof(key_, pk_, bad_blinded, evaluated_).ok());
  EXPECT_FALSE(GenerateProof(key_, pk_, blinded_, bad_evaluated).ok());
  EXPECT_EQ(GenerateProof(key_, kGenerator, blinded_, evaluated_).status().message(),
            "public_key: is not this key's");
}

TEST_F(VoprfRejections, VerifyProofAndFinalizeReturnsNothingForABadProof) {
  std::vector<std::vector<uint8_t>> inputs = {input_, {'y'}, {'z'}};
  std::vector<BlindedInput> blinded;
  std::vector<Element> blinded_elements;
  for (const std::vector<uint8_t>& input : inputs) {
    blinded.push_back(*Blind(input, OprfMode::kVoprf));
    blinded_elements.push_back(blinded.back().blinded_element);
  }
  std::vector<Element> evaluated(inputs.size());
  absl::StatusOr<Proof> proof = BlindEvaluateBatchWithProof(key_, blinded_elements, absl::MakeSpan(evaluated));
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyProofAndFinalize(pk_, inputs, blinded, evaluated, *proof).ok());
  Proof tampered = *proof;
  tampered[5] ^= 0x80;
  EXPECT_FALSE(VerifyProofAndFinalize(pk_, inputs, blinded, evaluated, tampered).ok());
}

// Pseudonymising twice (fresh blinds each time) gives the same output; the
// output depends on the input, the key and the mode.
TEST_F(OprfRejections, TheOutputDoesNotDependOnTheBlind) {
  auto evaluate_once = [](const std::vector<uint8_t>& input, OprfMode mode, const OprfSecretKey& key) {
    BlindedInput b = *Blind(input, mode);
    Element evaluated = *BlindEvaluate(key, b.blinded_element);
    return std::make_pair(b.blinded_element, *Finalize(input, b.blind, evaluated));
  };
  OprfSecretKey other = OprfSecretKey::Generate();
  for (int round = 0; round < 32; ++round) {
    const std::vector<uint8_t> input = {static_cast<uint8_t>(round), 7, 7};
    auto [blinded_a, output_a] = evaluate_once(input, OprfMode::kOprf, key_);
    auto [blinded_b, output_b] = evaluate_once(input, OprfMode::kOprf, key_);
    EXPECT_NE(blinded_a, blinded_b) << "blinds must differ";
    EXPECT_EQ(output_a, output_b);
    const std::vector<uint8_t> next = {static_cast<uint8_t>(round), 7, 8};
    EXPECT_NE(evaluate_once(next, OprfMode::kOprf, key_).second, output_a);
    EXPECT_NE(evaluate_once(input, OprfMode::kOprf, other).second, output_a);
    EXPECT_NE(evaluate_once(input, OprfMode::kVoprf, key_).second, output_a);
  }
}

}  // namespace
}  // namespace samenloop::crypto
