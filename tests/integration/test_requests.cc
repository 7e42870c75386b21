#include "tests/integration/test_requests.h"

#include "gtest/gtest.h"

namespace samenloop::testing {

std::shared_ptr<grpc::Channel> ChannelWith(const std::string& address, const std::string& ca_path,
                                           const std::string& cert_path, const std::string& key_path) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFileToString(ca_path).value_or("");
  if (!cert_path.empty()) {
    options.pem_cert_chain = ReadFileToString(cert_path).value_or("");
    options.pem_private_key = ReadFileToString(key_path).value_or("");
  }
  EXPECT_FALSE(options.pem_root_certs.empty()) << ca_path;
  // A fresh channel per identity: no connection is shared between them.
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
}

}  // namespace samenloop::testing
