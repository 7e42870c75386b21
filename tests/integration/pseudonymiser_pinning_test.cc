// An organisation in a VOPRF deployment pins the pseudonymiser's published
// key in the CLI (--pseudonymiser-key or SAMENLOOP_PSEUDONYMISER_KEY, hex
// or a file) and refuses a pseudonymiser that announces another key: the
// real CLI against a real VOPRF pseudonymiser.

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "tests/integration/dev_stack.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

// Exit status of a shell command (-1 if it did not exit normally).
int ExitStatus(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class PseudonymiserPinningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stack_.SetOprfMode("voprf");
    ASSERT_TRUE(stack_.Start().ok());
    ASSERT_TRUE(RunCommand(absl::StrCat(BinaryPath("samenloop-pseudonymiser"), " public-key --key-file ",
                                        stack_.Sub("oprf.key"), " > ", stack_.Sub("published.pub")))
                    .ok());
    ASSERT_TRUE(RunCommand(absl::StrCat(BinaryPath("samenloop-pseudonymiser"), " keygen --mode voprf --out ",
                                        stack_.Sub("other.key"), " > /dev/null && ",
                                        BinaryPath("samenloop-pseudonymiser"), " public-key --key-file ",
                                        stack_.Sub("other.key"), " > ", stack_.Sub("other.pub")))
                    .ok());
    published_ = std::string(absl::StripAsciiWhitespace(ReadFileToString(stack_.Sub("published.pub")).value()));
    other_ = std::string(absl::StripAsciiWhitespace(ReadFileToString(stack_.Sub("other.pub")).value()));
    ASSERT_EQ(published_.size(), 64u);
  }

  // Runs `samenloop [env] ... pseudonymise` as politie-amsterdam.
  int Pseudonymise(const std::string& env, const std::string& options) {
    return ExitStatus(absl::StrCat(env, " ", stack_.CliAs("politie-amsterdam"), options,
                                   " pseudonymise --bsn 111222333 > ", Output(), " 2>&1"));
  }
  std::string Output() const { return stack_.Sub("cli.out"); }
  std::string LastOutput() const { return ReadFileToString(Output()).value_or(""); }

  DevStack stack_;
  std::string published_, other_;
};

TEST_F(PseudonymiserPinningTest, ThePublishedKeyIsAcceptedByOptionEnvironmentOrFile) {
  EXPECT_EQ(Pseudonymise("", "--pseudonymiser-key " + published_), 0) << LastOutput();
  EXPECT_NE(LastOutput().find("1 BSN(s) pseudonymised"), std::string::npos) << LastOutput();
  EXPECT_EQ(Pseudonymise("SAMENLOOP_PSEUDONYMISER_KEY=" + published_, ""), 0) << LastOutput();
  EXPECT_EQ(Pseudonymise("", "--pseudonymiser-key " + stack_.Sub("published.pub")), 0) << LastOutput();
}

TEST_F(PseudonymiserPinningTest, APseudonymiserAnnouncingAnotherKeyIsRefused) {
  EXPECT_EQ(Pseudonymise("", "--pseudonymiser-key " + other_), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("the announced key is not the pinned published key"), std::string::npos)
      << LastOutput();
  EXPECT_EQ(Pseudonymise("SAMENLOOP_PSEUDONYMISER_KEY=" + stack_.Sub("other.pub"), ""), 1) << LastOutput();
  EXPECT_NE(LastOutput().find("FAILED_PRECONDITION"), std::string::npos) << LastOutput();
  // The option wins over the environment.
  EXPECT_EQ(Pseudonymise("SAMENLOOP_PSEUDONYMISER_KEY=" + published_, "--pseudonymiser-key " + other_), 1);
  // Submitting pseudonymises too: refused the same way, before the broker.
  EXPECT_EQ(ExitStatus(absl::StrCat(stack_.CliAs("politie-amsterdam"), "--pseudonymiser-key ", other_,
                                    " submit --bsn 111222333 --age-band 23_plus --category housing_nuisance "
                                    "--nature fact --severity elevated --contact-name X --contact-phone 0900 "
                                    "--local-ref PIN-1 > ",
                                    Output(), " 2>&1")),
            1);
  EXPECT_NE(LastOutput().find("not the pinned published key"), std::string::npos) << LastOutput();
}

TEST_F(PseudonymiserPinningTest, AMalformedPinIsAnError) {
  EXPECT_EQ(Pseudonymise("", "--pseudonymiser-key " + std::string(64, 'z')), 1);
  EXPECT_NE(LastOutput().find("pseudonymiser key: must be 64 hex digits"), std::string::npos) << LastOutput();
  EXPECT_EQ(Pseudonymise("", "--pseudonymiser-key " + stack_.Sub("no-such-file")), 1);
  EXPECT_NE(LastOutput().find("neither 64 hex digits nor a readable file"), std::string::npos) << LastOutput();
  // 64 hex digits that are no ristretto255 element (bit 255 set).
  EXPECT_EQ(Pseudonymise("", "--pseudonymiser-key " + std::string(63, '0') + "f"), 1);
  EXPECT_NE(LastOutput().find("not a valid ristretto255 public key"), std::string::npos) << LastOutput();
}

}  // namespace
}  // namespace samenloop::testing
