// The one masking function every log line passes through, and the JSON line
// format a log collector reads.

#include "common/logging.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/mini_json.h"

namespace samenloop {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MaskForLog, MasksWhatCouldBePersonalDataOrASecret) {
  const struct {
    const char* text;
    const char* expected;
  } kCases[] = {
      {"bsn 111222333 refused", "bsn [masked] refused"},
      {"call 06-1234 5678 now", "call [masked] now"},
      {"call +31 6 12345678", "call +[masked]"},
      {"iban 0417.164.300 ok", "iban [masked] ok"},
      {"subject 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 matched",
       "subject [masked] matched"},
      {"key=00112233445566778899aabbccddeeff", "[masked]"},
      {"pseudonym q2VGz3Rk8Jv1oP0sXbN4mY7wLc9hT6aE5uKfDiRjS0g= seen", "pseudonym [masked] seen"},
      {"mail j.jansen@example.nl please", "mail [masked] please"},
      {"\"secret@x\"", "\"[masked]\""},
  };
  for (const auto& c : kCases) EXPECT_EQ(MaskForLog(c.text), c.expected) << c.text;
}

TEST(MaskForLog, LeavesOperatorInformationAlone) {
  for (const char* text : {
           "retention sweep expired 3 of 12000 signal(s)",
           "broker listening on port 7443 (data dir /var/lib/samenloop-broker/db)",
           "policy 0a1b2c3d4e5f6071 applied by privacy-officer: 10 signal(s) re-evaluated",
           "at 2026-11-23T10:15:00.123Z by politie-amsterdam",
           "received signal 15; shutting down",
           "migrating the store from schema version 0 to 1",
           "expected 12345678 bytes",
       }) {
    EXPECT_EQ(MaskForLog(text), text);
  }
}

TEST(FormatLogLine, JsonLinesParseAndCarryTheMaskedMessage) {
  const std::string line =
      FormatLogLine(LogFormat::kJson, "samenloop-broker", "info", "2026-11-23T10:15:00.123Z",
                    "a \"quoted\" word,\na new line, a tab\t and bsn 111222333");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one event, one line";
  absl::StatusOr<testing::JsonValue> parsed = testing::ParseJson(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << line;
  EXPECT_EQ((*parsed)["time"].string, "2026-11-23T10:15:00.123Z");
  EXPECT_EQ((*parsed)["level"].string, "info");
  EXPECT_EQ((*parsed)["component"].string, "samenloop-broker");
  EXPECT_EQ((*parsed)["message"].string, "a \"quoted\" word,\na new line, a tab\t and bsn [masked]");
}

TEST(FormatLogLine, TextLinesAreMaskedToo) {
  const std::string line = FormatLogLine(LogFormat::kText, "samenloop-pseudonymiser", "warning",
                                         "2026-11-23T10:15:00.000Z", "quota refused for 111222333");
  EXPECT_EQ(line, "2026-11-23T10:15:00.000Z warning samenloop-pseudonymiser: quota refused for [masked]\n");
  EXPECT_THAT(line, Not(HasSubstr("111222333")));
}

TEST(ParseLogFormat, AcceptsJsonAndTextOnly) {
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("xml").ok());
}

}  // namespace
}  // namespace samenloop
