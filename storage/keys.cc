#include "storage/keys.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"

namespace samenloop::broker::keys {

std::string U64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t ParseU64(absl::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return value;
}

std::string OrgPrefix(absl::string_view organisation) {
  std::string out(organisation);
  out.push_back('\0');
  return out;
}

std::string SignalKey(uint64_t signal_number) { return U64(signal_number); }

std::string IndexKey(absl::string_view index_key, uint64_t signal_number) {
  return absl::StrCat(index_key, U64(signal_number));
}

std::string OrgSignalKey(absl::string_view organisation, uint64_t signal_number) {
  return absl::StrCat(OrgPrefix(organisation), U64(signal_number));
}

std::string IdempotencyKey(absl::string_view organisation, absl::string_view idempotency_key) {
  return absl::StrCat(OrgPrefix(organisation), idempotency_key);
}

std::string PairKey(uint64_t recipient_signal, uint64_t other_signal) {
  return absl::StrCat(U64(recipient_signal), U64(other_signal));
}

std::string OutboxKey(absl::string_view recipient, uint64_t cursor) {
  return absl::StrCat(OrgPrefix(recipient), U64(cursor));
}

std::string NextSignalNumberKey() { return "next_signal_number"; }
std::string NextAuditNumberKey() { return "next_audit_number"; }
std::string PersonsLinkedSizeKey() { return "persons_linked_size"; }
std::string LeadEventCounterKey() { return "lead_events"; }
std::string LeadKey(absl::string_view subject_key) { return absl::StrCat("lead/", subject_key); }
std::string OutboxHeadKey(absl::string_view recipient) { return absl::StrCat("outbox_head/", recipient); }
std::string AcknowledgedKey(absl::string_view recipient) { return absl::StrCat("acknowledged/", recipient); }

std::string SignalId(uint64_t signal_number) { return absl::StrCat("sig-", signal_number); }

bool ParseSignalId(absl::string_view id, uint64_t* signal_number) {
  if (!absl::StartsWith(id, "sig-") || id.size() > 24) return false;
  absl::string_view digits = id.substr(4);
  if (digits.empty() || digits.front() == '0') return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(digits, signal_number);
}

std::string NoticePrefix(uint64_t signal) { return U64(signal); }

std::string NoticeKey(uint64_t signal, absl::string_view recipient, uint64_t cursor) {
  return absl::StrCat(U64(signal), OrgPrefix(recipient), U64(cursor));
}

}  // namespace samenloop::broker::keys
