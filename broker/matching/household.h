#ifndef SAMENLOOP_BROKER_MATCHING_HOUSEHOLD_H_
#define SAMENLOOP_BROKER_MATCHING_HOUSEHOLD_H_

// The households a coordination rule with `scope: household` counts over
// (docs/policy-guide.md "Coordination"). The household of a person P is P,
// every person a live signal on P names as related, and every person whose
// live signal names P (direct relations, in either direction); its signals
// are the live signals on all of them, of every organisation.
//
// A new signal on P changes the household of P and of each person in it (it
// is on one of their related persons), so an arrival is judged against all
// of those: the son's household grows when his father's local team signs in.
//
// Non-interference: a protected signal is no part of a household. It is not
// a member, and its relations connect no one: with them, a coordinator's
// patterns would grow or form because of a signal it may never learn of.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "broker_storage.pb.h"
#include "policy/disclosure_policy.h"
#include "storage/store.h"

namespace samenloop::broker {

using SignalsByNumber = std::map<uint64_t, storage::StoredSignal>;

// Reads households from the committed store, each person's signals once.
// `signal` (number `number`, stored or about to be) is the one being judged:
// it counts as on its subject even before it is stored, and its stored copy
// is never read in its place.
class HouseholdReader {
 public:
  HouseholdReader(const Store& store, uint64_t number, const storage::StoredSignal& signal,
                  const policy::DisclosurePolicy& policy, absl::Time now)
      : store_(store), number_(number), signal_(signal), policy_(policy), now_(now) {}

  // The household of the signal's subject, the signal included.
  absl::StatusOr<SignalsByNumber> OwnHousehold();
  // It first, then the household of each person in it, the signal included
  // in each: every household the signal's arrival changes.
  absl::StatusOr<std::vector<SignalsByNumber>> HouseholdsChanged();

 private:
  absl::StatusOr<std::set<std::string>> PersonsOf(const std::string& person);
  absl::StatusOr<SignalsByNumber> SignalsOn(const std::set<std::string>& persons);
  // Live, unprotected signals on / naming `person`, never the judged one.
  absl::StatusOr<const SignalsByNumber*> On(const std::string& person);
  absl::StatusOr<const SignalsByNumber*> Naming(const std::string& person);

  const Store& store_;
  uint64_t number_;
  const storage::StoredSignal& signal_;
  const policy::DisclosurePolicy& policy_;
  absl::Time now_;
  std::map<std::string, SignalsByNumber> on_, naming_;
};

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_HOUSEHOLD_H_
