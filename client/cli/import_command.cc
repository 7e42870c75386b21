// samenloop import: submits the signals of a CSV file, for an organisation
// without an integration (docs/cli.md has the columns). BSNs are
// pseudonymised in this process in batches; signals are submitted in
// batches of up to 1,000 with each row's idempotency key, so a re-run
// after an interruption never duplicates. Refused rows are reported by line
// and column; the other rows are imported. --dry-run checks every row the
// same way and contacts no server.

#include <map>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/cli/cli_context.h"
#include "client/cli/csv_reader.h"
#include "client/cli/signal_fields.h"
#include "client/pseudonymiser_client.h"
#include "common/tls_files.h"
#include "crypto/bsn.h"
#include "samenloop/v1/signals.grpc.pb.h"

namespace samenloop::cli {
namespace {

constexpr size_t kRowsPerBatch = 1000;
constexpr size_t kBsnsPerBatch = 5000;

const std::vector<std::string>& KnownColumns() {
  static const std::vector<std::string> columns = {
      "idempotency_key", "bsn",   "age_band",       "category",        "nature",  "severity",
      "subject_role",    "contact_name", "contact_phone", "contact_email", "local_reference",
      "legal_framework", "related", "protected",    "protected_against", "waiting_since"};
  return columns;
}

// One row as SignalFields; multi-valued columns are separated by ';'.
absl::StatusOr<SignalFields> FieldsOf(const std::map<std::string, size_t>& index, const CsvRow& row) {
  auto get = [&](const std::string& column) -> std::string {
    auto it = index.find(column);
    return it == index.end() || it->second >= row.fields.size() ? "" : row.fields[it->second];
  };
  SignalFields fields;
  fields.idempotency_key = get("idempotency_key");
  fields.bsn = get("bsn");
  fields.age_band = get("age_band");
  fields.category = get("category");
  if (!get("nature").empty()) fields.nature = get("nature");
  fields.severity = get("severity");
  fields.subject_role = get("subject_role");
  fields.contact_name = get("contact_name");
  fields.contact_phone = get("contact_phone");
  fields.contact_email = get("contact_email");
  fields.local_reference = get("local_reference");
  fields.legal_framework = get("legal_framework");
  fields.waiting_since = get("waiting_since");
  for (absl::string_view r : absl::StrSplit(get("related"), ';', absl::SkipEmpty())) fields.related.emplace_back(r);
  for (absl::string_view p : absl::StrSplit(get("protected_against"), ';', absl::SkipEmpty())) {
    fields.protected_against.emplace_back(p);
  }
  const std::string is_protected = get("protected");
  if (is_protected == "true" || is_protected == "yes" || is_protected == "1") {
    fields.is_protected = true;
  } else if (!is_protected.empty() && is_protected != "false" && is_protected != "no" && is_protected != "0") {
    return absl::InvalidArgumentError("protected: expected true or false");
  }
  if (fields.idempotency_key.empty()) fields.idempotency_key = fields.local_reference;
  if (fields.idempotency_key.empty()) {
    return absl::InvalidArgumentError("idempotency_key: required (or local_reference)");
  }
  if (row.fields.size() != index.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("has ", row.fields.size(), " fields; the header has ", index.size()));
  }
  return fields;
}

// Checks every BSN of a row before anything is sent, so one bad number
// refuses its own row only. Names the column, never the number.
absl::Status ValidateBsns(const UnpseudonymisedSignal& signal) {
  for (size_t i = 0; i < signal.bsns.size(); ++i) {
    absl::Status valid = crypto::ValidateBsn(signal.bsns[i]);
    if (valid.ok()) continue;
    if (i == 0) return valid;  // already reads "bsn: ..."
    std::string column = i <= signal.related.size()
                             ? absl::StrCat("related[", i - 1, "]")
                             : absl::StrCat("protected_against[", i - 1 - signal.related.size(), "]");
    return absl::InvalidArgumentError(absl::StrCat(column, ": ", valid.message()));
  }
  return absl::OkStatus();
}

struct Pending {
  int line;
  std::string idempotency_key;
  UnpseudonymisedSignal signal;
};

struct Totals {
  size_t imported = 0, already = 0, refused = 0;
};

// Pseudonymises and submits one batch; reports refused rows by line.
int SubmitBatch(const GlobalOptions& options, const std::string& file, client::PseudonymiserClient& pseudonymiser,
                v1::SignalService::Stub& broker, std::vector<Pending>& batch, Totals& totals) {
  if (batch.empty()) return 0;
  std::vector<std::string> bsns;
  for (const Pending& p : batch) bsns.insert(bsns.end(), p.signal.bsns.begin(), p.signal.bsns.end());
  absl::StatusOr<std::vector<v1::Pseudonym>> pseudonyms = pseudonymiser.Pseudonymise(bsns);
  if (!pseudonyms.ok()) {
    // Name the row, not the BSN: "bsns[7]" is a position in this batch.
    return Fail(absl::Status(pseudonyms.status().code(),
                             absl::StrCat(file, ": rows from line ", batch.front().line, ": ",
                                          pseudonyms.status().message())));
  }
  v1::SubmitSignalsRequest request;
  size_t next = 0;
  for (const Pending& p : batch) {
    std::vector<v1::Pseudonym> own(pseudonyms->begin() + static_cast<long>(next),
                                   pseudonyms->begin() + static_cast<long>(next + p.signal.bsns.size()));
    next += p.signal.bsns.size();
    v1::SubmitSignalItem* item = request.add_items();
    item->set_idempotency_key(p.idempotency_key);
    *item->mutable_signal() = WithPseudonyms(p.signal, own);
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::SubmitSignalsResponse response;
  grpc::Status status = broker.SubmitSignals(&context, request, &response);
  if (!status.ok()) return Fail(status, "SubmitSignals");
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::SubmitSignalResult& result = response.results(i);
    const int line = batch[static_cast<size_t>(i)].line;
    if (result.code() != 0) {
      ++totals.refused;
      std::cerr << file << ":" << line << ": refused: " << result.message() << "\n";
    } else if (result.duplicate()) {
      ++totals.already;
    } else {
      ++totals.imported;
      if (options.json) std::cout << "{\"line\":" << line << ",\"signal_id\":\"" << result.signal_id() << "\"}\n";
    }
  }
  batch.clear();
  return 0;
}

struct ImportOptions {
  std::string file;
  std::string delimiter;  // "", ",", ";" or "tab"
  bool dry_run = false;
};

// The separator: as given, else detected from the header row.
absl::StatusOr<char> DelimiterFor(const ImportOptions& import, absl::string_view text) {
  if (import.delimiter.empty()) return DetectDelimiter(text);
  if (import.delimiter == "," || import.delimiter == ";") return import.delimiter[0];
  if (import.delimiter == "tab" || import.delimiter == "\\t") return '\t';
  return absl::InvalidArgumentError("--delimiter: expected ',', ';' or 'tab'");
}

// A checked row, or why it is refused.
absl::StatusOr<UnpseudonymisedSignal> CheckedRow(const std::map<std::string, size_t>& index, const CsvRow& row,
                                                 std::string* idempotency_key) {
  absl::StatusOr<SignalFields> fields = FieldsOf(index, row);
  if (!fields.ok()) return fields.status();
  *idempotency_key = fields->idempotency_key;
  absl::StatusOr<UnpseudonymisedSignal> signal = ToSignal(*fields);
  if (!signal.ok()) return signal.status();
  if (absl::Status valid = ValidateBsns(*signal); !valid.ok()) return valid;
  return signal;
}

int Run(const GlobalOptions& options, const ImportOptions& import) {
  const std::string& file = import.file;
  absl::StatusOr<std::string> content = ReadFileToString(file);
  if (!content.ok()) return Fail(content.status());
  const absl::string_view text = WithoutByteOrderMark(*content);
  absl::StatusOr<char> delimiter = DelimiterFor(import, text);
  if (!delimiter.ok()) return Fail(delimiter.status());
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text, *delimiter);
  if (!rows.ok()) return Fail(absl::InvalidArgumentError(absl::StrCat(file, ": ", rows.status().message())));
  if (rows->empty()) return Fail(absl::InvalidArgumentError(absl::StrCat(file, ": no header row")));

