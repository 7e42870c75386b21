#include "client/cli/signal_fields.h"

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/cli/cli_context.h"

namespace samenloop::cli {

absl::StatusOr<UnpseudonymisedSignal> ToSignal(const SignalFields& fields) {
  UnpseudonymisedSignal out;
  v1::Signal& signal = out.signal;
  auto age = ParseEnumName<v1::AgeBand>("age_band", "AGE_BAND_", fields.age_band, v1::AgeBand_descriptor());
  if (!age.ok()) return age.status();
  signal.set_age_band(*age);
  auto nature = ParseEnumName<v1::Nature>("nature", "NATURE_", fields.nature, v1::Nature_descriptor());
  if (!nature.ok()) return nature.status();
  signal.set_nature(*nature);
  if (!fields.severity.empty()) {
    auto severity = ParseEnumName<v1::Severity>("severity", "SEVERITY_", fields.severity, v1::Severity_descriptor());
    if (!severity.ok()) return severity.status();
    signal.set_severity(*severity);
  }
  if (!fields.subject_role.empty()) {
    auto role = ParseEnumName<v1::PersonRole>("subject_role", "PERSON_ROLE_", fields.subject_role,
                                              v1::PersonRole_descriptor());
    if (!role.ok()) return role.status();
    signal.set_subject_role(*role);
  }
  if (!fields.legal_framework.empty()) {
    auto framework = ParseEnumName<v1::LegalFramework>("legal_framework", "LEGAL_FRAMEWORK_", fields.legal_framework,
                                                       v1::LegalFramework_descriptor());
    if (!framework.ok()) return framework.status();
    signal.set_legal_framework(*framework);
  }
  if (!fields.waiting_since.empty()) {
    absl::Time since;
    std::string error;
    if (!absl::ParseTime("%Y-%m-%d", fields.waiting_since, absl::UTCTimeZone(), &since, &error)) {
      return absl::InvalidArgumentError("waiting_since: not a date YYYY-MM-DD");
    }
    signal.mutable_waiting_since()->set_seconds(absl::ToUnixSeconds(since));
  }
  signal.set_category(fields.category);
  signal.mutable_contact()->set_name(fields.contact_name);
  signal.mutable_contact()->set_phone(fields.contact_phone);
  signal.mutable_contact()->set_email(fields.contact_email);
  signal.set_local_reference(fields.local_reference);
  signal.set_protected_(fields.is_protected);

  out.bsns.push_back(fields.bsn);
  for (size_t i = 0; i < fields.related.size(); ++i) {
    std::vector<std::string> parts = absl::StrSplit(fields.related[i], ':');
    const std::string field = absl::StrCat("related[", i, "]");
    if (parts.size() < 2 || parts.size() > 3) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": expected BSN:relation[:role]"));
    }
    auto relation = ParseEnumName<v1::Relation>(field + ".relation", "RELATION_", parts[1], v1::Relation_descriptor());
    if (!relation.ok()) return relation.status();
    v1::PersonRole role = v1::PERSON_ROLE_UNSPECIFIED;
    if (parts.size() == 3) {
      auto parsed = ParseEnumName<v1::PersonRole>(field + ".role", "PERSON_ROLE_", parts[2], v1::PersonRole_descriptor());
      if (!parsed.ok()) return parsed.status();
      role = *parsed;
    }
    out.bsns.push_back(parts[0]);
    out.related.emplace_back(*relation, role);
  }
  for (const std::string& bsn : fields.protected_against) out.bsns.push_back(bsn);
  return out;
}

v1::Signal WithPseudonyms(const UnpseudonymisedSignal& unpseudonymised, const std::vector<v1::Pseudonym>& pseudonyms) {
  v1::Signal signal = unpseudonymised.signal;
  size_t next = 0;
  *signal.mutable_subject() = pseudonyms[next++];
  for (const auto& [relation, role] : unpseudonymised.related) {
    v1::RelatedPerson* person = signal.add_related();
    *person->mutable_person() = pseudonyms[next++];
    person->set_relation(relation);
    person->set_role(role);
  }
  while (next < pseudonyms.size()) *signal.add_protected_against() = pseudonyms[next++];
  return signal;
}

}  // namespace samenloop::cli
