#ifndef SAMENLOOP_TESTS_INTEGRATION_HOSTILE_INPUT_H_
#define SAMENLOOP_TESTS_INTEGRATION_HOSTILE_INPUT_H_

// What the hostile-input tests (issue 18: unknown fields, control
// characters, over-long and over-full fields, bad dates, unparsable bodies)
// share: the real servers with the example region policy applied, one
// signal of the organisation matched by another's, stubs for every service,
// a way to send any bytes to any method, and a battery runner that checks
// each refusal names its field, echoes nothing, and changes nothing.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"

namespace samenloop::testing {

inline constexpr char kHostileOrg[] = "politie-amsterdam";
inline constexpr char kHostileOtherOrg[] = "veilig-thuis-amsterdam";
// Never to come back in an error, a log line or a response: a valid-looking BSN.
inline constexpr char kMarker[] = "111222333";

// Hostile text, each carrying the marker: an ESC sequence that clears a
// terminal, a C1 CSI, a newline (a forged log line), a NUL, a bidi override,
// a DEL.
std::vector<std::pair<std::string, std::string>> HostileTexts();
// `length` characters of the marker repeated.
std::string LongText(size_t length);

// A refusal as observed: a call's status or a SubmitSignals item's result.
struct Answer {
  grpc::StatusCode code;
  std::string message;
  std::string echoed;  // SubmitSignalResult.idempotency_key
};
Answer FromStatus(const grpc::Status& status);

struct HostileCase {
  std::string name;
  std::function<Answer()> send;
  grpc::StatusCode code;
  std::string field;      // the message must contain this
  uint64_t audit_events;  // refusal events the broker records
};

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Runs every case; each must be answered with its code, name its field,
  // repeat no marker and no control character, and change nothing (the
  // store, the outboxes, the audit log but for `audit_events`).
  void RunBattery(const std::vector<HostileCase>& cases);

  // Sends `bytes` as the request of `method` ("/samenloop.v1.X/Y") as
  // `identity`, to the broker or the pseudonymiser.
  grpc::Status CallRaw(const std::string& method, const std::string& bytes, const std::string& identity,
                       bool pseudonymiser = false) const;

  Answer SubmitItem(const std::function<void(v1::SubmitSignalItem&)>& spoil) const;
  Answer SubmitSpoiled(const std::function<void(v1::Signal&)>& spoil) const {
    return SubmitItem([&](v1::SubmitSignalItem& item) { spoil(*item.mutable_signal()); });
  }
  Answer Update(const std::function<void(v1::UpdateSignalRequest&)>& fill) const;
  Answer Close(const google::protobuf::Timestamp& closed_at) const;
  Answer Consent(const std::function<void(v1::ConsentRecord&)>& spoil) const;
  Answer Query(const std::function<void(v1::QueryEventsRequest&)>& fill) const;

  struct Observed {
    uint64_t audit_size = 0;
    std::string own_signals, consents;
    size_t outbox = 0, other_outbox = 0;
  };
  Observed Observe() const;

  DevStack stack_;
  std::unique_ptr<v1::SignalService::Stub> signals_;
  std::unique_ptr<v1::NotificationService::Stub> notifications_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
  std::unique_ptr<v1::PolicyAdminService::Stub> policy_;  // privacy officer
  std::unique_ptr<v1::AuditService::Stub> audit_;         // auditor
  std::unique_ptr<v1::Pseudonymiser::Stub> pseudonymiser_;
  std::string own_signal_;
};

google::protobuf::Timestamp Seconds(int64_t seconds);
// Now plus `offset`, as a Timestamp.
google::protobuf::Timestamp FromNow(absl::Duration offset);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_INTEGRATION_HOSTILE_INPUT_H_
