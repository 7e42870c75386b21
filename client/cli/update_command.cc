// samenloop update: changes fields of one of your signals. Only the options
// given are changed (they become the update mask); --related replaces the
// whole list of related persons, --confirm records that the signal is still
// current. The contact is replaced as a whole: give all of its parts.

#include "client/cli/cli_context.h"
#include "client/cli/signal_fields.h"
#include "client/pseudonymiser_client.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::cli {
namespace {

struct UpdateArgs {
  std::string signal_id;
  SignalFields fields;
  bool clear_related = false;
  bool confirm = false;
  std::vector<std::string> changed;  // update mask paths
};

int Run(const GlobalOptions& options, UpdateArgs& args) {
  if (args.clear_related) args.changed.push_back("related");
  if (args.confirm) args.changed.push_back("last_confirmed_at");
  if (args.changed.empty()) return Fail(absl::InvalidArgumentError("give at least one field to change"));
  // ToSignal needs the required fields; values not in the mask are ignored.
  SignalFields fields = args.fields;
  if (fields.age_band.empty()) fields.age_band = "23_plus";
  fields.bsn = "000000000";  // placeholder subject: never sent, the subject cannot change
  absl::StatusOr<UnpseudonymisedSignal> parsed = ToSignal(fields);
  if (!parsed.ok()) return Fail(parsed.status());

  v1::Signal signal = parsed->signal;
  std::vector<std::string> bsns(parsed->bsns.begin() + 1, parsed->bsns.end());
  if (!bsns.empty()) {
    absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> pseudonymiser = PseudonymiserFor(options);
    if (!pseudonymiser.ok()) return Fail(pseudonymiser.status());
    absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = (*pseudonymiser)->Pseudonymise(bsns);
    if (!pseudonyms.ok()) return Fail(pseudonyms.status());
    pseudonyms->insert(pseudonyms->begin(), v1::Pseudonym());
    signal = WithPseudonyms(*parsed, *pseudonyms);
    signal.clear_subject();
  }
  if (args.confirm) {
    *signal.mutable_last_confirmed_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  }

  v1::UpdateSignalRequest request;
  request.set_signal_id(args.signal_id);
  *request.mutable_signal() = signal;
  for (const std::string& path : args.changed) request.mutable_update_mask()->add_paths(path);
  // The broker refuses a body that sets fields the mask does not name.
  google::protobuf::util::FieldMaskUtil::TrimMessage(request.update_mask(), request.mutable_signal());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> broker = BrokerChannel(options);
  if (!broker.ok()) return Fail(broker.status());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::Signal updated;
  grpc::Status status = v1::SignalService::NewStub(*broker)->UpdateSignal(&context, request, &updated);
  if (!status.ok()) return Fail(status, "UpdateSignal");
  std::cout << "updated " << updated.signal_id() << " (revision " << updated.revision() << ")\n";
  return 0;
}

}  // namespace

void RegisterUpdateCommand(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<UpdateArgs>();
  CLI::App* cmd = app.add_subcommand("update", "Change fields of one of your signals");
  cmd->add_option("--signal-id", args->signal_id, "as the broker returned it, e.g. sig_6hq…")->required();
  struct Field {
    const char* option;
    std::string* value;
    const char* path;
    const char* help;
  };
  SignalFields& f = args->fields;
  for (const Field& field : {Field{"--age-band", &f.age_band, "age_band", "0_11 … 23_plus"},
                             Field{"--category", &f.category, "category", "category id"},
                             Field{"--nature", &f.nature, "nature", "fact, suspicion or concern"},
                             Field{"--severity", &f.severity, "severity", "low, elevated, high or acute"},
                             Field{"--subject-role", &f.subject_role, "subject_role", "the subject's role"},
                             Field{"--local-ref", &f.local_reference, "local_reference", "your own case id"},
                             Field{"--legal-framework", &f.legal_framework, "legal_framework", "legal framework"},
                             Field{"--waiting-since", &f.waiting_since, "waiting_since",
                                   "YYYY-MM-DD: no professional assigned yet since then"}}) {
    const char* path = field.path;
    cmd->add_option_function<std::string>(
        field.option, [args, value = field.value, path](const std::string& v) {
          *value = v;
          args->changed.push_back(path);
        },
        field.help);
  }
  cmd->add_option_function<std::string>(
      "--contact-name", [args](const std::string& v) {
        args->fields.contact_name = v;
        args->changed.push_back("contact");
      },
      "new contact (replaces the contact as a whole)");
  cmd->add_option("--contact-phone", f.contact_phone, "with --contact-name");
  cmd->add_option("--contact-email", f.contact_email, "with --contact-name");
  cmd->add_option_function<std::vector<std::string>>(
      "--related", [args](const std::vector<std::string>& v) {
        args->fields.related = v;
        args->changed.push_back("related");
      },
      "the new list of related persons, BSN:relation[:role]; repeatable");
  cmd->add_flag("--clear-related", args->clear_related, "remove every related person");
  cmd->add_flag_function(
      "--assigned", [args](int64_t) { args->changed.push_back("waiting_since"); },
      "a professional is assigned now (clears --waiting-since)");
  cmd->add_flag("--confirm", args->confirm, "record that the signal is still current (last confirmed now)");
  cmd->callback([&options, args] {
    if (int code = Run(options, *args); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
