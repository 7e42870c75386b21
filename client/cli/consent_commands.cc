// samenloop consent grant | object | withdraw | list: the consent and
// objection registry (docs/consent.md). BSNs are pseudonymised in this
// process; the broker receives pseudonyms only. The registering
// organisation comes from --identity's certificate.

#include <iomanip>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/cli/cli_context.h"
#include "client/pseudonymiser_client.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "samenloop/v1/consent.grpc.pb.h"

namespace samenloop::cli {
namespace {

struct ConsentArgs {
  std::string bsn, by = "subject", giver_bsn, recipient_org, recipient_kind, purpose, valid_from, valid_until;
  std::vector<std::string> categories;
};

std::string Day(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(t.seconds()), absl::UTCTimeZone());
}

// What the record does today: "active", "withdrawn YYYY-MM-DD", "expired"
// (past valid_until) or "not yet valid" (before valid_from).
std::string StateOf(const v1::ConsentRecord& r, absl::Time now) {
  const auto at = [](const google::protobuf::Timestamp& t) { return absl::FromUnixSeconds(t.seconds()); };
  if (r.has_withdrawn_at()) return "withdrawn " + Day(r.withdrawn_at());
  if (r.has_valid_until() && at(r.valid_until()) <= now) return "expired";
  if (r.has_valid_from() && at(r.valid_from()) > now) return "not yet valid";
  return "active";
}

void PrintRecord(const GlobalOptions& options, const v1::ConsentRecord& r) {
  if (options.json) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(r, &json);
    std::cout << json << "\n";
    return;
  }
  std::string scope = !r.scope().recipient_organisation().empty() ? r.scope().recipient_organisation()
                      : !r.scope().recipient_kind().empty()       ? "kind " + r.scope().recipient_kind()
                                                                  : "any recipient";
  if (r.scope().categories_size() > 0) scope += " / " + absl::StrJoin(r.scope().categories(), ",");
  std::cout << std::left << std::setw(10) << r.consent_id() << std::setw(10)
            << ShortEnumName(v1::ConsentKind_descriptor(), r.kind(), "CONSENT_KIND_") << std::setw(22)
            << ShortEnumName(v1::ConsentGiver_descriptor(), r.given_by(), "CONSENT_GIVER_") << std::setw(40) << scope
            << Day(r.valid_from()) << " .. " << (r.has_valid_until() ? Day(r.valid_until()) : "until withdrawn")
            << "  " << StateOf(r, absl::Now()) << "\n";
}

absl::StatusOr<google::protobuf::Timestamp> DateArg(const char* flag, const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", text, "\" is not a date (YYYY-MM-DD)"));
  }
  return google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

int RunRegister(const GlobalOptions& options, const ConsentArgs& args, v1::ConsentKind kind) {
  v1::ConsentRecord record;
  record.set_kind(kind);
  if (args.by == "subject") {
    record.set_given_by(v1::CONSENT_GIVER_SUBJECT);
    if (!args.giver_bsn.empty()) return Fail(absl::InvalidArgumentError("--giver-bsn: only for --by parent or guardian"));
  } else if (args.by == "parent" || args.by == "guardian") {
    record.set_given_by(args.by == "parent" ? v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY : v1::CONSENT_GIVER_GUARDIAN);
    if (args.giver_bsn.empty()) return Fail(absl::InvalidArgumentError("--giver-bsn: required with --by " + args.by));
  } else {
    return Fail(absl::InvalidArgumentError("--by: subject, parent or guardian"));
  }
  record.mutable_scope()->set_recipient_organisation(args.recipient_org);
  record.mutable_scope()->set_recipient_kind(args.recipient_kind);
  for (const std::string& c : args.categories) record.mutable_scope()->add_categories(c);
  record.mutable_scope()->set_purpose(args.purpose);
  if (!args.valid_from.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> t = DateArg("--valid-from", args.valid_from);
    if (!t.ok()) return Fail(t.status());
    *record.mutable_valid_from() = *t;
  }
  if (!args.valid_until.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> t = DateArg("--valid-until", args.valid_until);
    if (!t.ok()) return Fail(t.status());
    *record.mutable_valid_until() = *t;
  }

  std::vector<std::string> bsns = {args.bsn};
  if (!args.giver_bsn.empty()) bsns.push_back(args.giver_bsn);
  absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> pseudonymiser = PseudonymiserFor(options);
  if (!pseudonymiser.ok()) return Fail(pseudonymiser.status());
  absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = (*pseudonymiser)->Pseudonymise(bsns);
  if (!pseudonyms.ok()) return Fail(pseudonyms.status());
  *record.mutable_subject() = (*pseudonyms)[0];
  if (pseudonyms->size() > 1) *record.mutable_giver() = (*pseudonyms)[1];

  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::ConsentService::NewStub(*channel);
  v1::RegisterConsentRequest request;
  *request.mutable_record() = std::move(record);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::ConsentRecord registered;
  grpc::Status status = stub->RegisterConsent(&context, request, &registered);
  if (!status.ok()) return Fail(status, "RegisterConsent");
  PrintRecord(options, registered);
  return 0;
}