  std::map<std::string, size_t> index;
  for (size_t i = 0; i < rows->front().fields.size(); ++i) {
    const std::string& column = rows->front().fields[i];
    const auto& known = KnownColumns();
    if (std::find(known.begin(), known.end(), column) == known.end()) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(file, ":1: unknown column '", column,
                                                          "'; known columns: ", absl::StrJoin(known, ", "))));
    }
    index[column] = i;
  }

  if (import.dry_run) {
    // Every row as the import would check it; no server is contacted.
    size_t valid = 0, refused = 0;
    for (size_t r = 1; r < rows->size(); ++r) {
      std::string key;
      absl::StatusOr<UnpseudonymisedSignal> signal = CheckedRow(index, (*rows)[r], &key);
      if (signal.ok()) {
        ++valid;
        std::cout << file << ":" << (*rows)[r].line << ": ok\n";
      } else {
        ++refused;
        std::cout << file << ":" << (*rows)[r].line << ": refused: " << signal.status().message() << "\n";
      }
    }
    std::cout << "dry run: " << valid << " row(s) valid, " << refused << " refused; nothing was sent\n";
    return refused == 0 ? 0 : 1;
  }

  absl::StatusOr<std::unique_ptr<client::PseudonymiserClient>> pseudonymiser = PseudonymiserFor(options);
  if (!pseudonymiser.ok()) return Fail(pseudonymiser.status());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> broker_channel = BrokerChannel(options);
  if (!broker_channel.ok()) return Fail(broker_channel.status());
  auto broker = v1::SignalService::NewStub(*broker_channel);

  Totals totals;
  std::vector<Pending> batch;
  size_t batch_bsns = 0;
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    std::string idempotency_key;
    absl::StatusOr<UnpseudonymisedSignal> signal = CheckedRow(index, row, &idempotency_key);
    if (!signal.ok()) {
      ++totals.refused;
      std::cerr << file << ":" << row.line << ": refused: " << signal.status().message() << "\n";
      continue;
    }
    if (batch.size() == kRowsPerBatch || batch_bsns + signal->bsns.size() > kBsnsPerBatch) {
      if (int code = SubmitBatch(options, file, **pseudonymiser, *broker, batch, totals); code != 0) return code;
      batch_bsns = 0;
    }
    batch_bsns += signal->bsns.size();
    batch.push_back(Pending{row.line, idempotency_key, *std::move(signal)});
  }
  if (int code = SubmitBatch(options, file, **pseudonymiser, *broker, batch, totals); code != 0) return code;
  if (!options.json) {
    std::cout << "imported " << totals.imported << ", already present " << totals.already << ", refused "
              << totals.refused << "\n";
  }
  return totals.refused == 0 ? 0 : 1;
}

}  // namespace

void RegisterImportCommand(CLI::App& app, GlobalOptions& options) {
  auto import = std::make_shared<ImportOptions>();
  CLI::App* cmd = app.add_subcommand("import", "Submit the signals of a CSV file (see docs/cli.md for the columns)");
  cmd->add_option("FILE", import->file, "CSV file with a header row")->required();
  cmd->add_option("--delimiter", import->delimiter,
                  "field separator: ',', ';' or 'tab' (default: detected from the header row)");
  cmd->add_flag("--dry-run", import->dry_run, "check every row locally and report; contact no server");
  cmd->callback([&options, import] {
    if (int code = Run(options, *import); code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace samenloop::cli
