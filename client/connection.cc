#include "client/connection.h"

#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace samenloop::client {

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& address, const TlsFiles& identity) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = MakeChannelCredentials(identity);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  arguments.SetMaxSendMessageSize(16 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, *credentials, arguments);
}

}  // namespace samenloop::client
