#include "pseudonymiser/oprf_key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/tls_files.h"
#include "crypto/hex.h"

namespace samenloop::pseudonymiser {
namespace {

std::string ModeName(crypto::OprfMode mode) { return mode == crypto::OprfMode::kVoprf ? "voprf" : "oprf"; }


}  // namespace

absl::Status GenerateKeyFile(const std::string& path, crypto::OprfMode mode, uint32_t epoch) {
  crypto::OprfSecretKey key = crypto::OprfSecretKey::Generate();
  std::string secret_hex = crypto::HexEncode(key.bytes());
  std::string contents = absl::StrCat(
      "# samenloop-pseudonymiser OPRF key: keep secret\n", "suite: ristretto255-SHA512\n",
      "mode: ", ModeName(mode), "\n", "epoch: ", epoch, "\n", "secret: ", secret_hex, "\n");
  absl::Status status = WriteNewSecretFile(path, contents);
  sodium_memzero(secret_hex.data(), secret_hex.size());
  sodium_memzero(contents.data(), contents.size());
  return status;
}

absl::StatusOr<OprfKey> LoadKeyFile(const std::string& path) {
  if (absl::Status s = CheckSecretFilePermissions(path); !s.ok()) return s;
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  OprfKey key;
  bool have_secret = false;
  bool have_mode = false;
  int line_number = 0;
  absl::Status result = absl::OkStatus();
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits(':', 1));
    absl::string_view name = absl::StripAsciiWhitespace(kv.first);
    absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    auto bad = [&](absl::string_view reason) {
      return absl::FailedPreconditionError(absl::StrCat(path, ":", line_number, ": ", name, ": ", reason));
    };
    if (name == "suite") {
      if (value != "ristretto255-SHA512") result = bad("only ristretto255-SHA512 is supported");
    } else if (name == "mode") {
      have_mode = true;
      if (value == "oprf") {
        key.mode = crypto::OprfMode::kOprf;
      } else if (value == "voprf") {
        key.mode = crypto::OprfMode::kVoprf;
      } else {
        result = bad("must be oprf or voprf");
      }
    } else if (name == "epoch") {
      if (!absl::SimpleAtoi(value, &key.epoch)) result = bad("must be a number");
    } else if (name == "secret") {
      absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(value);
      if (!bytes.ok() || bytes->size() != 32) {
        result = bad("must be 64 hex digits");
      } else {
        absl::StatusOr<crypto::OprfSecretKey> secret = crypto::OprfSecretKey::FromBytes(*bytes);
        sodium_memzero(bytes->data(), bytes->size());
        if (!secret.ok()) {
          result = bad(secret.status().message());
        } else {
          key.secret = *std::move(secret);
          have_secret = true;
        }
      }
    } else {
      result = bad("unknown setting");
    }
    if (!result.ok()) break;
  }
  sodium_memzero(text->data(), text->size());
  if (!result.ok()) return result;
  if (!have_secret || !have_mode) {
    return absl::FailedPreconditionError(absl::StrCat(path, ": needs both 'mode' and 'secret'"));
  }
  key.public_key = key.secret.PublicKey();
  return key;
}

}  // namespace samenloop::pseudonymiser
