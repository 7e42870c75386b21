#include "common/request_checks.h"

#include "gtest/gtest.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop {
namespace {

TEST(FreeText, LimitsCountCharactersNotBytes) {
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";  // é
  EXPECT_TRUE(CheckText(accents, "contact.name", 200).ok());
  EXPECT_EQ(CheckText(accents + "x", "contact.name", 200).message(),
            "contact.name: too long (at most 200 characters)");
  EXPECT_TRUE(CheckText("", "contact.name", 200).ok());
}

TEST(FreeText, EveryControlCharacterIsRefusedAndNoneEchoed) {
  for (const std::string& bad :
       {std::string("a\x1b[2J"), std::string("a\n"), std::string("a\r"), std::string("a\t"), std::string("a\0", 2),
        std::string("a\x7f"), std::string("a\xc2\x9b"), std::string("a\xc2\x85"), std::string("a\xe2\x80\xae"),
        std::string("a\xe2\x81\xa6"), std::string("a\xe2\x80\xa8"), std::string("a\xd8\x9c")}) {
    absl::Status status = CheckText(bad, "reason", 500);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << EscapedPrefix(bad);
    EXPECT_EQ(status.message(),
              "reason: contains a control character (character 2); free text is one line without control, bidi or "
              "line-separator characters");
  }
}

TEST(FreeText, InvalidUtf8IsRefused) {
  for (const std::string& bad : {std::string("\xc3\x28"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                                 std::string("\xf4\x90\x80\x80"), std::string("\xe2\x82")}) {
    EXPECT_NE(CheckText(bad, "purpose", 200).message().find("purpose: not valid UTF-8"), absl::string_view::npos)
        << EscapedPrefix(bad);
  }
  EXPECT_TRUE(CheckText("Zorg- en Veiligheidshuis \xe2\x80\x94 team \xf0\x9f\x98\x80", "purpose", 200).ok());
}

TEST(FreeText, EscapedPrefixIsShortAndPrintable) {
  EXPECT_EQ(EscapedPrefix("abc"), "abc");
  EXPECT_EQ(EscapedPrefix("0123456789abcdefXYZ"), "0123456789abcdef...");
  EXPECT_EQ(EscapedPrefix("a\x1b[2J\\"), "a\\x1b[2J\\x5c");
  EXPECT_EQ(EscapedPrefix("a\\x1b", 16, /*escape_backslash=*/false), "a\\x1b");
  EXPECT_EQ(EscapedPrefix("\xc3\xa9"), "\\xc3\\xa9");
}

TEST(UnknownFields, AreFoundAtAnyDepthAndNamedByPathAndNumber) {
  v1::SubmitSignalsRequest request;
  v1::Signal* signal = request.add_items()->mutable_signal();
  signal->add_related();
  v1::RelatedPerson* second = signal->add_related();
  EXPECT_TRUE(RefuseUnknownFields(request).ok());

  second->mutable_person()->GetReflection()->MutableUnknownFields(second->mutable_person())->AddVarint(42, 1);
  EXPECT_EQ(RefuseUnknownFields(request).message().substr(0, 45), "items[0].signal.related[1].person: unknown fi");
  EXPECT_NE(RefuseUnknownFields(request).message().find("unknown field 42;"), absl::string_view::npos);

  v1::SubmitSignalsRequest top;
  top.GetReflection()->MutableUnknownFields(&top)->AddLengthDelimited(7, "111222333");
  EXPECT_EQ(RefuseUnknownFields(top).message().substr(0, 25), "request: unknown field 7;");
  EXPECT_EQ(RefuseUnknownFields(top).message().find("111222333"), absl::string_view::npos);
}

}  // namespace
}  // namespace samenloop
