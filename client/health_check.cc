#include "client/health_check.h"

#include "common/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace samenloop::client {

absl::StatusOr<Serving> CheckServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                                     absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = grpc::health::v1::Health::NewStub(channel)->Check(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return Serving::kUnknownService;
  if (!status.ok()) return FromGrpcStatus(status, service.empty() ? "health check" : service);
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? Serving::kServing
                                                                              : Serving::kNotServing;
}

}  // namespace samenloop::client
