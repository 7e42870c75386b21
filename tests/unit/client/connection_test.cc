#include "client/connection.h"

#include "gtest/gtest.h"

namespace samenloop::client {
namespace {

TEST(Connect, MissingIdentityFilesAreReportedByPath) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect("localhost:7443", TlsFilesFromDirectory("/nonexistent/identity"));
  ASSERT_FALSE(channel.ok());
  EXPECT_NE(channel.status().message().find("/nonexistent/identity/key.pem"), absl::string_view::npos)
      << channel.status();
}

}  // namespace
}  // namespace samenloop::client
