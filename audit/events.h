#ifndef SAMENLOOP_AUDIT_EVENTS_H_
#define SAMENLOOP_AUDIT_EVENTS_H_

// Small helpers shared by the ledger's source files for building audit
// events and timestamps.

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/caller_identity.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

inline google::protobuf::Timestamp ToProto(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

inline absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

// Protobuf 3.21 has no public check: the range google.protobuf.Timestamp
// documents (years 1 to 9999) with nanos in [0, 1e9).
inline bool IsValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 && t.nanos() >= 0 && t.nanos() <= 999999999;
}

// Index keys appear in audit events as hex.
inline std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

inline v1::AuditEvent BaseEvent(v1::AuditEventType type, const CallerIdentity& actor, absl::Time now) {
  v1::AuditEvent event;
  event.set_type(type);
  *event.mutable_time() = ToProto(now);
  event.set_actor_organisation(actor.organisation_id);
  event.set_actor_role(std::string(RoleName(actor.role)));
  return event;
}

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_EVENTS_H_
