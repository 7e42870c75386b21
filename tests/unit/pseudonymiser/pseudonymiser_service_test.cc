// The pseudonymiser as a real gRPC server over loopback mTLS, driven by the
// SDK's PseudonymiserClient.

#include "pseudonymiser/pseudonymiser_service.h"

#include "client/connection.h"
#include "client/pseudonymiser_client.h"
#include "common/server_builder.h"
#include "gtest/gtest.h"
#include "tests/support/dev_pki.h"
#include "tests/support/temp_dir.h"

namespace samenloop::pseudonymiser {
namespace {

class PseudonymiserServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ASSERT_TRUE(testing::MakeDevPki(dir_->Sub("pki"), "--only pseudonymiser,politie-amsterdam,ggz-inforsa,auditor").ok());
    ASSERT_TRUE(GenerateKeyFile(dir_->Sub("oprf.key"), crypto::OprfMode::kOprf, 0).ok());
    ASSERT_TRUE(GenerateKeyFile(dir_->Sub("voprf.key"), crypto::OprfMode::kVoprf, 0).ok());
  }

  // Restarts the server with another key file (e.g. a VOPRF key).
  void RestartWithKey(const std::string& key_file) {
    running_.server->Shutdown();
    absl::StatusOr<OprfKey> key = LoadKeyFile(dir_->Sub(key_file));
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = std::make_unique<OprfKey>(*std::move(key));
    service_ = std::make_unique<PseudonymiserServiceImpl>(key_.get(), quotas_.get(), ServiceOptions{});
    ServerOptions server;
    server.tls = TlsFilesFromDirectory(dir_->Sub("pki/pseudonymiser"));
    absl::StatusOr<RunningServer> running = StartServer(server, {service_.get()});
    ASSERT_TRUE(running.ok()) << running.status();
    running_ = *std::move(running);
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    absl::StatusOr<OprfKey> key = LoadKeyFile(dir_->Sub("oprf.key"));
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = std::make_unique<OprfKey>(*std::move(key));
    QuotaConfig quota_config;
    quota_config.organisations["ggz-inforsa"] = QuotaLimits{1, 5, 8};  // tight, for the quota test
    absl::StatusOr<std::unique_ptr<QuotaLedger>> quotas = QuotaLedger::Open(state_.Sub("quota"), quota_config);
    ASSERT_TRUE(quotas.ok()) << quotas.status();
    quotas_ = *std::move(quotas);
    ServiceOptions options;
    options.max_batch = 100;
    Serve(options);
  }
  void TearDown() override { running_.server->Shutdown(); }

  // Starts the service with `options` on a fresh port.
  void Serve(const ServiceOptions& options) {
    service_ = std::make_unique<PseudonymiserServiceImpl>(key_.get(), quotas_.get(), options);
    ServerOptions server;
    server.tls = TlsFilesFromDirectory(dir_->Sub("pki/pseudonymiser"));
    absl::StatusOr<RunningServer> running = StartServer(server, {service_.get()});
    ASSERT_TRUE(running.ok()) << running.status();
    running_ = *std::move(running);
  }

  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& identity) {
    return *client::Connect(absl::StrCat("localhost:", running_.port),
                            TlsFilesFromDirectory(dir_->Sub("pki/" + identity)));
  }

  grpc::Status Evaluate(const v1::EvaluateRequest& request, v1::EvaluateResponse* response,
                        const std::string& identity = "politie-amsterdam") {
    grpc::ClientContext context;
    return v1::Pseudonymiser::NewStub(ChannelAs(identity))->Evaluate(&context, request, response);
  }

  static testing::TempDir* dir_;
  testing::TempDir state_;
  std::unique_ptr<OprfKey> key_;
  std::unique_ptr<QuotaLedger> quotas_;
  std::unique_ptr<PseudonymiserServiceImpl> service_;
  RunningServer running_;
};
testing::TempDir* PseudonymiserServiceTest::dir_ = nullptr;

