// samenloop lead take | handover | release: take the lead (regievoerder)
// for the person of one of your open signals, hand it over (warme
// overdracht), or give it up while staying involved.

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli/cli_context.h"
#include "client/lead_client.h"
#include "google/protobuf/util/json_util.h"

namespace samenloop::cli {
namespace {

void PrintLead(const GlobalOptions& options, const v1::LeadResponse& response, absl::string_view what) {
  if (options.json) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(response, &json);
    std::cout << json << "\n";
    return;
  }
  const absl::Time since = absl::FromUnixSeconds(response.since().seconds());
  std::cout << what << ": " << response.lead_organisation() << " leads since "
            << absl::FormatTime("%Y-%m-%d %H:%M UTC", since, absl::UTCTimeZone());
  if (!response.lead_signal_id().empty()) std::cout << " (through " << response.lead_signal_id() << ")";
  std::cout << "\n";
}

enum class Act { kTake, kHandOver, kRelease };

int Run(const GlobalOptions& options, Act act, const std::string& signal_id, const std::string& to) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  client::LeadClient leads(*channel);
  absl::StatusOr<v1::LeadResponse> response = act == Act::kTake       ? leads.TakeLead(signal_id)
                                              : act == Act::kHandOver ? leads.HandOverLead(signal_id, to)
                                                                      : leads.ReleaseLead(signal_id);
  if (!response.ok()) return Fail(response.status());
  if (act == Act::kRelease) {
    if (options.json) {
      PrintLead(options, *response, "");
    } else {
      const absl::Time since = absl::FromUnixSeconds(response->since().seconds());
      std::cout << "lead released: your organisation no longer leads since "
                << absl::FormatTime("%Y-%m-%d %H:%M UTC", since, absl::UTCTimeZone()) << "; your signal stays open\n";
    }
    return 0;
  }
  const char* what = act == Act::kHandOver ? "handed over" : response->changed() ? "lead taken" : "unchanged, you lead already";
  PrintLead(options, *response, what);
  return 0;
}

}  // namespace

void RegisterLeadCommands(CLI::App& app, GlobalOptions& options) {
  CLI::App* lead = app.add_subcommand("lead", "Take, hand over or release the lead (regievoerder) for a person");
  lead->require_subcommand(1);
  auto signal_id = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();

  CLI::App* take = lead->add_subcommand("take", "Lead for the person of one of your open signals");
  take->add_option("signal-id", *signal_id, "your open signal, as the broker returned it, e.g. sig_6hq…")->required();
  take->callback([&options, signal_id] {
    if (int code = Run(options, Act::kTake, *signal_id, ""); code != 0) throw CLI::RuntimeError(code);
  });

  CLI::App* handover = lead->add_subcommand("handover", "Hand your lead over to another organisation (warme overdracht)");
  handover->add_option("signal-id", *signal_id, "your open signal through which you lead")->required();
  handover->add_option("--to", *to, "the organisation id that takes over; it needs an open signal on the person")
      ->required();
  handover->callback([&options, signal_id, to] {
    if (int code = Run(options, Act::kHandOver, *signal_id, *to); code != 0) throw CLI::RuntimeError(code);
  });

  CLI::App* release = lead->add_subcommand("release", "Give up your lead; your signal stays open");
  release->add_option("signal-id", *signal_id, "your open signal on the person you lead for")->required();
  release->callback([&options, signal_id] {
    if (int code = Run(options, Act::kRelease, *signal_id, ""); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
