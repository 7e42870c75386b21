// samenloop audit head | heads | export | subject-report | statistics | verify: the
// auditor's tools (docs/audit.md). All but verify talk to the broker with an
// auditor certificate; verify checks offline, against a log public key the
// auditor pinned, and only asks the broker for a consistency proof, which it
// then checks itself.
//
// Exit statuses, for auditors' scripts: 0 when everything verified, 1 when a
// check failed or the broker could not be asked, 2 for usage errors (see
// main.cc for the command-line parser's part).

#include <fstream>
#include <iomanip>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/audit_files.h"
#include "client/audit_verify.h"
#include "client/cli/cli_context.h"
#include "crypto/hex.h"
#include "google/protobuf/util/time_util.h"
#include "samenloop/v1/audit.grpc.pb.h"

namespace samenloop::cli {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kUsageError = 2;
// `audit verify --export`: every check passed, but nothing proves the export
// complete (a filtered export): its own status, so scripts cannot mistake it
// for "verified".
constexpr int kCompletenessNotEstablished = 3;

int Usage(absl::string_view message) {
  std::cerr << "samenloop audit: " << message << "\n";
  return kUsageError;
}

absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> AuditStub(const GlobalOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = BrokerChannel(options);
  if (!channel.ok()) return channel.status();
  return v1::AuditService::NewStub(*channel);
}

// RFC 3339 (2026-01-31T12:00:00Z) or a date (2026-01-31, midnight UTC).
absl::StatusOr<google::protobuf::Timestamp> TimeArg(absl::string_view flag, const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error) &&
      !absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": not a time (RFC 3339) or a date (YYYY-MM-DD)"));
  }
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

struct ExportArgs {
  std::string out, from, until, organisation, outcome, subject_key;
  std::vector<std::string> types;
  uint32_t page_size = 1000;
};

absl::StatusOr<v1::QueryEventsRequest> BuildQuery(const ExportArgs& args) {
  v1::QueryEventsRequest request;
  if (!args.from.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> t = TimeArg("--from", args.from);
    if (!t.ok()) return t.status();
    *request.mutable_time_range()->mutable_from() = *t;
  }
  if (!args.until.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> t = TimeArg("--until", args.until);
    if (!t.ok()) return t.status();
    *request.mutable_time_range()->mutable_until() = *t;
  }
  request.set_organisation(args.organisation);
  for (const std::string& type : args.types) {
    absl::StatusOr<v1::AuditEventType> parsed =
        ParseEnumName<v1::AuditEventType>("--type", "AUDIT_EVENT_TYPE_", type, v1::AuditEventType_descriptor());
    if (!parsed.ok()) return parsed.status();
    request.add_types(*parsed);
  }
  if (!args.outcome.empty()) {
    absl::StatusOr<v1::DecisionOutcome> parsed = ParseEnumName<v1::DecisionOutcome>(
        "--outcome", "DECISION_OUTCOME_", args.outcome, v1::DecisionOutcome_descriptor());
    if (!parsed.ok()) return parsed.status();
    request.set_outcome(*parsed);
  }
  request.set_subject_key(args.subject_key);
  return request;
}

int RunHead(const GlobalOptions& options, const std::string& out) {
  absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> stub = AuditStub(options);
  if (!stub.ok()) return Fail(stub.status());
  grpc::ClientContext context;
  v1::SignedTreeHead head;
  grpc::Status status = (*stub)->GetTreeHead(&context, v1::GetTreeHeadRequest(), &head);
  if (!status.ok()) return Fail(status, "GetTreeHead");
  const audit_files::v1::TreeHeadFile file = client::ToTreeHeadFile(head);
  if (absl::Status written = client::WriteTextFile(out, client::ToJsonLine(file) + "\n"); !written.ok()) {
    return Fail(written);
  }
  std::cout << "saved tree head: " << file.tree_size() << " leaves, root " << file.root_hash() << ", "
            << TimeUtil::ToString(file.timestamp()) << "\n";
  return 0;
}

// --from and --until (either may be empty) into a request's time range.
absl::Status FillTimeRange(const std::string& from, const std::string& until, v1::TimeRange* range) {
  if (!from.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> t = TimeArg("--from", from);
    if (!t.ok()) return t.status();
    *range->mutable_from() = *t;
  }
  if (!until.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> t = TimeArg("--until", until);
    if (!t.ok()) return t.status();
    *range->mutable_until() = *t;
  }
  return absl::OkStatus();
}

