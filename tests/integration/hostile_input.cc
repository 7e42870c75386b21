#include "tests/integration/hostile_input.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/tls_files.h"
#include "tests/integration/raw_call.h"

namespace samenloop::testing {

std::vector<std::pair<std::string, std::string>> HostileTexts() {
  return {
      {"ESC sequence", absl::StrCat("Team \x1b[2J\x1b[1;1H", kMarker)},
      {"C1 CSI", absl::StrCat("Team \xc2\x9b" "2J", kMarker)},
      {"newline", absl::StrCat("Team\nINFO forged log line ", kMarker)},
      {"NUL", absl::StrCat(std::string("Team\0", 5), kMarker)},
      {"bidi override", absl::StrCat("Team \xe2\x80\xae", kMarker)},
      {"DEL", absl::StrCat("Team \x7f", kMarker)},
  };
}

std::string LongText(size_t length) {
  std::string out;
  while (out.size() < length) out += kMarker;
  return out.substr(0, length);
}

Answer FromStatus(const grpc::Status& status) { return {status.error_code(), status.error_message(), ""}; }

google::protobuf::Timestamp Seconds(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

google::protobuf::Timestamp FromNow(absl::Duration offset) {
  return Seconds(absl::ToUnixSeconds(absl::Now() + offset));
}

void HostileInputTest::SetUp() {
  ASSERT_TRUE(stack_.Start().ok());
  v1::ApplyPolicyRequest apply;
  apply.set_policy_yaml(
      *ReadFileToString(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml"));
  v1::PolicyVersion version;
  policy_ = v1::PolicyAdminService::NewStub(stack_.BrokerChannelAs("privacy-officer"));
  ASSERT_TRUE(policy_->ApplyPolicy(Deadline(30).get(), apply, &version).ok());
  signals_ = v1::SignalService::NewStub(stack_.BrokerChannelAs(kHostileOrg));
  notifications_ = v1::NotificationService::NewStub(stack_.BrokerChannelAs(kHostileOrg));
  consents_ = v1::ConsentService::NewStub(stack_.BrokerChannelAs(kHostileOrg));
  audit_ = v1::AuditService::NewStub(stack_.BrokerChannelAs("auditor"));
  pseudonymiser_ = v1::Pseudonymiser::NewStub(stack_.PseudonymiserChannelAs(kHostileOrg));
  v1::SubmitSignalsResponse submitted;
  ASSERT_TRUE(signals_->SubmitSignals(Deadline().get(), OneItem("base", ValidSignal(10)), &submitted).ok());
  ASSERT_EQ(submitted.results(0).code(), 0) << submitted.results(0).message();
  own_signal_ = submitted.results(0).signal_id();
  ASSERT_TRUE(v1::SignalService::NewStub(stack_.BrokerChannelAs(kHostileOtherOrg))
                  ->SubmitSignals(Deadline().get(), OneItem("other", ValidSignal(10)), &submitted)
                  .ok());
}

HostileInputTest::Observed HostileInputTest::Observe() const {
  Observed o;
  // Draining appends a NOTIFICATION_DELIVERED event per notification; the
  // head is read after it and RunBattery counts them.
  o.outbox = stack_.DrainNotifications(kHostileOrg).size();
  o.other_outbox = stack_.DrainNotifications(kHostileOtherOrg).size();
  v1::SignedTreeHead head;
  EXPECT_TRUE(audit_->GetTreeHead(Deadline().get(), v1::GetTreeHeadRequest(), &head).ok());
  o.audit_size = head.tree_size();
  v1::ListOwnSignalsResponse own;
  EXPECT_TRUE(signals_->ListOwnSignals(Deadline().get(), v1::ListOwnSignalsRequest(), &own).ok());
  o.own_signals = own.SerializeAsString();
  v1::ListConsentsResponse consents;
  EXPECT_TRUE(consents_->ListConsents(Deadline().get(), v1::ListConsentsRequest(), &consents).ok());
  o.consents = consents.SerializeAsString();
  return o;
}

namespace {

// A control character in an error message would reach the caller's
// terminal. (Newlines separate a refused policy's diagnostics; a newline
// echoed from a value would carry the marker.)
bool HasControlBytes(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return true;
    }
    if (c == 0xe2 && text.compare(i, 3, "\xe2\x80\xae") == 0) return true;
  }
  return false;
}

}  // namespace

void HostileInputTest::RunBattery(const std::vector<HostileCase>& cases) {
  Observed before = Observe();
  ASSERT_GT(before.outbox, 0u) << "the fixture made a match";
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(c.name);
    Answer answer = c.send();
    EXPECT_EQ(answer.code, c.code) << answer.message;
    EXPECT_NE(answer.message.find(c.field), std::string::npos) << answer.message;
    EXPECT_EQ(answer.message.find(kMarker), std::string::npos) << "the value came back: " << answer.message;
    EXPECT_FALSE(HasControlBytes(answer.message)) << "a control character came back";
    EXPECT_EQ(answer.echoed.find(kMarker), std::string::npos) << "the refused key came back";
    EXPECT_FALSE(HasControlBytes(answer.echoed)) << "a control character came back";
    EXPECT_LT(answer.message.size(), 600u);
    Observed after = Observe();
    EXPECT_EQ(after.audit_size, before.audit_size + c.audit_events + after.outbox + after.other_outbox);
    EXPECT_EQ(after.own_signals, before.own_signals) << "the refusal changed a signal";
    EXPECT_EQ(after.consents, before.consents) << "the refusal changed a consent";
    EXPECT_EQ(after.outbox, before.outbox) << "the refusal notified someone";
    EXPECT_EQ(after.other_outbox, before.other_outbox) << "the refusal notified someone";
    before = after;
  }
  absl::StatusOr<std::string> log = ReadFileToString(stack_.broker_log());
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->find(kMarker), std::string::npos) << "a refused value reached the broker's log";
}

