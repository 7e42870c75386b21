// RFC 9497 Appendix A.1 (ristretto255-SHA512) test vectors, byte for byte,
// for modes OPRF and VOPRF, plus the rejections the suite requires.

#include "crypto/oprf_rfc9497.h"

#include "common_test_vectors.h"
#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

using testing::Bytes;
using testing::ToArray;
using testing::Vectors;

TEST(OprfRfc9497, OprfModeVectors) {
  const auto& vectors = Vectors()["oprf"].array;
  ASSERT_EQ(vectors.size(), 2u);
  for (const auto& v : vectors) {
    absl::StatusOr<OprfSecretKey> key =
        DeriveKeyPair(Bytes(v["seed"]), Bytes(v["keyInfo"]), OprfMode::kOprf);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(HexEncode(key->bytes()), v["skS"].string);

    std::vector<uint8_t> input = Bytes(v["input"]);
    absl::StatusOr<BlindedInput> blinded = BlindWithScalar(input, ToArray<32>(v["blind"]), OprfMode::kOprf);
    ASSERT_TRUE(blinded.ok()) << blinded.status();
    EXPECT_EQ(HexEncode(blinded->blinded_element), v["blindedElement"].string);

    std::vector<Element> evaluated(1);
    ASSERT_TRUE(BlindEvaluateBatch(*key, absl::MakeConstSpan(&blinded->blinded_element, 1),
                                   absl::MakeSpan(evaluated))
                    .ok());
    EXPECT_EQ(HexEncode(evaluated[0]), v["evaluationElement"].string);

    absl::StatusOr<OprfOutput> output = Finalize(input, blinded->blind, evaluated[0]);
    ASSERT_TRUE(output.ok()) << output.status();
    EXPECT_EQ(HexEncode(*output), v["output"].string);
  }
}

TEST(OprfRfc9497, VoprfModeVectorsIncludingTheBatch) {
  const auto& vectors = Vectors()["voprf"].array;
  ASSERT_EQ(vectors.size(), 3u);
  for (const auto& v : vectors) {
    absl::StatusOr<OprfSecretKey> key =
        DeriveKeyPair(Bytes(v["seed"]), Bytes(v["keyInfo"]), OprfMode::kVoprf);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(HexEncode(key->bytes()), v["skS"].string);
    const Element public_key = key->PublicKey();
    EXPECT_EQ(HexEncode(public_key), v["pkS"].string);

    const size_t n = v["input"].array.size();
    std::vector<std::vector<uint8_t>> inputs;
    std::vector<BlindedInput> blinded;
    std::vector<Element> blinded_elements;
    for (size_t i = 0; i < n; ++i) {
      inputs.push_back(Bytes(v["input"][i]));
      absl::StatusOr<BlindedInput> b = BlindWithScalar(inputs[i], ToArray<32>(v["blind"][i]), OprfMode::kVoprf);
      ASSERT_TRUE(b.ok()) << b.status();
      EXPECT_EQ(HexEncode(b->blinded_element), v["blindedElement"][i].string);
      blinded_elements.push_back(b->blinded_element);
      blinded.push_back(*std::move(b));
    }
    std::vector<Element> evaluated(n);
    ASSERT_TRUE(BlindEvaluateBatch(*key, blinded_elements, absl::MakeSpan(evaluated)).ok());
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(HexEncode(evaluated[i]), v["evaluationElement"][i].string);

    absl::StatusOr<Proof> proof = GenerateProofWithScalar(*key, public_key, blinded_elements, evaluated,
                                                          ToArray<32>(v["proofRandomScalar"]));
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(HexEncode(*proof), v["proof"].string);
    EXPECT_TRUE(VerifyProof(public_key, blinded_elements, evaluated, *proof).ok());

    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<OprfOutput> output = Finalize(inputs[i], blinded[i].blind, evaluated[i]);
      ASSERT_TRUE(output.ok()) << output.status();
      EXPECT_EQ(HexEncode(*output), v["output"][i].string);
    }
  }
}

