#include "pseudonymiser/batch_evaluator.h"

#include "gtest/gtest.h"

namespace samenloop::pseudonymiser {
namespace {

std::vector<crypto::Element> BlindedBatch(size_t n) {
  std::vector<crypto::Element> out;
  for (size_t i = 0; i < n; ++i) {
    std::vector<uint8_t> input = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
    out.push_back(crypto::Blind(input, crypto::OprfMode::kOprf)->blinded_element);
  }
  return out;
}

TEST(BatchEvaluator, ThreadedResultsMatchSingleElementEvaluationInOrder) {
  crypto::OprfSecretKey key = crypto::OprfSecretKey::Generate();
  std::vector<crypto::Element> batch = BlindedBatch(1000);
  BatchEvaluator threaded(&key, 4);
  absl::StatusOr<std::vector<crypto::Element>> out = threaded.Evaluate(batch);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), batch.size());
  for (size_t i = 0; i < batch.size(); i += 97) {
    std::vector<crypto::Element> one(1);
    ASSERT_TRUE(crypto::BlindEvaluateBatch(key, absl::MakeConstSpan(&batch[i], 1), absl::MakeSpan(one)).ok());
    EXPECT_EQ((*out)[i], one[0]) << "element " << i;
  }
}

TEST(BatchEvaluator, SmallBatchAndSingleThreadAgree) {
  crypto::OprfSecretKey key = crypto::OprfSecretKey::Generate();
  std::vector<crypto::Element> batch = BlindedBatch(300);
  EXPECT_EQ(*BatchEvaluator(&key, 1).Evaluate(batch), *BatchEvaluator(&key, 2).Evaluate(batch));
}

}  // namespace
}  // namespace samenloop::pseudonymiser
