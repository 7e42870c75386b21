// The broker as a real gRPC server over loopback with real mTLS
// certificates from deploy/dev-pki.sh: identity from the certificate only,
// foreign and missing certificates refused, roles enforced, live streaming,
// health checking and reflection on.

#include "broker/edge/broker_server.h"

#include <sodium.h>

#include "client/connection.h"
#include "client/health_check.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "samenloop_testing/reflection_messages.pb.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "gtest/gtest.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/support/dev_pki.h"
#include "tests/support/http_get.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::ValidSignal;

// Lists services through server reflection with a generic stub (Debian's
// gRPC ships no reflection client).
std::set<std::string> ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel) {
  namespace reflection = samenloop::testing::reflection;
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto step = [&queue](intptr_t tag) {
    void* got = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&got, &ok));
    EXPECT_EQ(reinterpret_cast<intptr_t>(got), tag);
    return ok;
  };
  auto call = stub.PrepareCall(&context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  EXPECT_TRUE(step(1));
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  call->Write(buffer, reinterpret_cast<void*>(2));
  EXPECT_TRUE(step(2));
  grpc::ByteBuffer reply_buffer;
  call->Read(&reply_buffer, reinterpret_cast<void*>(3));
  std::set<std::string> services;
  if (step(3)) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(reply_buffer.Dump(&slices).ok());
    std::string reply_bytes;
    for (const grpc::Slice& s : slices) reply_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    reflection::ServerReflectionResponse reply;
    EXPECT_TRUE(reply.ParseFromString(reply_bytes));
    for (const auto& service : reply.list_services_response().service()) services.insert(service.name());
  }
  context.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  step(4);
  queue.Shutdown();
  void* ignored_tag = nullptr;
  bool ignored_ok = false;
  while (queue.Next(&ignored_tag, &ignored_ok)) {
  }
  return services;
}

class BrokerServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_GE(sodium_init(), 0);
    dir_ = new samenloop::testing::TempDir();
    ASSERT_TRUE(samenloop::testing::MakeDevPki(
                    dir_->Sub("pki"), "--only broker,politie-amsterdam,ggz-inforsa,auditor")
                    .ok());
    ASSERT_TRUE(samenloop::testing::MakeDevPki(dir_->Sub("foreign"), "--only politie-amsterdam").ok());
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    std::string secret = data_.Sub("index.secret");
    ASSERT_TRUE(SubjectKeyer::GenerateSecretFile(secret).ok());
    ASSERT_TRUE(GenerateLogKeyFile(data_.Sub("log.key")).ok());
    BrokerOptions options;
    options.server.listen_address = "127.0.0.1:0";
    options.server.tls = TlsFilesFromDirectory(dir_->Sub("pki/broker"));
    options.data_dir = data_.Sub("db");
    options.index_secret_path = secret;
    options.log_key_path = data_.Sub("log.key");
    options.metrics_listen = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<BrokerServer>> broker = BrokerServer::Start(options);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    address_ = absl::StrCat("localhost:", broker_->port());
  }

  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& pki, const std::string& identity) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        client::Connect(address_, TlsFilesFromDirectory(dir_->Sub(pki + "/" + identity)));
    EXPECT_TRUE(channel.ok()) << channel.status();
    return *channel;
  }

  static v1::SubmitSignalsRequest OneSignal(const v1::Signal& signal, const std::string& key) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    return request;
  }

  static grpc::Status Submit(const std::shared_ptr<grpc::Channel>& channel, const v1::SubmitSignalsRequest& request,
                             v1::SubmitSignalsResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return v1::SignalService::NewStub(channel)->SubmitSignals(&context, request, response);
  }

  static samenloop::testing::TempDir* dir_;
  samenloop::testing::TempDir data_;
  std::unique_ptr<BrokerServer> broker_;
  std::string address_;
};
samenloop::testing::TempDir* BrokerServerTest::dir_ = nullptr;

