#ifndef SAMENLOOP_BROKER_CORE_READS_H_
#define SAMENLOOP_BROKER_CORE_READS_H_

// Reading what the ledger stores: signals and the consent records the
// policy is asked about. Plain reads of the committed store, usable with or
// without the write lock.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "broker/core/opaque_ids.h"
#include "broker_storage.pb.h"
#include "common/caller_identity.h"
#include "policy/disclosure_policy.h"
#include "storage/store.h"

namespace samenloop::broker {

// NOT_FOUND when there is no signal `number`.
absl::StatusOr<storage::StoredSignal> LoadSignal(const Store& store, uint64_t number);

// An own signal of the caller by its id, and its number. NOT_FOUND when it
// is not the caller's: another organisation's signal looks exactly like a
// missing one.
absl::StatusOr<storage::StoredSignal> LoadOwnSignal(const Store& store, const OpaqueIds& ids,
                                                    const CallerIdentity& caller, absl::string_view signal_id,
                                                    uint64_t* number);

// What the policy is told of a consent or objection record.
policy::ConsentFacts ConsentFactsOf(const storage::StoredConsent& stored);

// The records in force (not withdrawn) on the person with `subject_key`.
absl::StatusOr<std::vector<policy::ConsentFacts>> ConsentFactsOn(const Store& store, const std::string& subject_key);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_READS_H_
