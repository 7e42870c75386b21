// samenloop health: is this organisation's path through Samenloop ready?
// Asks the pseudonymiser and the broker over the caller's own mTLS identity
// (so a bad certificate shows up here too) and exits 0 only when both
// serve. Meant for an organisation system's own readiness probe and for a
// first check after installing certificates (docs/operations.md).

#include <iostream>

#include "client/cli/cli_context.h"
#include "client/health_check.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::cli {
namespace {

struct Target {
  const char* server;
  const char* service;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> (*channel)(const GlobalOptions&);
};

int RunHealth(const GlobalOptions& options, int timeout_seconds) {
  const Target targets[] = {
      {"pseudonymiser", v1::Pseudonymiser::service_full_name(), PseudonymiserChannel},
      {"broker", v1::SignalService::service_full_name(), BrokerChannel},
      {"broker", v1::NotificationService::service_full_name(), BrokerChannel},
  };
  bool all_serving = true;
  for (const Target& target : targets) {
    std::string state;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = target.channel(options);
    absl::StatusOr<client::Serving> serving =
        channel.ok() ? client::CheckServing(*channel, target.service, absl::Seconds(timeout_seconds))
                     : absl::StatusOr<client::Serving>(channel.status());
    if (!serving.ok()) {
      state = absl::StrCat("unreachable (", serving.status().message(), ")");
    } else if (*serving == client::Serving::kServing) {
      state = "serving";
    } else {
      state = *serving == client::Serving::kNotServing ? "not serving" : "unknown service";
    }
    all_serving = all_serving && serving.ok() && *serving == client::Serving::kServing;
    if (options.json) {
      std::cout << "{\"server\":\"" << target.server << "\",\"service\":\"" << target.service
                << "\",\"serving\":" << (state == "serving" ? "true" : "false") << "}\n";
    } else {
      std::cout << target.server << " " << target.service << ": " << state << "\n";
    }
  }
  return all_serving ? 0 : 1;
}

}  // namespace

void RegisterHealthCommand(CLI::App& app, GlobalOptions& options) {
  CLI::App* health = app.add_subcommand("health", "Check that the pseudonymiser and the broker are ready (exit 0)");
  auto timeout = std::make_shared<int>(5);
  health->add_option("--timeout-seconds", *timeout, "per server")->check(CLI::Range(1, 300));
  health->callback([&options, timeout] {
    if (int code = RunHealth(options, *timeout); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
