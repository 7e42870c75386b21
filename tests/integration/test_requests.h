#ifndef SAMENLOOP_TESTS_INTEGRATION_TEST_REQUESTS_H_
#define SAMENLOOP_TESTS_INTEGRATION_TEST_REQUESTS_H_

// Small builders for valid requests, shared by the integration tests that
// call the servers' RPCs directly (authorisation matrix, bad-input battery,
// crash recovery). Pseudonyms are made-up 64-byte values: the broker treats
// them as opaque bytes, so no pseudonymiser round trip is needed.

#include <chrono>
#include <memory>
#include <string>

#include "common/tls_files.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "samenloop/v1/consent.pb.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::testing {

// A deterministic 64-byte pseudonym for person number `n`.
inline v1::Pseudonym TestPseudonym(uint32_t n) {
  std::string value(64, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>((n * 131u + i * 7u + (n >> 8)) & 0xff);
  value[0] = static_cast<char>(n & 0xff);
  value[1] = static_cast<char>((n >> 8) & 0xff);
  value[2] = static_cast<char>((n >> 16) & 0xff);
  v1::Pseudonym p;
  p.set_value(value);
  return p;
}

// A signal every policy in tests accepts (category of the example policy).
inline v1::Signal ValidSignal(uint32_t person) {
  v1::Signal s;
  *s.mutable_subject() = TestPseudonym(person);
  s.set_age_band(v1::AGE_BAND_23_PLUS);
  s.set_category("housing_nuisance");
  s.set_nature(v1::NATURE_CONCERN);
  s.mutable_contact()->set_name("Team Test");
  s.set_local_reference("REF-1");
  return s;
}

// A consent the subject gave, any recipient, on person `person`.
inline v1::ConsentRecord ValidConsent(uint32_t person) {
  v1::ConsentRecord r;
  *r.mutable_subject() = TestPseudonym(person);
  r.set_kind(v1::CONSENT_KIND_CONSENT);
  r.set_given_by(v1::CONSENT_GIVER_SUBJECT);
  return r;
}

inline v1::SubmitSignalsRequest OneItem(const std::string& idempotency_key, const v1::Signal& signal) {
  v1::SubmitSignalsRequest request;
  v1::SubmitSignalItem* item = request.add_items();
  item->set_idempotency_key(idempotency_key);
  *item->mutable_signal() = signal;
  return request;
}

// A client context with a deadline, so no test waits forever on a call.
inline std::unique_ptr<grpc::ClientContext> Deadline(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// An mTLS channel trusting `ca_path` and presenting `cert_path`/`key_path`;
// an empty cert path presents no client certificate at all.
std::shared_ptr<grpc::Channel> ChannelWith(const std::string& address, const std::string& ca_path,
                                           const std::string& cert_path, const std::string& key_path);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_INTEGRATION_TEST_REQUESTS_H_
