#ifndef SAMENLOOP_TESTS_INTEGRATION_RAW_CALL_H_
#define SAMENLOOP_TESTS_INTEGRATION_RAW_CALL_H_

// Sends any bytes as the request of any unary (or server-streaming) method,
// the way a client in another language or a broken one could: for the
// unknown-field and unparsable-body tests.

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace samenloop::testing {

// `method` is "/package.Service/Method". Waits at most 30 s.
grpc::Status CallRawBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& bytes);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_INTEGRATION_RAW_CALL_H_
