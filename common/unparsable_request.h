#ifndef SAMENLOOP_COMMON_UNPARSABLE_REQUEST_H_
#define SAMENLOOP_COMMON_UNPARSABLE_REQUEST_H_

// gRPC answers a request body that does not parse as the method's request
// message (garbage bytes, a message of another type, invalid UTF-8 in a
// string field) with INTERNAL and before any service code runs. It is the
// client's error, so both servers answer INVALID_ARGUMENT instead
// (docs/security.md "Hostile input"): this interceptor, which StartServer
// installs first, rewrites the status of exactly those calls.

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace samenloop {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeUnparsableRequestInterceptor();

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_UNPARSABLE_REQUEST_H_
