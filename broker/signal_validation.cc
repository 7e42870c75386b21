#include "broker/signal_validation.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace samenloop::broker {
namespace {

absl::Status Invalid(absl::string_view path, absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(path, ".", field, ": ", reason));
}

bool IsCategoryId(absl::string_view category) {
  if (category.empty() || category.size() > 64) return false;
  for (char c : category) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

absl::Status CheckLength(absl::string_view path, absl::string_view field, absl::string_view value,
                         size_t max) {
  if (value.size() > max) {
    return Invalid(path, field, absl::StrCat("too long (", value.size(), " bytes; at most ", max, ")"));
  }
  return absl::OkStatus();
}

// Output-only fields: the broker sets them; a client that sends them is
// told so rather than silently ignored, so no one believes they took effect.
absl::Status CheckOutputOnly(const v1::Signal& signal, absl::string_view path) {
  if (!signal.source_organisation().empty()) {
    return Invalid(path, "source_organisation",
                   "is set by the broker from your client certificate; leave it empty");
  }
  if (!signal.signal_id().empty()) return Invalid(path, "signal_id", "is assigned by the broker; leave it empty");
  if (signal.status() != v1::SIGNAL_STATUS_UNSPECIFIED) {
    return Invalid(path, "status", "is set by the broker; use CloseSignal, ReopenSignal or RevokeSignal");
  }
  if (signal.has_closed_at()) return Invalid(path, "closed_at", "is set by CloseSignal; leave it empty");
  if (signal.has_created_at() || signal.has_updated_at() || signal.revision() != 0) {
    return Invalid(path, "created_at/updated_at/revision", "are output only; leave them empty");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePseudonym(const v1::Pseudonym& pseudonym, absl::string_view path) {
  if (pseudonym.value().size() != kPseudonymBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".value: must be a ", kPseudonymBytes, "-byte pseudonym from the SDK (got ",
        pseudonym.value().size(), " bytes)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& time, absl::string_view path) {
  constexpr int64_t kYear1900 = -2208988800;  // 1900-01-01T00:00:00Z
  constexpr int64_t kYear2200 = 7258118400;   // 2200-01-01T00:00:00Z
  if (time.seconds() < kYear1900 || time.seconds() >= kYear2200 || time.nanos() < 0 ||
      time.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": must be a time between 1900 and 2200"));
  }
  return absl::OkStatus();
}

absl::Status ValidateIdempotencyKey(absl::string_view key, absl::string_view path) {
  if (key.empty() || key.size() > 128 || !IsPrintableAscii(key)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": must be 1 to 128 printable ASCII characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateNewSignal(const v1::Signal& signal, absl::string_view path) {
  if (absl::Status s = CheckOutputOnly(signal, path); !s.ok()) return s;

  if (!signal.has_subject()) return Invalid(path, "subject", "is required");
  if (absl::Status s = ValidatePseudonym(signal.subject(), absl::StrCat(path, ".subject")); !s.ok()) {
    return s;
  }
  return ValidateSignalFields(signal, path);
}

absl::Status ValidateSignalFields(const v1::Signal& signal, absl::string_view path) {
  if (!v1::AgeBand_IsValid(signal.age_band()) || signal.age_band() == v1::AGE_BAND_UNSPECIFIED) {
    return Invalid(path, "age_band", "must be one of 0_11, 12_15, 16_17, 18_22, 23_plus");
  }
  if (!v1::PersonRole_IsValid(signal.subject_role())) {
    return Invalid(path, "subject_role", "unknown value");
  }

  if (signal.related_size() > kMaxRelated) {
    return Invalid(path, "related", absl::StrCat("at most ", kMaxRelated, " related persons"));
  }
  std::set<std::string> seen{signal.subject().value()};
  for (int i = 0; i < signal.related_size(); ++i) {
    const v1::RelatedPerson& related = signal.related(i);
    std::string field = absl::StrCat("related[", i, "]");
    if (absl::Status s = ValidatePseudonym(related.person(), absl::StrCat(path, ".", field, ".person"));
        !s.ok()) {
      return s;
    }
    if (!v1::Relation_IsValid(related.relation()) || related.relation() == v1::RELATION_UNSPECIFIED) {
      return Invalid(path, absl::StrCat(field, ".relation"),
                     "must be one of parent, child, sibling, partner, ex_partner, household_member, "
                     "grandparent, grandchild");
    }
    if (!v1::PersonRole_IsValid(related.role())) {
      return Invalid(path, absl::StrCat(field, ".role"), "unknown value");
    }
    if (!seen.insert(related.person().value()).second) {
      return Invalid(path, absl::StrCat(field, ".person"),
                     "duplicates the subject or an earlier related person");
    }
  }

  if (!IsCategoryId(signal.category())) {
    return Invalid(path, "category",
                   "must be a category id: 1 to 64 lowercase letters, digits or '_'");
  }
  if (!v1::Nature_IsValid(signal.nature()) || signal.nature() == v1::NATURE_UNSPECIFIED) {
    return Invalid(path, "nature", "must be one of fact, suspicion, concern");
  }
  if (!v1::Severity_IsValid(signal.severity())) return Invalid(path, "severity", "unknown value");
  if (!v1::LegalFramework_IsValid(signal.legal_framework())) {
    return Invalid(path, "legal_framework", "unknown value");
  }

  if (!signal.has_contact() || signal.contact().name().empty()) {
    return Invalid(path, "contact.name", "is required: whom should other organisations call?");
  }
  if (absl::Status s = CheckLength(path, "contact.name", signal.contact().name(), 200); !s.ok()) return s;
  if (absl::Status s = CheckLength(path, "contact.phone", signal.contact().phone(), 40); !s.ok()) return s;
  if (absl::Status s = CheckLength(path, "contact.email", signal.contact().email(), 200); !s.ok()) return s;
  if (absl::Status s = CheckLength(path, "local_reference", signal.local_reference(), 128); !s.ok()) return s;

  if (signal.protected_against_size() > kMaxRelated) {
    return Invalid(path, "protected_against", absl::StrCat("at most ", kMaxRelated, " persons"));
  }
  for (int i = 0; i < signal.protected_against_size(); ++i) {
    if (absl::Status s = ValidatePseudonym(signal.protected_against(i),
                                           absl::StrCat(path, ".protected_against[", i, "]"));
        !s.ok()) {
      return s;
    }
  }
  if (signal.protected_against_size() > 0 && !signal.protected_()) {
    return Invalid(path, "protected_against", "only allowed on a signal with protected = true");
  }

  if (signal.has_opened_at()) {
    if (absl::Status s = ValidateTimestamp(signal.opened_at(), absl::StrCat(path, ".opened_at")); !s.ok()) return s;
  }
  if (signal.has_last_confirmed_at()) {
    if (absl::Status s = ValidateTimestamp(signal.last_confirmed_at(), absl::StrCat(path, ".last_confirmed_at"));
        !s.ok()) {
      return s;
    }
  }
  const v1::DutyToInform& duty = signal.duty_to_inform();
  if (duty.has_informed_at()) {
    if (absl::Status s = ValidateTimestamp(duty.informed_at(), absl::StrCat(path, ".duty_to_inform.informed_at"));
        !s.ok()) {
      return s;
    }
  }
  if (!v1::DutyToInformStatus_IsValid(duty.status())) {
    return Invalid(path, "duty_to_inform.status", "unknown value");
  }
  if (duty.status() == v1::DUTY_TO_INFORM_STATUS_POSTPONED && duty.postponement_reason().empty()) {
    return Invalid(path, "duty_to_inform.postponement_reason", "is required when informing is postponed");
  }
  if (absl::Status s = CheckLength(path, "duty_to_inform.postponement_reason",
                                   duty.postponement_reason(), 500);
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

}  // namespace samenloop::broker
