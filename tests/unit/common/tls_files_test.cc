#include "common/tls_files.h"

#include <sys/stat.h>

#include <fstream>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace samenloop {
namespace {

TEST(SecretFilePermissions, OwnerOnlyIsAccepted) {
  testing::TempDir dir;
  std::string path = dir.Sub("secret");
  std::ofstream(path) << "x";
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(CheckSecretFilePermissions(path).ok());
}

TEST(SecretFilePermissions, GroupOrWorldReadableIsRefused) {
  testing::TempDir dir;
  std::string path = dir.Sub("secret");
  std::ofstream(path) << "x";
  for (mode_t mode : {mode_t{0640}, mode_t{0604}, mode_t{0660}}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    absl::Status status = CheckSecretFilePermissions(path);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << mode;
    EXPECT_NE(status.message().find("chmod 600"), absl::string_view::npos);
  }
}

TEST(ReadFileToString, MissingFileNamesThePath) {
  absl::StatusOr<std::string> read = ReadFileToString("/nonexistent/samenloop");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find("/nonexistent/samenloop"), absl::string_view::npos);
}

}  // namespace
}  // namespace samenloop
