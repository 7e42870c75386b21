#ifndef SAMENLOOP_BROKER_EDGE_AUTH_FAILURE_AUDIT_H_
#define SAMENLOOP_BROKER_EDGE_AUTH_FAILURE_AUDIT_H_

// AUTHENTICATION_FAILED events: a call that reached a broker service with a
// client certificate that gives no valid Samenloop identity (UNAUTHENTICATED)
// or a role the service does not allow (PERMISSION_DENIED) is refused, and
// the refusal is audited: the call, the rule it broke, and the organisation
// and role when the certificate names them. A gRPC server interceptor sees
// every call's final status (MakeAuthFailureInterceptor), so no service can
// forget to.
//
// TLS handshake failures (no certificate, another CA, expired) never reach
// the application in gRPC 1.51: they cannot be audited here (docs/audit.md).
//
// Flood guard: a client can fail as fast as it can connect, and each event
// is a synced write. At most `per_minute` failures are logged one by one
// per calendar minute; the rest are counted, and one AUTHENTICATION_FAILED
// event with the count (reason "… further authentication failure(s) …")
// is appended when the next minute's first failure arrives or Flush() is
// called (the broker calls it every minute).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller_identity.h"
#include "samenloop/v1/audit.pb.h"

namespace grpc::experimental {
class ServerInterceptorFactoryInterface;
}

namespace samenloop::broker {

inline constexpr uint32_t kDefaultAuthFailuresPerMinute = 60;

class AuthFailureAuditor {
 public:
  // `record` appends events (Ledger::RecordEvents in the broker).
  using Recorder = std::function<absl::Status(std::vector<v1::AuditEvent>)>;
  AuthFailureAuditor(Recorder record, uint32_t per_minute = kDefaultAuthFailuresPerMinute,
                     std::function<absl::Time()> clock = [] { return absl::Now(); })
      : record_(std::move(record)), per_minute_(per_minute), clock_(std::move(clock)) {}

  // One refused call: `method` as gRPC names it, `identity` when the
  // certificate gave one (a role refusal), `rule` the refusal's message.
  void Refused(absl::string_view method, const absl::StatusOr<CallerIdentity>& identity, absl::string_view rule);
  // Appends the count of a past minute's unlogged failures, if any.
  void Flush();

  uint64_t suppressed_total() const;

 private:
  // The summary event of the current window, if anything was suppressed;
  // resets the window. Called with mutex_ held.
  void CloseWindow(absl::Time now, std::vector<v1::AuditEvent>& out);

  Recorder record_;
  const uint32_t per_minute_;
  std::function<absl::Time()> clock_;
  mutable std::mutex mutex_;
  absl::Time window_start_ = absl::InfinitePast();
  uint32_t logged_in_window_ = 0;
  uint64_t suppressed_in_window_ = 0;
  uint64_t suppressed_total_ = 0;
};

// The interceptor that reports every UNAUTHENTICATED or PERMISSION_DENIED
// call to `auditor` (which must outlive the server).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeAuthFailureInterceptor(
    AuthFailureAuditor* auditor);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_EDGE_AUTH_FAILURE_AUDIT_H_
