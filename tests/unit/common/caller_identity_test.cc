#include "common/caller_identity.h"

#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "tests/support/dev_pki.h"
#include "tests/support/temp_dir.h"

namespace samenloop {
namespace {

class CallerIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ASSERT_TRUE(testing::MakeDevPki(dir_->Sub("pki"), "--only politie-amsterdam,auditor").ok());
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Cert(const std::string& name) {
    return *ReadFileToString(dir_->Sub("pki/" + name + "/cert.pem"));
  }
  static testing::TempDir* dir_;
};
testing::TempDir* CallerIdentityTest::dir_ = nullptr;

TEST_F(CallerIdentityTest, ReadsOrganisationRoleAndKindFromSanUris) {
  absl::StatusOr<CallerIdentity> identity = IdentityFromCertificatePem(Cert("politie-amsterdam"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->organisation_id, "politie-amsterdam");
  EXPECT_EQ(identity->role, Role::kOrg);
  EXPECT_EQ(identity->organisation_kind, "police");
}

TEST_F(CallerIdentityTest, ReadsAuditorRole) {
  absl::StatusOr<CallerIdentity> identity = IdentityFromCertificatePem(Cert("auditor"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->role, Role::kAuditor);
}

TEST_F(CallerIdentityTest, CertificateWithoutSamenloopUrisIsRefused) {
  // The CA certificate has no samenloop:// URIs at all.
  absl::StatusOr<CallerIdentity> identity =
      IdentityFromCertificatePem(*ReadFileToString(dir_->Sub("pki/ca/ca.pem")));
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(CallerIdentityTest, GarbageIsRefused) {
  EXPECT_EQ(IdentityFromCertificatePem("not a certificate").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(OrganisationId, Syntax) {
  EXPECT_TRUE(IsValidOrganisationId("politie-amsterdam"));
  EXPECT_TRUE(IsValidOrganisationId("ggz2"));
  EXPECT_FALSE(IsValidOrganisationId(""));
  EXPECT_FALSE(IsValidOrganisationId("2ggz"));
  EXPECT_FALSE(IsValidOrganisationId("Politie"));
  EXPECT_FALSE(IsValidOrganisationId("a/b"));
  EXPECT_FALSE(IsValidOrganisationId(std::string(65, 'a')));
}

}  // namespace
}  // namespace samenloop
