#ifndef SAMENLOOP_CLIENT_CLI_SIGNAL_FIELDS_H_
#define SAMENLOOP_CLIENT_CLI_SIGNAL_FIELDS_H_

// A signal as the CLI's users write it (`samenloop submit` options or a row
// of `samenloop import`): enum values by their short lowercase names,
// persons by BSN. ToSignal turns it into an API signal whose pseudonyms are
// filled in later, after every BSN of a batch was pseudonymised at once.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "samenloop/v1/signals.pb.h"

namespace samenloop::cli {

struct SignalFields {
  std::string idempotency_key;
  std::string bsn;
  std::string age_band;
  std::string category;
  std::string nature = "concern";
  std::string severity;
  std::string subject_role;
  std::string contact_name, contact_phone, contact_email;
  std::string local_reference;
  std::string legal_framework;
  // YYYY-MM-DD: involved but no professional assigned since then.
  std::string waiting_since;
  std::vector<std::string> related;  // BSN:relation[:role]
  bool is_protected = false;
  std::vector<std::string> protected_against;  // BSNs
};

// The signal without pseudonyms, and the BSNs to pseudonymise in order:
// subject, related persons, persons protected against.
struct UnpseudonymisedSignal {
  v1::Signal signal;
  std::vector<std::string> bsns;
  std::vector<std::pair<v1::Relation, v1::PersonRole>> related;
};

// INVALID_ARGUMENT names the option or column that is wrong.
absl::StatusOr<UnpseudonymisedSignal> ToSignal(const SignalFields& fields);

// Fills in the pseudonyms, in the order of `bsns`.
v1::Signal WithPseudonyms(const UnpseudonymisedSignal& unpseudonymised, const std::vector<v1::Pseudonym>& pseudonyms);

}  // namespace samenloop::cli

#endif  // SAMENLOOP_CLIENT_CLI_SIGNAL_FIELDS_H_
