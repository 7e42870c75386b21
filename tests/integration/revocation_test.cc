// Revocation against the real servers (docs/pki.md, "Revocation"): a
// certificate revoked while they run is refused in the handshake once the
// CRL is published, without a restart, and connections opened before end at
// the servers' maximum connection age; an expired CRL makes every handshake
// fail until a new one is published; a crl_dir the servers cannot use stops
// them from starting, because gRPC would otherwise accept every certificate
// it finds no CRL for.

#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "tests/integration/dev_stack.h"
#include "tests/integration/test_requests.h"
#include "tests/support/dev_pki.h"

namespace samenloop::testing {
namespace {

using grpc::StatusCode;

// A call on each server over a new connection (so a new handshake) as
// `identity`, which every role may make.
struct Codes {
  StatusCode broker;
  StatusCode pseudonymiser;
};
Codes CallBothAs(const DevStack& stack, const std::string& identity) {
  const std::string dir = stack.pki() + "/" + identity;
  auto channel = [&](const std::string& address) {
    return ChannelWith(address, dir + "/ca.pem", dir + "/cert.pem", dir + "/key.pem");
  };
  v1::ActivePolicy policy;
  grpc::Status broker = v1::PolicyAdminService::NewStub(channel(stack.broker_address()))
                            ->GetActivePolicy(Deadline(5).get(), v1::GetActivePolicyRequest(), &policy);
  v1::GetPublicKeyResponse key;
  grpc::Status pseudonymiser = v1::Pseudonymiser::NewStub(channel(stack.pseudonymiser_address()))
                                   ->GetPublicKey(Deadline(5).get(), v1::GetPublicKeyRequest(), &key);
  return {broker.error_code(), pseudonymiser.error_code()};
}

#define EXPECT_CODES(codes, expected_broker, expected_pseudonymiser, what) \
  do {                                                                   \
    Codes c = (codes);                                                   \
    EXPECT_EQ(c.broker, expected_broker) << "broker: " << (what);        \
    EXPECT_EQ(c.pseudonymiser, expected_pseudonymiser) << "pseudonymiser: " << (what); \
  } while (false)

TEST(RevocationTest, ACertificateRevokedWhileTheServersRunIsRefusedOnceTheCrlIsPublished) {
  DevStack stack;
  const std::string identities = "--identity late-revoked:org:test:Late";
  stack.SetPkiOptions(identities);
  stack.SetCrlDir(stack.pki() + "/crl");
  ASSERT_TRUE(stack.Start().ok());
  EXPECT_CODES(CallBothAs(stack, "late-revoked"), StatusCode::OK, StatusCode::OK, "before revocation");
  // A connection made before the revocation (checked when it is closed).
  const std::string dir = stack.pki() + "/late-revoked";
  auto open_before = v1::PolicyAdminService::NewStub(
      ChannelWith(stack.broker_address(), dir + "/ca.pem", dir + "/cert.pem", dir + "/key.pem"));
  v1::ActivePolicy policy;
  ASSERT_TRUE(open_before->GetActivePolicy(Deadline(5).get(), v1::GetActivePolicyRequest(), &policy).ok());

  // Revoking publishes <hash>.r1 next to the .r0 the servers already loaded.
  ASSERT_TRUE(MakeDevPki(stack.pki(), identities + " --revoke late-revoked").ok());
  EXPECT_CODES(CallBothAs(stack, "late-revoked"), StatusCode::UNAVAILABLE, StatusCode::UNAVAILABLE,
               "after revocation, same servers");
  EXPECT_CODES(CallBothAs(stack, "politie-amsterdam"), StatusCode::OK, StatusCode::OK, "an unrevoked certificate");

  // Revocation is checked in the handshake only: a connection that was
  // already open carries on until it reaches the servers' maximum age (an
  // hour by default; the next test shortens it).
  EXPECT_TRUE(open_before->GetActivePolicy(Deadline(5).get(), v1::GetActivePolicyRequest(), &policy).ok());
}

// With a maximum connection age, a connection opened before the revocation
// is closed by the servers and the client's reconnection fails its
// handshake: revocation reaches every connection within the age plus the
// grace, not only new ones.
TEST(RevocationTest, ConnectionsOpenedBeforeARevocationEndAtTheirMaximumAge) {
  DevStack stack;
  const std::string identities = "--identity late-revoked:org:test:Late";
  stack.SetPkiOptions(identities);
  stack.SetCrlDir(stack.pki() + "/crl");
  stack.SetServerArgs({"--max-connection-age-seconds", "2", "--max-connection-age-grace-seconds", "1"});
  ASSERT_TRUE(stack.Start().ok());
  const std::string dir = stack.pki() + "/late-revoked";
  auto channel = [&](const std::string& address) {
    return ChannelWith(address, dir + "/ca.pem", dir + "/cert.pem", dir + "/key.pem");
  };
  auto broker = v1::PolicyAdminService::NewStub(channel(stack.broker_address()));
  auto pseudonymiser = v1::Pseudonymiser::NewStub(channel(stack.pseudonymiser_address()));
  auto codes = [&] {
    v1::ActivePolicy policy;
    v1::GetPublicKeyResponse key;
    return Codes{broker->GetActivePolicy(Deadline(5).get(), v1::GetActivePolicyRequest(), &policy).error_code(),
                 pseudonymiser->GetPublicKey(Deadline(5).get(), v1::GetPublicKeyRequest(), &key).error_code()};
  };
  EXPECT_CODES(codes(), StatusCode::OK, StatusCode::OK, "before revocation");
  const auto revoked_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(MakeDevPki(stack.pki(), identities + " --revoke late-revoked").ok());
  // The age is 2 s (plus up to 10% jitter) and the grace 1 s: by 6 s the
  // connections opened before are gone, and the reconnections fail.
  std::this_thread::sleep_until(revoked_at + std::chrono::seconds(6));
  EXPECT_CODES(codes(), StatusCode::UNAVAILABLE, StatusCode::UNAVAILABLE, "old connections, after their age");
  EXPECT_CODES(CallBothAs(stack, "politie-amsterdam"), StatusCode::OK, StatusCode::OK, "an unrevoked certificate");
}

// The Unix time at which the CRL `path` expires, as the CRL itself says.
int64_t CrlNextUpdate(const DevStack& stack, const std::string& path) {
  const std::string out = stack.Sub("next-update");
  if (!RunCommand(absl::StrCat("date -u -d \"$(openssl crl -in ", path,
                               " -noout -nextupdate | sed 's/^nextUpdate=//')\" +%s > ", out))
           .ok()) {
    return 0;
  }
  return std::stoll(ReadFileToString(out).value_or("0"));
}

TEST(RevocationTest, AnExpiredCrlFailsEveryHandshakeUntilANewOneIsPublished) {
  DevStack stack;
  stack.SetPkiOptions("--only broker,pseudonymiser,politie-amsterdam --crl-seconds 20");
  stack.SetCrlDir(stack.pki() + "/crl");
  ASSERT_TRUE(stack.Start().ok());
  const int64_t expires = CrlNextUpdate(stack, stack.pki() + "/ca/crl.pem");
  ASSERT_GT(expires, 0);
  auto now = [] { return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()); };
  // On a loaded machine the start can eat the CRL's 20 s; the check that
  // matters is after the expiry.
  if (now() + 2 < expires) {
    EXPECT_CODES(CallBothAs(stack, "politie-amsterdam"), StatusCode::OK, StatusCode::OK, "CRL valid");
  }
  while (now() <= expires) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_CODES(CallBothAs(stack, "politie-amsterdam"), StatusCode::UNAVAILABLE, StatusCode::UNAVAILABLE,
               "CRL expired: OpenSSL fails the check (crl has expired), so no one gets in");

