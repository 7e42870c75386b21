// samenloop watch: streams your organisation's notifications, as a table
// or as JSON lines. Resumes from a cursor; --ack acknowledges what it shows.

#include <chrono>
#include <iomanip>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "client/cli/cli_context.h"
#include "google/protobuf/util/json_util.h"
#include "samenloop/v1/notifications.grpc.pb.h"

namespace samenloop::cli {
namespace {

struct WatchArgs {
  uint64_t after = 0;
  bool resume = false;
  bool once = false;
  bool ack = false;
};

std::string ContactText(const v1::Contact& contact) {
  std::string text = contact.name();
  if (!contact.phone().empty()) absl::StrAppend(&text, ", ", contact.phone());
  if (!contact.email().empty()) absl::StrAppend(&text, ", ", contact.email());
  return text;
}

std::string LeadText(const v1::Notification& n) {
  switch (n.lead_event()) {
    case v1::LEAD_EVENT_TAKEN: return "LEAD TAKEN";
    case v1::LEAD_EVENT_HANDED_OVER: return absl::StrCat("LEAD HANDED OVER (from ", n.previous_lead().organisation_id(), ")");
    case v1::LEAD_EVENT_LAPSED: return "LEAD LAPSED (nobody leads)";
    case v1::LEAD_EVENT_RELEASED: return "LEAD RELEASED (nobody leads)";
    default: return "LEAD";
  }
}

grpc::Status Acknowledge(v1::NotificationService::Stub& stub, uint64_t cursor) {
  grpc::ClientContext context;
  v1::AcknowledgeRequest request;
  request.set_cursor(cursor);
  v1::AcknowledgeResponse response;
  return stub.Acknowledge(&context, request, &response);
}

// A column of at least `width` characters, always followed by a space, so a
// long value never runs into the next column.
std::string Column(const std::string& text, size_t width) {
  return text.size() < width ? text + std::string(width - text.size(), ' ') : text + " ";
}

void PrintHeader() {
  std::cout << Column("CURSOR", 7) << Column("YOUR CASE", 14) << Column("OTHER ORGANISATION", 26)
            << Column("MATCH", 28) << Column("CATEGORY", 28) << Column("CONTACT", 44) << "RULE [LEGAL BASIS]\n";
}

void PrintRow(const v1::Notification& n) {
  // Professionals recognise their own case reference, not a broker id.
  std::string own = !n.your_local_reference().empty() ? n.your_local_reference()
                    : n.your_signal_id().empty()      ? "-"
                                                      : n.your_signal_id();
  std::string category = n.other().category().empty() ? "-" : n.other().category();
  if (n.other().nature() != v1::NATURE_UNSPECIFIED) {
    absl::StrAppend(&category, " (", ShortEnumName(v1::Nature_descriptor(), n.other().nature(), "NATURE_"), ")");
  }
  // The rule and the legal basis it cites (its id; --json has the citation).
  std::string rule = n.basis().rule_ids().empty() ? "-" : n.basis().rule_ids(0);
  if (!n.basis().legal_bases().empty()) {
    const std::string& basis = n.basis().legal_bases(0);
    absl::StrAppend(&rule, " [", basis.substr(0, basis.find(':')), "]");
  }
  // The match kind, and for household matches how the other person is
  // related to yours ("household_related (parent)").
  std::string match = ShortEnumName(v1::MatchKind_descriptor(), n.match_kind(), "MATCH_KIND_");
  if (n.relation() != v1::RELATION_UNSPECIFIED) {
    absl::StrAppend(&match, " (", ShortEnumName(v1::Relation_descriptor(), n.relation(), "RELATION_"), ")");
  }
  std::string contact = ContactText(n.other().contact());
  if (n.kind() == v1::NOTIFICATION_KIND_RETRACTION) {
    // Stop acting on the earlier notification: the signal was withdrawn.
    match = absl::StrCat("RETRACTED (",
                         ShortEnumName(v1::RevocationReason_descriptor(), n.retraction_reason(), "REVOCATION_REASON_"),
                         ")");
    contact = absl::StrCat("withdraws ", n.retracts_notification_id());
  }
  if (n.kind() == v1::NOTIFICATION_KIND_CHANGE) {
    // What changed about a signal you were told of; the row shows it as it
    // is now (docs/notifications.md).
    std::vector<std::string> changes;
    for (int change : n.changes()) {
      changes.push_back(ShortEnumName(v1::SignalChange_descriptor(), change, "SIGNAL_CHANGE_"));
    }
    match = absl::StrCat("CHANGED (", absl::StrJoin(changes, ", "), ")");
  }
  if (n.coordination_event() == v1::COORDINATION_EVENT_OUT_OF_VIEW) match = "OUT OF VIEW";
  if (n.coordination_event() == v1::COORDINATION_EVENT_PATTERN) match = "PATTERN";
  if (n.coordination_event() == v1::COORDINATION_EVENT_PATTERN_UPDATED) match = "PATTERN UPDATED";
  if (n.coordination_event() == v1::COORDINATION_EVENT_MOVE) match = "MOVED";
  std::string organisation = n.other().organisation_id();
  if (n.kind() == v1::NOTIFICATION_KIND_LEAD) {
    // Who leads (or led) and how to reach them; a handover names who led
    // before (docs/notifications.md).
    organisation = n.lead().organisation_id();
    contact = ContactText(n.lead().contact());
    category = "-";
    match = LeadText(n);
  }
  std::cout << Column(absl::StrCat(n.cursor()), 7) << Column(own, 14) << Column(organisation, 26) << Column(match, 28)
            << Column(category, 28) << Column(contact, 44) << rule << "\n";
  // A pattern notice: its handle (the same on every notice about the same
  // pattern) and everyone involved, whom to call.
  if (n.pattern_members().empty()) return;
  std::cout << Column("", 7) << Column("", 14)
            << (n.pattern_handle().empty() ? std::string("involved") : absl::StrCat("pattern ", n.pattern_handle()))
            << ", " << n.pattern_members_size() << " signal(s) of " << n.coordination_count() << " organisation(s):\n";
  for (const v1::DisclosedSignal& member : n.pattern_members()) {
    std::cout << Column("", 7) << Column("", 14) << Column(member.organisation_id(), 26) << Column("", 28)
              << Column(member.category().empty() ? "-" : member.category(), 28) << ContactText(member.contact())
              << "\n";
  }
}

// Prints `notification` and, when following with --ack, acknowledges it.
grpc::Status Show(v1::NotificationService::Stub& stub, const GlobalOptions& options, const WatchArgs& args,
                  const v1::Notification& notification) {
  if (options.json) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(notification, &json);
    std::cout << json << "\n";
  } else {
    PrintRow(notification);
  }
  std::cout.flush();
  if (!args.ack || args.once) return grpc::Status::OK;
  return Acknowledge(stub, notification.cursor());
}

int Run(const GlobalOptions& options, const WatchArgs& args) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return Fail(channel.status());
  auto stub = v1::NotificationService::NewStub(*channel);
  if (!options.json) PrintHeader();
  uint64_t last = 0;
  size_t count = 0;
  // The broker closes connections at their maximum age (so certificates are
  // checked again) and may restart: a followed stream that breaks is
  // resumed after the last notification shown, so nothing is skipped or
  // shown twice. Errors other than UNAVAILABLE, or too many failed
  // attempts in a row, end the command.
  constexpr int kMaxAttemptsInARow = 5;
  int failed_attempts = 0;
  for (;;) {
    v1::SubscribeRequest request;
    request.set_after_cursor(last != 0 ? last : args.after);
    request.set_resume_from_acknowledged(last == 0 && args.resume);
    request.set_stop_when_drained(args.once);
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::Notification>> reader = stub->Subscribe(&context, request);
    v1::Notification notification;
    while (reader->Read(&notification)) {
      failed_attempts = 0;
      ++count;
      last = notification.cursor();
      if (grpc::Status status = Show(*stub, options, args, notification); !status.ok()) {
        return Fail(status, "Acknowledge");
      }
    }
    grpc::Status status = reader->Finish();
    if (status.ok()) break;
    if (args.once || status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        ++failed_attempts >= kMaxAttemptsInARow) {
      return Fail(status, "Subscribe");
    }
    std::this_thread::sleep_for(std::chrono::seconds(failed_attempts - 1));  // first retry at once
  }
  if (args.ack && args.once && last != 0) {
    if (grpc::Status status = Acknowledge(*stub, last); !status.ok()) return Fail(status, "Acknowledge");
  }
  if (!options.json && count == 0) std::cout << "(no notifications)\n";
  return 0;
}

}  // namespace

void RegisterWatchCommand(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<WatchArgs>();
  CLI::App* cmd = app.add_subcommand("watch", "Stream your notifications");
  cmd->add_option("--after", args->after, "start after this cursor")->default_val(0);
  cmd->add_flag("--resume", args->resume, "start after your last acknowledged cursor");
  cmd->add_flag("--once", args->once, "stop when the outbox is drained instead of waiting");
  cmd->add_flag("--ack", args->ack, "acknowledge notifications once shown");
  cmd->callback([&options, args] {
    if (int code = Run(options, *args); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
