// samenloop: the command-line client for organisations, privacy officers
// and auditors. See docs/cli.md.

#include "client/cli/cli_context.h"

int main(int argc, char** argv) {
  CLI::App app{"samenloop: signals, notifications, consents and the privacy officer's policy tools"};
  app.require_subcommand(1);
  samenloop::cli::GlobalOptions options;
  samenloop::cli::AddGlobalOptions(app, options);
  samenloop::cli::RegisterPseudonymiseCommand(app, options);
  samenloop::cli::RegisterSubmitCommand(app, options);
  samenloop::cli::RegisterSignalCommands(app, options);
  samenloop::cli::RegisterWatchCommand(app, options);
  samenloop::cli::RegisterImportCommand(app, options);
  samenloop::cli::RegisterUpdateCommand(app, options);
  samenloop::cli::RegisterLeadCommands(app, options);
  samenloop::cli::RegisterPolicyCommands(app, options);
  samenloop::cli::RegisterConsentCommands(app, options);
  samenloop::cli::RegisterAuditCommands(app, options);
  samenloop::cli::RegisterHealthCommand(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Also carries a subcommand's failure (CLI::RuntimeError) as its exit code.
    const int code = app.exit(e);
    // `samenloop audit` promises auditors' scripts 2 for usage errors, apart
    // from 1 for a failed check (docs/audit.md).
    if (code != 0 && dynamic_cast<const CLI::RuntimeError*>(&e) == nullptr && app.got_subcommand("audit")) return 2;
    return code;
  }
  return 0;
}
