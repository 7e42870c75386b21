// Golden-file scenario tests (tests/scenarios/<name>/): `scenario.txt` lists
// what each organisation does, in order; `expected.txt` lists exactly the
// notifications each organisation must have received, no more. They run
// against real pseudonymiser and broker processes, with the SDK as each
// organisation's client. See tests/scenarios/README.md for the format.

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/lead_client.h"
#include "client/pseudonymiser_client.h"
#include "common/tls_files.h"
#include "gtest/gtest.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/dev_stack.h"

namespace samenloop::testing {
namespace {

const std::string kScenarioDir = std::string(SAMENLOOP_SOURCE_DIR) + "/tests/scenarios";

template <typename Enum>
Enum ParseEnum(const google::protobuf::EnumDescriptor* descriptor, const std::string& prefix, const std::string& text) {
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByName(prefix + absl::AsciiStrToUpper(text));
  if (value == nullptr) {
    ADD_FAILURE() << "unknown " << prefix << " value '" << text << "'";
    return static_cast<Enum>(0);
  }
  return static_cast<Enum>(value->number());
}

std::string ShortName(const google::protobuf::EnumDescriptor* descriptor, int number, const std::string& prefix) {
  std::string name = descriptor->FindValueByNumber(number)->name();
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

// The n-th fictitious BSN passing the 11-check: deterministic per person.
std::string FictitiousBsn(int n) {
  for (int candidate = 100000000 + n * 1000;; ++candidate) {
    std::string bsn = absl::StrFormat("%09d", candidate);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (i == 8 ? -1 : 9 - i) * (bsn[static_cast<size_t>(i)] - '0');
    if (sum % 11 == 0) return bsn;
  }
}

class ScenarioRunner {
 public:
  explicit ScenarioRunner(DevStack* stack) : stack_(stack) {}

  void Run(const std::string& script) {
    int line_number = 0;
    for (absl::string_view raw : absl::StrSplit(script, '\n')) {
      ++line_number;
      std::string line(absl::StripAsciiWhitespace(raw.substr(0, raw.find('#'))));
      if (line.empty()) continue;
      SCOPED_TRACE(absl::StrCat("scenario.txt:", line_number, ": ", line));
      std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
      const std::string& verb = words[0];
      if (verb == "person") {
        ASSERT_EQ(words.size(), 3u) << "person NAME AGE_BAND";
        people_[words[1]] = Person{FictitiousBsn(static_cast<int>(people_.size())), words[2]};
      } else if (verb == "submit") {
        Submit(words);
      } else if (verb == "close" || verb == "reopen" || verb == "revoke") {
        ASSERT_TRUE(words.size() == 3u || (verb == "revoke" && words.size() == 4u))
            << verb << " ORG KEY (revoke: [reason=CLASS])";
        Change(verb, words[1], words[2], words.size() == 4u ? words[3] : "");
      } else if (verb == "update") {
        ASSERT_GE(words.size(), 4u) << "update ORG KEY [severity=S] [category=C] [contact=NAME]";
        Update(words);
      } else if (verb == "lead") {
        ASSERT_GE(words.size(), 4u) << "lead take|handover|release ORG KEY [to=ORG]";
        Lead(words);
      } else if (verb == "policy") {
        ASSERT_EQ(words.size(), 2u) << "policy FILE (relative to the repository)";
        ApplyPolicy(words[1]);
      } else if (verb == "consent" || verb == "objection") {
        Consent(verb, words);
      } else if (verb == "withdraw") {
        ASSERT_EQ(words.size(), 3u) << "withdraw ORG LABEL";
        Withdraw(words[1], words[2]);
      } else if (verb == "deliver") {
        // ORG's system takes what its stream holds now, as a subscribed
        // system would: from here on it has been told.
        ASSERT_EQ(words.size(), 2u) << "deliver ORG";
        (void)stack_->DrainNotifications(words[1]);
      } else {
        FAIL() << "unknown step '" << verb << "'";
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  // Every organisation's notifications as canonical lines:
  //   <recipient> <own key> <- <other org> <other key> <match kind> [<relation>]
  std::vector<std::string> Received(const std::set<std::string>& organisations) {
    std::vector<std::string> lines;
    for (const std::string& org : organisations) {
      std::map<std::string, size_t> patterns;  // handle -> order of first appearance
      for (const v1::Notification& n : stack_->DrainNotifications(org)) {
        std::string own = n.your_signal_id().empty() ? "-" : KeyOf(n.your_signal_id());
        if (n.kind() == v1::NOTIFICATION_KIND_RETRACTION) {
          lines.push_back(absl::StrCat(org, " ", own, " <- ", n.other().organisation_id(), " - retraction ",
                                       ShortName(v1::RevocationReason_descriptor(), n.retraction_reason(),
                                                 "REVOCATION_REASON_")));
          continue;
        }
        if (n.kind() == v1::NOTIFICATION_KIND_LEAD) {
          // <recipient> <own key> <- <lead org> <lead key> lead <event> [from=<org>:<key>]
          std::string lead = absl::StrCat(org, " ", own, " <- ", n.lead().organisation_id(), " ",
                                          n.lead().contact().name(), " lead ",
                                          ShortName(v1::LeadEvent_descriptor(), n.lead_event(), "LEAD_EVENT_"));
          if (n.has_previous_lead()) {
            absl::StrAppend(&lead, " from=", n.previous_lead().organisation_id(), ":",
                            n.previous_lead().contact().name());
          }
          lines.push_back(lead);
          continue;
        }
        std::string line = absl::StrCat(org, " ", own, " <- ", n.other().organisation_id(), " ",
                                        n.other().contact().name(), " ",
                                        ShortName(v1::MatchKind_descriptor(), n.match_kind(), "MATCH_KIND_"));
        if (n.kind() == v1::NOTIFICATION_KIND_CHANGE) {
          // <recipient> <own key> <- <org> <contact> change <what>[,<what>]
          std::vector<std::string> changes;
          for (int change : n.changes()) {
            changes.push_back(ShortName(v1::SignalChange_descriptor(), change, "SIGNAL_CHANGE_"));
          }
          lines.push_back(absl::StrCat(org, " ", own, " <- ", n.other().organisation_id(), " ",
                                       n.other().contact().name(), " change ", absl::StrJoin(changes, ",")));
          continue;
        }
        if (n.relation() != v1::RELATION_UNSPECIFIED) {
          absl::StrAppend(&line, " ", ShortName(v1::Relation_descriptor(), n.relation(), "RELATION_"));
        }
        if (n.coordination_event() == v1::COORDINATION_EVENT_OUT_OF_VIEW) absl::StrAppend(&line, " out_of_view");
        if (n.coordination_event() == v1::COORDINATION_EVENT_MOVE) absl::StrAppend(&line, " move");
        if (!n.pattern_handle().empty() || n.coordination_event() == v1::COORDINATION_EVENT_MOVE) {
          // ... coordination (pattern=N [updated] | move) members=ORG:KEY,...
          if (!n.pattern_handle().empty()) {
            absl::StrAppend(&line, " pattern=", patterns.emplace(n.pattern_handle(), patterns.size() + 1).first->second);
          }
          if (n.coordination_event() == v1::COORDINATION_EVENT_PATTERN_UPDATED) absl::StrAppend(&line, " updated");
          std::vector<std::string> members;
          for (const v1::DisclosedSignal& m : n.pattern_members()) {
            members.push_back(absl::StrCat(m.organisation_id(), ":", m.contact().name()));
          }
          std::sort(members.begin(), members.end());
          absl::StrAppend(&line, " members=", absl::StrJoin(members, ","));
          // Other rules the newcomer made fire, after the one that formed it.
          if (n.basis().rule_ids_size() > 1) {
            absl::StrAppend(&line, " also=", absl::StrJoin(n.basis().rule_ids().begin() + 1, n.basis().rule_ids().end(), ","));
          }
        }
        lines.push_back(line);
      }
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  const std::set<std::string>& organisations() const { return organisations_; }

 private:
  struct Person {
    std::string bsn;
    std::string age_band;
  };

  std::vector<v1::Pseudonym> Pseudonymise(const std::string& org, const std::vector<std::string>& names) {
    std::vector<std::string> bsns;
    for (const std::string& name : names) {
      EXPECT_TRUE(people_.count(name)) << "unknown person " << name;
      bsns.push_back(people_[name].bsn);
    }
    client::PseudonymiserClient pseudonymiser(stack_->PseudonymiserChannelAs(org));
    absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = pseudonymiser.Pseudonymise(bsns);
    EXPECT_TRUE(pseudonyms.ok()) << pseudonyms.status();
    return pseudonyms.ok() ? *pseudonyms : std::vector<v1::Pseudonym>(names.size());
  }

  // submit ORG KEY subject=P category=C [nature=N] [severity=S] [related=P:REL[:ROLE]]...
  //        [protected] [protected-against=P] [waiting-since=YYYY-MM-DD]
  void Submit(const std::vector<std::string>& words) {
    ASSERT_GE(words.size(), 5u) << "submit ORG KEY subject=P category=C ...";
    const std::string& org = words[1];
    const std::string& key = words[2];
    organisations_.insert(org);
    v1::Signal signal;
    signal.set_nature(v1::NATURE_CONCERN);
    signal.mutable_contact()->set_name(key);  // lets expected.txt name the other signal
    signal.set_local_reference(key);
    std::vector<std::string> names;
    std::vector<std::pair<v1::Relation, v1::PersonRole>> relations;
    std::vector<std::string> protected_against;
    for (size_t i = 3; i < words.size(); ++i) {
      std::pair<std::string, std::string> kv = absl::StrSplit(words[i], absl::MaxSplits('=', 1));
      if (kv.first == "subject") {
        names.insert(names.begin(), kv.second);
        signal.set_age_band(ParseEnum<v1::AgeBand>(v1::AgeBand_descriptor(), "AGE_BAND_", people_[kv.second].age_band));
      } else if (kv.first == "category") {
        signal.set_category(kv.second);
      } else if (kv.first == "nature") {
        signal.set_nature(ParseEnum<v1::Nature>(v1::Nature_descriptor(), "NATURE_", kv.second));
      } else if (kv.first == "severity") {
        signal.set_severity(ParseEnum<v1::Severity>(v1::Severity_descriptor(), "SEVERITY_", kv.second));
      } else if (kv.first == "related") {
        std::vector<std::string> parts = absl::StrSplit(kv.second, ':');
        ASSERT_GE(parts.size(), 2u) << "related=PERSON:RELATION[:ROLE]";
        names.push_back(parts[0]);
        relations.emplace_back(ParseEnum<v1::Relation>(v1::Relation_descriptor(), "RELATION_", parts[1]),
                               parts.size() > 2
                                   ? ParseEnum<v1::PersonRole>(v1::PersonRole_descriptor(), "PERSON_ROLE_", parts[2])
                                   : v1::PERSON_ROLE_UNSPECIFIED);
      } else if (kv.first == "protected") {
        signal.set_protected_(true);
      } else if (kv.first == "protected-against") {
        protected_against.push_back(kv.second);
      } else if (kv.first == "waiting-since") {
        absl::Time since;
        std::string error;
        ASSERT_TRUE(absl::ParseTime("%Y-%m-%d", kv.second, &since, &error)) << "waiting-since=" << kv.second << ": " << error;
        signal.mutable_waiting_since()->set_seconds(absl::ToUnixSeconds(since));
      } else {
        FAIL() << "unknown submit field '" << kv.first << "'";
      }
    }
    names.insert(names.end(), protected_against.begin(), protected_against.end());
    std::vector<v1::Pseudonym> pseudonyms = Pseudonymise(org, names);
    size_t next = 0;
    *signal.mutable_subject() = pseudonyms[next++];
    for (const auto& [relation, role] : relations) {
      v1::RelatedPerson* person = signal.add_related();
      *person->mutable_person() = pseudonyms[next++];
      person->set_relation(relation);
      person->set_role(role);
    }
    while (next < pseudonyms.size()) *signal.add_protected_against() = pseudonyms[next++];

    v1::SubmitSignalsRequest request;
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(key);
    *item->mutable_signal() = signal;
    grpc::ClientContext context;
    v1::SubmitSignalsResponse response;
    grpc::Status status = v1::SignalService::NewStub(stack_->BrokerChannelAs(org))->SubmitSignals(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results(0).code(), 0) << response.results(0).message();
    signal_ids_[response.results(0).signal_id()] = key;
    keys_[org + "/" + key] = response.results(0).signal_id();
  }

  // The privacy officer applies a policy file, as `samenloop policy apply` does.
  void ApplyPolicy(const std::string& file) {
    absl::StatusOr<std::string> yaml = ReadFileToString(std::string(SAMENLOOP_SOURCE_DIR) + "/" + file);
    ASSERT_TRUE(yaml.ok()) << yaml.status();
    v1::ApplyPolicyRequest request;
    request.set_policy_yaml(*yaml);
    request.set_file_name(file);
    grpc::ClientContext context;
    v1::PolicyVersion version;
    grpc::Status status = v1::PolicyAdminService::NewStub(stack_->BrokerChannelAs("privacy-officer"))
                              ->ApplyPolicy(&context, request, &version);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // consent|objection ORG LABEL subject=P [by=parent:P|guardian:P] [recipient-org=O] [recipient-kind=K]
  //                   [category=C]...
  void Consent(const std::string& verb, const std::vector<std::string>& words) {
    ASSERT_GE(words.size(), 4u) << verb << " ORG LABEL subject=P ...";
    const std::string& org = words[1];
    v1::ConsentRecord record;
    record.set_kind(verb == "consent" ? v1::CONSENT_KIND_CONSENT : v1::CONSENT_KIND_OBJECTION);
    record.set_given_by(v1::CONSENT_GIVER_SUBJECT);
    std::vector<std::string> names;
    for (size_t i = 3; i < words.size(); ++i) {
      std::pair<std::string, std::string> kv = absl::StrSplit(words[i], absl::MaxSplits('=', 1));
      if (kv.first == "subject") {
        names.insert(names.begin(), kv.second);
      } else if (kv.first == "by") {
        std::pair<std::string, std::string> giver = absl::StrSplit(kv.second, absl::MaxSplits(':', 1));
        record.set_given_by(giver.first == "parent" ? v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY
                                                    : v1::CONSENT_GIVER_GUARDIAN);
        names.push_back(giver.second);
      } else if (kv.first == "recipient-org") {
        record.mutable_scope()->set_recipient_organisation(kv.second);
      } else if (kv.first == "recipient-kind") {
        record.mutable_scope()->set_recipient_kind(kv.second);
      } else if (kv.first == "category") {
        record.mutable_scope()->add_categories(kv.second);
      } else {
        FAIL() << "unknown consent field '" << kv.first << "'";
      }
    }
    std::vector<v1::Pseudonym> pseudonyms = Pseudonymise(org, names);
    *record.mutable_subject() = pseudonyms[0];
    if (pseudonyms.size() > 1) *record.mutable_giver() = pseudonyms[1];
    v1::RegisterConsentRequest request;
    *request.mutable_record() = record;
    grpc::ClientContext context;
    v1::ConsentRecord registered;
    grpc::Status status =
        v1::ConsentService::NewStub(stack_->BrokerChannelAs(org))->RegisterConsent(&context, request, &registered);
    ASSERT_TRUE(status.ok()) << status.error_message();
    consents_[org + "/" + words[2]] = registered.consent_id();
  }

  void Withdraw(const std::string& org, const std::string& label) {
    v1::WithdrawConsentRequest request;
    request.set_consent_id(consents_[org + "/" + label]);
    ASSERT_FALSE(request.consent_id().empty()) << "no consent " << label << " of " << org;
    grpc::ClientContext context;
    v1::ConsentRecord record;
    grpc::Status status =
        v1::ConsentService::NewStub(stack_->BrokerChannelAs(org))->WithdrawConsent(&context, request, &record);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Change(const std::string& verb, const std::string& org, const std::string& key,
              const std::string& option) {
    auto stub = v1::SignalService::NewStub(stack_->BrokerChannelAs(org));
    const std::string id = keys_[org + "/" + key];
    ASSERT_FALSE(id.empty()) << "no signal " << key << " of " << org;
    grpc::ClientContext context;
    v1::Signal out;
    grpc::Status status;
    if (verb == "close") {
      v1::CloseSignalRequest request;
      request.set_signal_id(id);
      status = stub->CloseSignal(&context, request, &out);
    } else if (verb == "reopen") {
      v1::ReopenSignalRequest request;
      request.set_signal_id(id);
      status = stub->ReopenSignal(&context, request, &out);
    } else {
      v1::RevokeSignalRequest request;
      request.set_signal_id(id);
      request.set_reason("scenario");
      if (!option.empty()) {
        ASSERT_EQ(option.rfind("reason=", 0), 0u) << "revoke ORG KEY reason=CLASS";
        v1::RevocationReason reason = v1::REVOCATION_REASON_UNSPECIFIED;
        ASSERT_TRUE(v1::RevocationReason_Parse("REVOCATION_REASON_" + absl::AsciiStrToUpper(option.substr(7)), &reason))
            << option;
        request.set_reason_class(reason);
      }
      status = stub->RevokeSignal(&context, request, &out);
    }
    ASSERT_TRUE(status.ok()) << verb << ": " << status.error_message();
  }

  // update ORG KEY field=value...: severity, category, nature or contact
  // (the contact's name).
  void Update(const std::vector<std::string>& words) {
    auto stub = v1::SignalService::NewStub(stack_->BrokerChannelAs(words[1]));
    v1::UpdateSignalRequest request;
    request.set_signal_id(keys_[words[1] + "/" + words[2]]);
    ASSERT_FALSE(request.signal_id().empty()) << "no signal " << words[2] << " of " << words[1];
    for (size_t i = 3; i < words.size(); ++i) {
      const size_t eq = words[i].find('=');
      ASSERT_NE(eq, std::string::npos) << words[i];
      const std::string field = words[i].substr(0, eq), value = words[i].substr(eq + 1);
      v1::Signal& signal = *request.mutable_signal();
      if (field == "severity") {
        signal.set_severity(ParseEnum<v1::Severity>(v1::Severity_descriptor(), "SEVERITY_", value));
      } else if (field == "nature") {
        signal.set_nature(ParseEnum<v1::Nature>(v1::Nature_descriptor(), "NATURE_", value));
      } else if (field == "category") {
        signal.set_category(value);
      } else if (field == "contact") {
        signal.mutable_contact()->set_name(value);
      } else {
        FAIL() << "update: unknown field " << field;
      }
      request.mutable_update_mask()->add_paths(field);
    }
    grpc::ClientContext context;
    v1::Signal out;
    grpc::Status status = stub->UpdateSignal(&context, request, &out);
    ASSERT_TRUE(status.ok()) << "update: " << status.error_message();
  }

  // lead take ORG KEY, lead handover ORG KEY to=ORG, lead release ORG KEY:
  // through the SDK; the step must succeed.
  void Lead(const std::vector<std::string>& words) {
    const std::string& act = words[1];
    const std::string& org = words[2];
    const std::string id = keys_[org + "/" + words[3]];
    ASSERT_FALSE(id.empty()) << "no signal " << words[3] << " of " << org;
    client::LeadClient leads(stack_->BrokerChannelAs(org));
    absl::StatusOr<v1::LeadResponse> done = absl::InvalidArgumentError("unknown lead step");
    if (act == "take" && words.size() == 4u) {
      done = leads.TakeLead(id);
    } else if (act == "release" && words.size() == 4u) {
      done = leads.ReleaseLead(id);
    } else if (act == "handover" && words.size() == 5u && absl::StartsWith(words[4], "to=")) {
      done = leads.HandOverLead(id, words[4].substr(3));
    } else {
      FAIL() << "lead take|release ORG KEY, or lead handover ORG KEY to=ORG";
    }
    ASSERT_TRUE(done.ok()) << "lead " << act << ": " << done.status();
  }

  std::string KeyOf(const std::string& signal_id) {
    auto it = signal_ids_.find(signal_id);
    return it == signal_ids_.end() ? signal_id : it->second;
  }

  DevStack* stack_;
  std::map<std::string, Person> people_;
  std::map<std::string, std::string> signal_ids_;  // signal id -> scenario key
  std::map<std::string, std::string> keys_;        // org/key -> signal id
  std::map<std::string, std::string> consents_;    // org/label -> consent id
  std::set<std::string> organisations_;
};

std::vector<std::string> ExpectedLines(const std::string& text, std::set<std::string>* organisations) {
  std::vector<std::string> lines;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    std::string line(absl::StripAsciiWhitespace(raw.substr(0, raw.find('#'))));
    if (line.empty()) continue;
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    organisations->insert(words[0]);
    lines.push_back(absl::StrJoin(words, " "));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kScenarioDir)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, NotificationsAreExactlyTheExpectedOnes) {
  const std::string dir = kScenarioDir + "/" + GetParam();
  absl::StatusOr<std::string> script = ReadFileToString(dir + "/scenario.txt");
  absl::StatusOr<std::string> expected_text = ReadFileToString(dir + "/expected.txt");
  ASSERT_TRUE(script.ok()) << script.status();
  ASSERT_TRUE(expected_text.ok()) << expected_text.status();

  DevStack stack;
  absl::Status started = stack.Start();
  ASSERT_TRUE(started.ok()) << started;
  ScenarioRunner runner(&stack);
  runner.Run(*script);
  if (HasFatalFailure()) return;

  // Every organisation of the dev PKI is asked, so a notification to one
  // that the scenario does not mention (e.g. a coordinator) is caught too.
  std::set<std::string> organisations = runner.organisations();
  for (const auto& entry : std::filesystem::directory_iterator(stack.pki())) {
    const std::string name = entry.path().filename().string();
    static const std::set<std::string> kNotOrganisations = {"ca", "broker", "pseudonymiser", "privacy-officer",
                                                            "auditor", "operator"};
    // An identity is a directory with a certificate (not ca/ or crl/).
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "cert.pem") &&
        kNotOrganisations.count(name) == 0) {
      organisations.insert(name);
    }
  }
  std::vector<std::string> expected = ExpectedLines(*expected_text, &organisations);
  std::vector<std::string> received = runner.Received(organisations);
  EXPECT_EQ(absl::StrJoin(received, "\n"), absl::StrJoin(expected, "\n"))
      << "received (left) vs expected.txt (right), sorted";
}

INSTANTIATE_TEST_SUITE_P(Golden, ScenarioTest, ::testing::ValuesIn(ScenarioNames()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace samenloop::testing
