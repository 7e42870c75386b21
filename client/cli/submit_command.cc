// samenloop submit: pseudonymises the subject's and related persons' BSNs
// in this process and submits one signal. The source organisation comes
// from --identity's certificate.

#include "absl/strings/str_split.h"
#include "client/cli/cli_context.h"
#include "client/pseudonymiser_client.h"
#include "google/protobuf/util/json_util.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::cli {
namespace {

struct SubmitArgs {
  std::string bsn;
  std::string age_band;
  std::string category;
  std::string nature = "concern";
  std::string severity;
  std::string subject_role;
  std::string contact_name, contact_phone, contact_email;
  std::string local_reference;
  std::string idempotency_key;
  std::string legal_framework;
  std::vector<std::string> related;  // BSN:relation[:role]
  std::vector<std::string> protected_against;
  bool is_protected = false;
};

// A related person given as "BSN:relation[:role]".
struct RelatedArg {
  std::string bsn;
  v1::Relation relation = v1::RELATION_UNSPECIFIED;
  v1::PersonRole role = v1::PERSON_ROLE_UNSPECIFIED;
};

absl::StatusOr<RelatedArg> ParseRelated(size_t index, const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  std::string field = absl::StrCat("--related[", index, "]");
  if (parts.size() < 2 || parts.size() > 3) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected BSN:relation[:role]"));
  }
  RelatedArg out;
  out.bsn = parts[0];
  absl::StatusOr<v1::Relation> relation =
      ParseEnumName<v1::Relation>(field + ".relation", "RELATION_", parts[1], v1::Relation_descriptor());
  if (!relation.ok()) return relation.status();
  out.relation = *relation;
  if (parts.size() == 3) {
    absl::StatusOr<v1::PersonRole> role =
        ParseEnumName<v1::PersonRole>(field + ".role", "PERSON_ROLE_", parts[2], v1::PersonRole_descriptor());
    if (!role.ok()) return role.status();
    out.role = *role;
  }
  return out;
}

absl::StatusOr<v1::Signal> BuildSignal(const SubmitArgs& args, std::vector<std::string>* bsns,
                                       std::vector<RelatedArg>* related) {
  v1::Signal signal;
  auto age = ParseEnumName<v1::AgeBand>("--age-band", "AGE_BAND_", args.age_band, v1::AgeBand_descriptor());
  if (!age.ok()) return age.status();
  signal.set_age_band(*age);
  auto nature = ParseEnumName<v1::Nature>("--nature", "NATURE_", args.nature, v1::Nature_descriptor());
  if (!nature.ok()) return nature.status();
  signal.set_nature(*nature);
  if (!args.severity.empty()) {
    auto severity = ParseEnumName<v1::Severity>("--severity", "SEVERITY_", args.severity, v1::Severity_descriptor());
    if (!severity.ok()) return severity.status();
    signal.set_severity(*severity);
  }
  if (!args.subject_role.empty()) {
    auto role = ParseEnumName<v1::PersonRole>("--subject-role", "PERSON_ROLE_", args.subject_role,
                                              v1::PersonRole_descriptor());
    if (!role.ok()) return role.status();
    signal.set_subject_role(*role);
  }
  if (!args.legal_framework.empty()) {
    auto framework = ParseEnumName<v1::LegalFramework>("--legal-framework", "LEGAL_FRAMEWORK_",
                                                       args.legal_framework, v1::LegalFramework_descriptor());
    if (!framework.ok()) return framework.status();
    signal.set_legal_framework(*framework);
  }
  signal.set_category(args.category);
  signal.mutable_contact()->set_name(args.contact_name);
  signal.mutable_contact()->set_phone(args.contact_phone);
  signal.mutable_contact()->set_email(args.contact_email);
  signal.set_local_reference(args.local_reference);
  signal.set_protected_(args.is_protected);

  bsns->push_back(args.bsn);
  for (size_t i = 0; i < args.related.size(); ++i) {
    absl::StatusOr<RelatedArg> r = ParseRelated(i, args.related[i]);
    if (!r.ok()) return r.status();
    bsns->push_back(r->bsn);
    related->push_back(*std::move(r));
  }
  for (const std::string& bsn : args.protected_against) bsns->push_back(bsn);
  return signal;
}

