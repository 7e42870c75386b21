// samenloop pseudonymise: turns BSNs into pseudonyms through the
// pseudonymiser. By default it prints only a count, because a pseudonym is
// itself an identifier; --show prints them (hex), one per line.

#include "client/cli/cli_context.h"
#include "client/pseudonymiser_client.h"
#include "crypto/hex.h"

namespace samenloop::cli {
namespace {

struct PseudonymiseArgs {
  std::vector<std::string> bsns;
  bool show = false;
};

int Run(const GlobalOptions& options, const PseudonymiseArgs& args) {
  absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> pseudonymiser = PseudonymiserFor(options);
  if (!pseudonymiser.ok()) return Fail(pseudonymiser.status());
  absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = (*pseudonymiser)->Pseudonymise(args.bsns);
  if (!pseudonyms.ok()) return Fail(pseudonyms.status());
  if (!args.show) {
    std::cout << pseudonyms->size() << " BSN(s) pseudonymised (key epoch "
              << (pseudonyms->empty() ? 0 : pseudonyms->front().key_epoch())
              << "); use --show to print the pseudonyms\n";
    return 0;
  }
  for (const v1::Pseudonym& p : *pseudonyms) {
    std::cout << crypto::HexEncode(absl::MakeConstSpan(
                     reinterpret_cast<const uint8_t*>(p.value().data()), p.value().size()))
              << "\n";
  }
  return 0;
}

}  // namespace

void RegisterPseudonymiseCommand(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<PseudonymiseArgs>();
  CLI::App* cmd = app.add_subcommand("pseudonymise", "Pseudonymise BSNs (prints nothing identifying unless --show)");
  cmd->add_option("--bsn", args->bsns, "a BSN (9 digits); repeat for several")->required();
  cmd->add_flag("--show", args->show, "print the pseudonyms (hex); they identify a person: handle with care");
  cmd->callback([&options, args] {
    if (int code = Run(options, *args); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