TEST_F(BrokerServerTest, SourceOrganisationComesFromTheCertificateOnly) {
  auto police = ChannelAs("pki", "politie-amsterdam");
  v1::Signal forged = ValidSignal(RandomPseudonym());
  forged.set_source_organisation("ggz-inforsa");
  v1::SubmitSignalsResponse response;
  ASSERT_TRUE(Submit(police, OneSignal(forged, "k1"), &response).ok());
  EXPECT_EQ(response.results(0).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(response.results(0).message().find("source_organisation"), std::string::npos);

  // Metadata claiming another organisation changes nothing either.
  grpc::ClientContext context;
  context.AddMetadata("x-samenloop-organisation", "ggz-inforsa");
  v1::SubmitSignalsResponse accepted;
  ASSERT_TRUE(v1::SignalService::NewStub(police)
                  ->SubmitSignals(&context, OneSignal(ValidSignal(RandomPseudonym()), "k2"), &accepted)
                  .ok());
  ASSERT_EQ(accepted.results(0).code(), 0);
  grpc::ClientContext get_context;
  v1::GetSignalRequest get;
  get.set_signal_id(accepted.results(0).signal_id());
  v1::Signal stored;
  ASSERT_TRUE(v1::SignalService::NewStub(police)->GetSignal(&get_context, get, &stored).ok());
  EXPECT_EQ(stored.source_organisation(), "politie-amsterdam");
  // GGZ cannot see it.
  grpc::ClientContext ggz_context;
  v1::Signal not_visible;
  EXPECT_EQ(v1::SignalService::NewStub(ChannelAs("pki", "ggz-inforsa"))
                ->GetSignal(&ggz_context, get, &not_visible)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(BrokerServerTest, CertificateFromAnotherCaIsRefused) {
  auto foreign = ChannelAs("foreign", "politie-amsterdam");
  v1::SubmitSignalsResponse response;
  grpc::Status status = Submit(foreign, OneSignal(ValidSignal(RandomPseudonym()), "k"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(BrokerServerTest, ClientWithoutCertificateIsRefused) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ReadFileToString(dir_->Sub("pki/ca/ca.pem"));
  auto channel = grpc::CreateChannel(address_, grpc::SslCredentials(options));
  v1::SubmitSignalsResponse response;
  grpc::Status status = Submit(channel, OneSignal(ValidSignal(RandomPseudonym()), "k"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(BrokerServerTest, AuditorCannotSubmitSignals) {
  v1::SubmitSignalsResponse response;
  grpc::Status status =
      Submit(ChannelAs("pki", "auditor"), OneSignal(ValidSignal(RandomPseudonym()), "k"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BrokerServerTest, SubscriptionReceivesAMatchLive) {
  auto police = ChannelAs("pki", "politie-amsterdam");
  auto ggz = ChannelAs("pki", "ggz-inforsa");
  v1::Pseudonym m = RandomPseudonym();
  v1::SubmitSignalsResponse response;
  ASSERT_TRUE(Submit(police, OneSignal(ValidSignal(m), "p"), &response).ok());

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stub = v1::NotificationService::NewStub(police);
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  // Submit only after the stream is open, so the notification arrives live.
  std::thread submitter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    v1::SubmitSignalsResponse ignored;
    EXPECT_TRUE(Submit(ggz, OneSignal(ValidSignal(m), "g"), &ignored).ok());
  });
  v1::Notification notification;
  ASSERT_TRUE(reader->Read(&notification));
  submitter.join();
  EXPECT_EQ(notification.other().organisation_id(), "ggz-inforsa");
  EXPECT_EQ(notification.cursor(), 1u);
  context.TryCancel();
}

TEST_F(BrokerServerTest, AuditorGetsASignedTreeHeadAndConsistencyProofs) {
  v1::SubmitSignalsResponse ignored;
  v1::Pseudonym m = RandomPseudonym();
  ASSERT_TRUE(Submit(ChannelAs("pki", "politie-amsterdam"), OneSignal(ValidSignal(m), "p"), &ignored).ok());
  auto audit = v1::AuditService::NewStub(ChannelAs("pki", "auditor"));
  grpc::ClientContext first_context;
  v1::SignedTreeHead first;
  ASSERT_TRUE(audit->GetTreeHead(&first_context, v1::GetTreeHeadRequest(), &first).ok());
  ASSERT_TRUE(Submit(ChannelAs("pki", "ggz-inforsa"), OneSignal(ValidSignal(m), "g"), &ignored).ok());
  grpc::ClientContext second_context;
  v1::SignedTreeHead second;
  ASSERT_TRUE(audit->GetTreeHead(&second_context, v1::GetTreeHeadRequest(), &second).ok());
  ASSERT_GT(second.tree_size(), first.tree_size());

  auto head_of = [](const v1::SignedTreeHead& sth) {
    crypto::TreeHead head;
    head.tree_size = sth.tree_size();
    std::copy(sth.root_hash().begin(), sth.root_hash().end(), head.root.begin());
    head.timestamp_ms = google::protobuf::util::TimeUtil::TimestampToMilliseconds(sth.timestamp());
    return head;
  };
  crypto::LogPublicKey key{};
  std::copy(second.log_public_key().begin(), second.log_public_key().end(), key.begin());
  crypto::TreeHeadSignature signature{};
  std::copy(second.signature().begin(), second.signature().end(), signature.begin());
  EXPECT_TRUE(crypto::VerifyTreeHead(head_of(second), signature, key).ok());

  grpc::ClientContext proof_context;
  v1::GetConsistencyProofRequest request;
  request.set_first(first.tree_size());
  request.set_second(second.tree_size());
  v1::ConsistencyProof proof;
  ASSERT_TRUE(audit->GetConsistencyProof(&proof_context, request, &proof).ok());
  std::vector<crypto::MerkleHash> hashes;
  for (const std::string& h : proof.hashes()) {
    crypto::MerkleHash hash{};
    std::copy(h.begin(), h.end(), hash.begin());
    hashes.push_back(hash);
  }
  EXPECT_TRUE(crypto::VerifyConsistency(first.tree_size(), second.tree_size(), head_of(first).root,
                                        head_of(second).root, hashes)
                  .ok());

  // Organisations cannot read the audit log.
  grpc::ClientContext org_context;
  v1::SignedTreeHead denied;
  EXPECT_EQ(v1::AuditService::NewStub(ChannelAs("pki", "politie-amsterdam"))
                ->GetTreeHead(&org_context, v1::GetTreeHeadRequest(), &denied)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BrokerServerTest, HealthCheckingAndReflectionAreOn) {
  auto channel = ChannelAs("pki", "politie-amsterdam");
  grpc::ClientContext health_context;
  grpc::health::v1::HealthCheckResponse health;
  ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel)
                  ->Check(&health_context, grpc::health::v1::HealthCheckRequest(), &health)
                  .ok());
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  std::set<std::string> services = ListServicesByReflection(channel);
  EXPECT_TRUE(services.count("samenloop.v1.SignalService"));
  EXPECT_TRUE(services.count("samenloop.v1.NotificationService"));
  EXPECT_TRUE(services.count("grpc.health.v1.Health"));
}

TEST_F(BrokerServerTest, MetricsCountEveryCallByMethodAndStatus) {
  v1::SubmitSignalsResponse response;
  ASSERT_TRUE(Submit(ChannelAs("pki", "politie-amsterdam"), OneSignal(ValidSignal(RandomPseudonym()), "m"), &response)
                  .ok());
  ASSERT_EQ(Submit(ChannelAs("pki", "auditor"), OneSignal(ValidSignal(RandomPseudonym()), "m"), &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::string page = samenloop::testing::HttpGet(broker_->metrics_port(), "/metrics");
  const std::string submit = "method=\"/samenloop.v1.SignalService/SubmitSignals\"";
  EXPECT_NE(page.find("samenloop_broker_grpc_requests_total{" + submit + ",code=\"OK\"} 1\n"), std::string::npos)
      << page;
  EXPECT_NE(page.find("samenloop_broker_grpc_requests_total{" + submit + ",code=\"PERMISSION_DENIED\"} 1\n"),
            std::string::npos);
  EXPECT_NE(page.find("samenloop_broker_grpc_request_duration_seconds_count{" + submit + "} 2\n"),
            std::string::npos);
  EXPECT_NE(page.find("samenloop_broker_ready 1\n"), std::string::npos);
  EXPECT_NE(page.find("samenloop_broker_signals_stored_total 1\n"), std::string::npos);
}

TEST_F(BrokerServerTest, HealthAndReadyzSayServingUntilShutdownBegins) {
  auto channel = ChannelAs("pki", "politie-amsterdam");
  for (const char* service : {"", "samenloop.v1.SignalService", "samenloop.v1.NotificationService",
                              "samenloop.v1.AuditService", "samenloop.v1.ConsentService",
                              "samenloop.v1.PolicyAdminService"}) {
    absl::StatusOr<client::Serving> serving = client::CheckServing(channel, service);
    ASSERT_TRUE(serving.ok()) << serving.status();
    EXPECT_EQ(*serving, client::Serving::kServing) << service;
  }
  EXPECT_EQ(*client::CheckServing(channel, "samenloop.v1.NoSuchService"), client::Serving::kUnknownService);
  const int metrics_port = broker_->metrics_port();
  EXPECT_NE(samenloop::testing::HttpGet(metrics_port, "/readyz").find("200 OK"), std::string::npos);
  EXPECT_TRUE(broker_->readiness().Ready());

  broker_->Shutdown();
  EXPECT_FALSE(broker_->readiness().Ready());
  EXPECT_EQ(broker_->readiness().Unmet(), std::vector<std::string>{"shutting_down"});
}

}  // namespace
}  // namespace samenloop::broker
