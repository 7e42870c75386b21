// AuditService over real gRPC with real mTLS certificates and a real store:
// event queries with filters and paging, each answer's inclusion proofs
// against its signed tree head, the auditing of the queries themselves,
// argument errors, and tree heads issued on request and on a schedule.

#include <sodium.h>

#include <map>
#include <thread>

#include "absl/time/civil_time.h"
#include "broker/edge/broker_server.h"
#include "client/connection.h"
#include "crypto/merkle_rfc6962.h"
#include "crypto/signed_tree_head.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/support/dev_pki.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using google::protobuf::util::TimeUtil;
using testing::RandomPseudonym;
using testing::ValidSignal;

template <typename Array>
Array FromBytes(const std::string& bytes) {
  Array out{};
  EXPECT_EQ(bytes.size(), out.size());
  std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
  return out;
}

// Checks what an auditor would: the head's signature, then every event's
// leaf bytes, its parsed form and its inclusion proof against that head.
void ExpectAllProven(const v1::QueryEventsResponse& response) {
  const v1::SignedTreeHead& sth = response.tree_head();
  crypto::TreeHead head;
  head.tree_size = sth.tree_size();
  head.root = FromBytes<crypto::MerkleHash>(sth.root_hash());
  head.timestamp_ms = TimeUtil::TimestampToMilliseconds(sth.timestamp());
  EXPECT_TRUE(crypto::VerifyTreeHead(head, FromBytes<crypto::TreeHeadSignature>(sth.signature()),
                                     FromBytes<crypto::LogPublicKey>(sth.log_public_key()))
                  .ok());
  for (const v1::ProvenEvent& proven : response.events()) {
    EXPECT_EQ(proven.proof().tree_size(), head.tree_size);
    EXPECT_EQ(proven.event().leaf_index(), proven.proof().leaf_index());
    EXPECT_EQ(proven.event().SerializeAsString(), proven.leaf_data());
    std::vector<crypto::MerkleHash> path;
    for (const std::string& h : proven.proof().hashes()) path.push_back(FromBytes<crypto::MerkleHash>(h));
    const std::string& data = proven.leaf_data();
    crypto::MerkleHash leaf = crypto::HashLeaf(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    EXPECT_TRUE(crypto::VerifyInclusion(proven.proof().leaf_index(), head.tree_size, leaf, path, head.root).ok())
        << "leaf " << proven.proof().leaf_index();
  }
}

class AuditServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_GE(sodium_init(), 0);
    dir_ = new samenloop::testing::TempDir();
    ASSERT_TRUE(samenloop::testing::MakeDevPki(dir_->Sub("pki"),
                                               "--only broker,politie-amsterdam,ggz-inforsa,auditor,privacy-officer")
                    .ok());
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    ASSERT_TRUE(SubjectKeyer::GenerateSecretFile(data_.Sub("index.secret")).ok());
    ASSERT_TRUE(GenerateLogKeyFile(data_.Sub("log.key")).ok());
    BrokerOptions options;
    options.server.listen_address = "127.0.0.1:0";
    options.server.tls = TlsFilesFromDirectory(dir_->Sub("pki/broker"));
    options.data_dir = data_.Sub("db");
    options.index_secret_path = data_.Sub("index.secret");
    options.log_key_path = data_.Sub("log.key");
    options.tree_head_interval = absl::Milliseconds(100);
    absl::StatusOr<std::unique_ptr<BrokerServer>> broker = BrokerServer::Start(options);
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    address_ = absl::StrCat("localhost:", broker_->port());
  }

  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& identity) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        client::Connect(address_, TlsFilesFromDirectory(dir_->Sub("pki/" + identity)));
    EXPECT_TRUE(channel.ok()) << channel.status();
    return *channel;
  }

  void SubmitOne(const std::string& identity, const v1::Pseudonym& subject, const std::string& key,
                 const v1::RelatedPerson* related = nullptr) {
    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = ValidSignal(subject);
    if (related != nullptr) *item->mutable_signal()->add_related() = *related;
    v1::SubmitSignalsResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(v1::SignalService::NewStub(ChannelAs(identity))->SubmitSignals(&context, request, &response).ok());
    ASSERT_EQ(response.results(0).code(), 0) << response.results(0).message();
  }

  // The auditor's subject report on `person`, every event's proof checked.
  v1::SubjectReportResponse ProvenReport(const v1::Pseudonym& person) {
    v1::SubjectReportRequest request;
    *request.mutable_subject() = person;
    grpc::ClientContext context;
    v1::SubjectReportResponse report;
    grpc::Status status = v1::AuditService::NewStub(ChannelAs("auditor"))->SubjectReport(&context, request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::QueryEventsResponse as_query;
    *as_query.mutable_events() = report.events();
    *as_query.mutable_tree_head() = report.tree_head();
    ExpectAllProven(as_query);
    return report;
  }

  grpc::Status Query(const v1::QueryEventsRequest& request, v1::QueryEventsResponse* response,
                     const std::string& identity = "auditor") {
    grpc::ClientContext context;
    return v1::AuditService::NewStub(ChannelAs(identity))->QueryEvents(&context, request, response);
  }

  // Every page of a query, checking each page's proofs.
  std::vector<v1::QueryEventsResponse> AllPages(v1::QueryEventsRequest request) {
    std::vector<v1::QueryEventsResponse> pages;
    do {
      v1::QueryEventsResponse page;
      grpc::Status status = Query(request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      ExpectAllProven(page);
      request.mutable_page()->set_page_token(page.next_page_token());
      pages.push_back(std::move(page));
    } while (!request.page().page_token().empty());
    return pages;
  }

  static samenloop::testing::TempDir* dir_;
  samenloop::testing::TempDir data_;
  std::unique_ptr<BrokerServer> broker_;
  std::string address_;
};
samenloop::testing::TempDir* AuditServiceTest::dir_ = nullptr;

TEST_F(AuditServiceTest, FiltersByOrganisationTypeSubjectAndOutcomeWithProofs) {
  const v1::Pseudonym m = RandomPseudonym();
  SubmitOne("politie-amsterdam", m, "p1");
  SubmitOne("ggz-inforsa", m, "g1");
  SubmitOne("ggz-inforsa", RandomPseudonym(), "g2");

  v1::QueryEventsRequest by_org;
  by_org.set_organisation("ggz-inforsa");
  by_org.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
  v1::QueryEventsResponse submitted;
  ASSERT_TRUE(Query(by_org, &submitted).ok());
  ExpectAllProven(submitted);
  ASSERT_EQ(submitted.events_size(), 2);
  for (const v1::ProvenEvent& e : submitted.events()) {
    EXPECT_EQ(e.event().type(), v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
    EXPECT_EQ(e.event().actor_organisation(), "ggz-inforsa");
  }
  EXPECT_TRUE(submitted.next_page_token().empty());

  // The subject key of M's signals (hex index key) finds both organisations'
  // submissions and the decisions between them, nothing about the other person.
  const std::string subject_key = submitted.events(0).event().subject_keys(0);
  v1::QueryEventsRequest by_subject;
  by_subject.set_subject_key(subject_key);
  v1::QueryEventsResponse about_m;
  ASSERT_TRUE(Query(by_subject, &about_m).ok());
  ExpectAllProven(about_m);
  int submissions = 0, decisions = 0;
  for (const v1::ProvenEvent& e : about_m.events()) {
    EXPECT_NE(std::find(e.event().subject_keys().begin(), e.event().subject_keys().end(), subject_key),
              e.event().subject_keys().end());
    submissions += e.event().type() == v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED;
    decisions += e.event().type() == v1::AUDIT_EVENT_TYPE_MATCH_DECISION;
  }
  EXPECT_EQ(submissions, 2);
  EXPECT_EQ(decisions, 2);  // one per direction

  v1::QueryEventsRequest by_outcome;
  by_outcome.set_outcome(v1::DECISION_OUTCOME_ALLOW);
  v1::QueryEventsResponse allowed;
  ASSERT_TRUE(Query(by_outcome, &allowed).ok());
  for (const v1::ProvenEvent& e : allowed.events()) EXPECT_EQ(e.event().outcome(), v1::DECISION_OUTCOME_ALLOW);

  // A time range that ends before everything finds nothing.
  v1::QueryEventsRequest before;
  *before.mutable_time_range()->mutable_until() = TimeUtil::SecondsToTimestamp(1000);
  v1::QueryEventsResponse none;
  ASSERT_TRUE(Query(before, &none).ok());
  EXPECT_EQ(none.events_size(), 0);

  // Every query so far is on the record, with its auditor and filters.
  v1::QueryEventsRequest queries;
  queries.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
  v1::QueryEventsResponse logged;
  ASSERT_TRUE(Query(queries, &logged).ok());
  ExpectAllProven(logged);
  ASSERT_EQ(logged.events_size(), 5);  // the four above and this one
  EXPECT_EQ(logged.events(0).event().actor_organisation(), "auditor");
  EXPECT_EQ(logged.events(0).event().actor_role(), "auditor");
  EXPECT_NE(logged.events(0).event().reason().find("organisation=ggz-inforsa"), std::string::npos);
  EXPECT_EQ(logged.events(1).event().subject_keys(0), subject_key);
  // The last event of the answer is the query itself, the head's last leaf.
  EXPECT_EQ(logged.events(4).proof().leaf_index() + 1, logged.tree_head().tree_size());
}

// Every notification a Subscribe stream releases is on the record as
// NOTIFICATION_DELIVERED (recipient, id, signals, no pseudonym), logged
// again on each redelivery, and the events of one burst are appended
// together before the burst is written.
TEST_F(AuditServiceTest, EveryDeliveryIsAuditedRedeliveriesToo) {
  const v1::Pseudonym m = RandomPseudonym();
  SubmitOne("politie-amsterdam", m, "p1");
  SubmitOne("ggz-inforsa", m, "g1");
  SubmitOne("ggz-inforsa", m, "g2");  // the police are told of both GGZ signals

  auto drain = [&](uint64_t after) {
    v1::SubscribeRequest request;
    request.set_after_cursor(after);
    request.set_stop_when_drained(true);
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::Notification>> reader =
        v1::NotificationService::NewStub(ChannelAs("politie-amsterdam"))->Subscribe(&context, request);
    std::vector<v1::Notification> out;
    v1::Notification n;
    while (reader->Read(&n)) out.push_back(n);
    EXPECT_TRUE(reader->Finish().ok());
    return out;
  };
  const std::vector<v1::Notification> first = drain(0);
  ASSERT_EQ(first.size(), 2u);
  const std::vector<v1::Notification> again = drain(0);  // at least once: a client that lost its cursor
  ASSERT_EQ(again.size(), 2u);

  v1::QueryEventsRequest delivered;
  delivered.add_types(v1::AUDIT_EVENT_TYPE_NOTIFICATION_DELIVERED);
  v1::QueryEventsResponse logged;
  ASSERT_TRUE(Query(delivered, &logged).ok());
  ExpectAllProven(logged);
  ASSERT_EQ(logged.events_size(), 4) << "two notifications, each delivered twice";
  std::map<std::string, int> times_delivered;
  for (const v1::ProvenEvent& e : logged.events()) {
    EXPECT_EQ(e.event().recipient_organisation(), "politie-amsterdam");
    EXPECT_EQ(e.event().actor_organisation(), "broker");
    EXPECT_EQ(e.event().subject_keys_size(), 0);
    ++times_delivered[e.event().notification_id()];
    // The recipient's own signal and the other one, read from the id.
    ASSERT_EQ(e.event().signal_ids_size(), 2);
    EXPECT_EQ(e.event().signal_ids(0), first[0].your_signal_id());
    EXPECT_EQ(e.leaf_data().find(m.value()), std::string::npos) << "never a pseudonym";
  }
  EXPECT_EQ(times_delivered[first[0].notification_id()], 2);
  EXPECT_EQ(times_delivered[first[1].notification_id()], 2);
  // One burst, one write: its events are consecutive leaves with one time.
  EXPECT_EQ(logged.events(1).proof().leaf_index(), logged.events(0).proof().leaf_index() + 1);
  EXPECT_EQ(logged.events(1).event().time().SerializeAsString(), logged.events(0).event().time().SerializeAsString());

  // The organisation filter finds them through the recipient.
  v1::QueryEventsRequest by_recipient = delivered;
  by_recipient.set_organisation("politie-amsterdam");
  v1::QueryEventsResponse theirs;
  ASSERT_TRUE(Query(by_recipient, &theirs).ok());
  EXPECT_EQ(theirs.events_size(), 4);
}

// A certificate of the deployment's CA whose org URI is not an organisation
// id: TLS accepts it, the broker finds no Samenloop identity in it.
void MakeCertificateWithoutIdentity(const std::string& pki, const std::string& out) {
  const std::string ext = out + "/ext.cnf";
  const std::string commands = absl::StrCat(
      "set -e; mkdir -p ", out, "; cp ", pki, "/ca/ca.pem ", out, "/ca.pem; ",
      "printf 'subjectAltName=URI:samenloop://org/Not_An_Id,URI:samenloop://role/org\\n"
      "extendedKeyUsage=clientAuth\\n' > ", ext, "; ",
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=nobody -keyout ", out,
      "/key.pem -out ", out, "/req.pem 2>/dev/null; ",
      "openssl x509 -req -in ", out, "/req.pem -CA ", pki, "/ca/ca.pem -CAkey ", pki, "/ca/ca.key -CAcreateserial ",
      "-days 2 -extfile ", ext, " -out ", out, "/cert.pem 2>/dev/null");
  ASSERT_EQ(std::system(commands.c_str()), 0) << commands;
}

// Calls refused for the certificate (no valid identity, or a role the
// service does not allow) are audited as AUTHENTICATION_FAILED by the
// server's interceptor, naming the call and the rule, never the value.
TEST_F(AuditServiceTest, RefusedCertificatesAndRolesAreAuditedAsAuthenticationFailures) {
  MakeCertificateWithoutIdentity(dir_->Sub("pki"), dir_->Sub("pki/no-identity"));
  v1::QueryEventsResponse ignored;
  EXPECT_EQ(Query(v1::QueryEventsRequest(), &ignored, "politie-amsterdam").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::SubmitSignalsRequest request;
    *request.add_items()->mutable_signal() = ValidSignal(RandomPseudonym());
    request.mutable_items(0)->set_idempotency_key("x");
    v1::SubmitSignalsResponse response;
    grpc::ClientContext context;
    EXPECT_EQ(v1::SignalService::NewStub(ChannelAs("no-identity"))->SubmitSignals(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  v1::QueryEventsRequest failures;
  failures.add_types(v1::AUDIT_EVENT_TYPE_AUTHENTICATION_FAILED);
  v1::QueryEventsResponse logged;
  ASSERT_TRUE(Query(failures, &logged).ok());
  ExpectAllProven(logged);
  ASSERT_EQ(logged.events_size(), 2);
  const v1::AuditEvent& role = logged.events(0).event();
  EXPECT_EQ(role.actor_organisation(), "politie-amsterdam");
  EXPECT_EQ(role.actor_role(), "org");
  EXPECT_EQ(role.reason(), "AuditService/QueryEvents: the audit log is read with an auditor certificate (role auditor)");
  const v1::AuditEvent& nobody = logged.events(1).event();
  EXPECT_EQ(nobody.actor_organisation(), "");
  EXPECT_EQ(nobody.reason().rfind("SignalService/SubmitSignals: client certificate: no valid samenloop://org/", 0),
            0u)
      << nobody.reason();
  EXPECT_EQ(logged.events(1).leaf_data().find("Not_An_Id"), std::string::npos) << "the value is not echoed";
  // Nothing but the audit event: the refused submit stored no signal.
  v1::QueryEventsRequest submitted;
  submitted.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
  ASSERT_TRUE(Query(submitted, &ignored).ok());
  EXPECT_EQ(ignored.events_size(), 0);
}

TEST_F(AuditServiceTest, PagesCoverAFixedTreeSizeAndTokensAreBoundToTheirFilters) {
  for (int i = 0; i < 5; ++i) SubmitOne("politie-amsterdam", RandomPseudonym(), absl::StrCat("k", i));
  v1::QueryEventsRequest request;
  request.add_types(v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED);
  request.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
  request.mutable_page()->set_page_size(2);
  std::vector<v1::QueryEventsResponse> pages = AllPages(request);
  // 5 submissions and the first page's query: later pages' queries come
  // after the size the first page fixed.
  ASSERT_EQ(pages.size(), 3u);
  std::vector<uint64_t> leaves;
  for (const v1::QueryEventsResponse& page : pages) {
    EXPECT_EQ(page.tree_head().tree_size(), pages[0].tree_head().tree_size());
    EXPECT_EQ(page.tree_head().root_hash(), pages[0].tree_head().root_hash());
    for (const v1::ProvenEvent& e : page.events()) leaves.push_back(e.proof().leaf_index());
  }
  ASSERT_EQ(leaves.size(), 6u);
  EXPECT_TRUE(std::is_sorted(leaves.begin(), leaves.end()));

  v1::QueryEventsRequest other = request;
  other.clear_types();
  other.mutable_page()->set_page_token(pages[0].next_page_token());
  v1::QueryEventsResponse refused;
  grpc::Status status = Query(other, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page.page_token"), std::string::npos) << status.error_message();
}

TEST_F(AuditServiceTest, BadArgumentsNameTheFieldAndAreAudited) {
  struct Case {
    std::function<void(v1::QueryEventsRequest&)> set;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_subject_key("not-hex"); }, "subject_key"},
      {[](auto& r) { r.add_types(static_cast<v1::AuditEventType>(99)); }, "types[0]"},
      {[](auto& r) { r.add_types(v1::AUDIT_EVENT_TYPE_UNSPECIFIED); }, "types[0]"},
      {[](auto& r) { r.set_outcome(static_cast<v1::DecisionOutcome>(7)); }, "outcome"},
      {[](auto& r) { r.set_organisation("Not An Org"); }, "organisation"},
      {[](auto& r) { r.mutable_page()->set_page_size(5000); }, "page.page_size"},
      {[](auto& r) { r.mutable_page()->set_page_token("garbage"); }, "page.page_token"},
      {[](auto& r) {
         *r.mutable_time_range()->mutable_from() = TimeUtil::SecondsToTimestamp(2000);
         *r.mutable_time_range()->mutable_until() = TimeUtil::SecondsToTimestamp(1000);
       },
       "time_range"},
      {[](auto& r) { r.mutable_time_range()->mutable_from()->set_nanos(-1); }, "time_range.from"},
  };
  for (const Case& c : cases) {
    v1::QueryEventsRequest request;
    c.set(request);
    v1::QueryEventsResponse response;
    grpc::Status status = Query(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(status.error_message().rfind(c.field + ":", 0), 0u) << status.error_message();
  }
  v1::QueryEventsRequest refusals;
  refusals.add_types(v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED);
  v1::QueryEventsResponse logged;
  ASSERT_TRUE(Query(refusals, &logged).ok());
  EXPECT_EQ(logged.events_size(), static_cast<int>(cases.size()));

  // Only auditors read the log.
  v1::QueryEventsResponse denied;
  EXPECT_EQ(Query(v1::QueryEventsRequest(), &denied, "politie-amsterdam").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// Issue 21: the father named as the victim in another organisation's signal
// on the mother has a report too: the submission and the decisions about
// that signal name him, with the relation and role, and carry proofs.
TEST_F(AuditServiceTest, SubjectReportCoversAPersonNamedOnlyAsARelatedPerson) {
  const v1::Pseudonym mother = RandomPseudonym(), father = RandomPseudonym(), other = RandomPseudonym();
  v1::RelatedPerson victim;
  *victim.mutable_person() = father;
  victim.set_relation(v1::RELATION_PARTNER);
  victim.set_role(v1::PERSON_ROLE_VICTIM);
  SubmitOne("politie-amsterdam", mother, "p1", &victim);
  SubmitOne("ggz-inforsa", mother, "g1");
  SubmitOne("ggz-inforsa", other, "g2");
  const v1::SubjectReportResponse report = ProvenReport(father);
  int submitted = 0, decisions = 0;
  for (const v1::ProvenEvent& e : report.events()) {
    if (e.event().type() == v1::AUDIT_EVENT_TYPE_AUDIT_QUERY) continue;
    ASSERT_EQ(e.event().named_persons_size(), 1) << e.event().DebugString();
    EXPECT_EQ(e.event().named_persons(0).relation(), v1::RELATION_PARTNER);
    EXPECT_EQ(e.event().named_persons(0).role(), v1::PERSON_ROLE_VICTIM);
    submitted += e.event().type() == v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED;
    decisions += e.event().type() == v1::AUDIT_EVENT_TYPE_MATCH_DECISION;
  }
  EXPECT_EQ(submitted, 1) << "the police signal names him; the GGZ signals do not";
  EXPECT_EQ(decisions, 2) << "both directions of the police-GGZ pair concern the police signal";
}

TEST_F(AuditServiceTest, SubjectReportFindsThePersonsEventsWithProofsAndIsLogged) {
  const v1::Pseudonym m = RandomPseudonym();
  SubmitOne("politie-amsterdam", m, "p1");
  SubmitOne("ggz-inforsa", m, "g1");
  SubmitOne("ggz-inforsa", RandomPseudonym(), "g2");
  const v1::SubjectReportResponse report = ProvenReport(m);
  auto audit = v1::AuditService::NewStub(ChannelAs("auditor"));
  std::set<std::string> organisations;
  int decisions = 0;
  for (const v1::ProvenEvent& e : report.events()) {
    if (e.event().type() == v1::AUDIT_EVENT_TYPE_SIGNAL_SUBMITTED) organisations.insert(e.event().actor_organisation());
    decisions += e.event().type() == v1::AUDIT_EVENT_TYPE_MATCH_DECISION;
  }
  EXPECT_EQ(organisations, (std::set<std::string>{"politie-amsterdam", "ggz-inforsa"}));
  EXPECT_EQ(decisions, 2);
  // The report's own AUDIT_QUERY event names the person's key, as the others do.
  const v1::AuditEvent& logged = report.events(report.events_size() - 1).event();
  EXPECT_EQ(logged.type(), v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
  EXPECT_EQ(logged.reason().rfind("SubjectReport:", 0), 0u) << logged.reason();

  v1::SubjectReportRequest bad;
  bad.mutable_subject()->set_value("short");
  grpc::ClientContext bad_context;
  v1::SubjectReportResponse refused;
  grpc::Status status = audit->SubjectReport(&bad_context, bad, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("subject", 0), 0u) << status.error_message();
  v1::SubjectReportRequest request;
  *request.mutable_subject() = m;
  grpc::ClientContext org_context;
  EXPECT_EQ(v1::AuditService::NewStub(ChannelAs("ggz-inforsa"))->SubjectReport(&org_context, request, &refused)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuditServiceTest, StatisticsSuppressSmallCellsAndCoverWholeMonths) {
  for (int i = 0; i < 10; ++i) SubmitOne("politie-amsterdam", RandomPseudonym(), absl::StrCat("p", i));
  for (int i = 0; i < 2; ++i) SubmitOne("ggz-inforsa", RandomPseudonym(), absl::StrCat("g", i));
  auto statistics = [this](const std::string& identity, const v1::GetStatisticsRequest& request,
                           v1::GetStatisticsResponse* response) {
    grpc::ClientContext context;
    return v1::AuditService::NewStub(ChannelAs(identity))->GetStatistics(&context, request, response);
  };
  // A range of a few seconds is widened to the whole month.
  v1::GetStatisticsRequest now;
  *now.mutable_time_range()->mutable_from() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) - 2);
  *now.mutable_time_range()->mutable_until() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) + 2);
  v1::GetStatisticsResponse cells;
  ASSERT_TRUE(statistics("privacy-officer", now, &cells).ok());
  EXPECT_EQ(cells.suppression_threshold(), 10u);
  const std::string month = absl::FormatTime("%Y-%m", absl::Now(), absl::UTCTimeZone());
  std::map<std::string, v1::StatisticsCell> by_key;
  for (const v1::StatisticsCell& cell : cells.cells()) {
    EXPECT_EQ(cell.month(), month);
    by_key[cell.dimension() + ":" + cell.key()] = cell;
  }
  ASSERT_EQ(by_key.size(), 2u);
  EXPECT_EQ(by_key["signals_by_category:housing_nuisance/politie-amsterdam"].count(), 10u);
  EXPECT_FALSE(by_key["signals_by_category:housing_nuisance/politie-amsterdam"].suppressed());
  EXPECT_EQ(by_key["signals_by_category:housing_nuisance/ggz-inforsa"].count(), 0u);
  EXPECT_TRUE(by_key["signals_by_category:housing_nuisance/ggz-inforsa"].suppressed());

  // Ending at the first instant of this month excludes it.
  v1::GetStatisticsRequest before;
  absl::CivilMonth this_month(absl::ToCivilSecond(absl::Now(), absl::UTCTimeZone()));
  *before.mutable_time_range()->mutable_until() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::FromCivil(this_month, absl::UTCTimeZone())));
  v1::GetStatisticsResponse none;
  ASSERT_TRUE(statistics("auditor", before, &none).ok());
  EXPECT_EQ(none.cells_size(), 0);

  v1::GetStatisticsResponse denied;
  EXPECT_EQ(statistics("politie-amsterdam", now, &denied).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::GetStatisticsRequest bad;
  bad.mutable_time_range()->mutable_from()->set_nanos(-5);
  grpc::Status status = statistics("auditor", bad, &denied);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("time_range.from:", 0), 0u) << status.error_message();

  // Asking is on the record, by whoever asked.
  v1::QueryEventsRequest queries;
  queries.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
  v1::QueryEventsResponse logged;
  ASSERT_TRUE(Query(queries, &logged).ok());
  ASSERT_GE(logged.events_size(), 3);
  EXPECT_EQ(logged.events(0).event().actor_role(), "privacy_officer");
  EXPECT_EQ(logged.events(0).event().reason().rfind("GetStatistics:", 0), 0u);
}

TEST_F(AuditServiceTest, TreeHeadsAreIssuedOnScheduleWhenTheLogGrewAndKept) {
  SubmitOne("politie-amsterdam", RandomPseudonym(), "k");
  auto audit = v1::AuditService::NewStub(ChannelAs("auditor"));
  auto list = [&audit] {
    grpc::ClientContext context;
    v1::ListTreeHeadsResponse heads;
    EXPECT_TRUE(audit->ListTreeHeads(&context, v1::ListTreeHeadsRequest(), &heads).ok());
    return heads;
  };
  // The schedule (every 100 ms here) issues one head for the grown log...
  v1::ListTreeHeadsResponse scheduled;
  for (int i = 0; i < 50 && scheduled.tree_heads_size() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    scheduled = list();
  }
  ASSERT_EQ(scheduled.tree_heads_size(), 1);
  const uint64_t size = scheduled.tree_heads(0).tree_size();
  EXPECT_GT(size, 0u);
  // ... and no more while it does not grow.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(list().tree_heads_size(), 1);

  // Heads given on request are kept too, in the order they were issued.
  grpc::ClientContext context;
  v1::SignedTreeHead requested;
  ASSERT_TRUE(audit->GetTreeHead(&context, v1::GetTreeHeadRequest(), &requested).ok());
  v1::ListTreeHeadsResponse kept = list();
  ASSERT_EQ(kept.tree_heads_size(), 2);
  EXPECT_EQ(kept.tree_heads(1).SerializeAsString(), requested.SerializeAsString());

  v1::ListTreeHeadsRequest paged;
  paged.mutable_page()->set_page_size(1);
  grpc::ClientContext page_context;
  v1::ListTreeHeadsResponse first;
  ASSERT_TRUE(audit->ListTreeHeads(&page_context, paged, &first).ok());
  ASSERT_EQ(first.tree_heads_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  paged.mutable_page()->set_page_token(first.next_page_token());
  grpc::ClientContext next_context;
  v1::ListTreeHeadsResponse second;
  ASSERT_TRUE(audit->ListTreeHeads(&next_context, paged, &second).ok());
  ASSERT_EQ(second.tree_heads_size(), 1);
  EXPECT_EQ(second.tree_heads(0).SerializeAsString(), requested.SerializeAsString());
}

}  // namespace
}  // namespace samenloop::broker
