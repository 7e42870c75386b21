#include "client/lead_client.h"

#include <chrono>

#include "grpcpp/client_context.h"

namespace samenloop::client {
namespace {

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

void SetDeadline(grpc::ClientContext& context, absl::Duration deadline) {
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(deadline));
}

}  // namespace

LeadClient::LeadClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(v1::SignalService::NewStub(std::move(channel))), deadline_(deadline) {}

absl::StatusOr<v1::LeadResponse> LeadClient::TakeLead(const std::string& signal_id) {
  v1::TakeLeadRequest request;
  request.set_signal_id(signal_id);
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  v1::LeadResponse response;
  if (grpc::Status status = stub_->TakeLead(&context, request, &response); !status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::LeadResponse> LeadClient::HandOverLead(const std::string& signal_id,
                                                          const std::string& to_organisation) {
  v1::HandOverLeadRequest request;
  request.set_signal_id(signal_id);
  request.set_to_organisation(to_organisation);
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  v1::LeadResponse response;
  if (grpc::Status status = stub_->HandOverLead(&context, request, &response); !status.ok()) return FromGrpc(status);
  return response;
}

absl::StatusOr<v1::LeadResponse> LeadClient::ReleaseLead(const std::string& signal_id) {
  v1::ReleaseLeadRequest request;
  request.set_signal_id(signal_id);
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  v1::LeadResponse response;
  if (grpc::Status status = stub_->ReleaseLead(&context, request, &response); !status.ok()) return FromGrpc(status);
  return response;
}

}  // namespace samenloop::client
