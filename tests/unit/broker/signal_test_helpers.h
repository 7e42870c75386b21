#ifndef SAMENLOOP_TESTS_UNIT_BROKER_SIGNAL_TEST_HELPERS_H_
#define SAMENLOOP_TESTS_UNIT_BROKER_SIGNAL_TEST_HELPERS_H_

// Builders for valid signals and the callers and secret broker tests share.
// Pseudonyms are random 64-byte strings: the broker only needs them to be
// equal for the same person.

#include <sodium.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"
#include "common/caller_identity.h"
#include "crypto/keyed_index.h"
#include "samenloop/v1/audit.pb.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::broker::testing {

inline const CallerIdentity kPolice{"politie-amsterdam", Role::kOrg, "police"};
inline const CallerIdentity kGgz{"ggz-inforsa", Role::kOrg, "ggz"};
inline const CallerIdentity kWijkteam{"wijkteam-west", Role::kOrg, "local_team"};

// A fixed index secret: tests need determinism, not secrecy.
inline crypto::IndexSecret TestSecret() {
  std::array<uint8_t, 32> bytes{};
  bytes.fill(7);
  return *crypto::IndexSecret::FromBytes(bytes);
}

inline v1::Pseudonym RandomPseudonym() {
  std::string bytes(64, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  v1::Pseudonym p;
  p.set_value(bytes);
  return p;
}

inline v1::Signal ValidSignal(const v1::Pseudonym& subject, const std::string& category = "housing_nuisance") {
  v1::Signal signal;
  *signal.mutable_subject() = subject;
  signal.set_age_band(v1::AGE_BAND_23_PLUS);
  signal.set_category(category);
  signal.set_nature(v1::NATURE_CONCERN);
  signal.set_severity(v1::SEVERITY_ELEVATED);
  signal.mutable_contact()->set_name("Team Noord");
  signal.mutable_contact()->set_phone("020-5550000");
  signal.set_local_reference("case-1");
  return signal;
}

// Every stored audit event of one type, in log order.
inline std::vector<v1::AuditEvent> AuditEventsOfType(const Store& store, v1::AuditEventType type) {
  std::vector<v1::AuditEvent> out;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAudit);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::AuditEvent event;
    if (event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) && event.type() == type) {
      out.push_back(std::move(event));
    }
  }
  return out;
}

}  // namespace samenloop::broker::testing

#endif  // SAMENLOOP_TESTS_UNIT_BROKER_SIGNAL_TEST_HELPERS_H_
