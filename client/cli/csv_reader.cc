#include "client/cli/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace samenloop::cli {

absl::string_view WithoutByteOrderMark(absl::string_view text) {
  constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  return text;
}

char DetectDelimiter(absl::string_view text) {
  size_t commas = 0, semicolons = 0;
  bool in_quotes = false;
  for (const char c : text) {
    if (c == '"') in_quotes = !in_quotes;  // "" inside quotes toggles twice
    if (in_quotes) continue;
    if (c == '\n' || c == '\r') break;
    commas += c == ',';
    semicolons += c == ';';
  }
  return semicolons > commas ? ';' : ',';
}

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text, char delimiter) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // just closed a quoted field
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_row = [&] {
    end_field();
    // A blank line is not a row.
    if (!(row.fields.size() == 1 && row.fields[0].empty())) rows.push_back(std::move(row));
    row = CsvRow();
    row.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
        after_quote = true;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty() && !after_quote) {
      in_quotes = true;
    } else if (c == delimiter) {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_row();
    } else if (after_quote) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line, ": text after a closing quote"));
    } else {
      field.push_back(c);
    }
  }
  if (in_quotes) return absl::InvalidArgumentError(absl::StrCat("line ", row.line, ": unterminated quote"));
  if (!field.empty() || !row.fields.empty() || after_quote) end_row();
  return rows;
}

}  // namespace samenloop::cli
