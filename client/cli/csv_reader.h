#ifndef SAMENLOOP_CLIENT_CLI_CSV_READER_H_
#define SAMENLOOP_CLIENT_CLI_CSV_READER_H_

// A small RFC 4180 CSV reader for `samenloop import`, for files as
// spreadsheets write them: comma- or semicolon-separated (a Dutch Excel
// export uses ';'), fields optionally in double quotes (with "" for a
// quote, and separators or line breaks inside), CRLF or LF line ends, with
// or without a UTF-8 byte order mark.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace samenloop::cli {

struct CsvRow {
  int line = 0;  // line number where the row starts (1-based)
  std::vector<std::string> fields;
};

// `text` without a leading UTF-8 byte order mark.
absl::string_view WithoutByteOrderMark(absl::string_view text);

// The separator of a file's header row: ';' when it has more semicolons
// than commas outside quotes, else ','.
char DetectDelimiter(absl::string_view text);

// INVALID_ARGUMENT with the line number for an unterminated quote or text
// after a closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text, char delimiter = ',');

}  // namespace samenloop::cli

#endif  // SAMENLOOP_CLIENT_CLI_CSV_READER_H_
