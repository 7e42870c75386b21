#include "tests/unit/crypto/vector_file.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "crypto/hex.h"

namespace samenloop::crypto::testing {

void AbortBadVector(absl::string_view why) {
  std::cerr << "broken test vector file: " << why << "\n";
  std::abort();
}

Json LoadVectorFile(const std::string& name) {
  std::ifstream in(std::string(SAMENLOOP_TEST_DATA_DIR) + "/vectors/" + name);
  if (!in) AbortBadVector(name + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Json> parsed = samenloop::testing::ParseJson(text.str());
  if (!parsed.ok()) AbortBadVector(name + ": " + std::string(parsed.status().message()));
  return *std::move(parsed);
}

std::vector<uint8_t> HexBytes(const Json& value) {
  absl::StatusOr<std::vector<uint8_t>> bytes = HexDecode(value.string);
  if (!bytes.ok()) AbortBadVector("not a hex string");
  return *std::move(bytes);
}

}  // namespace samenloop::crypto::testing