int RunWithdraw(const GlobalOptions& options, const std::string& consent_id) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::ConsentService::NewStub(*channel);
  v1::WithdrawConsentRequest request;
  request.set_consent_id(consent_id);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::ConsentRecord record;
  grpc::Status status = stub->WithdrawConsent(&context, request, &record);
  if (!status.ok()) return Fail(status, "WithdrawConsent");
  PrintRecord(options, record);
  return 0;
}

int RunList(const GlobalOptions& options, const std::string& bsn) {
  v1::ListConsentsRequest request;
  if (!bsn.empty()) {
    absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> pseudonymiser = PseudonymiserFor(options);
    if (!pseudonymiser.ok()) return Fail(pseudonymiser.status());
    absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = (*pseudonymiser)->Pseudonymise({bsn});
    if (!pseudonyms.ok()) return Fail(pseudonyms.status());
    *request.mutable_subject() = (*pseudonyms)[0];
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::ConsentService::NewStub(*channel);
  request.mutable_page()->set_page_size(1000);
  do {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ListConsentsResponse response;
    grpc::Status status = stub->ListConsents(&context, request, &response);
    if (!status.ok()) return Fail(status, "ListConsents");
    for (const v1::ConsentRecord& r : response.records()) PrintRecord(options, r);
    request.mutable_page()->set_page_token(response.next_page_token());
  } while (!request.page().page_token().empty());
  return 0;
}

void AddScopeOptions(CLI::App* cmd, ConsentArgs& args) {
  cmd->add_option("--bsn", args.bsn, "BSN of the person the record is about (never leaves this process)")->required();
  cmd->add_option("--by", args.by, "who gives it: subject (default), parent (with authority) or guardian");
  cmd->add_option("--giver-bsn", args.giver_bsn, "BSN of the parent or guardian (each parent separately)");
  cmd->add_option("--recipient-org", args.recipient_org, "only towards this organisation");
  cmd->add_option("--recipient-kind", args.recipient_kind, "only towards organisations of this kind");
  cmd->add_option("--category", args.categories, "only for this category (repeatable)");
  cmd->add_option("--purpose", args.purpose, "purpose, at most 200 characters, no case content");
  cmd->add_option("--valid-from", args.valid_from, "YYYY-MM-DD (default: now)");
  cmd->add_option("--valid-until", args.valid_until, "YYYY-MM-DD (default: until withdrawn)");
}

}  // namespace

void RegisterConsentCommands(CLI::App& app, GlobalOptions& options) {
  CLI::App* consent = app.add_subcommand("consent", "Register, withdraw and list consents and objections");
  consent->require_subcommand(1);

  auto grant_args = std::make_shared<ConsentArgs>();
  CLI::App* grant = consent->add_subcommand("grant", "Register a consent your organisation obtained");
  AddScopeOptions(grant, *grant_args);
  grant->callback([&options, grant_args] {
    if (int code = RunRegister(options, *grant_args, v1::CONSENT_KIND_CONSENT); code != 0) throw CLI::RuntimeError(code);
  });

  auto object_args = std::make_shared<ConsentArgs>();
  CLI::App* object = consent->add_subcommand("object", "Register an objection your organisation received");
  AddScopeOptions(object, *object_args);
  object->callback([&options, object_args] {
    if (int code = RunRegister(options, *object_args, v1::CONSENT_KIND_OBJECTION); code != 0) {
      throw CLI::RuntimeError(code);
    }
  });

  auto consent_id = std::make_shared<std::string>();
  CLI::App* withdraw = consent->add_subcommand("withdraw", "Withdraw a record your organisation registered");
  withdraw->add_option("--consent-id", *consent_id, "e.g. con-12")->required();
  withdraw->callback([&options, consent_id] {
    if (int code = RunWithdraw(options, *consent_id); code != 0) throw CLI::RuntimeError(code);
  });

  auto list_bsn = std::make_shared<std::string>();
  CLI::App* list = consent->add_subcommand("list", "Records your organisation registered");
  list->add_option("--bsn", *list_bsn, "only those about this person");
  list->callback([&options, list_bsn] {
    if (int code = RunList(options, *list_bsn); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
