#ifndef SAMENLOOP_BROKER_EDGE_SIGNAL_SERVICE_H_
#define SAMENLOOP_BROKER_EDGE_SIGNAL_SERVICE_H_

// gRPC edge of SignalService and NotificationService: authenticate the
// caller from its certificate, check its role, call the ledger, map the
// status. No domain logic lives here.

#include "broker/notifications/notification_hub.h"
#include "broker/ledger.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::broker {

class SignalServiceImpl final : public v1::SignalService::Service {
 public:
  explicit SignalServiceImpl(Ledger* ledger) : ledger_(ledger) {}

  grpc::Status SubmitSignals(grpc::ServerContext* context, const v1::SubmitSignalsRequest* request,
                             v1::SubmitSignalsResponse* response) override;
  grpc::Status UpdateSignal(grpc::ServerContext* context, const v1::UpdateSignalRequest* request,
                            v1::Signal* response) override;
  grpc::Status CloseSignal(grpc::ServerContext* context, const v1::CloseSignalRequest* request,
                           v1::Signal* response) override;
  grpc::Status ReopenSignal(grpc::ServerContext* context, const v1::ReopenSignalRequest* request,
                            v1::Signal* response) override;
  grpc::Status RevokeSignal(grpc::ServerContext* context, const v1::RevokeSignalRequest* request,
                            v1::Signal* response) override;
  grpc::Status GetSignal(grpc::ServerContext* context, const v1::GetSignalRequest* request,
                         v1::Signal* response) override;
  grpc::Status ListOwnSignals(grpc::ServerContext* context, const v1::ListOwnSignalsRequest* request,
                              v1::ListOwnSignalsResponse* response) override;
  grpc::Status TakeLead(grpc::ServerContext* context, const v1::TakeLeadRequest* request,
                        v1::LeadResponse* response) override;
  grpc::Status HandOverLead(grpc::ServerContext* context, const v1::HandOverLeadRequest* request,
                            v1::LeadResponse* response) override;
  grpc::Status ReleaseLead(grpc::ServerContext* context, const v1::ReleaseLeadRequest* request,
                           v1::LeadResponse* response) override;

 private:
  Ledger* ledger_;
};

class NotificationServiceImpl final : public v1::NotificationService::Service {
 public:
  NotificationServiceImpl(Ledger* ledger, NotificationHub* hub) : ledger_(ledger), hub_(hub) {}

  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::Notification>* writer) override;
  grpc::Status Acknowledge(grpc::ServerContext* context, const v1::AcknowledgeRequest* request,
                           v1::AcknowledgeResponse* response) override;

 private:
  Ledger* ledger_;
  NotificationHub* hub_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_SIGNAL_SERVICE_H_
