#ifndef SAMENLOOP_CLIENT_CLI_CLI_CONTEXT_H_
#define SAMENLOOP_CLIENT_CLI_CLI_CONTEXT_H_

// Options every `samenloop` subcommand shares (who am I, where are the
// servers) and small helpers for printing results and errors.

#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "client/pseudonymiser_client.h"
#include "common/tls_files.h"
#include "grpcpp/channel.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/status.h"

namespace samenloop::cli {

struct GlobalOptions {
  std::string identity_dir;  // ca.pem, cert.pem, key.pem
  std::string broker = "localhost:7443";
  std::string pseudonymiser = "localhost:7444";
  // The pseudonymiser's published public key (64 hex digits or a file
  // holding them); empty: not pinned.
  std::string pseudonymiser_key;
  bool json = false;
};

void AddGlobalOptions(CLI::App& app, GlobalOptions& options);

absl::StatusOr<std::shared_ptr<grpc::Channel>> BrokerChannel(const GlobalOptions& options);
absl::StatusOr<std::shared_ptr<grpc::Channel>> PseudonymiserChannel(const GlobalOptions& options);
// A client of the pseudonymiser with the pinned key, if one is given
// (--pseudonymiser-key); then the pseudonymiser must run in VOPRF mode and
// announce exactly that key, or every call fails.
absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> PseudonymiserFor(const GlobalOptions& options);

// Prints "samenloop: <message>" to stderr and returns exit status 1.
int Fail(const absl::Status& status);
int Fail(const grpc::Status& status, absl::string_view call);

// Parses a proto enum value from its short lowercase name, e.g. ("AGE_BAND_",
// "12_15") -> AGE_BAND_12_15. The error lists the accepted names.
template <typename Enum>
absl::StatusOr<Enum> ParseEnumName(absl::string_view field, absl::string_view prefix, absl::string_view text,
                                   const google::protobuf::EnumDescriptor* descriptor);
std::string ShortEnumName(const google::protobuf::EnumDescriptor* descriptor, int value, absl::string_view prefix);

// Each subcommand registers itself on the app and runs when chosen.
void RegisterPseudonymiseCommand(CLI::App& app, GlobalOptions& options);
void RegisterSubmitCommand(CLI::App& app, GlobalOptions& options);
void RegisterSignalCommands(CLI::App& app, GlobalOptions& options);
void RegisterWatchCommand(CLI::App& app, GlobalOptions& options);
void RegisterImportCommand(CLI::App& app, GlobalOptions& options);
void RegisterUpdateCommand(CLI::App& app, GlobalOptions& options);
void RegisterPolicyCommands(CLI::App& app, GlobalOptions& options);
void RegisterConsentCommands(CLI::App& app, GlobalOptions& options);
void RegisterAuditCommands(CLI::App& app, GlobalOptions& options);
void RegisterHealthCommand(CLI::App& app, GlobalOptions& options);
void RegisterLeadCommands(CLI::App& app, GlobalOptions& options);
// `policy apply` and `policy show`, under the `policy` subcommand.
void RegisterPolicyAdminCommands(CLI::App& policy, GlobalOptions& options);

}  // namespace samenloop::cli

#include "client/cli/cli_context_inl.h"

#endif  // SAMENLOOP_CLIENT_CLI_CLI_CONTEXT_H_
