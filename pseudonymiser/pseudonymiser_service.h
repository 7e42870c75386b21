#ifndef SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_SERVICE_H_
#define SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_SERVICE_H_

// gRPC edge of the pseudonymiser: authenticate the organisation from its
// certificate, validate the batch, evaluate, answer in request order. It
// sees only blinded group elements: never a BSN, never a pseudonym.
// Every element of a batch is validated before anything else is done with
// the batch; then it is charged to the caller's quota and evaluated. A
// spent quota is RESOURCE_EXHAUSTED with the wait in the message and in the
// trailing metadata "retry-after-ms". Refused calls are themselves limited
// per organisation (refusal_limiter.h).

#include "pseudonymiser/batch_evaluator.h"
#include "pseudonymiser/oprf_key_file.h"
#include "common/caller_identity.h"
#include "pseudonymiser/quota_ledger.h"
#include "pseudonymiser/refusal_limiter.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"

namespace samenloop::pseudonymiser {

struct ServiceOptions {
  int max_batch = 10000;
  unsigned threads = 0;  // 0: all cores
  RefusalLimits refusals;  // refused calls allowed per organisation
};

class PseudonymiserServiceImpl final : public v1::Pseudonymiser::Service {
 public:
  // `key` and `quotas` must outlive the service.
  PseudonymiserServiceImpl(const OprfKey* key, QuotaLedger* quotas, ServiceOptions options);

  grpc::Status Evaluate(grpc::ServerContext* context, const v1::EvaluateRequest* request,
                        v1::EvaluateResponse* response) override;
  grpc::Status GetPublicKey(grpc::ServerContext* context, const v1::GetPublicKeyRequest* request,
                            v1::GetPublicKeyResponse* response) override;

  // Calls turned away for too many refusals since start, for metrics.
  uint64_t turned_away() const { return refusals_.turned_away(); }
  // Elements that reached the scalar multiplication since start.
  uint64_t elements_evaluated() const { return evaluator_.elements_evaluated(); }

 private:
  grpc::Status EvaluateFor(const CallerIdentity& caller, grpc::ServerContext* context,
                           const v1::EvaluateRequest& request, v1::EvaluateResponse* response);

  const OprfKey* key_;
  QuotaLedger* quotas_;
  ServiceOptions options_;
  BatchEvaluator evaluator_;
  RefusalLimiter refusals_;
};

}  // namespace samenloop::pseudonymiser

#endif  // SAMENLOOP_PSEUDONYMISER_PSEUDONYMISER_SERVICE_H_
