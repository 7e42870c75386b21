#include "common/unparsable_request.h"

namespace samenloop {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Unary and server-streaming calls read exactly one request; for them a
// received message that is missing after the read means it did not parse.
// (Client and bidi streams also end with a "missing" message: the end of the
// stream, so they are left alone.)
class UnparsableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      unparsable_ = true;
    }
    if (unparsable_ && methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        methods->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
      methods->ModifySendStatus(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "request: does not parse as this method's request message (malformed protobuf, a string field that is "
          "not valid UTF-8, or a message of another type); nothing was read"));
    }
    methods->Proceed();
  }

 private:
  bool unparsable_ = false;
};

class UnparsableRequestInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    const auto type = info->type();
    if (type != grpc::experimental::ServerRpcInfo::Type::UNARY &&
        type != grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING) {
      return nullptr;
    }
    return new UnparsableRequestInterceptor();
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeUnparsableRequestInterceptor() {
  return std::make_unique<UnparsableRequestInterceptorFactory>();
}

}  // namespace samenloop
