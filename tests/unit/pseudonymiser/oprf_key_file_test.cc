#include "pseudonymiser/oprf_key_file.h"

#include <sys/stat.h>

#include <fstream>

#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace samenloop::pseudonymiser {
namespace {

TEST(OprfKeyFile, GeneratedFileIsOwnerOnlyAndLoads) {
  testing::TempDir dir;
  std::string path = dir.Sub("oprf.key");
  ASSERT_TRUE(GenerateKeyFile(path, crypto::OprfMode::kOprf, 3).ok());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  absl::StatusOr<OprfKey> key = LoadKeyFile(path);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->epoch, 3u);
  EXPECT_EQ(key->mode, crypto::OprfMode::kOprf);
  EXPECT_TRUE(crypto::IsValidElement(key->public_key));
}

TEST(OprfKeyFile, NeverOverwritesAnExistingKey) {
  testing::TempDir dir;
  std::string path = dir.Sub("oprf.key");
  ASSERT_TRUE(GenerateKeyFile(path, crypto::OprfMode::kOprf, 0).ok());
  std::string before = *ReadFileToString(path);
  EXPECT_FALSE(GenerateKeyFile(path, crypto::OprfMode::kOprf, 0).ok());
  EXPECT_EQ(*ReadFileToString(path), before);
}

TEST(OprfKeyFile, ReadableByOthersIsRefused) {
  testing::TempDir dir;
  std::string path = dir.Sub("oprf.key");
  ASSERT_TRUE(GenerateKeyFile(path, crypto::OprfMode::kOprf, 0).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  absl::StatusOr<OprfKey> key = LoadKeyFile(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OprfKeyFile, MalformedFilesNameTheLine) {
  testing::TempDir dir;
  std::string path = dir.Sub("oprf.key");
  std::ofstream(path) << "suite: ristretto255-SHA512\nmode: oprf\nsecret: 12zz\n";
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  absl::StatusOr<OprfKey> key = LoadKeyFile(path);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find(":3: secret: must be 64 hex digits"), absl::string_view::npos)
      << key.status();
  // The zero scalar is not a key.
  std::ofstream(path, std::ios::trunc) << "mode: oprf\nsecret: " << std::string(64, '0') << "\n";
  EXPECT_FALSE(LoadKeyFile(path).ok());
}

}  // namespace
}  // namespace samenloop::pseudonymiser