TEST_F(PseudonymiserServiceTest, SamePersonSamePseudonymAcrossOrganisations) {
  client::PseudonymiserClient police(ChannelAs("politie-amsterdam"));
  client::PseudonymiserClient ggz(ChannelAs("ggz-inforsa"));
  std::vector<std::string> bsns = {"111222333", "123456782"};
  auto a = police.Pseudonymise(bsns);
  auto b = ggz.Pseudonymise(bsns);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].value(), (*b)[0].value());
  EXPECT_EQ((*a)[1].value(), (*b)[1].value());
  EXPECT_NE((*a)[0].value(), (*a)[1].value());
  EXPECT_EQ((*a)[0].value().size(), 64u);
}

TEST_F(PseudonymiserServiceTest, InvalidBsnIsRefusedBeforeAnyNetworkCallWithoutEchoingIt) {
  // A client pointed at a closed port: the BSN check must fail first.
  auto channel = *client::Connect("localhost:1", TlsFilesFromDirectory(dir_->Sub("pki/politie-amsterdam")));
  client::PseudonymiserClient offline(channel);
  std::vector<std::string> bsns = {"111222333", "111222334"};
  auto result = offline.Pseudonymise(bsns);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("bsns[1]"), absl::string_view::npos) << result.status();
  EXPECT_EQ(result.status().message().find("111222334"), absl::string_view::npos);
}

TEST_F(PseudonymiserServiceTest, BadElementsAreNamedByIndex) {
  v1::EvaluateRequest request;
  request.add_blinded_elements(std::string(32, '\x01'));  // not a canonical point
  v1::EvaluateResponse response;
  grpc::Status status = Evaluate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("blinded_elements[0]"), std::string::npos);

  request.Clear();
  auto blinded = crypto::Blind(std::vector<uint8_t>{1, 2, 3}, crypto::OprfMode::kOprf);
  request.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  request.add_blinded_elements(std::string(32, '\0'));  // the identity
  status = Evaluate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("blinded_elements[1]"), std::string::npos);

  // A refused request is not charged: ggz's tight quota (burst 5) still
  // takes five elements after a refused one.
  v1::EvaluateRequest bad_for_ggz;
  bad_for_ggz.add_blinded_elements(std::string(32, '\0'));
  EXPECT_EQ(Evaluate(bad_for_ggz, &response, "ggz-inforsa").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::EvaluateRequest five;
  for (int i = 0; i < 5; ++i) five.add_blinded_elements(request.blinded_elements(0));
  EXPECT_TRUE(Evaluate(five, &response, "ggz-inforsa").ok());

  request.Clear();
  request.add_blinded_elements(std::string(31, '\x01'));
  status = Evaluate(request, &response);
  EXPECT_NE(status.error_message().find("blinded_elements[0]: must be 32 bytes"), std::string::npos);
}

