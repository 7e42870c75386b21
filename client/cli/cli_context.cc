#include "client/cli/cli_context.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "client/connection.h"

namespace samenloop::cli {

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  if (const char* env = std::getenv("SAMENLOOP_IDENTITY")) options.identity_dir = env;
  if (const char* env = std::getenv("SAMENLOOP_BROKER")) options.broker = env;
  if (const char* env = std::getenv("SAMENLOOP_PSEUDONYMISER")) options.pseudonymiser = env;
  if (const char* env = std::getenv("SAMENLOOP_PSEUDONYMISER_KEY")) options.pseudonymiser_key = env;
  app.add_option("--identity", options.identity_dir,
                 "directory with your ca.pem, cert.pem and key.pem (env SAMENLOOP_IDENTITY)");
  app.add_option("--broker", options.broker, "broker host:port (env SAMENLOOP_BROKER)");
  app.add_option("--pseudonymiser", options.pseudonymiser, "pseudonymiser host:port (env SAMENLOOP_PSEUDONYMISER)");
  app.add_option("--pseudonymiser-key", options.pseudonymiser_key,
                 "pin the pseudonymiser's published VOPRF key: 64 hex digits or a file holding them "
                 "(env SAMENLOOP_PSEUDONYMISER_KEY)");
  app.add_flag("--json", options.json, "machine-readable JSON output");
}

namespace {

absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelTo(const std::string& address, const GlobalOptions& options) {
  if (options.identity_dir.empty()) {
    return absl::InvalidArgumentError("--identity: required (your certificate directory)");
  }
  return client::Connect(address, TlsFilesFromDirectory(options.identity_dir));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> BrokerChannel(const GlobalOptions& options) {
  return ChannelTo(options.broker, options);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> PseudonymiserChannel(const GlobalOptions& options) {
  return ChannelTo(options.pseudonymiser, options);
}

absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> PseudonymiserFor(const GlobalOptions& options) {
  client::PseudonymiserClientOptions client_options;
  if (!options.pseudonymiser_key.empty()) {
    absl::StatusOr<crypto::Element> pinned = client::ParsePseudonymiserPublicKey(options.pseudonymiser_key);
    if (!pinned.ok()) return pinned.status();
    client_options.pinned_public_key = *pinned;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = PseudonymiserChannel(options);
  if (!channel.ok()) return channel.status();
  return std::make_unique<client::PseudonymiserClient>(*std::move(channel), std::move(client_options));
}

int Fail(const absl::Status& status) {
  std::cerr << "samenloop: " << status.message() << " [" << absl::StatusCodeToString(status.code()) << "]\n";
  return 1;
}

int Fail(const grpc::Status& status, absl::string_view call) {
  std::cerr << "samenloop: " << call << ": " << status.error_message() << " [code "
            << static_cast<int>(status.error_code()) << "]\n";
  return 1;
}

std::string ShortEnumName(const google::protobuf::EnumDescriptor* descriptor, int value, absl::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* found = descriptor->FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat(value);
  std::string name = found->name();
  if (absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace samenloop::cli