int RunHeads(const GlobalOptions& options, const std::string& from, const std::string& until) {
  v1::ListTreeHeadsRequest request;
  if (absl::Status range = FillTimeRange(from, until, request.mutable_time_range()); !range.ok()) {
    return Usage(range.message());
  }
  absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> stub = AuditStub(options);
  if (!stub.ok()) return Fail(stub.status());
  request.mutable_page()->set_page_size(1000);
  do {
    grpc::ClientContext context;
    v1::ListTreeHeadsResponse page;
    grpc::Status status = (*stub)->ListTreeHeads(&context, request, &page);
    if (!status.ok()) return Fail(status, "ListTreeHeads");
    for (const v1::SignedTreeHead& head : page.tree_heads()) {
      std::cout << client::ToJsonLine(client::ToTreeHeadFile(head)) << "\n";
    }
    request.mutable_page()->set_page_token(page.next_page_token());
  } while (!request.page().page_token().empty());
  return 0;
}

// The export's first line: the head every proof in the file is against.
void WriteExportHeader(std::ostream& out, const audit_files::v1::TreeHeadFile& head,
                       const v1::QueryEventsRequest& filters, bool complete) {
  audit_files::v1::ExportLine line;
  audit_files::v1::ExportHeader* header = line.mutable_header();
  header->set_format(client::kExportFormat);
  *header->mutable_tree_head() = head;
  *header->mutable_filters() = filters;
  header->mutable_filters()->clear_page();
  header->set_complete(complete);
  out << client::ToJsonLine(line) << "\n";
}

