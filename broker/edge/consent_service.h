#ifndef SAMENLOOP_BROKER_EDGE_CONSENT_SERVICE_H_
#define SAMENLOOP_BROKER_EDGE_CONSENT_SERVICE_H_

// gRPC edge of ConsentService (docs/consent.md): organisation certificates
// only; the registering organisation comes from the certificate.

#include "broker/ledger.h"
#include "samenloop/v1/consent.grpc.pb.h"

namespace samenloop::broker {

class ConsentServiceImpl final : public v1::ConsentService::Service {
 public:
  explicit ConsentServiceImpl(Ledger* ledger) : ledger_(ledger) {}

  grpc::Status RegisterConsent(grpc::ServerContext* context, const v1::RegisterConsentRequest* request,
                               v1::ConsentRecord* response) override;
  grpc::Status WithdrawConsent(grpc::ServerContext* context, const v1::WithdrawConsentRequest* request,
                               v1::ConsentRecord* response) override;
  grpc::Status ListConsents(grpc::ServerContext* context, const v1::ListConsentsRequest* request,
                            v1::ListConsentsResponse* response) override;

 private:
  Ledger* ledger_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_CONSENT_SERVICE_H_
