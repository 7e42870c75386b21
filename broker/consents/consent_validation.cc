#include "broker/consents/consent_validation.h"

#include "absl/strings/str_cat.h"
#include "audit/events.h"
#include "broker/signals/signal_validation.h"
#include "common/caller_identity.h"
#include "common/request_checks.h"

namespace samenloop::broker {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("record.", field, ": ", rule));
}

bool IsKindName(absl::string_view kind) {
  if (kind.empty() || kind.size() > kMaxRecipientName) return false;
  for (char c : kind) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

absl::Status ValidateValidity(const google::protobuf::Timestamp& time, absl::string_view field, absl::Time now) {
  const std::string path = absl::StrCat("record.", field);
  if (absl::Status s = ValidateTimestamp(time, path); !s.ok()) return s;
  const absl::Time t = FromProto(time);
  if (t < now - kMaxConsentSpan || t > now + kMaxConsentSpan) {
    return Invalid(field, "must lie within 100 years of today");
  }
  return absl::OkStatus();
}

absl::Status ValidateScope(const v1::ConsentScope& scope, const policy::DisclosurePolicy& policy) {
  const std::string& organisation = scope.recipient_organisation();
  const std::string& kind = scope.recipient_kind();
  if (!organisation.empty() && !kind.empty()) {
    return Invalid("scope.recipient_kind",
                   "name a recipient organisation or a recipient kind, not both (two records for both)");
  }
  if (!organisation.empty()) {
    if (!IsValidOrganisationId(organisation)) {
      return Invalid("scope.recipient_organisation",
                     "not an organisation id (1-64 lowercase letters, digits and '-', starting with a letter)");
    }
    if (!policy.KnowsOrganisation(organisation)) {
      return Invalid("scope.recipient_organisation", "is not an organisation of the policy in force");
    }
  }
  if (!kind.empty()) {
    if (!IsKindName(kind)) {
      return Invalid("scope.recipient_kind", "not an organisation kind (1-64 lowercase letters, digits, '_' and '-')");
    }
    if (!policy.KnowsOrganisationKind(kind)) {
      return Invalid("scope.recipient_kind", "is not an organisation kind of the policy in force");
    }
  }
  if (scope.categories_size() > kMaxConsentCategories) {
    return Invalid("scope.categories", absl::StrCat("at most ", kMaxConsentCategories, " categories"));
  }
  for (int i = 0; i < scope.categories_size(); ++i) {
    if (!policy.KnowsCategory(scope.categories(i))) {
      return Invalid(absl::StrCat("scope.categories[", i, "]"), "is not a category of the policy in force");
    }
  }
  return CheckText(scope.purpose(), "record.scope.purpose", kMaxConsentPurpose);
}

}  // namespace

absl::Status ValidateConsentRecord(const v1::ConsentRecord& r, const policy::DisclosurePolicy& policy,
                                   absl::Time now) {
  if (!r.consent_id().empty()) return Invalid("consent_id", "output only; leave it empty");
  if (!r.registered_by().empty()) return Invalid("registered_by", "output only, from your certificate; leave it empty");
  if (r.has_registered_at()) return Invalid("registered_at", "output only; leave it empty");
  if (r.has_withdrawn_at()) return Invalid("withdrawn_at", "output only; use WithdrawConsent");
  if (!r.has_subject()) return Invalid("subject", "is required");
  if (absl::Status s = ValidatePseudonym(r.subject(), "record.subject"); !s.ok()) return s;
  if (r.kind() != v1::CONSENT_KIND_CONSENT && r.kind() != v1::CONSENT_KIND_OBJECTION) {
    return Invalid("kind", "must be CONSENT or OBJECTION");
  }
  switch (r.given_by()) {
    case v1::CONSENT_GIVER_SUBJECT:
      if (r.has_giver()) return Invalid("giver", "leave empty when the subject gives it");
      break;
    case v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY:
    case v1::CONSENT_GIVER_GUARDIAN:
      if (!r.has_giver()) return Invalid("giver", "is required when a parent or guardian gives it");
      if (absl::Status s = ValidatePseudonym(r.giver(), "record.giver"); !s.ok()) return s;
      if (r.giver().value() == r.subject().value()) {
        return Invalid("giver", "a parent or guardian is another person than the subject");
      }
      break;
    default: return Invalid("given_by", "must be SUBJECT, PARENT_WITH_AUTHORITY or GUARDIAN");
  }
  if (absl::Status s = ValidateScope(r.scope(), policy); !s.ok()) return s;
  if (r.has_valid_from()) {
    if (absl::Status s = ValidateValidity(r.valid_from(), "valid_from", now); !s.ok()) return s;
  }
  if (r.has_valid_until()) {
    if (absl::Status s = ValidateValidity(r.valid_until(), "valid_until", now); !s.ok()) return s;
    const absl::Time from = r.has_valid_from() ? FromProto(r.valid_from()) : now;
    if (FromProto(r.valid_until()) <= from) {
      return Invalid("valid_until",
                     r.has_valid_from() ? "must be after valid_from" : "must be after now (valid_from's default)");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateListConsentsRequest(const v1::ListConsentsRequest& request) {
  if (request.page().page_token().size() > kMaxPageToken) {
    return absl::InvalidArgumentError("page.page_token: not a token this service issued");
  }
  return absl::OkStatus();
}

}  // namespace samenloop::broker
