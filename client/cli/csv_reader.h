#ifndef SAMENLOOP_CLIENT_CLI_CSV_READER_H_
#define SAMENLOOP_CLIENT_CLI_CSV_READER_H_

// A small RFC 4180 CSV reader for `samenloop import`: comma-separated,
// fields optionally in double quotes (with "" for a quote, and commas or
// line breaks inside), CRLF or LF line ends.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace samenloop::cli {

struct CsvRow {
  int line = 0;  // line number where the row starts (1-based)
  std::vector<std::string> fields;
};

// INVALID_ARGUMENT with the line number for an unterminated quote or text
// after a closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace samenloop::cli

#endif  // SAMENLOOP_CLIENT_CLI_CSV_READER_H_
