#include "policy/consent_resolution.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace samenloop::policy {
namespace {

bool Applies(const ConsentFacts& record, const ConsentQuestion& q) {
  if (q.at < record.valid_from || q.at >= record.valid_until) return false;
  if (!record.recipient_organisation.empty() && record.recipient_organisation != q.recipient_organisation) {
    return false;
  }
  if (!record.recipient_kind.empty() && record.recipient_kind != q.recipient_kind) return false;
  if (!record.categories.empty() &&
      std::find(record.categories.begin(), record.categories.end(), q.category) == record.categories.end()) {
    return false;
  }
  return true;
}

int Specificity(const ConsentFacts& record) {
  const int recipient = !record.recipient_organisation.empty() ? 2 : !record.recipient_kind.empty() ? 1 : 0;
  return recipient * 2 + (record.categories.empty() ? 0 : 1);
}

// True when `a` wins over `b` for the same giver.
bool Beats(const ConsentFacts& a, const ConsentFacts& b) {
  const int sa = Specificity(a), sb = Specificity(b);
  if (sa != sb) return sa > sb;
  return a.kind == ConsentKind::kObjection && b.kind == ConsentKind::kConsent;
}

std::string GiverIdentity(const ConsentFacts& record) {
  switch (record.given_by) {
    case ConsentGiver::kSubject: return "subject";
    case ConsentGiver::kParentWithAuthority: return absl::StrCat("parent:", record.giver_key);
    case ConsentGiver::kGuardian: return absl::StrCat("guardian:", record.giver_key);
  }
  return "";
}

}  // namespace

ConsentOutcome ResolveConsent(const std::vector<ConsentFacts>& records, const ConsentQuestion& question,
                              ParentalConsent parents) {
  ConsentOutcome outcome;
  // The winning record per giver.
  std::map<std::string, const ConsentFacts*> winners;
  for (const ConsentFacts& record : records) {
    if (!Applies(record, question)) continue;
    const ConsentFacts*& winner = winners[GiverIdentity(record)];
    if (winner == nullptr || Beats(record, *winner)) winner = &record;
  }

  const bool adult = question.subject_age == AgeBand::kUnspecified || question.subject_age == AgeBand::k16To17 ||
                     question.subject_age == AgeBand::k18To22 || question.subject_age == AgeBand::k23Plus;
  const bool child_counts = adult || question.subject_age == AgeBand::k12To15;
  const bool parents_count = !adult;

  bool subject_consents = false;
  bool guardian_consents = false;
  int parents_consenting = 0;
  std::vector<std::string> used;
  for (const auto& [giver, record] : winners) {
    const bool is_subject = record->given_by == ConsentGiver::kSubject;
    const bool is_parent = record->given_by == ConsentGiver::kParentWithAuthority;
    const bool counts = record->given_by == ConsentGiver::kGuardian || (is_subject && child_counts) ||
                        (is_parent && parents_count);
    if (!counts) continue;
    if (record->kind == ConsentKind::kObjection) {
      outcome.objection_ids.push_back(record->consent_id);
      continue;
    }
    used.push_back(record->consent_id);
    if (is_subject) subject_consents = true;
    if (is_parent) ++parents_consenting;
    if (record->given_by == ConsentGiver::kGuardian) guardian_consents = true;
  }

  if (!outcome.objection_ids.empty()) {
    outcome.objected = true;
    outcome.explanation = absl::StrCat("objection ", absl::StrJoin(outcome.objection_ids, ", "), " stands");
    return outcome;
  }
  const bool parents_agree = guardian_consents || (parents == ParentalConsent::kBothRequired ? parents_consenting >= 2
                                                                                             : parents_consenting >= 1);
  if (adult) {
    outcome.consented = subject_consents || guardian_consents;
    if (!outcome.consented) outcome.explanation = "no consent of the subject or a guardian applies";
  } else if (question.subject_age == AgeBand::k12To15) {
    outcome.consented = subject_consents && parents_agree;
    if (!subject_consents) {
      outcome.explanation = "the subject (12-15) has not consented";
    } else if (!parents_agree) {
      outcome.explanation = parents == ParentalConsent::kBothRequired
                                ? "both parents with authority (or a guardian) must consent"
                                : "a parent with authority (or a guardian) must consent";
    }
  } else {
    outcome.consented = parents_agree;
    if (!parents_agree) {
      outcome.explanation = parents == ParentalConsent::kBothRequired
                                ? "both parents with authority (or a guardian) must consent"
                                : "a parent with authority (or a guardian) must consent";
    }
  }
  if (outcome.consented) {
    outcome.consent_ids = std::move(used);
    outcome.explanation = absl::StrCat("consent ", absl::StrJoin(outcome.consent_ids, ", "), " applies");
  }
  return outcome;
}

}  // namespace samenloop::policy