TEST_F(PseudonymiserServiceTest, BatchLimitsAreEnforced) {
  v1::EvaluateResponse response;
  EXPECT_EQ(Evaluate(v1::EvaluateRequest(), &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::EvaluateRequest big;
  auto blinded = crypto::Blind(std::vector<uint8_t>{1}, crypto::OprfMode::kOprf);
  for (int i = 0; i < 101; ++i) {
    big.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  }
  grpc::Status status = Evaluate(big, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("at most 100"), std::string::npos);
}

TEST_F(PseudonymiserServiceTest, SpentQuotaIsResourceExhaustedWithARetryHint) {
  v1::EvaluateRequest request;
  auto blinded = crypto::Blind(std::vector<uint8_t>{1}, crypto::OprfMode::kOprf);
  for (int i = 0; i < 5; ++i) {
    request.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  }
  v1::EvaluateResponse response;
  ASSERT_TRUE(Evaluate(request, &response, "ggz-inforsa").ok());  // the full burst
  grpc::ClientContext context;
  grpc::Status status = v1::Pseudonymiser::NewStub(ChannelAs("ggz-inforsa"))->Evaluate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("retry after"), std::string::npos) << status.error_message();
  auto hint = context.GetServerTrailingMetadata().find("retry-after-ms");
  ASSERT_NE(hint, context.GetServerTrailingMetadata().end());
  EXPECT_GT(std::stoi(std::string(hint->second.data(), hint->second.size())), 0);
  EXPECT_EQ(quotas_->refusals(), 1u);
  // Another organisation is not affected.
  EXPECT_TRUE(Evaluate(request, &response, "politie-amsterdam").ok());
}

TEST_F(PseudonymiserServiceTest, SdkReportsTheRetryHint) {
  client::PseudonymiserClient ggz(ChannelAs("ggz-inforsa"));
  std::vector<std::string> bsns(6, "111222333");  // more than the burst of 5
  auto result = ggz.Pseudonymise(bsns);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(client::RetryAfter(result.status()).has_value()) << "a batch above the burst never passes";
  ASSERT_TRUE(ggz.Pseudonymise(std::vector<std::string>(5, "111222333")).ok());
  result = ggz.Pseudonymise(std::vector<std::string>(2, "111222333"));
  ASSERT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(client::RetryAfter(result.status()).has_value());
  EXPECT_GT(*client::RetryAfter(result.status()), absl::ZeroDuration());
}

TEST_F(PseudonymiserServiceTest, CacheAnswersRepeatedBsnsWithoutAskingAgain) {
  client::PseudonymiserClientOptions options;
  options.cache_capacity = 10;
  client::PseudonymiserClient police(ChannelAs("politie-amsterdam"), options);
  auto first = police.Pseudonymise(std::vector<std::string>{"111222333"});
  auto again = police.Pseudonymise(std::vector<std::string>{"111222333", "123456782"});
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(police.cache_hits(), 1u);
  EXPECT_EQ((*first)[0].value(), (*again)[0].value());
  client::PseudonymiserClient uncached(ChannelAs("politie-amsterdam"));
  EXPECT_EQ((*uncached.Pseudonymise(std::vector<std::string>{"123456782"}))[0].value(), (*again)[1].value());
}

TEST_F(PseudonymiserServiceTest, VoprfDeploymentIsVerifiedAgainstThePinnedKey) {
  RestartWithKey("voprf.key");
  client::PseudonymiserClientOptions pinned;
  pinned.pinned_public_key = key_->public_key;
  client::PseudonymiserClient police(ChannelAs("politie-amsterdam"), pinned);
  auto verified = police.Pseudonymise(std::vector<std::string>{"111222333", "123456782"});
  ASSERT_TRUE(verified.ok()) << verified.status();

  client::PseudonymiserClientOptions wrong;
  wrong.pinned_public_key = crypto::OprfSecretKey::Generate().PublicKey();
  client::PseudonymiserClient misled(ChannelAs("politie-amsterdam"), wrong);
  EXPECT_EQ(misled.Pseudonymise(std::vector<std::string>{"111222333"}).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // A request in the other mode is refused with a reason.
  v1::EvaluateRequest request;
  request.set_mode(v1::OPRF_MODE_OPRF);
  auto blinded = crypto::Blind(std::vector<uint8_t>{1}, crypto::OprfMode::kOprf);
  request.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  v1::EvaluateResponse response;
  grpc::Status status = Evaluate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("VOPRF mode"), std::string::npos);
}

TEST_F(PseudonymiserServiceTest, APinnedKeyRefusesAPseudonymiserInOprfMode) {
  // The fixture's server runs in OPRF mode, whose answers carry no proof:
  // a pin would check nothing, so a pinned client refuses rather than
  // trusting unverified pseudonyms (a downgrade from VOPRF).
  client::PseudonymiserClientOptions pinned;
  pinned.pinned_public_key = key_->public_key;
  client::PseudonymiserClient police(ChannelAs("politie-amsterdam"), pinned);
  auto result = police.Pseudonymise(std::vector<std::string>{"111222333"});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
  EXPECT_NE(result.status().message().find("announces OPRF mode"), absl::string_view::npos) << result.status();
}

TEST_F(PseudonymiserServiceTest, OnlyOrganisationsMayPseudonymise) {
  v1::EvaluateRequest request;
  auto blinded = crypto::Blind(std::vector<uint8_t>{1}, crypto::OprfMode::kOprf);
  request.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  v1::EvaluateResponse response;
  EXPECT_EQ(Evaluate(request, &response, "auditor").error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PseudonymiserServiceTest, NonCanonicalEncodingWithBitTwoHundredFiftyFiveIsRefused) {
  // A valid blinded element with bit 255 set decodes, in libsodium 1.0.18,
  // to the same point: RFC 9496 says it must be refused.
  auto blinded = crypto::Blind(std::vector<uint8_t>{1, 2, 3}, crypto::OprfMode::kOprf);
  ASSERT_TRUE(blinded.ok());
  std::string bytes(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  v1::EvaluateRequest request;
  request.add_blinded_elements(bytes);
  bytes[31] = static_cast<char>(static_cast<uint8_t>(bytes[31]) | 0x80);
  request.add_blinded_elements(bytes);
  v1::EvaluateResponse response;
  grpc::Status status = Evaluate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("blinded_elements[1]: not a valid ristretto255 point"), std::string::npos)
      << status.error_message();
}

TEST_F(PseudonymiserServiceTest, ABatchWithOneBadElementCostsNoEvaluationWork) {
  auto blinded = crypto::Blind(std::vector<uint8_t>{7}, crypto::OprfMode::kOprf);
  ASSERT_TRUE(blinded.ok());
  v1::EvaluateRequest request;
  for (int i = 0; i < 99; ++i) {
    request.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  }
  request.add_blinded_elements(std::string(32, '\0'));  // the identity, last
  v1::EvaluateResponse response;
  grpc::Status status = Evaluate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("blinded_elements[99]"), std::string::npos) << status.error_message();
  EXPECT_EQ(service_->elements_evaluated(), 0u) << "no scalar multiplication for a refused batch";
  EXPECT_EQ(quotas_->counters().elements_by_organisation["politie-amsterdam"], 0u);
  // A good batch is evaluated as before.
  request.mutable_blinded_elements()->RemoveLast();
  ASSERT_TRUE(Evaluate(request, &response).ok());
  EXPECT_EQ(service_->elements_evaluated(), 99u);
}

TEST_F(PseudonymiserServiceTest, RefusedCallsAreRateLimitedPerOrganisation) {
  ServiceOptions options;
  options.max_batch = 100;
  options.refusals = RefusalLimits{0.001, 3};  // three refusals, then next to no refill
  running_.server->Shutdown();
  Serve(options);
  ASSERT_FALSE(HasFatalFailure());

  v1::EvaluateRequest bad;
  bad.add_blinded_elements(std::string(32, '\x01'));
  v1::EvaluateResponse response;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Evaluate(bad, &response, "ggz-inforsa").error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
  }
  // Now even a good call from that organisation is turned away unread, with
  // a retry hint.
  auto blinded = crypto::Blind(std::vector<uint8_t>{1}, crypto::OprfMode::kOprf);
  v1::EvaluateRequest good;
  good.add_blinded_elements(reinterpret_cast<const char*>(blinded->blinded_element.data()), 32);
  grpc::ClientContext context;
  grpc::Status status = v1::Pseudonymiser::NewStub(ChannelAs("ggz-inforsa"))->Evaluate(&context, good, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("too many refused calls"), std::string::npos) << status.error_message();
  EXPECT_NE(context.GetServerTrailingMetadata().find("retry-after-ms"), context.GetServerTrailingMetadata().end());
  EXPECT_EQ(Evaluate(bad, &response, "ggz-inforsa").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(service_->turned_away(), 2u);
  EXPECT_EQ(service_->elements_evaluated(), 0u);
  // Another organisation is not affected.
  EXPECT_TRUE(Evaluate(good, &response, "politie-amsterdam").ok());
}

}  // namespace
}  // namespace samenloop::pseudonymiser
