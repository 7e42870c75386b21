#ifndef SAMENLOOP_CLIENT_AUDIT_FILES_H_
#define SAMENLOOP_CLIENT_AUDIT_FILES_H_

// The auditor's files (client/audit_files.proto, docs/audit.md): signed tree
// heads and exports as JSON, and their conversion to what the crypto
// library verifies. Reading never trusts a file: every field is checked for
// shape here, and for meaning by audit_verify.h.

#include <string>

#include "absl/status/statusor.h"
#include "audit_files.pb.h"
#include "crypto/signed_tree_head.h"
#include "google/protobuf/message.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::client {

inline constexpr char kExportFormat[] = "samenloop-audit-export-v1";

// A tree head with its signature, ready to verify.
struct SavedTreeHead {
  crypto::TreeHead head;
  crypto::TreeHeadSignature signature{};
  crypto::LogPublicKey reported_key{};  // informative: verify with a pinned key
};

audit_files::v1::TreeHeadFile ToTreeHeadFile(const v1::SignedTreeHead& head);
// INVALID_ARGUMENT naming the field when a hash, signature or key is not
// hex of the right length, or the timestamp is not whole milliseconds.
absl::StatusOr<SavedTreeHead> FromTreeHeadFile(const audit_files::v1::TreeHeadFile& file);

// One line of proto3 JSON (no newline), field names as in the .proto, every
// field present.
std::string ToJsonLine(const google::protobuf::Message& message);
// Strict: unknown fields are errors, so a misspelt field is not ignored.
absl::Status FromJson(const std::string& json, google::protobuf::Message& message);

absl::Status WriteTextFile(const std::string& path, const std::string& contents);
absl::StatusOr<audit_files::v1::TreeHeadFile> ReadTreeHeadFile(const std::string& path);

// A pinned log public key: 64 hex digits, or the path of a file holding them.
absl::StatusOr<crypto::LogPublicKey> ParseLogPublicKey(const std::string& hex_or_path);

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_AUDIT_FILES_H_
