#include "broker/edge/signal_service.h"

#include "absl/strings/str_cat.h"
#include "broker/edge/service_edge.h"
#include "broker/signals/signal_validation.h"

namespace samenloop::broker {

grpc::Status SignalServiceImpl::SubmitSignals(grpc::ServerContext* context,
                                              const v1::SubmitSignalsRequest* request,
                                              v1::SubmitSignalsResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->submission().Submit(*caller, *request), response);
}

grpc::Status SignalServiceImpl::UpdateSignal(grpc::ServerContext* context,
                                             const v1::UpdateSignalRequest* request, v1::Signal* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status valid = ValidateUpdateRequest(*request); !valid.ok()) return ToGrpcStatus(valid);
  return Finish(ledger_->signals().Update(*caller, *request), response);
}

grpc::Status SignalServiceImpl::CloseSignal(grpc::ServerContext* context,
                                            const v1::CloseSignalRequest* request,
                                            v1::Signal* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status valid = ValidateCloseRequest(*request, ledger_->Now()); !valid.ok()) return ToGrpcStatus(valid);
  return Finish(ledger_->signals().Close(*caller, *request), response);
}

grpc::Status SignalServiceImpl::ReopenSignal(grpc::ServerContext* context,
                                             const v1::ReopenSignalRequest* request,
                                             v1::Signal* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->signals().Reopen(*caller, *request), response);
}

grpc::Status SignalServiceImpl::RevokeSignal(grpc::ServerContext* context,
                                             const v1::RevokeSignalRequest* request,
                                             v1::Signal* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status valid = ValidateRevokeRequest(*request); !valid.ok()) return ToGrpcStatus(valid);
  return Finish(ledger_->signals().Revoke(*caller, *request), response);
}

grpc::Status SignalServiceImpl::GetSignal(grpc::ServerContext* context,
                                          const v1::GetSignalRequest* request, v1::Signal* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->signals().Get(*caller, request->signal_id()), response);
}

grpc::Status SignalServiceImpl::ListOwnSignals(grpc::ServerContext* context,
                                               const v1::ListOwnSignalsRequest* request,
                                               v1::ListOwnSignalsResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status valid = ValidateListOwnRequest(*request); !valid.ok()) return ToGrpcStatus(valid);
  return Finish(ledger_->signals().ListOwn(*caller, *request), response);
}

grpc::Status SignalServiceImpl::TakeLead(grpc::ServerContext* context, const v1::TakeLeadRequest* request,
                                         v1::LeadResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->leads().Take(*caller, *request), response);
}

grpc::Status SignalServiceImpl::HandOverLead(grpc::ServerContext* context, const v1::HandOverLeadRequest* request,
                                             v1::LeadResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->leads().HandOver(*caller, *request), response);
}

grpc::Status SignalServiceImpl::ReleaseLead(grpc::ServerContext* context, const v1::ReleaseLeadRequest* request,
                                            v1::LeadResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Finish(ledger_->leads().Release(*caller, *request), response);
}

grpc::Status NotificationServiceImpl::Subscribe(grpc::ServerContext* context,
                                                const v1::SubscribeRequest* request,
                                                grpc::ServerWriter<v1::Notification>* writer) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const std::string& recipient = caller->organisation_id;
  uint64_t cursor = request->resume_from_acknowledged() ? ledger_->outbox().AcknowledgedCursor(recipient)
                                                        : request->after_cursor();
  // A cursor past the head was never issued (or the broker was restored
  // from an older backup): refusing says so, where starting at the head
  // would silently skip what is written next.
  if (const uint64_t head = ledger_->outbox().OutboxHead(recipient); cursor > head) {
    return grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                        absl::StrCat("after_cursor: beyond the last notification of your outbox (", head, ")"));
  }
  // A page is one burst: its deliveries are audited in one synced write, so
  // a large page keeps a backlog cheap (one sync per 1024), at the price of
  // more deliveries logged as released when a stream breaks mid-page.
  constexpr size_t kPage = 1024;
  while (!context->IsCancelled()) {
    // Read the version before the outbox: a commit between the two makes
    // the wait below return at once instead of being missed.
    const uint64_t version = hub_->Version(recipient);
    uint64_t next = cursor;
    // On the record before it leaves the broker, and checked once more
    // against revocation and retention (notifications/outbox.cc).
    absl::StatusOr<std::vector<v1::Notification>> page = ledger_->outbox().ReleaseOutbox(recipient, cursor, kPage, &next);
    if (!page.ok()) return ToGrpcStatus(page.status());
    for (const v1::Notification& notification : *page) {
      if (!writer->Write(notification)) return grpc::Status::OK;  // client went away
    }
    const bool full_page = next - cursor >= kPage || (next != cursor && page->size() == kPage);
    cursor = next;
    if (full_page) continue;
    if (request->stop_when_drained()) return grpc::Status::OK;
    while (!hub_->WaitForChange(recipient, version, absl::Seconds(1))) {
      if (context->IsCancelled()) return grpc::Status::OK;
      if (hub_->IsShutDown()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "broker is shutting down");
    }
  }
  return grpc::Status::OK;
}

grpc::Status NotificationServiceImpl::Acknowledge(grpc::ServerContext* context,
                                                  const v1::AcknowledgeRequest* request,
                                                  v1::AcknowledgeResponse* response) {
  absl::StatusOr<CallerIdentity> caller = AdmitOrg(*context, *request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<uint64_t> cursor = ledger_->outbox().Acknowledge(*caller, request->cursor());
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  response->set_acknowledged_cursor(*cursor);
  return grpc::Status::OK;
}

}  // namespace samenloop::broker
