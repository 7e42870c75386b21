// RFC 9497 Appendix A.1 (ristretto255-SHA512) test vectors, byte for byte,
// for modes OPRF and VOPRF (including the batch of two), plus the
// rejections the suite requires.

#include "crypto/oprf_rfc9497.h"

#include <thread>

#include "crypto/hex.h"
#include "gtest/gtest.h"
#include "tests/unit/crypto/vector_file.h"

namespace samenloop::crypto {
namespace {

using testing::HexArray;
using testing::HexBytes;
using testing::Json;

const Json& Vectors() {
  static const Json* vectors = new Json(testing::LoadVectorFile("rfc9497-ristretto255-sha512.json"));
  return *vectors;
}

TEST(OprfRfc9497, OprfModeVectors) {
  const std::vector<Json>& vectors = Vectors()["oprf"].array;
  ASSERT_EQ(vectors.size(), 2u);
  for (size_t n = 0; n < vectors.size(); ++n) {
    SCOPED_TRACE(::testing::Message() << "oprf vector " << n);
    const Json& v = vectors[n];
    absl::StatusOr<OprfSecretKey> key = DeriveKeyPair(HexBytes(v["seed"]), HexBytes(v["keyInfo"]), OprfMode::kOprf);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(HexEncode(key->bytes()), v["skS"].string);

    const std::vector<uint8_t> input = HexBytes(v["input"]);
    absl::StatusOr<BlindedInput> blinded = BlindWithScalar(input, HexArray<32>(v["blind"]), OprfMode::kOprf);
    ASSERT_TRUE(blinded.ok()) << blinded.status();
    EXPECT_EQ(HexEncode(blinded->blinded_element), v["blindedElement"].string);

    absl::StatusOr<Element> evaluated = BlindEvaluate(*key, blinded->blinded_element);
    ASSERT_TRUE(evaluated.ok()) << evaluated.status();
    EXPECT_EQ(HexEncode(*evaluated), v["evaluationElement"].string);

    absl::StatusOr<OprfOutput> output = Finalize(input, blinded->blind, *evaluated);
    ASSERT_TRUE(output.ok()) << output.status();
    EXPECT_EQ(HexEncode(*output), v["output"].string);
  }
}

TEST(OprfRfc9497, VoprfModeVectorsIncludingTheBatch) {
  const std::vector<Json>& vectors = Vectors()["voprf"].array;
  ASSERT_EQ(vectors.size(), 3u);
  EXPECT_EQ(vectors[2]["input"].array.size(), 2u) << "the third vector is the batch of two";
  for (size_t n = 0; n < vectors.size(); ++n) {
    SCOPED_TRACE(::testing::Message() << "voprf vector " << n);
    const Json& v = vectors[n];
    absl::StatusOr<OprfSecretKey> key =
        DeriveKeyPair(HexBytes(v["seed"]), HexBytes(v["keyInfo"]), OprfMode::kVoprf);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(HexEncode(key->bytes()), v["skS"].string);
    const Element public_key = key->PublicKey();
    EXPECT_EQ(HexEncode(public_key), v["pkS"].string);

    const size_t count = v["input"].array.size();
    std::vector<std::vector<uint8_t>> inputs;
    std::vector<BlindedInput> blinded;
    std::vector<Element> blinded_elements;
    for (size_t i = 0; i < count; ++i) {
      inputs.push_back(HexBytes(v["input"][i]));
      absl::StatusOr<BlindedInput> b = BlindWithScalar(inputs[i], HexArray<32>(v["blind"][i]), OprfMode::kVoprf);
      ASSERT_TRUE(b.ok()) << b.status();
      EXPECT_EQ(HexEncode(b->blinded_element), v["blindedElement"][i].string);
      blinded_elements.push_back(b->blinded_element);
      blinded.push_back(*std::move(b));
    }

    std::vector<Element> evaluated(count);
    ASSERT_TRUE(BlindEvaluateBatch(*key, blinded_elements, absl::MakeSpan(evaluated)).ok());
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(HexEncode(evaluated[i]), v["evaluationElement"][i].string);

    absl::StatusOr<Proof> proof = GenerateProofWithScalar(*key, public_key, blinded_elements, evaluated,
                                                          HexArray<32>(v["proofRandomScalar"]));
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(HexEncode(*proof), v["proof"].string);
    EXPECT_TRUE(VerifyProof(public_key, blinded_elements, evaluated, *proof).ok());

    for (size_t i = 0; i < count; ++i) {
      absl::StatusOr<OprfOutput> output = Finalize(inputs[i], blinded[i].blind, evaluated[i]);
      ASSERT_TRUE(output.ok()) << output.status();
      EXPECT_EQ(HexEncode(*output), v["output"][i].string);
    }
    absl::StatusOr<std::vector<OprfOutput>> outputs =
        VerifyProofAndFinalize(public_key, inputs, blinded, evaluated, *proof);
    ASSERT_TRUE(outputs.ok()) << outputs.status();
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(HexEncode((*outputs)[i]), v["output"][i].string);
  }
}

TEST(OprfRfc9497, BlindEvaluateBatchWithProofVerifiesAndMatchesTheVectors) {
  const Json& v = Vectors()["voprf"][2];
  OprfSecretKey key = *DeriveKeyPair(HexBytes(v["seed"]), HexBytes(v["keyInfo"]), OprfMode::kVoprf);
  std::vector<Element> blinded = {HexArray<32>(v["blindedElement"][0]), HexArray<32>(v["blindedElement"][1])};
  std::vector<Element> out(2);
  absl::StatusOr<Proof> proof = BlindEvaluateBatchWithProof(key, blinded, absl::MakeSpan(out));
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(HexEncode(out[0]), v["evaluationElement"][0].string);
  EXPECT_EQ(HexEncode(out[1]), v["evaluationElement"][1].string);
  EXPECT_TRUE(VerifyProof(key.PublicKey(), blinded, out, *proof).ok());
  EXPECT_NE(HexEncode(*proof), v["proof"].string) << "a fresh proof random scalar";
}

TEST(OprfRfc9497, KeysAndElementsRoundTripThroughBytes) {
  OprfSecretKey key = OprfSecretKey::Generate();
  absl::StatusOr<OprfSecretKey> copy = OprfSecretKey::FromBytes(key.bytes());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->PublicKey(), key.PublicKey());
  EXPECT_TRUE(IsValidElement(key.PublicKey()));
  OprfSecretKey moved = std::move(key);
  EXPECT_TRUE(IsValidElement(moved.PublicKey()));
}

// Splitting one batch over threads gives what one call gives: the batch
// API shares no mutable state.
TEST(OprfRfc9497, BatchEvaluationSplitOverThreadsMatchesOneCall) {
  OprfSecretKey key = OprfSecretKey::Generate();
  constexpr size_t kCount = 257;
  std::vector<Element> blinded;
  for (size_t i = 0; i < kCount; ++i) {
    const std::vector<uint8_t> input = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
    blinded.push_back(Blind(input, OprfMode::kOprf)->blinded_element);
  }
  std::vector<Element> whole(kCount);
  ASSERT_TRUE(BlindEvaluateBatch(key, blinded, absl::MakeSpan(whole)).ok());

  std::vector<Element> split(kCount);
  constexpr size_t kThreads = 4;
  std::vector<absl::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    const size_t begin = kCount * t / kThreads;
    const size_t end = kCount * (t + 1) / kThreads;
    threads.emplace_back([&, t, begin, end] {
      results[t] = BlindEvaluateBatch(key, absl::MakeConstSpan(blinded).subspan(begin, end - begin),
                                      absl::MakeSpan(split).subspan(begin, end - begin));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(split, whole);
}

}  // namespace
}  // namespace samenloop::crypto
