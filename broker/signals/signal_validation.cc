#include "broker/signals/signal_validation.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/request_checks.h"
#include "google/protobuf/descriptor.h"

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

absl::Status CheckTextField(absl::string_view path, absl::string_view field, absl::string_view value,
                            size_t max) {
  return CheckText(value, absl::StrCat(path, ".", field), max);
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
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

absl::Status ValidateEventTime(const google::protobuf::Timestamp& time, absl::string_view path, absl::Time now) {
  if (absl::Status s = ValidateTimestamp(time, path); !s.ok()) return s;
  const absl::Time t = TimeOf(time);
  if (t < now - kMaxPast) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": more than 50 years ago; check the date"));
  }
  if (t > now + kMaxAhead) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": in the future; a date of something that happened is "
                                                         "at most a day from now"));
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

absl::Status ValidateNewSignal(const v1::Signal& signal, absl::string_view path, absl::Time now) {
  if (absl::Status s = CheckOutputOnly(signal, path); !s.ok()) return s;

  if (!signal.has_subject()) return Invalid(path, "subject", "is required");
  if (absl::Status s = ValidatePseudonym(signal.subject(), absl::StrCat(path, ".subject")); !s.ok()) {
    return s;
  }
  return ValidateSignalFields(signal, path, now);
}

absl::Status ValidateSignalFields(const v1::Signal& signal, absl::string_view path, absl::Time now) {
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
  const v1::Contact& contact = signal.contact();
  if (absl::Status s = CheckTextField(path, "contact.name", contact.name(), kMaxContactName); !s.ok()) return s;
  if (absl::Status s = CheckTextField(path, "contact.phone", contact.phone(), kMaxContactPhone); !s.ok()) return s;
  if (absl::Status s = CheckTextField(path, "contact.email", contact.email(), kMaxContactEmail); !s.ok()) return s;
  if (absl::Status s = CheckTextField(path, "local_reference", signal.local_reference(), kMaxLocalReference);
      !s.ok()) {
    return s;
  }

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
    if (absl::Status s = ValidateEventTime(signal.opened_at(), absl::StrCat(path, ".opened_at"), now); !s.ok()) {
      return s;
    }
  }
  if (signal.has_last_confirmed_at()) {
    if (absl::Status s =
            ValidateEventTime(signal.last_confirmed_at(), absl::StrCat(path, ".last_confirmed_at"), now);
        !s.ok()) {
      return s;
    }
    if (signal.has_opened_at() && TimeOf(signal.last_confirmed_at()) < TimeOf(signal.opened_at()) - kMaxAhead) {
      return Invalid(path, "last_confirmed_at", "is before opened_at");
    }
  }
  if (signal.has_waiting_since()) {
    if (absl::Status s = ValidateEventTime(signal.waiting_since(), absl::StrCat(path, ".waiting_since"), now);
        !s.ok()) {
      return s;
    }
  }
  const v1::DutyToInform& duty = signal.duty_to_inform();
  if (duty.has_informed_at()) {
    if (absl::Status s =
            ValidateEventTime(duty.informed_at(), absl::StrCat(path, ".duty_to_inform.informed_at"), now);
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
  if (absl::Status s =
          CheckTextField(path, "duty_to_inform.postponement_reason", duty.postponement_reason(), kMaxReason);
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateUpdateRequest(const v1::UpdateSignalRequest& request) {
  const google::protobuf::FieldMask& mask = request.update_mask();
  constexpr int kMaxPaths = static_cast<int>(std::size(kUpdatableFields));
  if (mask.paths_size() > kMaxPaths) {
    return absl::InvalidArgumentError(
        absl::StrCat("update_mask.paths: at most ", kMaxPaths, " paths, each updatable field once"));
  }
  std::set<absl::string_view> named;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (std::find(std::begin(kUpdatableFields), std::end(kUpdatableFields), path) == std::end(kUpdatableFields)) {
      return absl::InvalidArgumentError(absl::StrCat("update_mask.paths[", i, "]: cannot be updated; updatable: ",
                                                     absl::StrJoin(kUpdatableFields, ", ")));
    }
    if (!named.insert(path).second) {
      return absl::InvalidArgumentError(absl::StrCat("update_mask.paths[", i, "]: names a field twice"));
    }
  }
  // Every field the body sets must be one the mask names: an identity, an
  // id or a subject in it would otherwise be silently ignored.
  const v1::Signal& signal = request.signal();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  signal.GetReflection()->ListFields(signal, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (named.count(field->name()) > 0) continue;
    if (field->name() == "source_organisation") {
      return Invalid("signal", "source_organisation",
                     "is set by the broker from your client certificate; leave it empty");
    }
    if (field->name() == "signal_id") {
      return Invalid("signal", "signal_id", "leave it empty; the signal to change is the request's signal_id");
    }
    return Invalid("signal", field->name(),
                   "is set but not named in update_mask; only masked fields are changed, so leave it empty or "
                   "name it (updatable: " + absl::StrJoin(kUpdatableFields, ", ") + ")");
  }
  return absl::OkStatus();
}

absl::Status ValidateCloseRequest(const v1::CloseSignalRequest& request, absl::Time now) {
  if (!request.has_closed_at()) return absl::OkStatus();
  return ValidateEventTime(request.closed_at(), "closed_at", now);
}

absl::Status ValidateRevokeRequest(const v1::RevokeSignalRequest& request) {
  return CheckText(request.reason(), "reason", kMaxReason);
}

absl::Status ValidateListOwnRequest(const v1::ListOwnSignalsRequest& request) {
  if (request.statuses_size() > kMaxStatusFilters) {
    return absl::InvalidArgumentError(absl::StrCat("statuses: at most ", kMaxStatusFilters, " entries"));
  }
  if (request.page().page_token().size() > kMaxPageToken) {
    return absl::InvalidArgumentError("page.page_token: not a token from a previous response");
  }
  return absl::OkStatus();
}

}  // namespace samenloop::broker
