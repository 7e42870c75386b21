#include "broker/matching/household.h"

#include "broker/matching/match_finder.h"

namespace samenloop::broker {
namespace {

SignalsByNumber Unprotected(SignalsByNumber signals, uint64_t except) {
  for (auto it = signals.begin(); it != signals.end();) {
    it = it->first == except || it->second.signal().protected_() ? signals.erase(it) : std::next(it);
  }
  return signals;
}

}  // namespace

absl::StatusOr<const SignalsByNumber*> HouseholdReader::On(const std::string& person) {
  if (auto it = on_.find(person); it != on_.end()) return &it->second;
  absl::StatusOr<SignalsByNumber> read = LiveSignalsOn(store_, person, policy_, now_);
  if (!read.ok()) return read.status();
  return &(on_[person] = Unprotected(*std::move(read), number_));
}

absl::StatusOr<const SignalsByNumber*> HouseholdReader::Naming(const std::string& person) {
  if (auto it = naming_.find(person); it != naming_.end()) return &it->second;
  absl::StatusOr<SignalsByNumber> read = LiveSignalsNaming(store_, person, policy_, now_);
  if (!read.ok()) return read.status();
  return &(naming_[person] = Unprotected(*std::move(read), number_));
}

absl::StatusOr<std::set<std::string>> HouseholdReader::PersonsOf(const std::string& person) {
  std::set<std::string> persons = {person};
  absl::StatusOr<const SignalsByNumber*> on = On(person);
  if (!on.ok()) return on.status();
  for (const auto& [n, s] : **on) {
    for (const storage::StoredRelated& related : s.related()) persons.insert(related.key());
  }
  absl::StatusOr<const SignalsByNumber*> naming = Naming(person);
  if (!naming.ok()) return naming.status();
  for (const auto& [n, s] : **naming) persons.insert(s.subject_key());
  // The judged signal: on its subject, naming its related persons.
  const bool judged_protected = signal_.signal().protected_();
  if (!judged_protected && person == signal_.subject_key()) {
    for (const storage::StoredRelated& related : signal_.related()) persons.insert(related.key());
  }
  if (!judged_protected) {
    for (const storage::StoredRelated& related : signal_.related()) {
      if (related.key() == person) persons.insert(signal_.subject_key());
    }
  }
  return persons;
}

absl::StatusOr<SignalsByNumber> HouseholdReader::SignalsOn(const std::set<std::string>& persons) {
  SignalsByNumber members;
  for (const std::string& person : persons) {
    absl::StatusOr<const SignalsByNumber*> on = On(person);
    if (!on.ok()) return on.status();
    members.insert((*on)->begin(), (*on)->end());
  }
  members.insert_or_assign(number_, signal_);
  return members;
}

absl::StatusOr<SignalsByNumber> HouseholdReader::OwnHousehold() {
  absl::StatusOr<std::set<std::string>> persons = PersonsOf(signal_.subject_key());
  if (!persons.ok()) return persons.status();
  return SignalsOn(*persons);
}

absl::StatusOr<std::vector<SignalsByNumber>> HouseholdReader::HouseholdsChanged() {
  absl::StatusOr<std::set<std::string>> persons = PersonsOf(signal_.subject_key());
  if (!persons.ok()) return persons.status();
  std::vector<SignalsByNumber> out;
  absl::StatusOr<SignalsByNumber> own = SignalsOn(*persons);
  if (!own.ok()) return own.status();
  out.push_back(*std::move(own));
  for (const std::string& person : *persons) {
    if (person == signal_.subject_key()) continue;
    absl::StatusOr<std::set<std::string>> theirs = PersonsOf(person);
    if (!theirs.ok()) return theirs.status();
    absl::StatusOr<SignalsByNumber> members = SignalsOn(*theirs);
    if (!members.ok()) return members.status();
    out.push_back(*std::move(members));
  }
  return out;
}

}  // namespace samenloop::broker
