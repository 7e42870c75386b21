// BSN validation (errors name the rule, never the number) and the
// version-1 OPRF input encoding of docs/pseudonym-encoding.md.

#include "crypto/bsn.h"

#include <string>

#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace samenloop::crypto {
namespace {

// Worked by hand: 111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6*11;
// 123456782: 9+16+21+24+25+24+21+16-2 = 154 = 14*11.
TEST(ValidateBsn, AcceptsNumbersPassingTheElevenCheck) {
  for (const char* bsn : {"111222333", "123456782", "100000009", "010000008", "999999990"}) {
    EXPECT_TRUE(ValidateBsn(bsn).ok()) << bsn;
  }
}

TEST(ValidateBsn, RefusesWithAClearReason) {
  struct Case {
    const char* bsn;
    const char* reason;
  };
  for (const Case& c : {Case{"111222334", "bsn: fails the 11-check"},
                        Case{"123456789", "bsn: fails the 11-check"},
                        Case{"12345678", "bsn: must be exactly 9 digits (got 8 characters; left-pad an 8-digit BSN with 0)"},
                        Case{"1112223334", "bsn: must be exactly 9 digits (got 10 characters)"},
                        Case{"", "bsn: must be exactly 9 digits (got 0 characters)"},
                        Case{"11122233a", "bsn: must contain digits only"},
                        Case{"111 22233", "bsn: must contain digits only"},
                        Case{"-11222333", "bsn: must contain digits only"},
                        Case{"000000000", "bsn: must not be all zeros"}}) {
    absl::Status status = ValidateBsn(c.bsn);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.bsn;
    EXPECT_EQ(status.message(), c.reason);
  }
  // Not valid as a 9-digit string either: a non-ASCII digit.
  EXPECT_FALSE(ValidateBsn("11122233\xd9").ok());
}

// No error message contains any run of three or more of the input's digits,
// whatever is wrong with it.
TEST(ValidateBsn, ErrorsNeverEchoTheNumber) {
  for (const std::string bsn : {"111222334", "12345678", "1234567890", "98765432x", "987654321", "000000000",
                                "76543210", "7654321098765"}) {
    absl::Status status = ValidateBsn(bsn);
    ASSERT_FALSE(status.ok()) << bsn;
    for (size_t i = 0; i + 3 <= bsn.size(); ++i) {
      EXPECT_EQ(status.message().find(bsn.substr(i, 3)), absl::string_view::npos)
          << "message repeats part of the input: " << status.message();
    }
  }
}

TEST(EncodeBsnOprfInput, IsTheDocumentedVersionOneLayout) {
  // The example of docs/pseudonym-encoding.md.
  EXPECT_EQ(HexEncode(EncodeBsnOprfInput("111222333", 0)),
            "73616d656e6c6f6f702d6964" "00" "01" "01" "00000000" "09" "313131323232333333");
  EXPECT_EQ(HexEncode(EncodeBsnOprfInput("123456782", 0x01020304)),
            "73616d656e6c6f6f702d6964" "00" "01" "01" "01020304" "09" "313233343536373832");
  EXPECT_EQ(EncodeBsnOprfInput("111222333", 7).size(), 29u);
}

TEST(EncodeBsnOprfInput, DiffersPerEpochAndPerType) {
  const std::vector<uint8_t> base = EncodeBsnOprfInput("111222333", 1);
  EXPECT_NE(base, EncodeBsnOprfInput("111222333", 2));
  EXPECT_NE(base, EncodeBsnOprfInput("111222333", 0x01000001));  // every epoch byte counts
  EXPECT_NE(base, EncodeBsnOprfInput("123456782", 1));
  // The same digits as another (future) identifier type never collide.
  const auto other_type = static_cast<IdentifierType>(0x02);
  absl::StatusOr<std::vector<uint8_t>> other = EncodeIdentifierOprfInput(other_type, "111222333", 1);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(base, *other);
  EXPECT_EQ(base, *EncodeIdentifierOprfInput(IdentifierType::kBsn, "111222333", 1));
}

TEST(EncodeIdentifierOprfInput, IsLengthUnambiguous) {
  // Identifiers of different lengths never produce one encoding the other
  // is a prefix of or equal to: the length byte comes before the value.
  absl::StatusOr<std::vector<uint8_t>> short_id = EncodeIdentifierOprfInput(IdentifierType::kBsn, "12", 0);
  absl::StatusOr<std::vector<uint8_t>> long_id = EncodeIdentifierOprfInput(IdentifierType::kBsn, "123", 0);
  ASSERT_TRUE(short_id.ok() && long_id.ok());
  EXPECT_NE(std::vector<uint8_t>(long_id->begin(), long_id->begin() + static_cast<long>(short_id->size())),
            *short_id);
  EXPECT_FALSE(EncodeIdentifierOprfInput(IdentifierType::kBsn, "", 0).ok());
  EXPECT_FALSE(EncodeIdentifierOprfInput(IdentifierType::kBsn, std::string(256, '1'), 0).ok());
  EXPECT_TRUE(EncodeIdentifierOprfInput(IdentifierType::kBsn, std::string(255, '1'), 0).ok());
}

}  // namespace
}  // namespace samenloop::crypto
