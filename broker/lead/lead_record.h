#ifndef SAMENLOOP_BROKER_LEAD_LEAD_RECORD_H_
#define SAMENLOOP_BROKER_LEAD_LEAD_RECORD_H_

// Reading and writing who leads for a person (LeadRecord in
// broker_storage.proto, pair-decisions family, keys::LeadKey), and the
// broker-wide count of lead events that makes lead notification ids unique.
// Internal to broker/lead/.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker/core/transaction.h"
#include "broker_storage.pb.h"
#include "policy/disclosure_policy.h"
#include "storage/store.h"

namespace samenloop::broker {

// A holder whose signal is still open and live, with that signal.
struct LiveHolder {
  storage::LeadHolder holder;
  storage::StoredSignal signal;
};

// The person's lead record (empty when nobody ever led or all leads ended).
absl::StatusOr<storage::LeadRecord> LoadLeadRecord(const Store& store, const std::string& subject_key);

// Writes `record` in `write`, or deletes it when it has no holders, so that
// nothing about a person stays once its leads have ended.
void PutLeadRecord(Transaction& write, const std::string& subject_key, const storage::LeadRecord& record);

// The holders of `record` whose signal is open and live at `now`. A holder
// whose signal passed its visible period is no lead, also before the
// retention sweeper ends it.
absl::StatusOr<std::vector<LiveHolder>> LiveHolders(const Store& store, const storage::LeadRecord& record,
                                                    const policy::DisclosurePolicy& policy, absl::Time now);

// Removes the holder leading through signal `number`; false if none did.
bool RemoveHolderOf(storage::LeadRecord& record, uint64_t number);

// The next lead event number, written in `write` (unique also when one
// write has several events).
absl::StatusOr<uint64_t> NextLeadEvent(Transaction& write);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_LEAD_LEAD_RECORD_H_
