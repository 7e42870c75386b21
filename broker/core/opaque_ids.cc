#include "broker/core/opaque_ids.h"

#include <openssl/sha.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "storage/keys.h"

namespace samenloop::broker {
namespace {

constexpr absl::string_view kSignalPrefix = "sig_";
constexpr absl::string_view kNotificationPrefix = "ntf_";
constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kEncodedChars = 26;  // ceil(128 / 5)

constexpr uint64_t k48Bits = (uint64_t{1} << 48) - 1;
constexpr uint64_t k24Bits = (uint64_t{1} << 24) - 1;

std::string Base32(const crypto::IdBlock& block) {
  std::string out;
  out.reserve(kEncodedChars);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : block) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<crypto::IdBlock> FromBase32(absl::string_view text) {
  if (text.size() != kEncodedChars) return std::nullopt;
  crypto::IdBlock block{};
  uint32_t buffer = 0;
  int bits = 0;
  size_t at = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'a' && c <= 'z') value = c - 'a';
    if (c >= '2' && c <= '7') value = 26 + (c - '2');
    if (value < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      if (at == block.size()) return std::nullopt;
      block[at++] = static_cast<uint8_t>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  // 130 bits were written for 128: the last two must be zero (canonical).
  if (at != block.size() || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return block;
}

void PutBigEndian(crypto::IdBlock& block, size_t offset, size_t bytes, uint64_t value) {
  for (size_t i = 0; i < bytes; ++i) block[offset + i] = static_cast<uint8_t>(value >> (8 * (bytes - 1 - i)));
}

uint64_t GetBigEndian(const crypto::IdBlock& block, size_t offset, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) value = (value << 8) | block[offset + i];
  return value;
}

bool ParseLegacySignalId(absl::string_view id, uint64_t* number) { return keys::ParseSignalId(id, number); }

// "ntf-<recipient>-<other>-<generation>" and "ntf-c-<coordinator>-<signal>".
std::optional<NotificationRef> ParseLegacyNotificationId(absl::string_view id);

}  // namespace

std::optional<NotificationRef> ParseFirstFormatNotificationId(absl::string_view id) {
  NotificationRef ref;
  if (absl::ConsumePrefix(&id, "ntf-c-")) {
    const size_t dash = id.rfind('-');
    if (dash == absl::string_view::npos || !absl::SimpleAtoi(id.substr(dash + 1), &ref.signal)) return std::nullopt;
    ref.kind = NotificationRef::Kind::kCoordination;
    ref.other = OpaqueIds::CoordinatorTag(id.substr(0, dash));
    return ref;
  }
  if (!absl::ConsumePrefix(&id, "ntf-")) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(id, '-');
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &ref.signal) || !absl::SimpleAtoi(parts[1], &ref.other) ||
      !absl::SimpleAtoi(parts[2], &ref.generation)) {
    return std::nullopt;
  }
  ref.kind = NotificationRef::Kind::kMatch;
  return ref;
}

namespace {

std::optional<NotificationRef> ParseLegacyNotificationId(absl::string_view id) {
  return ParseFirstFormatNotificationId(id);
}

}  // namespace

std::string OpaqueIds::SignalId(uint64_t number) const {
  crypto::IdBlock block{};
  PutBigEndian(block, 0, 8, number);
  return absl::StrCat(kSignalPrefix, Base32(cipher_.Seal(block)));
}

bool OpaqueIds::ParseSignalId(absl::string_view id, uint64_t* number) const {
  if (!absl::ConsumePrefix(&id, kSignalPrefix)) return ParseLegacySignalId(id, number);
  std::optional<crypto::IdBlock> sealed = FromBase32(id);
  if (!sealed.has_value()) return false;
  const crypto::IdBlock block = cipher_.Open(*sealed);
  if (GetBigEndian(block, 8, 8) != 0) return false;  // not issued under this key
  *number = GetBigEndian(block, 0, 8);
  return *number != 0;
}

std::string OpaqueIds::NotificationId(const NotificationRef& ref) const {
  crypto::IdBlock block{};
  block[0] = static_cast<uint8_t>(ref.kind);
  PutBigEndian(block, 1, 6, ref.signal & k48Bits);
  PutBigEndian(block, 7, 6, ref.other & k48Bits);
  PutBigEndian(block, 13, 3, ref.generation & k24Bits);
  return absl::StrCat(kNotificationPrefix, Base32(cipher_.Seal(block)));
}

std::optional<NotificationRef> OpaqueIds::ParseNotificationId(absl::string_view id) const {
  if (!absl::ConsumePrefix(&id, kNotificationPrefix)) return ParseLegacyNotificationId(id);
  std::optional<crypto::IdBlock> sealed = FromBase32(id);
  if (!sealed.has_value()) return std::nullopt;
  const crypto::IdBlock block = cipher_.Open(*sealed);
  if ((block[0] < 1 || block[0] > 6) && block[0] != static_cast<uint8_t>(NotificationRef::Kind::kLead)) {
    return std::nullopt;
  }
  NotificationRef ref;
  ref.kind = static_cast<NotificationRef::Kind>(block[0]);
  ref.signal = GetBigEndian(block, 1, 6);
  ref.other = GetBigEndian(block, 7, 6);
  ref.generation = GetBigEndian(block, 13, 3);
  return ref;
}

uint64_t OpaqueIds::CoordinatorTag(absl::string_view coordinator) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(coordinator.data()), coordinator.size(), digest);
  uint64_t tag = 0;
  for (int i = 0; i < 6; ++i) tag = (tag << 8) | digest[i];
  return tag;
}

std::string OpaqueIds::PatternHandle(absl::string_view coordinator, uint64_t anchor) const {
  crypto::IdBlock block{};
  block[0] = 0xff;  // no notification kind: a handle never opens as a notification id
  PutBigEndian(block, 1, 6, anchor & k48Bits);
  PutBigEndian(block, 7, 6, CoordinatorTag(coordinator) & k48Bits);
  return absl::StrCat("pat_", Base32(cipher_.Seal(block)));
}

std::vector<uint64_t> SignalsNamedBy(const NotificationRef& ref) {
  switch (ref.kind) {
    case NotificationRef::Kind::kMatch: return {ref.signal, ref.other};
    case NotificationRef::Kind::kCoordination: return {ref.signal};
    case NotificationRef::Kind::kRetraction: return {};
    case NotificationRef::Kind::kChange: return {ref.signal, ref.other};
    case NotificationRef::Kind::kOutOfView: return {ref.signal};
    case NotificationRef::Kind::kLead: return {ref.signal};
    case NotificationRef::Kind::kMove: return {ref.signal};
  }
  return {};
}

}  // namespace samenloop::broker
