#ifndef SAMENLOOP_TESTS_SUPPORT_MINI_JSON_H_
#define SAMENLOOP_TESTS_SUPPORT_MINI_JSON_H_

// A small JSON reader for test-vector files (objects, arrays, strings,
// integers, booleans, null). Tests only: no JSON library is among the
// project's dependencies, and the vector files are simple.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace samenloop::testing {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  int64_t number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  // Object member access; aborts the test with a clear message if missing.
  const JsonValue& operator[](const std::string& key) const;
  const JsonValue& operator[](size_t index) const { return array.at(index); }
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

}  // namespace samenloop::testing

#endif  // SAMENLOOP_TESTS_SUPPORT_MINI_JSON_H_
