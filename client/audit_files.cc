#include "client/audit_files.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "crypto/hex.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace samenloop::client {
namespace {

using google::protobuf::util::TimeUtil;

std::string HexOf(const std::string& bytes) {
  return crypto::HexEncode(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

template <size_t N>
absl::StatusOr<std::array<uint8_t, N>> FixedHex(const std::string& hex, absl::string_view field) {
  absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(hex);
  if (!bytes.ok() || bytes->size() != N) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected ", N, " bytes as ", 2 * N, " hex digits"));
  }
  std::array<uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace

audit_files::v1::TreeHeadFile ToTreeHeadFile(const v1::SignedTreeHead& head) {
  audit_files::v1::TreeHeadFile file;
  file.set_tree_size(head.tree_size());
  file.set_root_hash(HexOf(head.root_hash()));
  *file.mutable_timestamp() = head.timestamp();
  file.set_signature(HexOf(head.signature()));
  file.set_log_public_key(HexOf(head.log_public_key()));
  return file;
}

absl::StatusOr<SavedTreeHead> FromTreeHeadFile(const audit_files::v1::TreeHeadFile& file) {
  SavedTreeHead saved;
  saved.head.tree_size = file.tree_size();
  absl::StatusOr<crypto::MerkleHash> root = FixedHex<32>(file.root_hash(), "root_hash");
  if (!root.ok()) return root.status();
  saved.head.root = *root;
  if (file.timestamp().nanos() % 1000000 != 0) {
    return absl::InvalidArgumentError("timestamp: the signed time has millisecond precision");
  }
  saved.head.timestamp_ms = TimeUtil::TimestampToMilliseconds(file.timestamp());
  absl::StatusOr<crypto::TreeHeadSignature> signature = FixedHex<64>(file.signature(), "signature");
  if (!signature.ok()) return signature.status();
  saved.signature = *signature;
  if (!file.log_public_key().empty()) {
    absl::StatusOr<crypto::LogPublicKey> key = FixedHex<32>(file.log_public_key(), "log_public_key");
    if (!key.ok()) return key.status();
    saved.reported_key = *key;
  }
  return saved;
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Every field on every line, zeros too (leaf 0 has a leaf_index), so
  // scripts see one fixed shape.
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

absl::Status FromJson(const std::string& json, google::protobuf::Message& message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message, options);
  if (!status.ok()) return absl::InvalidArgumentError(std::string(status.message()));
  return absl::OkStatus();
}

absl::Status WriteTextFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::trunc);
  out << contents;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

absl::StatusOr<audit_files::v1::TreeHeadFile> ReadTreeHeadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::stringstream text;
  text << in.rdbuf();
  audit_files::v1::TreeHeadFile file;
  if (absl::Status parsed = FromJson(text.str(), file); !parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a tree head file: ", parsed.message()));
  }
  return file;
}

absl::StatusOr<crypto::LogPublicKey> ParseLogPublicKey(const std::string& hex_or_path) {
  std::string hex = hex_or_path;
  if (hex.size() != 64) {
    std::ifstream in(hex_or_path);
    if (!in) return absl::InvalidArgumentError("--log-public-key: neither 64 hex digits nor a readable file");
    std::stringstream text;
    text << in.rdbuf();
    hex = std::string(absl::StripAsciiWhitespace(text.str()));
  }
  return FixedHex<32>(hex, "--log-public-key");
}

}  // namespace samenloop::client
