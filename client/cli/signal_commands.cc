// samenloop close | reopen | revoke | signals: manage your own signals.

#include <iomanip>

#include "client/cli/cli_context.h"
#include "google/protobuf/util/json_util.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::cli {
namespace {

void PrintSignal(const GlobalOptions& options, const v1::Signal& signal) {
  if (options.json) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(signal, &json);
    std::cout << json << "\n";
    return;
  }
  std::cout << std::left << std::setw(12) << signal.signal_id() << std::setw(10)
            << ShortEnumName(v1::SignalStatus_descriptor(), signal.status(), "SIGNAL_STATUS_") << std::setw(22)
            << signal.category() << signal.local_reference() << "\n";
}

template <typename Request, typename Call>
int RunChange(const GlobalOptions& options, const Request& request, absl::string_view name, Call call) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::SignalService::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::Signal signal;
  grpc::Status status = call(*stub, &context, request, &signal);
  if (!status.ok()) return Fail(status, name);
  PrintSignal(options, signal);
  return 0;
}

int RunList(const GlobalOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::SignalService::NewStub(*channel);
  v1::ListOwnSignalsRequest request;
  request.mutable_page()->set_page_size(1000);
  do {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ListOwnSignalsResponse response;
    grpc::Status status = stub->ListOwnSignals(&context, request, &response);
    if (!status.ok()) return Fail(status, "ListOwnSignals");
    for (const v1::Signal& signal : response.signals()) PrintSignal(options, signal);
    request.mutable_page()->set_page_token(response.next_page_token());
  } while (!request.page().page_token().empty());
  return 0;
}

}  // namespace

void RegisterSignalCommands(CLI::App& app, GlobalOptions& options) {
  auto signal_id = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();

  CLI::App* close = app.add_subcommand("close", "Close one of your signals (it stays visible as history)");
  close->add_option("--signal-id", *signal_id, "as the broker returned it, e.g. sig_6hq…")->required();
  close->callback([&options, signal_id] {
    v1::CloseSignalRequest request;
    request.set_signal_id(*signal_id);
    int code = RunChange(options, request, "CloseSignal", [](auto& stub, auto* context, const auto& req, auto* out) {
      return stub.CloseSignal(context, req, out);
    });
    if (code != 0) throw CLI::RuntimeError(code);
  });

  CLI::App* reopen = app.add_subcommand("reopen", "Reopen one of your closed signals (matches again)");
  reopen->add_option("--signal-id", *signal_id, "as the broker returned it, e.g. sig_6hq…")->required();
  reopen->callback([&options, signal_id] {
    v1::ReopenSignalRequest request;
    request.set_signal_id(*signal_id);
    int code = RunChange(options, request, "ReopenSignal", [](auto& stub, auto* context, const auto& req, auto* out) {
      return stub.ReopenSignal(context, req, out);
    });
    if (code != 0) throw CLI::RuntimeError(code);
  });

  CLI::App* revoke = app.add_subcommand("revoke", "Withdraw a signal submitted in error");
  revoke->add_option("--signal-id", *signal_id, "as the broker returned it, e.g. sig_6hq…")->required();
  revoke->add_option("--reason", *reason, "why (audited, stays with the broker; no case content)");
  // What recipients already told of the signal see in their retraction.
  auto reason_class = std::make_shared<std::string>();
  revoke->add_option("--reason-class", *reason_class, "what recipients are told: wrong-person, submitted-in-error, unfounded")
      ->check(CLI::IsMember({"wrong-person", "submitted-in-error", "unfounded"}));
  revoke->callback([&options, signal_id, reason, reason_class] {
    v1::RevokeSignalRequest request;
    request.set_signal_id(*signal_id);
    request.set_reason(*reason);
    if (*reason_class == "wrong-person") request.set_reason_class(v1::REVOCATION_REASON_WRONG_PERSON);
    if (*reason_class == "submitted-in-error") request.set_reason_class(v1::REVOCATION_REASON_SUBMITTED_IN_ERROR);
    if (*reason_class == "unfounded") request.set_reason_class(v1::REVOCATION_REASON_UNFOUNDED);
    int code = RunChange(options, request, "RevokeSignal", [](auto& stub, auto* context, const auto& req, auto* out) {
      return stub.RevokeSignal(context, req, out);
    });
    if (code != 0) throw CLI::RuntimeError(code);
  });

  CLI::App* list = app.add_subcommand("signals", "List your organisation's signals");
  list->callback([&options] {
    if (int code = RunList(options); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
