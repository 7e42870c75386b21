#ifndef SAMENLOOP_CLIENT_PSEUDONYMISER_CLIENT_H_
#define SAMENLOOP_CLIENT_PSEUDONYMISER_CLIENT_H_

// PseudonymiserClient turns BSNs into pseudonyms inside the organisation's
// process. Each BSN is validated (9 digits, 11-check) before any network
// call, encoded with the fixed versioned input encoding
// (docs/pseudonym-encoding.md), blinded, sent as one batch to the
// pseudonymiser, and finalized here. Only blinded elements leave the process.
//
//   PseudonymiserClient client(channel);
//   absl::StatusOr<std::vector<v1::Pseudonym>> p = client.Pseudonymise(bsns);
//
// In a VOPRF deployment the client checks the batch's DLEQ proof against the
// pseudonymiser's public key, pinned in the options (recommended) or as
// announced by the server. An optional in-memory cache saves repeated
// evaluations of the same BSN within this process.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/oprf_rfc9497.h"
#include "grpcpp/channel.h"
#include "samenloop/v1/common.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"

namespace samenloop::client {

struct PseudonymiserClientOptions {
  // The published public key. When set, GetPublicKey must announce exactly
  // this key and VOPRF mode (an OPRF answer carries no proof, so a pinned
  // key would check nothing), or every call fails with FAILED_PRECONDITION.
  std::optional<crypto::Element> pinned_public_key;
  // Pseudonyms kept in memory (0: no cache). Oldest entries leave first.
  size_t cache_capacity = 0;
  absl::Duration deadline = absl::Seconds(60);
};

class PseudonymiserClient {
 public:
  explicit PseudonymiserClient(std::shared_ptr<grpc::Channel> channel, PseudonymiserClientOptions options = {});

  // Pseudonyms in input order. INVALID_ARGUMENT names the first bad BSN by
  // its position ("bsns[2]: fails the 11-check"), never by its digits. A
  // spent quota is RESOURCE_EXHAUSTED; RetryAfter() tells how long to wait.
  absl::StatusOr<std::vector<v1::Pseudonym>> Pseudonymise(absl::Span<const std::string> bsns);

  size_t cache_hits() const { return cache_hits_; }

 private:
  struct KeyInfo {
    uint32_t epoch = 0;
    crypto::OprfMode mode = crypto::OprfMode::kOprf;
    crypto::Element public_key{};
  };
  absl::Status LoadKeyInfo();
  absl::StatusOr<std::vector<v1::Pseudonym>> Evaluate(absl::Span<const std::string> bsns);
  void Remember(const std::string& cache_key, const v1::Pseudonym& pseudonym);

  std::unique_ptr<v1::Pseudonymiser::Stub> stub_;
  PseudonymiserClientOptions options_;
  std::optional<KeyInfo> key_info_;
  // Keyed by a SHA-256 of the encoded input, never by the BSN itself.
  std::unordered_map<std::string, v1::Pseudonym> cache_;
  std::deque<std::string> cache_order_;
  size_t cache_hits_ = 0;
};

// A public key to pin, as the operator hands it out (`samenloop-pseudonymiser
// public-key`): 64 hex digits, or the path of a file holding them. It must
// be a valid ristretto255 element.
absl::StatusOr<crypto::Element> ParsePseudonymiserPublicKey(const std::string& hex_or_path);

// The wait a RESOURCE_EXHAUSTED status from Pseudonymise asks for, if any.
std::optional<absl::Duration> RetryAfter(const absl::Status& status);

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_PSEUDONYMISER_CLIENT_H_