grpc::Status HostileInputTest::CallRaw(const std::string& method, const std::string& bytes,
                                       const std::string& identity, bool pseudonymiser) const {
  return CallRawBytes(pseudonymiser ? stack_.PseudonymiserChannelAs(identity) : stack_.BrokerChannelAs(identity),
                      method, bytes);
}

Answer HostileInputTest::SubmitItem(const std::function<void(v1::SubmitSignalItem&)>& spoil) const {
  v1::SubmitSignalsRequest request = OneItem("hostile", ValidSignal(10));
  spoil(*request.mutable_items(0));
  v1::SubmitSignalsResponse response;
  grpc::Status status = signals_->SubmitSignals(Deadline().get(), request, &response);
  if (!status.ok() || response.results_size() != 1) return FromStatus(status);
  return {static_cast<grpc::StatusCode>(response.results(0).code()), response.results(0).message(),
          response.results(0).idempotency_key()};
}

Answer HostileInputTest::Update(const std::function<void(v1::UpdateSignalRequest&)>& fill) const {
  v1::UpdateSignalRequest request;
  request.set_signal_id(own_signal_);
  fill(request);
  v1::Signal response;
  return FromStatus(signals_->UpdateSignal(Deadline().get(), request, &response));
}

Answer HostileInputTest::Close(const google::protobuf::Timestamp& closed_at) const {
  v1::CloseSignalRequest request;
  request.set_signal_id(own_signal_);
  *request.mutable_closed_at() = closed_at;
  v1::Signal response;
  return FromStatus(signals_->CloseSignal(Deadline().get(), request, &response));
}

Answer HostileInputTest::Consent(const std::function<void(v1::ConsentRecord&)>& spoil) const {
  v1::RegisterConsentRequest request;
  *request.mutable_record() = ValidConsent(20);
  spoil(*request.mutable_record());
  v1::ConsentRecord response;
  return FromStatus(consents_->RegisterConsent(Deadline().get(), request, &response));
}

Answer HostileInputTest::Query(const std::function<void(v1::QueryEventsRequest&)>& fill) const {
  v1::QueryEventsRequest request;
  fill(request);
  v1::QueryEventsResponse response;
  return FromStatus(audit_->QueryEvents(Deadline().get(), request, &response));
}

}  // namespace samenloop::testing
