#ifndef SAMENLOOP_COMMON_LOGGING_H_
#define SAMENLOOP_COMMON_LOGGING_H_

// How the servers log (docs/operations.md "Logs"): one line per event on
// stderr, JSON by default ({"time","level","component","message"}) or plain
// text for a terminal. Every message, including gRPC's own, passes through
// MaskForLog on its way out. Code must still never log a BSN, pseudonym,
// key or contact detail; the mask is the second line of defence, so that a
// mistake shows up as "[masked]" instead of as personal data in a log
// collector.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace samenloop {

enum class LogFormat { kJson, kText };

// "json" or "text".
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);

// Replaces with "[masked]" whatever could be personal data or a secret:
// - 9 or more digits in one number, also when grouped by spaces, dashes or
//   dots (a BSN, a phone number, an account number);
// - 32 or more hexadecimal characters in a row (index keys, pseudonyms and
//   keys in hex);
// - 40 or more base64 characters in a row with upper case, lower case and a
//   digit (pseudonyms and keys in base64);
// - anything with an @ in it (an e-mail address).
// Counts, dates, times, organisation ids, paths and short hashes pass.
std::string MaskForLog(absl::string_view text);

// Installs the format for the process's default logger (stderr) and routes
// gRPC's internal log through it. `component` names the server.
void ConfigureLogging(LogFormat format, absl::string_view component);

// One log line as ConfigureLogging would write it (for tests).
std::string FormatLogLine(LogFormat format, absl::string_view component, absl::string_view level,
                          absl::string_view time, absl::string_view message);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_LOGGING_H_
