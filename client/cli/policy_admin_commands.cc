// samenloop policy apply | show: the running broker's policy. Apply needs a
// privacy-officer certificate; the broker validates the file again, applies
// it atomically or refuses it whole, and audits it with its hash.

#include <fstream>
#include <sstream>

#include "absl/time/time.h"
#include "client/cli/cli_context.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"

namespace samenloop::cli {
namespace {

void PrintVersion(const v1::PolicyVersion& v) {
  std::cout << "version " << v.declared_version() << " (hash " << v.version_hash() << ") applied "
            << absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixSeconds(v.applied_at().seconds()),
                                absl::UTCTimeZone())
            << " by " << v.applied_by() << "\n";
}

int RunApply(const GlobalOptions& options, const std::string& path, const std::string& expected) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(absl::NotFoundError(absl::StrCat(path, ": cannot be read")));
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::PolicyAdminService::NewStub(*channel);
  v1::ApplyPolicyRequest request;
  request.set_policy_yaml(text.str());
  request.set_file_name(path);
  request.set_expected_active_version(expected);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::PolicyVersion version;
  grpc::Status status = stub->ApplyPolicy(&context, request, &version);
  if (!status.ok()) return Fail(status, "ApplyPolicy");
  std::cout << "applied: ";
  PrintVersion(version);
  return 0;
}

int RunShow(const GlobalOptions& options, bool versions, bool yaml) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::PolicyAdminService::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (versions) {
    v1::ListPolicyVersionsResponse response;
    grpc::Status status = stub->ListPolicyVersions(&context, v1::ListPolicyVersionsRequest(), &response);
    if (!status.ok()) return Fail(status, "ListPolicyVersions");
    for (const v1::PolicyVersion& v : response.versions()) PrintVersion(v);
    return 0;
  }
  v1::ActivePolicy active;
  grpc::Status status = stub->GetActivePolicy(&context, v1::GetActivePolicyRequest(), &active);
  if (!status.ok()) return Fail(status, "GetActivePolicy");
  if (yaml) {
    std::cout << active.policy_yaml();
  } else {
    PrintVersion(active.version());
  }
  return 0;
}

}  // namespace

void RegisterPolicyAdminCommands(CLI::App& policy, GlobalOptions& options) {
  auto path = std::make_shared<std::string>();
  auto expected = std::make_shared<std::string>();
  CLI::App* apply = policy.add_subcommand("apply", "Apply a policy in the running broker (privacy officer)");
  apply->add_option("FILE", *path, "the policy file")->required();
  apply->add_option("--expect-active", *expected,
                    "refuse unless the active policy has this hash (guards against concurrent changes)");
  apply->callback([&options, path, expected] {
    if (int code = RunApply(options, *path, *expected); code != 0) throw CLI::RuntimeError(code);
  });

  auto versions = std::make_shared<bool>(false);
  auto yaml = std::make_shared<bool>(false);
  CLI::App* show = policy.add_subcommand("show", "The broker's active policy version");
  show->add_flag("--versions", *versions, "every version applied, oldest first");
  show->add_flag("--yaml", *yaml, "print the active policy file itself");
  show->callback([&options, versions, yaml] {
    if (int code = RunShow(options, *versions, *yaml); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