std::string HexOfBytes(const std::string& bytes) {
  return crypto::HexEncode(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

void WriteExportedEvent(std::ostream& out, const v1::ProvenEvent& proven) {
  audit_files::v1::ExportLine line;
  audit_files::v1::ExportedEvent* event = line.mutable_event();
  event->set_leaf_index(proven.proof().leaf_index());
  event->set_leaf_data(HexOfBytes(proven.leaf_data()));
  if (!proven.leaf_hash().empty()) event->set_leaf_hash(HexOfBytes(proven.leaf_hash()));
  for (const std::string& hash : proven.proof().hashes()) event->add_proof(HexOfBytes(hash));
  if (proven.has_event()) *event->mutable_event() = proven.event();
  out << client::ToJsonLine(line) << "\n";
}

int RunExport(const GlobalOptions& options, const ExportArgs& args) {
  absl::StatusOr<v1::QueryEventsRequest> request = BuildQuery(args);
  if (!request.ok()) return Usage(request.status().message());
  const bool complete = request->ByteSizeLong() == 0;  // no filter set
  request->mutable_page()->set_page_size(args.page_size);
  absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> stub = AuditStub(options);
  if (!stub.ok()) return Fail(stub.status());
  std::ofstream out(args.out, std::ios::trunc);
  if (!out) return Fail(absl::UnavailableError(args.out + ": cannot write"));
  uint64_t events = 0;
  std::optional<audit_files::v1::TreeHeadFile> head;
  do {
    grpc::ClientContext context;
    v1::QueryEventsResponse page;
    grpc::Status status = (*stub)->QueryEvents(&context, *request, &page);
    if (!status.ok()) return Fail(status, "QueryEvents");
    if (!head.has_value()) {
      // Every page's proofs are against the tree size the first page fixed.
      head = client::ToTreeHeadFile(page.tree_head());
      WriteExportHeader(out, *head, *request, complete);
    }
    for (const v1::ProvenEvent& proven : page.events()) {
      WriteExportedEvent(out, proven);
      ++events;
    }
    request->mutable_page()->set_page_token(page.next_page_token());
  } while (!request->page().page_token().empty());
  out.close();
  if (!out) return Fail(absl::UnavailableError(args.out + ": cannot write"));
  std::cout << "exported " << events << " event(s) with inclusion proofs against the tree head of "
            << head->tree_size() << " leaves (root " << head->root_hash() << ")" << (complete ? ", complete" : "")
            << "\n";
  return 0;
}

// One line of the subject report: who did or was told what, when, why.
void PrintReportLine(const v1::AuditEvent& e) {
  if (e.redacted()) {
    // The body is gone with the signal it described; the tree keeps its hash.
    std::cout << "leaf " << e.leaf_index() << "  redacted after retention (the signal was deleted; "
              << "its hash still verifies)\n";
    return;
  }
  const std::string when = absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(e.time().seconds()),
                                            absl::UTCTimeZone());
  std::cout << when << "  " << std::left << std::setw(24)
            << ShortEnumName(v1::AuditEventType_descriptor(), e.type(), "AUDIT_EVENT_TYPE_") << std::setw(20)
            << e.actor_organisation() << std::setw(20) << e.category();
  if (e.type() == v1::AUDIT_EVENT_TYPE_MATCH_DECISION || e.type() == v1::AUDIT_EVENT_TYPE_COORDINATION_FIRED) {
    std::cout << "to " << e.recipient_organisation() << ": "
              << ShortEnumName(v1::DecisionOutcome_descriptor(), e.outcome(), "DECISION_OUTCOME_") << " "
              << ShortEnumName(v1::DisclosureLevel_descriptor(), e.disclosure_level(), "DISCLOSURE_LEVEL_")
              << " rules " << absl::StrJoin(e.basis().rule_ids(), ",") << " basis "
              << absl::StrJoin(e.basis().legal_bases(), "; ");
    if (!e.notification_id().empty()) std::cout << " notified " << e.notification_id();
  } else if (!e.signal_ids().empty()) {
    std::cout << absl::StrJoin(e.signal_ids(), ",");
  }
  std::cout << "\n";
}

int RunSubjectReport(const GlobalOptions& options, const std::string& pseudonym_file, const std::string& out_path) {
  std::ifstream in(pseudonym_file);
  std::string hex;
  if (!in || !std::getline(in, hex)) return Usage("--pseudonym-file: cannot read it");
  absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(absl::StripAsciiWhitespace(hex));
  // Never echoed: a pseudonym identifies a person.
  if (!bytes.ok() || bytes->size() != 64) return Usage("--pseudonym-file: the first line must be 128 hex digits");
  v1::SubjectReportRequest request;
  request.mutable_subject()->set_value(std::string(bytes->begin(), bytes->end()));
  request.mutable_page()->set_page_size(1000);
  absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> stub = AuditStub(options);
  if (!stub.ok()) return Fail(stub.status());
  std::ofstream out;
  if (!out_path.empty()) {
    out.open(out_path, std::ios::trunc);
    if (!out) return Fail(absl::UnavailableError(out_path + ": cannot write"));
  }
  bool first = true;
  uint64_t events = 0;
  do {
    grpc::ClientContext context;
    v1::SubjectReportResponse page;
    grpc::Status status = (*stub)->SubjectReport(&context, request, &page);
    if (!status.ok()) return Fail(status, "SubjectReport");
    if (first && out.is_open()) {
      WriteExportHeader(out, client::ToTreeHeadFile(page.tree_head()), v1::QueryEventsRequest(), false);
    }
    if (first) std::cout << "events about this person up to leaf " << page.tree_head().tree_size() << ":\n";
    first = false;
    for (const v1::ProvenEvent& proven : page.events()) {
      if (proven.has_event()) PrintReportLine(proven.event());
      if (out.is_open()) WriteExportedEvent(out, proven);
      ++events;
    }
    request.mutable_page()->set_page_token(page.next_page_token());
  } while (!request.page().page_token().empty());
  std::cout << events << " event(s)";
  if (out.is_open()) {
    out.close();
    if (!out) return Fail(absl::UnavailableError(out_path + ": cannot write"));
    std::cout << "; with proofs in " << out_path << " (check with audit verify --export)";
  }
  std::cout << "\n";
  return 0;
}

int RunStatistics(const GlobalOptions& options, const std::string& from, const std::string& until) {
  v1::GetStatisticsRequest request;
  if (absl::Status range = FillTimeRange(from, until, request.mutable_time_range()); !range.ok()) {
    return Usage(range.message());
  }
  absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> stub = AuditStub(options);
  if (!stub.ok()) return Fail(stub.status());
  grpc::ClientContext context;
  v1::GetStatisticsResponse response;
  grpc::Status status = (*stub)->GetStatistics(&context, request, &response);
  if (!status.ok()) return Fail(status, "GetStatistics");
  if (options.json) {
    std::cout << client::ToJsonLine(response) << "\n";
    return 0;
  }
  for (const v1::StatisticsCell& cell : response.cells()) {
    std::cout << cell.month() << "  " << std::left << std::setw(22) << cell.dimension() << std::setw(48) << cell.key()
              << (cell.suppressed() ? absl::StrCat("< ", response.suppression_threshold()) : absl::StrCat(cell.count()))
              << "\n";
  }
  return 0;
}

struct VerifyArgs {
  std::string log_public_key, old_head, new_head, export_file;
};

// Reads a head file: missing is a usage error (nullopt and `code` 2);
// malformed is a failed check (reported, nullopt and `code` 1).
std::optional<client::SavedTreeHead> LoadHead(const std::string& flag, const std::string& path,
                                              client::VerifyReport& report, int& code) {
  std::ifstream probe(path);
  if (!probe) {
    code = Usage(absl::StrCat(flag, ": cannot read ", path));
    return std::nullopt;
  }
  absl::StatusOr<audit_files::v1::TreeHeadFile> file = client::ReadTreeHeadFile(path);
  absl::StatusOr<client::SavedTreeHead> saved =
      file.ok() ? client::FromTreeHeadFile(*file) : absl::StatusOr<client::SavedTreeHead>(file.status());
  if (!saved.ok()) {
    report.Check(false, absl::StrCat(flag, " ", path, ": ", saved.status().message()));
    code = 1;
    return std::nullopt;
  }
  return *saved;
}

int PrintReport(const client::VerifyReport& report) {
  for (const std::string& line : report.passed) std::cout << "ok      " << line << "\n";
  for (const std::string& line : report.failed) std::cout << "FAILED  " << line << "\n";
  if (report.ok() && !report.complete()) {
    std::cout << "UNPROVEN  completeness: " << report.completeness_not_established << "\n";
    std::cout << "NOT VERIFIED AS COMPLETE: every event in the export checks out, but completeness is not "
                 "established\n";
    return kCompletenessNotEstablished;
  }
  if (report.ok()) {
    std::cout << "verified\n";
    return 0;
  }
  std::cout << "NOT VERIFIED: " << report.failed.size() << " check(s) failed\n";
  return 1;
}

int RunVerify(const GlobalOptions& options, const VerifyArgs& args) {
  const bool heads_mode = !args.new_head.empty();
  const bool export_mode = !args.export_file.empty();
  if (heads_mode == export_mode) {
    return Usage("verify: give either --old-head A.json --new-head B.json, or --export FILE [--old-head A.json]");
  }
  if (heads_mode && args.old_head.empty()) return Usage("verify: --new-head needs --old-head");
  absl::StatusOr<crypto::LogPublicKey> key = client::ParseLogPublicKey(args.log_public_key);
  if (!key.ok()) return Usage(key.status().message());

  client::VerifyReport report;
  int code = 0;
  std::optional<client::SavedTreeHead> old_head;
  if (!args.old_head.empty()) {
    old_head = LoadHead("--old-head", args.old_head, report, code);
    if (code == kUsageError) return code;
    if (!old_head.has_value()) return PrintReport(report);
  }
  if (export_mode) {
    std::ifstream in(args.export_file);
    if (!in) return Usage(absl::StrCat("--export: cannot read ", args.export_file));
    client::VerifyExport(in, *key, old_head, report);
    return PrintReport(report);
  }

  std::optional<client::SavedTreeHead> new_head = LoadHead("--new-head", args.new_head, report, code);
  if (code == kUsageError) return code;
  if (!new_head.has_value()) return PrintReport(report);
  std::vector<crypto::MerkleHash> proof;
  const uint64_t first = old_head->head.tree_size, second = new_head->head.tree_size;
  // The broker only supplies the proof; its correctness is checked here.
  if (first > 0 && first < second) {
    absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> stub = AuditStub(options);
    if (!stub.ok()) return Fail(stub.status());
    grpc::ClientContext context;
    v1::GetConsistencyProofRequest request;
    request.set_first(first);
    request.set_second(second);
    v1::ConsistencyProof response;
    grpc::Status status = (*stub)->GetConsistencyProof(&context, request, &response);
    if (!status.ok()) {
      report.Check(false, absl::StrCat("consistency: the broker gave no proof from ", first, " to ", second,
                                       " leaves: ", status.error_message()));
      return PrintReport(report);
    }
    for (const std::string& bytes : response.hashes()) {
      crypto::MerkleHash hash{};
      if (bytes.size() != hash.size()) {
        report.Check(false, "consistency: the broker's proof holds a hash of the wrong size");
        return PrintReport(report);
      }
      std::copy(bytes.begin(), bytes.end(), hash.begin());
      proof.push_back(hash);
    }
  }
  client::VerifyHeadsConsistent(*old_head, *new_head, proof, *key, report);
  return PrintReport(report);
}

void Run(int code) {
  if (code != 0) throw CLI::RuntimeError(code);
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, GlobalOptions& options) {
  CLI::App* audit = app.add_subcommand("audit", "Auditor's tools: tree heads, event export, offline verification");
  audit->require_subcommand(1);

  auto head_out = std::make_shared<std::string>();
  CLI::App* head = audit->add_subcommand("head", "Save the broker's current signed tree head (JSON)");
  head->add_option("--out", *head_out, "file to write")->required();
  head->callback([&options, head_out] { Run(RunHead(options, *head_out)); });

  auto heads_from = std::make_shared<std::string>(), heads_until = std::make_shared<std::string>();
  CLI::App* heads = audit->add_subcommand("heads", "Print the tree heads the broker issued and kept (JSON lines)");
  heads->add_option("--from", *heads_from, "issued at or after (RFC 3339 or YYYY-MM-DD)");
  heads->add_option("--until", *heads_until, "issued before (RFC 3339 or YYYY-MM-DD)");
  heads->callback([&options, heads_from, heads_until] { Run(RunHeads(options, *heads_from, *heads_until)); });

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exp = audit->add_subcommand("export", "Write audit events with inclusion proofs as JSON lines");
  exp->add_option("--out", export_args->out, "file to write")->required();
  exp->add_option("--from", export_args->from, "events at or after (RFC 3339 or YYYY-MM-DD)");
  exp->add_option("--until", export_args->until, "events before (RFC 3339 or YYYY-MM-DD)");
  exp->add_option("--organisation", export_args->organisation, "events with this actor or recipient organisation");
  exp->add_option("--type", export_args->types, "event type, e.g. match_decision (repeatable: any of them)");
  exp->add_option("--outcome", export_args->outcome, "decision outcome: allow or deny");
  exp->add_option("--subject-key", export_args->subject_key, "hex index key of a person (64 digits)");
  exp->add_option("--page-size", export_args->page_size, "events per request")->check(CLI::Range(1, 1000));
  exp->callback([&options, export_args] { Run(RunExport(options, *export_args)); });

  auto report_pseudonym = std::make_shared<std::string>(), report_out = std::make_shared<std::string>();
  CLI::App* report = audit->add_subcommand(
      "subject-report", "Which organisations signalled about a person, who was told what, when, under which rule");
  report->add_option("--pseudonym-file", *report_pseudonym,
                     "file whose first line is the person's pseudonym (hex), from an organisation that holds the BSN")
      ->required();
  report->add_option("--out", *report_out, "also write the events with proofs (export format)");
  report->callback([&options, report_pseudonym, report_out] {
    Run(RunSubjectReport(options, *report_pseudonym, *report_out));
  });

  auto stats_from = std::make_shared<std::string>(), stats_until = std::make_shared<std::string>();
  CLI::App* stats = audit->add_subcommand(
      "statistics", "Monthly counts with small cells suppressed (auditors and privacy officers)");
  stats->add_option("--from", *stats_from, "from this month on (RFC 3339 or YYYY-MM-DD; widened to whole months)");
  stats->add_option("--until", *stats_until, "before this time (RFC 3339 or YYYY-MM-DD; widened to whole months)");
  stats->callback([&options, stats_from, stats_until] { Run(RunStatistics(options, *stats_from, *stats_until)); });

  auto verify_args = std::make_shared<VerifyArgs>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check tree heads and exports offline; exit 0 only when everything verifies");
  verify->add_option("--log-public-key", verify_args->log_public_key,
                     "the log's public key as pinned from the operator: 64 hex digits or a file holding them")
      ->required();
  verify->add_option("--old-head", verify_args->old_head, "a tree head you saved earlier");
  verify->add_option("--new-head", verify_args->new_head, "a newer tree head (consistency is fetched and checked)");
  verify->add_option("--export", verify_args->export_file, "an export to re-verify");
  verify->callback([&options, verify_args] { Run(RunVerify(options, *verify_args)); });
}

}  // namespace samenloop::cli
