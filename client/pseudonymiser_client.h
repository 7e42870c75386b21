#ifndef SAMENLOOP_CLIENT_PSEUDONYMISER_CLIENT_H_
#define SAMENLOOP_CLIENT_PSEUDONYMISER_CLIENT_H_

// PseudonymiserClient turns BSNs into pseudonyms inside the organisation's
// process. Each BSN is validated (9 digits, 11-check) before any network
// call, encoded with the fixed versioned input encoding
// (docs/pseudonym-encoding.md), blinded, sent as one batch to the
// pseudonymiser, and finalized here. Only blinded elements leave the process.
//
//   auto client = PseudonymiserClient(channel);
//   absl::StatusOr<std::vector<v1::Pseudonym>> p = client.Pseudonymise({"111222333"});

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "grpcpp/channel.h"
#include "samenloop/v1/common.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"

namespace samenloop::client {

class PseudonymiserClient {
 public:
  explicit PseudonymiserClient(std::shared_ptr<grpc::Channel> channel);

  // Pseudonyms in input order. INVALID_ARGUMENT names the first bad BSN by
  // its position ("bsns[2]: fails the 11-check"), never by its digits.
  absl::StatusOr<std::vector<v1::Pseudonym>> Pseudonymise(absl::Span<const std::string> bsns);

 private:
  absl::Status LoadKeyInfo();

  std::unique_ptr<v1::Pseudonymiser::Stub> stub_;
  bool have_key_info_ = false;
  uint32_t key_epoch_ = 0;
};

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_PSEUDONYMISER_CLIENT_H_
