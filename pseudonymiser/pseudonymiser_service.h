#ifndef SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_SERVICE_H_
#define SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_SERVICE_H_

// gRPC edge of the pseudonymiser: authenticate the organisation from its
// certificate, validate the batch, evaluate, answer in request order. It
// sees only blinded group elements: never a BSN, never a pseudonym.
// Every batch is charged to the caller's quota before it is evaluated; a
// refusal is RESOURCE_EXHAUSTED with the wait in the message and in the
// trailing metadata "retry-after-ms".

#include "pseudonymiser/batch_evaluator.h"
#include "pseudonymiser/oprf_key_file.h"
#include "pseudonymiser/quota_ledger.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"

namespace samenloop::pseudonymiser {

struct ServiceOptions {
  int max_batch = 10000;
  unsigned threads = 0;  // 0: all cores
};

class PseudonymiserServiceImpl final : public v1::Pseudonymiser::Service {
 public:
  // `key` and `quotas` must outlive the service.
  PseudonymiserServiceImpl(const OprfKey* key, QuotaLedger* quotas, ServiceOptions options);

  grpc::Status Evaluate(grpc::ServerContext* context, const v1::EvaluateRequest* request,
                        v1::EvaluateResponse* response) override;
  grpc::Status GetPublicKey(grpc::ServerContext* context, const v1::GetPublicKeyRequest* request,
                            v1::GetPublicKeyResponse* response) override;

 private:
  const OprfKey* key_;
  QuotaLedger* quotas_;
  ServiceOptions options_;
  BatchEvaluator evaluator_;
};

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_SERVICE_H_
