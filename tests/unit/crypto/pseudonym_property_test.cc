// The whole path a BSN takes, as the SDK, the pseudonymiser and the broker
// run it: validate, encode, blind, evaluate, finalize, key the index. The
// law: pseudonymising twice gives the same result (and the same subject
// key), with fresh blinds each time; different BSNs and epochs do not.

#include <string>

#include "crypto/bsn.h"
#include "crypto/keyed_index.h"
#include "crypto/oprf_rfc9497.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

struct Deployment {
  OprfSecretKey oprf_key = OprfSecretKey::Generate();
  IndexSecret index_secret = *IndexSecret::FromBytes(std::vector<uint8_t>(32, 0x5a));
  OprfMode mode = OprfMode::kVoprf;
};

// Returns the subject key the broker would store for `bsn`.
SubjectKey Pseudonymise(const Deployment& d, const std::string& bsn, uint32_t epoch) {
  EXPECT_TRUE(ValidateBsn(bsn).ok());
  std::vector<uint8_t> input = EncodeBsnOprfInput(bsn, epoch);
  WipeOnExit wipe_input(input);
  BlindedInput blinded = *Blind(input, d.mode);                          // SDK
  std::vector<Element> evaluated(1);                                      // pseudonymiser
  Proof proof = *BlindEvaluateBatchWithProof(d.oprf_key, {blinded.blinded_element}, absl::MakeSpan(evaluated));
  std::vector<OprfOutput> pseudonym =                                     // SDK
      *VerifyProofAndFinalize(d.oprf_key.PublicKey(), {input}, {blinded}, evaluated, proof);
  return ComputeSubjectKey(d.index_secret, pseudonym[0]);                 // broker
}

TEST(PseudonymProperty, PseudonymisingTwiceGivesTheSameSubjectKey) {
  Deployment d;
  for (const std::string bsn : {"111222333", "123456782", "100000009", "010000008", "999999990"}) {
    EXPECT_EQ(Pseudonymise(d, bsn, 0), Pseudonymise(d, bsn, 0)) << bsn;
  }
}

TEST(PseudonymProperty, DifferentBsnsEpochsAndKeysGiveDifferentSubjectKeys) {
  Deployment d;
  const SubjectKey key = Pseudonymise(d, "111222333", 0);
  EXPECT_NE(key, Pseudonymise(d, "123456782", 0));
  EXPECT_NE(key, Pseudonymise(d, "111222333", 1));
  Deployment other;
  EXPECT_NE(key, Pseudonymise(other, "111222333", 0));
}

}  // namespace
}  // namespace samenloop::crypto
