#include "broker/matching/disclosure.h"

namespace samenloop::broker {

v1::DisclosureLevel ToProto(policy::DisclosureLevel level) {
  switch (level) {
    case policy::DisclosureLevel::kNone: return v1::DISCLOSURE_LEVEL_NONE;
    case policy::DisclosureLevel::kExistenceAndContact: return v1::DISCLOSURE_LEVEL_EXISTENCE_AND_CONTACT;
    case policy::DisclosureLevel::kCategory: return v1::DISCLOSURE_LEVEL_CATEGORY;
    case policy::DisclosureLevel::kDetails: return v1::DISCLOSURE_LEVEL_DETAILS;
  }
  return v1::DISCLOSURE_LEVEL_NONE;
}

v1::MatchKind ToProto(policy::MatchKind kind) {
  switch (kind) {
    case policy::MatchKind::kSubject: return v1::MATCH_KIND_SUBJECT;
    case policy::MatchKind::kHouseholdRelated: return v1::MATCH_KIND_HOUSEHOLD_RELATED;
    case policy::MatchKind::kHouseholdSharedRelated: return v1::MATCH_KIND_HOUSEHOLD_SHARED_RELATED;
  }
  return v1::MATCH_KIND_UNSPECIFIED;
}

// FactsOf casts the API's enums; a value added to one side only must not
// silently mean another value on the other.
static_assert(static_cast<int>(policy::LegalFramework::kCriminal) == v1::LEGAL_FRAMEWORK_CRIMINAL &&
              v1::LegalFramework_MAX == v1::LEGAL_FRAMEWORK_CRIMINAL);
static_assert(static_cast<int>(policy::PersonRole::kInvolved) == v1::PERSON_ROLE_INVOLVED &&
              v1::PersonRole_MAX == v1::PERSON_ROLE_INVOLVED);

v1::DecisionBasis BasisOf(const policy::Decision& decision) {
  v1::DecisionBasis basis;
  for (const std::string& rule : decision.rule_ids) basis.add_rule_ids(rule);
  for (const std::string& legal : decision.legal_bases) basis.add_legal_bases(legal);
  for (const std::string& consent : decision.consent_ids) basis.add_consent_ids(consent);
  basis.set_policy_version(decision.policy_version);
  return basis;
}

policy::SignalFacts FactsOf(const storage::StoredSignal& stored) {
  policy::SignalFacts facts;
  facts.organisation_id = stored.signal().source_organisation();
  facts.organisation_kind = stored.organisation_kind();
  facts.category = stored.signal().category();
  // The API's enums and the policy's share their numbering (common.proto).
  facts.age_band = static_cast<policy::AgeBand>(stored.signal().age_band());
  facts.nature = static_cast<policy::Nature>(stored.signal().nature());
  facts.severity = static_cast<policy::Severity>(stored.signal().severity());
  facts.legal_framework = static_cast<policy::LegalFramework>(stored.signal().legal_framework());
  facts.subject_role = static_cast<policy::PersonRole>(stored.signal().subject_role());
  facts.closed = stored.signal().status() == v1::SIGNAL_STATUS_CLOSED;
  facts.is_protected = stored.signal().protected_();
  return facts;
}

v1::DisclosedSignal Disclose(const storage::StoredSignal& other, policy::DisclosureLevel level,
                             const policy::DisclosurePolicy& policy) {
  v1::DisclosedSignal out;
  out.set_organisation_id(other.signal().source_organisation());
  out.set_organisation_name(policy.OrganisationName(other.signal().source_organisation()));
  out.set_organisation_kind(other.organisation_kind());
  *out.mutable_contact() = other.signal().contact();
  if (level >= policy::DisclosureLevel::kCategory) {
    out.set_category(other.signal().category());
    out.set_nature(other.signal().nature());
  }
  if (level >= policy::DisclosureLevel::kDetails) {
    *out.mutable_opened_at() = other.signal().opened_at();
    out.set_status(other.signal().status());
    out.set_severity(other.signal().severity());
    if (other.signal().has_waiting_since()) *out.mutable_waiting_since() = other.signal().waiting_since();
  }
  return out;
}

}  // namespace samenloop::broker
