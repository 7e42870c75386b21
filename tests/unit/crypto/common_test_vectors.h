#ifndef SAMENLOOP_TESTS_UNIT_CRYPTO_COMMON_TEST_VECTORS_H_
#define SAMENLOOP_TESTS_UNIT_CRYPTO_COMMON_TEST_VECTORS_H_

// Loads tests/data/vectors/rfc9497-ristretto255-sha512.json (the final RFC
// 9497 vectors; not the older drafts' "VOPRF06" ones) and decodes hex.

#include <array>
#include <cstdlib>
#include <iostream>

#include <fstream>
#include <sstream>
#include "crypto/hex.h"
#include "tests/support/mini_json.h"

namespace samenloop::crypto::testing {

inline const samenloop::testing::JsonValue& Vectors() {
  static const samenloop::testing::JsonValue* vectors = [] {
    std::ifstream in(std::string(SAMENLOOP_TEST_DATA_DIR) + "/vectors/rfc9497-ristretto255-sha512.json");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = samenloop::testing::ParseJson(text.str());
    if (!parsed.ok()) {
      std::cerr << parsed.status() << "\n";
      std::abort();
    }
    return new samenloop::testing::JsonValue(*std::move(parsed));
  }();
  return *vectors;
}

inline std::vector<uint8_t> Bytes(const samenloop::testing::JsonValue& hex) { return HexDecode(hex.string).value(); }

template <size_t N>
std::array<uint8_t, N> ToArray(const samenloop::testing::JsonValue& hex) {
  std::vector<uint8_t> bytes = Bytes(hex);
  std::array<uint8_t, N> out{};
  if (bytes.size() != N) std::abort();
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace samenloop::crypto::testing

#endif  // SAMENLOOP_TESTS_UNIT_CRYPTO_COMMON_TEST_VECTORS_H_
