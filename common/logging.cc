#include "common/logging.h"

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpc/support/log.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace samenloop {
namespace {

constexpr char kMasked[] = "[masked]";

bool IsBase64Char(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '_' ||
         c == '-';
}

// Length of the number starting at text[i]: digit groups joined by single
// spaces, dashes or dots. `digits` counts the digits in it.
size_t NumberLength(absl::string_view text, size_t i, size_t* digits) {
  size_t end = i;
  *digits = 0;
  while (end < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[end]))) {
    ++end;
    ++*digits;
    const bool joined = end + 1 < text.size() && (text[end] == ' ' || text[end] == '-' || text[end] == '.') &&
                        absl::ascii_isdigit(static_cast<unsigned char>(text[end + 1]));
    if (joined) ++end;
  }
  return end - i;
}

size_t RunLength(absl::string_view text, size_t i, bool (*in_run)(char)) {
  size_t end = i;
  while (end < text.size() && in_run(text[end])) ++end;
  return end - i;
}

// The longest run of characters in `in_run` anywhere in `text`.
size_t LongestRun(absl::string_view text, bool (*in_run)(char)) {
  size_t longest = 0, current = 0;
  for (char c : text) {
    current = in_run(c) ? current + 1 : 0;
    longest = std::max(longest, current);
  }
  return longest;
}

bool IsHexChar(char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); }
bool IsWordChar(char c) { return !absl::ascii_isspace(static_cast<unsigned char>(c)) && c != '"' && c != '\''; }

bool LooksLikeBase64Secret(absl::string_view run) {
  if (run.size() < 40) return false;
  bool upper = false, lower = false, digit = false;
  for (char c : run) {
    upper |= absl::ascii_isupper(static_cast<unsigned char>(c));
    lower |= absl::ascii_islower(static_cast<unsigned char>(c));
    digit |= absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  return upper && lower && digit;
}

std::string JsonEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::string_view("0123456789abcdef" + (c >> 4), 1),
                          absl::string_view("0123456789abcdef" + (c & 0xf), 1));
        } else {
          out += ch;
        }
    }
  }
  return out;
}

class MaskingFormatter : public spdlog::formatter {
 public:
  MaskingFormatter(LogFormat format, std::string component) : format_(format), component_(std::move(component)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const absl::Time time = absl::FromChrono(msg.time);
    const std::string line = FormatLogLine(
        format_, component_, absl::string_view(spdlog::level::to_string_view(msg.level).data(),
                                               spdlog::level::to_string_view(msg.level).size()),
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone()),
        absl::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<MaskingFormatter>(format_, component_);
  }

 private:
  LogFormat format_;
  std::string component_;
};

// gRPC logs through gpr_log; send it the same way as ours.
void LogFromGrpc(gpr_log_func_args* args) {
  const spdlog::level::level_enum level = args->severity == GPR_LOG_SEVERITY_ERROR ? spdlog::level::err
                                          : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                                                   : spdlog::level::debug;
  spdlog::log(level, "grpc: {}", args->message != nullptr ? args->message : "");
}

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "json") return LogFormat::kJson;
  if (name == "text") return LogFormat::kText;
  return absl::InvalidArgumentError("log_format: must be json or text");
}

std::string MaskForLog(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    // An e-mail address: the whole word around the @.
    if (c == '@') {
      size_t start = out.size();
      while (start > 0 && IsWordChar(out[start - 1])) --start;
      out.resize(start);
      out += kMasked;
      i += RunLength(text, i, IsWordChar);
      continue;
    }
    // Only look for a run where a new word or token starts, so that the end
    // of one run is not mistaken for the start of another.
    const bool starts_token = i == 0 || !IsBase64Char(text[i - 1]);
    if (starts_token && IsBase64Char(c)) {
      const size_t run = RunLength(text, i, IsBase64Char);
      const absl::string_view token = text.substr(i, run);
      if (LongestRun(token, IsHexChar) >= 32 || LooksLikeBase64Secret(token)) {
        out += kMasked;
        i += run;
        continue;
      }
    }
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        (i == 0 || !absl::ascii_isdigit(static_cast<unsigned char>(text[i - 1])))) {
      size_t digits = 0;
      const size_t length = NumberLength(text, i, &digits);
      if (digits >= 9) {
        out += kMasked;
      } else {
        out.append(text.data() + i, length);
      }
      i += length;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

std::string FormatLogLine(LogFormat format, absl::string_view component, absl::string_view level,
                          absl::string_view time, absl::string_view message) {
  const std::string masked = MaskForLog(message);
  if (format == LogFormat::kText) return absl::StrCat(time, " ", level, " ", component, ": ", masked, "\n");
  return absl::StrCat("{\"time\":\"", time, "\",\"level\":\"", level, "\",\"component\":\"", JsonEscape(component),
                      "\",\"message\":\"", JsonEscape(masked), "\"}\n");
}

void ConfigureLogging(LogFormat format, absl::string_view component) {
  auto logger = std::make_shared<spdlog::logger>(std::string(component),
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(std::make_unique<MaskingFormatter>(format, std::string(component)));
  // Each line reaches the collector at once, also just before a crash.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
  gpr_set_log_function(LogFromGrpc);
}

}  // namespace samenloop