class OprfRejections : public ::testing::Test {
 protected:
  OprfSecretKey key_ = OprfSecretKey::Generate();
  std::vector<uint8_t> input_ = {'x'};
};

TEST_F(OprfRejections, IdentityAndInvalidPointsAreRejected) {
  Element identity{};
  Element garbage{};
  garbage.fill(0xff);
  std::vector<Element> out(1);
  for (const Element& bad : {identity, garbage}) {
    EXPECT_FALSE(IsValidElement(bad));
    absl::Status status = BlindEvaluateBatch(key_, absl::MakeConstSpan(&bad, 1), absl::MakeSpan(out));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find("blinded_elements[0]"), absl::string_view::npos);
    BlindedInput b = *Blind(input_, OprfMode::kOprf);
    EXPECT_FALSE(Finalize(input_, b.blind, bad).ok());
  }
}

TEST_F(OprfRejections, ZeroScalarsAreRejected) {
  Scalar zero{};
  EXPECT_FALSE(BlindWithScalar(input_, zero, OprfMode::kOprf).ok());
  EXPECT_FALSE(OprfSecretKey::FromBytes(zero).ok());
  BlindedInput b = *Blind(input_, OprfMode::kOprf);
  EXPECT_FALSE(Finalize(input_, zero, b.blinded_element).ok());
  Scalar unreduced{};
  unreduced.fill(0xff);
  EXPECT_FALSE(OprfSecretKey::FromBytes(unreduced).ok());
}

TEST_F(OprfRejections, TamperedProofOrElementFailsVerification) {
  const Element pk = key_.PublicKey();
  std::vector<Element> blinded = {Blind(input_, OprfMode::kVoprf)->blinded_element,
                                  Blind(std::vector<uint8_t>{'y'}, OprfMode::kVoprf)->blinded_element};
  std::vector<Element> evaluated(2);
  ASSERT_TRUE(BlindEvaluateBatch(key_, blinded, absl::MakeSpan(evaluated)).ok());
  Proof proof = *GenerateProof(key_, pk, blinded, evaluated);
  ASSERT_TRUE(VerifyProof(pk, blinded, evaluated, proof).ok());

  for (size_t byte : {size_t{0}, size_t{40}}) {
    Proof tampered = proof;
    tampered[byte] ^= 1;
    EXPECT_FALSE(VerifyProof(pk, blinded, evaluated, tampered).ok()) << byte;
  }
  std::vector<Element> swapped = {evaluated[1], evaluated[0]};
  EXPECT_FALSE(VerifyProof(pk, blinded, swapped, proof).ok());
  // An evaluation under another key does not verify against this key.
  OprfSecretKey other = OprfSecretKey::Generate();
  std::vector<Element> wrong(2);
  ASSERT_TRUE(BlindEvaluateBatch(other, blinded, absl::MakeSpan(wrong)).ok());
  EXPECT_FALSE(VerifyProof(pk, blinded, wrong, proof).ok());
}

TEST_F(OprfRejections, PseudonymisingTwiceGivesTheSameOutput) {
  for (int round = 0; round < 20; ++round) {
    std::vector<uint8_t> input = {static_cast<uint8_t>(round), 7, 7};
    BlindedInput a = *Blind(input, OprfMode::kOprf);
    BlindedInput b = *Blind(input, OprfMode::kOprf);
    EXPECT_NE(a.blinded_element, b.blinded_element) << "blinds must differ";
    std::vector<Element> ea(1), eb(1);
    ASSERT_TRUE(BlindEvaluateBatch(key_, absl::MakeConstSpan(&a.blinded_element, 1), absl::MakeSpan(ea)).ok());
    ASSERT_TRUE(BlindEvaluateBatch(key_, absl::MakeConstSpan(&b.blinded_element, 1), absl::MakeSpan(eb)).ok());
    EXPECT_EQ(*Finalize(input, a.blind, ea[0]), *Finalize(input, b.blind, eb[0]));
  }
}

}  // namespace
}  // namespace samenloop::crypto