int Run(const GlobalOptions& options, const SubmitArgs& args) {
  std::vector<std::string> bsns;
  std::vector<RelatedArg> related;
  absl::StatusOr<v1::Signal> signal = BuildSignal(args, &bsns, &related);
  if (!signal.ok()) return Fail(signal.status());

  absl::StatusOr<std::shared_ptr<grpc::Channel>> pseudonymiser_channel = PseudonymiserChannel(options);
  if (!pseudonymiser_channel.ok()) return Fail(pseudonymiser_channel.status());
  client::PseudonymiserClient pseudonymiser(*pseudonymiser_channel);
  absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = pseudonymiser.Pseudonymise(bsns);
  if (!pseudonyms.ok()) return Fail(pseudonyms.status());

  size_t next = 0;
  *signal->mutable_subject() = (*pseudonyms)[next++];
  for (const RelatedArg& r : related) {
    v1::RelatedPerson* person = signal->add_related();
    *person->mutable_person() = (*pseudonyms)[next++];
    person->set_relation(r.relation);
    person->set_role(r.role);
  }
  while (next < pseudonyms->size()) *signal->add_protected_against() = (*pseudonyms)[next++];

  absl::StatusOr<std::shared_ptr<grpc::Channel>> broker_channel = BrokerChannel(options);
  if (!broker_channel.ok()) return Fail(broker_channel.status());
  auto stub = v1::SignalService::NewStub(*broker_channel);
  v1::SubmitSignalsRequest request;
  v1::SubmitSignalItem* item = request.add_items();
  item->set_idempotency_key(args.idempotency_key.empty() ? args.local_reference : args.idempotency_key);
  *item->mutable_signal() = *std::move(signal);
  v1::SubmitSignalsResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Status status = stub->SubmitSignals(&context, request, &response);
  if (!status.ok()) return Fail(status, "SubmitSignals");
  const v1::SubmitSignalResult& result = response.results(0);
  if (options.json) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(result, &json);
    std::cout << json << "\n";
  }
  if (result.code() != 0) {
    std::cerr << "samenloop: signal refused: " << result.message() << "\n";
    return 1;
  }
  if (!options.json) {
    std::cout << (result.duplicate() ? "already submitted as " : "submitted ") << result.signal_id() << " ("
              << result.notifications_created() << " notification(s) created)\n";
  }
  return 0;
}

}  // namespace

void RegisterSubmitCommand(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<SubmitArgs>();
  CLI::App* cmd = app.add_subcommand("submit", "Submit a signal about a person");
  cmd->add_option("--bsn", args->bsn, "the subject's BSN (9 digits; never leaves this process)")->required();
  cmd->add_option("--age-band", args->age_band, "0_11, 12_15, 16_17, 18_22 or 23_plus")->required();
  cmd->add_option("--category", args->category, "category id from the policy, e.g. housing_nuisance")->required();
  cmd->add_option("--nature", args->nature, "fact, suspicion or concern")->default_val("concern");
  cmd->add_option("--severity", args->severity, "low, elevated, high or acute");
  cmd->add_option("--subject-role", args->subject_role, "victim, alleged_perpetrator, witness or involved");
  cmd->add_option("--contact-name", args->contact_name, "whom other organisations should call")->required();
  cmd->add_option("--contact-phone", args->contact_phone, "their phone number");
  cmd->add_option("--contact-email", args->contact_email, "their e-mail address");
  cmd->add_option("--local-ref", args->local_reference, "your own case id (never disclosed to others)");
  cmd->add_option("--idempotency-key", args->idempotency_key, "retry-safe key; defaults to --local-ref");
  cmd->add_option("--legal-framework", args->legal_framework, "voluntary, preventive, court_measure or criminal");
  cmd->add_option("--related", args->related, "a related person as BSN:relation[:role]; repeatable");
  cmd->add_flag("--protected", args->is_protected, "protected signal (e.g. a secret shelter address)");
  cmd->add_option("--protected-against", args->protected_against, "BSN of a person the signal is hidden from");
  cmd->callback([&options, args] {
    if (args->idempotency_key.empty() && args->local_reference.empty()) {
      throw CLI::ValidationError("--idempotency-key", "give --idempotency-key or --local-ref");
    }
    if (int code = Run(options, *args); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
