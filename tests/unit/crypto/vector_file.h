#ifndef SAMENLOOP_TESTS_UNIT_CRYPTO_VECTOR_FILE_H_
#define SAMENLOOP_TESTS_UNIT_CRYPTO_VECTOR_FILE_H_

// Loads the JSON test-vector files under tests/data/vectors with the shared
// test reader (tests/support/mini_json.h).

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/support/mini_json.h"

namespace samenloop::crypto::testing {

using Json = samenloop::testing::JsonValue;

// Ends the test binary with a message: the vector file itself is broken.
[[noreturn]] void AbortBadVector(absl::string_view why);

// The parsed file SAMENLOOP_TEST_DATA_DIR/vectors/<name>; aborts if it is
// missing or malformed.
Json LoadVectorFile(const std::string& name);

// Hex-decodes a string member; aborts on bad hex or (for HexArray) the
// wrong length.
std::vector<uint8_t> HexBytes(const Json& value);
template <size_t N>
std::array<uint8_t, N> HexArray(const Json& value) {
  std::vector<uint8_t> bytes = HexBytes(value);
  std::array<uint8_t, N> out{};
  if (bytes.size() != N) AbortBadVector("hex value of the wrong length");
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace samenloop::crypto::testing

#endif  // SAMENLOOP_TESTS_UNIT_CRYPTO_VECTOR_FILE_H_
