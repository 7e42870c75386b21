// Every free-text field is bounded and clean (issue 18, item 3): control
// characters (ESC and CSI sequences that rewrite a terminal, newlines that
// forge log lines, NUL, DEL, bidi overrides) are refused in every free-text
// field of every RPC, every repeated field has a limit, and an error never
// echoes more than a short escaped prefix of a refused value. Each case is
// sent over real mTLS to the real servers and must change nothing.

#include "absl/strings/str_cat.h"
#include "tests/integration/hostile_input.h"

namespace samenloop::testing {
namespace {

using grpc::StatusCode;
constexpr StatusCode INVALID = StatusCode::INVALID_ARGUMENT;

class HostileTextTest : public HostileInputTest {
 protected:
  // One case per hostile text for a field set by `set`.
  void ForEachText(std::vector<HostileCase>& cases, const std::string& field, uint64_t audit_events,
                   const std::function<Answer(const std::string&)>& send) {
    for (const auto& [kind, text] : HostileTexts()) {
      cases.push_back({absl::StrCat(field, ": ", kind), [send, text = text] { return send(text); }, INVALID, field,
                       audit_events});
    }
  }
};

TEST_F(HostileTextTest, SignalServiceFreeTextRefusesControlCharacters) {
  std::vector<HostileCase> cases;
  using S = v1::Signal;
  const std::vector<std::pair<std::string, std::function<void(S&, const std::string&)>>> fields = {
      {"items[0].signal.contact.name", [](S& s, const std::string& t) { s.mutable_contact()->set_name(t); }},
      {"items[0].signal.contact.phone", [](S& s, const std::string& t) { s.mutable_contact()->set_phone(t); }},
      {"items[0].signal.contact.email", [](S& s, const std::string& t) { s.mutable_contact()->set_email(t); }},
      {"items[0].signal.local_reference", [](S& s, const std::string& t) { s.set_local_reference(t); }},
      {"items[0].signal.duty_to_inform.postponement_reason",
       [](S& s, const std::string& t) {
         s.mutable_duty_to_inform()->set_status(v1::DUTY_TO_INFORM_STATUS_POSTPONED);
         s.mutable_duty_to_inform()->set_postponement_reason(t);
       }},
  };
  for (const auto& [field, set] : fields) {
    ForEachText(cases, field, 1, [this, set = set](const std::string& text) {
      return SubmitSpoiled([&](S& s) { set(s, text); });
    });
  }
  ForEachText(cases, "items[0].idempotency_key", 1, [this](const std::string& text) {
    return SubmitItem([&](v1::SubmitSignalItem& item) { item.set_idempotency_key(text); });
  });
  ForEachText(cases, "signal.contact.name", 0, [this](const std::string& text) {
    return Update([&](v1::UpdateSignalRequest& r) {
      r.mutable_signal()->mutable_contact()->set_name(text);
      r.mutable_update_mask()->add_paths("contact");
    });
  });
  ForEachText(cases, "signal.local_reference", 0, [this](const std::string& text) {
    return Update([&](v1::UpdateSignalRequest& r) {
      r.mutable_signal()->set_local_reference(text);
      r.mutable_update_mask()->add_paths("local_reference");
    });
  });
  ForEachText(cases, "reason", 0, [this](const std::string& text) {
    v1::RevokeSignalRequest request;
    request.set_signal_id(own_signal_);
    request.set_reason(text);
    v1::Signal response;
    return FromStatus(signals_->RevokeSignal(Deadline().get(), request, &response));
  });
  // Limits count characters, not bytes: 201 two-byte characters are too many.
  std::string accents;
  for (int i = 0; i < 201; ++i) accents += "\xc3\xa9";
  cases.push_back({"201 characters of contact name",
                   [this, accents] { return SubmitSpoiled([&](S& s) { s.mutable_contact()->set_name(accents); }); },
                   INVALID, "items[0].signal.contact.name: too long (at most 200 characters)", 1});
  cases.push_back({"a 501-character revocation reason",
                   [this] {
                     v1::RevokeSignalRequest request;
                     request.set_signal_id(own_signal_);
                     request.set_reason(LongText(501));
                     v1::Signal response;
                     return FromStatus(signals_->RevokeSignal(Deadline().get(), request, &response));
                   },
                   INVALID, "reason", 0});
  RunBattery(cases);
}

TEST_F(HostileTextTest, SignalServiceRepeatedFieldsAndTokensAreBounded) {
  std::vector<HostileCase> cases;
  cases.push_back({"15 update_mask paths",
                   [this] {
                     return Update([](v1::UpdateSignalRequest& r) {
                       for (int i = 0; i < 15; ++i) r.mutable_update_mask()->add_paths("severity");
                     });
                   },
                   INVALID, "update_mask.paths: at most 14", 0});
  cases.push_back({"a repeated update_mask path",
                   [this] {
                     return Update([](v1::UpdateSignalRequest& r) {
                       r.mutable_update_mask()->add_paths("severity");
                       r.mutable_update_mask()->add_paths("severity");
                     });
                   },
                   INVALID, "update_mask.paths[1]: names a field twice", 0});
  cases.push_back({"an update_mask path with an ESC sequence",
                   [this] {
                     return Update([](v1::UpdateSignalRequest& r) {
                       r.mutable_update_mask()->add_paths(absl::StrCat("\x1b[2J", kMarker));
                     });
                   },
                   INVALID, "update_mask.paths[0]", 0});
  cases.push_back({"6 status filters",
                   [this] {
                     v1::ListOwnSignalsRequest request;
                     for (int i = 0; i < 6; ++i) request.add_statuses(v1::SIGNAL_STATUS_OPEN);
                     v1::ListOwnSignalsResponse response;
                     return FromStatus(signals_->ListOwnSignals(Deadline().get(), request, &response));
                   },
                   INVALID, "statuses: at most 5", 0});
  cases.push_back({"an over-long page token",
                   [this] {
                     v1::ListOwnSignalsRequest request;
                     request.mutable_page()->set_page_token(LongText(100000));
                     v1::ListOwnSignalsResponse response;
                     return FromStatus(signals_->ListOwnSignals(Deadline().get(), request, &response));
                   },
                   INVALID, "page.page_token", 0});
  cases.push_back({"an unknown revocation reason class",
                   [this] {
                     v1::RevokeSignalRequest request;
                     request.set_signal_id(own_signal_);
                     request.set_reason_class(static_cast<v1::RevocationReason>(111222333));
                     v1::Signal response;
                     return FromStatus(signals_->RevokeSignal(Deadline().get(), request, &response));
                   },
                   INVALID, "reason_class", 0});
  for (const char* id : {"\x1b[2Jsig-1", "sig-1\n111222333"}) {
    cases.push_back({absl::StrCat("a signal id with a control character to reopen"),
                     [this, id] {
                       v1::ReopenSignalRequest request;
                       request.set_signal_id(id);
                       v1::Signal response;
                       return FromStatus(signals_->ReopenSignal(Deadline().get(), request, &response));
                     },
                     INVALID, "signal_id", 0});
  }
  RunBattery(cases);
}

TEST_F(HostileTextTest, ConsentServiceFreeTextRefusesControlCharacters) {
  std::vector<HostileCase> cases;
  ForEachText(cases, "record.scope.purpose", 0, [this](const std::string& text) {
    return Consent([&](v1::ConsentRecord& r) { r.mutable_scope()->set_purpose(text); });
  });
  ForEachText(cases, "record.scope.recipient_organisation", 0, [this](const std::string& text) {
    return Consent([&](v1::ConsentRecord& r) { r.mutable_scope()->set_recipient_organisation(text); });
  });
  ForEachText(cases, "record.scope.recipient_kind", 0, [this](const std::string& text) {
    return Consent([&](v1::ConsentRecord& r) { r.mutable_scope()->set_recipient_kind(text); });
  });
  ForEachText(cases, "record.scope.categories[0]", 0, [this](const std::string& text) {
    return Consent([&](v1::ConsentRecord& r) { r.mutable_scope()->add_categories(text); });
  });
  ForEachText(cases, "consent_id", 0, [this](const std::string& text) {
    v1::WithdrawConsentRequest request;
    request.set_consent_id(text);
    v1::ConsentRecord response;
    return FromStatus(consents_->WithdrawConsent(Deadline().get(), request, &response));
  });
  cases.push_back({"an over-long consent page token",
                   [this] {
                     v1::ListConsentsRequest request;
                     request.mutable_page()->set_page_token(LongText(100000));
                     v1::ListConsentsResponse response;
                     return FromStatus(consents_->ListConsents(Deadline().get(), request, &response));
                   },
                   INVALID, "page.page_token", 0});
  cases.push_back({"a consent page of 1001",
                   [this] {
                     v1::ListConsentsRequest request;
                     request.mutable_page()->set_page_size(1001);
                     v1::ListConsentsResponse response;
                     return FromStatus(consents_->ListConsents(Deadline().get(), request, &response));
                   },
                   INVALID, "page.page_size", 0});
  RunBattery(cases);
}

TEST_F(HostileTextTest, AuditQueriesAreBoundedAndRefusalsAudited) {
  std::vector<HostileCase> cases;
  // Refused queries are audited (one REQUEST_REFUSED each).
  ForEachText(cases, "organisation", 1, [this](const std::string& text) {
    return Query([&](v1::QueryEventsRequest& r) { r.set_organisation(text); });
  });
  ForEachText(cases, "subject_key", 1, [this](const std::string& text) {
    return Query([&](v1::QueryEventsRequest& r) { r.set_subject_key(text); });
  });
  constexpr int kTypes = v1::AuditEventType_ARRAYSIZE - 1;
  cases.push_back({"one type more than there are", [this] {
                     return Query([](v1::QueryEventsRequest& r) {
                       for (int i = 1; i <= kTypes; ++i) r.add_types(static_cast<v1::AuditEventType>(i));
                       r.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
                     });
                   },
                   INVALID, absl::StrCat("types: at most ", kTypes), 1});
  cases.push_back({"a repeated type", [this] {
                     return Query([](v1::QueryEventsRequest& r) {
                       r.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
                       r.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
                     });
                   },
                   INVALID, "types[1]: repeats", 1});
  cases.push_back({"an unknown type, not echoed", [this] {
                     return Query(
                         [](v1::QueryEventsRequest& r) { r.add_types(static_cast<v1::AuditEventType>(111222333)); });
                   },
                   INVALID, "types[0]: not an audit event type", 1});
  cases.push_back({"an unknown outcome, not echoed", [this] {
                     return Query(
                         [](v1::QueryEventsRequest& r) { r.set_outcome(static_cast<v1::DecisionOutcome>(111222333)); });
                   },
                   INVALID, "outcome", 1});
  cases.push_back({"an over-long query page token", [this] {
                     return Query(
                         [](v1::QueryEventsRequest& r) { r.mutable_page()->set_page_token(LongText(100000)); });
                   },
                   INVALID, "page.page_token", 1});
  cases.push_back({"a query page of 1001", [this] {
                     return Query([](v1::QueryEventsRequest& r) { r.mutable_page()->set_page_size(1001); });
                   },
                   INVALID, "page.page_size", 1});
  cases.push_back({"a subject report of a short pseudonym",
                   [this] {
                     v1::SubjectReportRequest request;
                     request.mutable_subject()->set_value(LongText(63));
                     v1::SubjectReportResponse response;
                     return FromStatus(audit_->SubjectReport(Deadline().get(), request, &response));
                   },
                   INVALID, "subject.value", 0});
  cases.push_back({"an over-long tree-head page token",
                   [this] {
                     v1::ListTreeHeadsRequest request;
                     request.mutable_page()->set_page_token(LongText(100000));
                     v1::ListTreeHeadsResponse response;
                     return FromStatus(audit_->ListTreeHeads(Deadline().get(), request, &response));
                   },
                   INVALID, "page.page_token", 0});
  RunBattery(cases);
}

// Today's defect: one QueryEvents with a million types wrote a 78 MB audit
// entry, after which every page of the log that included it failed.
TEST_F(HostileTextTest, AMillionQueryTypesIsRefusedAndTheLogStaysReadable) {
  v1::QueryEventsRequest flood;
  for (int i = 0; i < 1000000; ++i) flood.add_types(v1::AUDIT_EVENT_TYPE_AUDIT_QUERY);
  v1::QueryEventsResponse response;
  grpc::Status status = audit_->QueryEvents(Deadline(60).get(), flood, &response);
  EXPECT_EQ(status.error_code(), INVALID) << status.error_message();
  EXPECT_LT(status.error_message().size(), 200u);
  // Every event of the log, the refusal among them, can still be read.
  v1::QueryEventsRequest all;
  all.mutable_page()->set_page_size(1000);
  ASSERT_TRUE(audit_->QueryEvents(Deadline(60).get(), all, &response).ok());
  bool refusal = false;
  for (const v1::ProvenEvent& proven : response.events()) {
    EXPECT_LT(proven.leaf_data().size(), 4096u);
    refusal = refusal || proven.event().type() == v1::AUDIT_EVENT_TYPE_REQUEST_REFUSED;
  }
  EXPECT_TRUE(refusal) << "the refused query is on the record";
}

TEST_F(HostileTextTest, PolicyAdminFieldsAreCleanAndNeverEchoedInFull) {
  std::vector<HostileCase> cases;
  const auto apply = [this](const std::function<void(v1::ApplyPolicyRequest&)>& fill) {
    v1::ApplyPolicyRequest request;
    request.set_policy_yaml(
        *ReadFileToString(std::string(SAMENLOOP_SOURCE_DIR) + "/deploy/policies/amsterdam-amstelland.yaml"));
    fill(request);
    v1::PolicyVersion response;
    return FromStatus(policy_->ApplyPolicy(Deadline(30).get(), request, &response));
  };
  // Refused applies are audited.
  ForEachText(cases, "file_name", 1, [apply](const std::string& text) {
    return apply([&](v1::ApplyPolicyRequest& r) { r.set_file_name(text); });
  });
  ForEachText(cases, "expected_active_version", 1, [apply](const std::string& text) {
    return apply([&](v1::ApplyPolicyRequest& r) { r.set_expected_active_version(text); });
  });
  cases.push_back({"a megabyte of expected_active_version",
                   [apply] {
                     return apply([](v1::ApplyPolicyRequest& r) { r.set_expected_active_version(LongText(1 << 20)); });
                   },
                   INVALID, "expected_active_version", 1});
  cases.push_back({"a well-formed but outdated expected_active_version, echoed as a prefix",
                   [apply] {
                     return apply([](v1::ApplyPolicyRequest& r) {
                       r.set_expected_active_version(absl::StrCat(std::string(16, '0'), kMarker, std::string(39, 'a')));
                     });
                   },
                   StatusCode::FAILED_PRECONDITION, "expected_active_version: the active policy is", 1});
  cases.push_back({"a policy of 4 MiB and a byte",
                   [apply] {
                     return apply([](v1::ApplyPolicyRequest& r) { r.set_policy_yaml(std::string((4 << 20) + 1, '#')); });
                   },
                   INVALID, "policy_yaml: at most", 1});
  cases.push_back({"a rule id with an ESC sequence",
                   [apply] {
                     return apply([](v1::ApplyPolicyRequest& r) {
                       r.set_policy_yaml("version: \"x\\e[2J\"\nregion: r\n");
                     });
                   },
                   INVALID, "\"version\" in the policy file contains a control character", 1});
  cases.push_back({"an unknown key with an ESC sequence, escaped in the diagnostics",
                   [apply] {
                     return apply([](v1::ApplyPolicyRequest& r) { r.set_policy_yaml("version: x\n\"k\\e[2J\": 1\n"); });
                   },
                   INVALID, "unknown key \"k\\x1b[2J\"", 1});
  RunBattery(cases);
}

TEST_F(HostileTextTest, ThePseudonymiserReceivesNoMoreThanItsLargestBatch) {
  // 10,000 elements of 32 bytes are about 340 KiB; 2 MiB is refused by gRPC
  // before the service reads it (it was accepted up to 16 MiB).
  v1::EvaluateRequest request;
  request.add_blinded_elements(std::string(2 << 20, '\x01'));
  v1::EvaluateResponse response;
  grpc::Status status = pseudonymiser_->Evaluate(Deadline(30).get(), request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
}

}  // namespace
}  // namespace samenloop::testing
