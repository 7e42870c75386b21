// samenloop submit: pseudonymises the subject's and related persons' BSNs
// in this process and submits one signal. The source organisation comes
// from --identity's certificate.

#include "absl/strings/str_split.h"
#include "client/cli/cli_context.h"
#include "client/cli/signal_fields.h"
#include "client/pseudonymiser_client.h"
#include "google/protobuf/util/json_util.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::cli {
namespace {

int Run(const GlobalOptions& options, const SignalFields& args) {
  absl::StatusOr<UnpseudonymisedSignal> unpseudonymised = ToSignal(args);
  if (!unpseudonymised.ok()) return Fail(unpseudonymised.status());
  absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> pseudonymiser = PseudonymiserFor(options);
  if (!pseudonymiser.ok()) return Fail(pseudonymiser.status());
  absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = (*pseudonymiser)->Pseudonymise(unpseudonymised->bsns);
  if (!pseudonyms.ok()) return Fail(pseudonyms.status());
  v1::Signal signal = WithPseudonyms(*unpseudonymised, *pseudonyms);

  absl::StatusOr<std::shared_ptr<grpc::Channel>> broker_channel = BrokerChannel(options);
  if (!broker_channel.ok()) return Fail(broker_channel.status());
  auto stub = v1::SignalService::NewStub(*broker_channel);
  v1::SubmitSignalsRequest request;
  v1::SubmitSignalItem* item = request.add_items();
  item->set_idempotency_key(args.idempotency_key.empty() ? args.local_reference : args.idempotency_key);
  *item->mutable_signal() = std::move(signal);
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
  auto args = std::make_shared<SignalFields>();
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
  cmd->add_option("--waiting-since", args->waiting_since,
                  "YYYY-MM-DD: involved, but no professional assigned yet since then");
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
