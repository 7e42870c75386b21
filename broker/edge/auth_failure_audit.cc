#include "broker/edge/auth_failure_audit.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "audit/events.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"
#include "spdlog/spdlog.h"

namespace samenloop::broker {
namespace {

// "/samenloop.v1.AuditService/QueryEvents" -> "AuditService/QueryEvents".
std::string ShortMethod(absl::string_view method) {
  absl::ConsumePrefix(&method, "/");
  absl::ConsumePrefix(&method, "samenloop.v1.");
  return std::string(method.substr(0, 120));
}

absl::Time MinuteOf(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t) / 60 * 60); }

}  // namespace

void AuthFailureAuditor::Refused(absl::string_view method, const absl::StatusOr<CallerIdentity>& identity,
                                 absl::string_view rule) {
  const absl::Time now = clock_();
  std::vector<v1::AuditEvent> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (MinuteOf(now) != window_start_) {
      CloseWindow(now, events);
      window_start_ = MinuteOf(now);
    }
    if (logged_in_window_ >= per_minute_) {
      ++suppressed_in_window_;
      ++suppressed_total_;
    } else {
      ++logged_in_window_;
      // Who, when the certificate says; else nobody the broker can name.
      const CallerIdentity actor = identity.ok() ? *identity : CallerIdentity{"", Role::kOrg, ""};
      v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED, actor, now);
      if (!identity.ok()) event.clear_actor_role();
      // The rule's text only: refusal messages name the rule, never a value.
      event.set_reason(absl::StrCat(ShortMethod(method), ": ", rule.substr(0, 300)));
      events.push_back(std::move(event));
    }
  }
  if (events.empty()) return;
  if (absl::Status recorded = record_(std::move(events)); !recorded.ok()) {
    spdlog::error("could not audit an authentication failure: {}", recorded.ToString());
  }
}

void AuthFailureAuditor::Flush() {
  const absl::Time now = clock_();
  std::vector<v1::AuditEvent> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (MinuteOf(now) == window_start_) return;  // the minute is not over
    CloseWindow(now, events);
    window_start_ = MinuteOf(now);
  }
  if (events.empty()) return;
  if (absl::Status recorded = record_(std::move(events)); !recorded.ok()) {
    spdlog::error("could not audit suppressed authentication failures: {}", recorded.ToString());
  }
}

uint64_t AuthFailureAuditor::suppressed_total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return suppressed_total_;
}

void AuthFailureAuditor::CloseWindow(absl::Time now, std::vector<v1::AuditEvent>& out) {
  if (suppressed_in_window_ > 0) {
    v1::AuditEvent summary = BaseEvent(v1::AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED,
                                       CallerIdentity{"broker", Role::kOperator, ""}, now);
    summary.set_reason(absl::StrCat(suppressed_in_window_, " further authentication failure(s) in the minute from ",
                                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", window_start_, absl::UTCTimeZone()),
                                    ", over the limit of ", per_minute_, " logged one by one"));
    out.push_back(std::move(summary));
    spdlog::warn("{} authentication failures over the per-minute audit limit", suppressed_in_window_);
  }
  logged_in_window_ = 0;
  suppressed_in_window_ = 0;
}

namespace {

class AuthFailureInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuthFailureInterceptor(grpc::experimental::ServerRpcInfo* info, AuthFailureAuditor* auditor)
      : info_(info), auditor_(auditor) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      // The services answer these two codes for identity and role only.
      if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
          status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
        absl::StatusOr<CallerIdentity> identity = absl::UnauthenticatedError("no call context");
        if (grpc::ServerContextBase* context = info_->server_context(); context != nullptr) {
          identity = IdentityFromAuthContext(context->auth_context().get());
        }
        auditor_->Refused(info_->method() != nullptr ? info_->method() : "", identity, status.error_message());
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  AuthFailureAuditor* auditor_;
};

class AuthFailureInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuthFailureInterceptorFactory(AuthFailureAuditor* auditor) : auditor_(auditor) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new AuthFailureInterceptor(info, auditor_);
  }

 private:
  AuthFailureAuditor* auditor_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeAuthFailureInterceptor(
    AuthFailureAuditor* auditor) {
  return std::make_unique<AuthFailureInterceptorFactory>(auditor);
}

}  // namespace samenloop::broker
