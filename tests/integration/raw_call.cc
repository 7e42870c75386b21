// GCC 12 reports -Wnull-dereference inside gRPC's generic-stub templates
// (call_op_set.h) once they are inlined here; the code is gRPC's, so the
// warning is silenced for this file only, before gRPC's headers.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "tests/integration/raw_call.h"

#include <chrono>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace samenloop::testing {

grpc::Status CallRawBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, request, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  if (!queue.Next(&tag, &ok)) status = grpc::Status(grpc::StatusCode::INTERNAL, "completion queue shut down");
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace samenloop::testing
