#ifndef SAMENLOOP_TESTS_INTEGRATION_EVERY_RPC_REQUESTS_H_
#define SAMENLOOP_TESTS_INTEGRATION_EVERY_RPC_REQUESTS_H_

// One valid request for every RPC of both servers, with every message field
// set, and who sends it: what the unknown-field and unparsable-body tests
// spoil. AllMethods() lists every method the services' descriptors declare,
// so an RPC added without a request here fails those tests.

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/message.h"

namespace samenloop::testing {

struct RpcRequest {
  std::string method;    // "/samenloop.v1.SignalService/GetSignal"
  std::string identity;  // the dev PKI identity allowed to call it
  bool pseudonymiser = false;
  std::shared_ptr<google::protobuf::Message> request;
};

// `own_signal` is a signal id of the identity "politie-amsterdam".
std::vector<RpcRequest> EveryRpcRequest(const std::string& own_signal);

// Every method of the six services, as "/package.Service/Method".
std::vector<std::string> AllMethods();

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_INTEGRATION_EVERY_RPC_REQUESTS_H_
