#ifndef SAMENLOOP_CLIENT_LEAD_CLIENT_H_
#define SAMENLOOP_CLIENT_LEAD_CLIENT_H_

// LeadClient takes, hands over and releases the lead (regievoerder) for the
// person of one of the organisation's own open signals (docs/api.md "Lead"). The
// organisation is the one of the channel's client certificate.
//
//   LeadClient leads(channel);
//   absl::StatusOr<v1::LeadResponse> taken = leads.TakeLead("sig_6hq...");
//   absl::StatusOr<v1::LeadResponse> passed = leads.HandOverLead("sig_6hq...", "gi-jeugdbescherming");
//   absl::StatusOr<v1::LeadResponse> released = leads.ReleaseLead("sig_6hq...");
//
// Errors are the broker's gRPC status as an absl::Status (same code, the
// message naming the field): FAILED_PRECONDITION while another organisation
// leads, PERMISSION_DENIED when the policy does not let the organisation lead;
// for a handover or a release, FAILED_PRECONDITION when it does not lead.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::client {

class LeadClient {
 public:
  explicit LeadClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline = absl::Seconds(30));

  absl::StatusOr<v1::LeadResponse> TakeLead(const std::string& signal_id);
  absl::StatusOr<v1::LeadResponse> HandOverLead(const std::string& signal_id, const std::string& to_organisation);
  // Gives up the lead; the signal stays open.
  absl::StatusOr<v1::LeadResponse> ReleaseLead(const std::string& signal_id);

 private:
  std::unique_ptr<v1::SignalService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_LEAD_CLIENT_H_