  ASSERT_TRUE(MakeDevPki(stack.pki(), "--only broker,pseudonymiser,politie-amsterdam --crl-days 7").ok());
  EXPECT_CODES(CallBothAs(stack, "politie-amsterdam"), StatusCode::OK, StatusCode::OK,
               "a new CRL published, no restart");
}

// Started by hand (not DevStack) because the point is that they do not start.
TEST(RevocationTest, ServersRefuseToStartWithACrlDirTheyCannotUse) {
  DevStack stack;  // for its PKI and keys
  ASSERT_TRUE(stack.Start().ok());
  const std::string empty = stack.Sub("empty-crl-dir");
  ASSERT_TRUE(RunCommand("mkdir -p " + empty).ok());
  for (const std::string& crl_dir : {empty, stack.Sub("no-such-dir")}) {
    const std::string log = stack.Sub("refused.log");
    const std::string pseudonymiser =
        absl::StrCat("timeout 20 ", BinaryPath("samenloop-pseudonymiser"), " serve --listen 127.0.0.1:0 --tls-dir ",
                     stack.pki(), "/pseudonymiser --key-file ", stack.Sub("oprf.key"), " --state-dir ",
                     stack.Sub("refused-state"), " --metrics-listen '' --crl-dir ", crl_dir, " >", log, " 2>&1");
    EXPECT_FALSE(RunCommand(pseudonymiser).ok()) << crl_dir;
    absl::StatusOr<std::string> said = ReadFileToString(log);
    ASSERT_TRUE(said.ok());
    // The log masks paths that could carry identifiers; the reason stays.
    EXPECT_NE(said->find("crl_dir"), std::string::npos) << *said;
    EXPECT_TRUE(said->find("no CRL") != std::string::npos || said->find("not a directory") != std::string::npos)
        << *said;

    const std::string broker =
        absl::StrCat("timeout 20 ", BinaryPath("samenloop-broker"), " serve --listen 127.0.0.1:0 --tls-dir ",
                     stack.pki(), "/broker --data-dir ", stack.Sub("refused-db"), " --index-secret ",
                     stack.Sub("broker/index.secret"), " --log-key ", stack.Sub("broker/log.key"), " --crl-dir ",
                     crl_dir, " >", log, " 2>&1");
    EXPECT_FALSE(RunCommand(broker).ok()) << crl_dir;
    said = ReadFileToString(log);
    ASSERT_TRUE(said.ok());
    // The log masks paths that could carry identifiers; the reason stays.
    EXPECT_NE(said->find("crl_dir"), std::string::npos) << *said;
    EXPECT_TRUE(said->find("no CRL") != std::string::npos || said->find("not a directory") != std::string::npos)
        << *said;
  }
}

}  // namespace
}  // namespace samenloop::testing
