// CheckCrlDirectory stands between a mistyped crl_dir and gRPC silently
// accepting every certificate: each way the directory can be unusable must
// stop the server from starting, with the expected file named.

#include "common/crl_directory.h"

#include <unistd.h>

#include <filesystem>

#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "tests/support/dev_pki.h"
#include "tests/support/temp_dir.h"

namespace samenloop {
namespace {

class CrlDirectoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new testing::TempDir();
    other_ = new testing::TempDir();
    ASSERT_TRUE(testing::MakeDevPki(pki_->path(), "--only politie-amsterdam").ok());
    ASSERT_TRUE(testing::MakeDevPki(other_->path(), "--only politie-amsterdam").ok());
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete other_;
  }
  static std::string Ca() { return *ReadFileToString(pki_->Sub("ca/ca.pem")); }
  // The file the servers read: <hash>.r0, the only file dev-pki.sh puts there.
  static std::string PublishedCrl() { return pki_->Sub("crl/") + CrlName(); }
  static std::string CrlName() {
    std::string name;
    for (const auto& entry : std::filesystem::directory_iterator(pki_->Sub("crl"))) {
      name = entry.path().filename().string();
    }
    return name;
  }

  static testing::TempDir* pki_;
  static testing::TempDir* other_;
};
testing::TempDir* CrlDirectoryTest::pki_ = nullptr;
testing::TempDir* CrlDirectoryTest::other_ = nullptr;

TEST_F(CrlDirectoryTest, TheDirectoryDevPkiPublishesIsAccepted) {
  ASSERT_EQ(CrlName().size(), 11u) << "8 hex digits and .r0: " << CrlName();
  EXPECT_TRUE(CheckCrlDirectory(pki_->Sub("crl"), Ca()).ok());
}

TEST_F(CrlDirectoryTest, AMissingDirectoryIsRefused) {
  absl::Status status = CheckCrlDirectory(pki_->Sub("no-such-dir"), Ca());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("not a directory"), absl::string_view::npos) << status;
}

TEST_F(CrlDirectoryTest, ADirectoryWithoutTheCasCrlIsRefusedNamingTheFile) {
  testing::TempDir empty;
  absl::Status status = CheckCrlDirectory(empty.path(), Ca());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("no CRL"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find(CrlName()), absl::string_view::npos) << status;

  // The CA's CRL under any other name is not found by OpenSSL either.
  ASSERT_TRUE(testing::RunCommand("cp " + PublishedCrl() + " " + empty.Sub("crl.pem")).ok());
  EXPECT_FALSE(CheckCrlDirectory(empty.path(), Ca()).ok());
}

TEST_F(CrlDirectoryTest, AnotherCasCrlUnderTheRightNameIsRefused) {
  // Every dev PKI's CA has the same subject, so the other CA's CRL has the
  // right name and issuer name; only its signature gives it away.
  testing::TempDir dir;
  ASSERT_TRUE(testing::RunCommand("cp " + other_->Sub("ca/crl.pem") + " " + dir.Sub(CrlName())).ok());
  absl::Status status = CheckCrlDirectory(dir.path(), Ca());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("signature does not verify"), absl::string_view::npos) << status;
}

TEST_F(CrlDirectoryTest, ACorruptCrlIsRefused) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::RunCommand("echo not-a-crl > " + dir.Sub(CrlName())).ok());
  EXPECT_EQ(CheckCrlDirectory(dir.path(), Ca()).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CrlDirectoryTest, AnExpiredCrlIsRefused) {
  testing::TempDir pki;
  ASSERT_TRUE(testing::MakeDevPki(pki.path(), "--only politie-amsterdam --crl-seconds 1").ok());
  ::sleep(2);
  absl::Status status = CheckCrlDirectory(pki.Sub("crl"), *ReadFileToString(pki.Sub("ca/ca.pem")));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("expired"), absl::string_view::npos) << status;
}

TEST_F(CrlDirectoryTest, EveryCaInTheTrustFileNeedsItsCrl) {
  // During a root rotation ca.pem holds two roots; a missing CRL for either
  // would let its certificates through unchecked. The two dev CAs share a
  // subject, so their CRLs are .r0 and .r1 of one hash, as OpenSSL wants.
  const std::string both = Ca() + *ReadFileToString(other_->Sub("ca/ca.pem"));
  EXPECT_FALSE(CheckCrlDirectory(pki_->Sub("crl"), both).ok());
  testing::TempDir dir;
  const std::string name = CrlName();
  ASSERT_TRUE(testing::RunCommand("cp " + PublishedCrl() + " " + dir.Sub(name) + " && cp " +
                                  other_->Sub("ca/crl.pem") + " " + dir.Sub(name.substr(0, 8) + ".r1"))
                  .ok());
  EXPECT_TRUE(CheckCrlDirectory(dir.path(), both).ok());
}

}  // namespace
}  // namespace samenloop
