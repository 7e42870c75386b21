#include "common/server_builder.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/unparsable_request.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/server_interceptor.h"

namespace samenloop {

absl::StatusOr<RunningServer> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  RunningServer running;
  builder.AddListeningPort(options.listen_address, *credentials, &running.port);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  if (options.max_connection_age_seconds > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, options.max_connection_age_seconds * 1000);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, options.max_connection_age_grace_seconds * 1000);
  }
  for (grpc::Service* service : services) builder.RegisterService(service);
  // First, so that every later interceptor (metrics, audit) sees the
  // INVALID_ARGUMENT an unparsable request is answered with.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> chain;
  chain.reserve(interceptors.size() + 2);
  chain.push_back(MakeUnparsableRequestInterceptor());
  for (auto& interceptor : interceptors) chain.push_back(std::move(interceptor));
  if (options.rpc_metrics != nullptr) chain.push_back(options.rpc_metrics->InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(chain));
  running.server = builder.BuildAndStart();
  if (running.server == nullptr || running.port == 0) {
    return absl::UnavailableError(
        absl::StrCat("could not listen on ", options.listen_address));
  }
  if (options.readiness != nullptr) {
    options.readiness->AttachHealthService(running.server->GetHealthCheckService(),
                                           options.health_service_names);
  }
  return running;
}

}  // namespace samenloop
