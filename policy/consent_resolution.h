#ifndef SAMENLOOP_POLICY_CONSENT_RESOLUTION_H_
#define SAMENLOOP_POLICY_CONSENT_RESOLUTION_H_

// Consent and objection precedence (ARCHITECTURE.md §5, docs/policy-guide.md
// "Consent and objection"), for one intended disclosure:
//
// 1. A record applies when it is valid at the decision time and its scope
//    covers the recipient (organisation, kind, or any) and the category.
// 2. Each giver counts separately (the subject, each parent with authority,
//    each guardian). A giver's applicable records are ranked by specificity:
//    recipient organisation (2) over recipient kind (1) over any (0), then
//    named categories over any category. The most specific wins; at equal
//    specificity an objection beats a consent.
// 3. Whose word counts depends on the subject's age band: 16 and older (or
//    unknown) the subject or a guardian; 12-15 the subject and the parents;
//    under 12 the parents. A guardian stands in for the parents. The parents
//    combine per the policy's setting: both required (two distinct parents
//    with authority) or either sufficient.
// 4. An objection that wins for any giver whose word counts stands, and then
//    there is no consent either.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "policy/disclosure_policy.h"
#include "policy/policy_model.h"

namespace samenloop::policy {

struct ConsentOutcome {
  bool consented = false;
  bool objected = false;
  std::vector<std::string> consent_ids;    // the consents relied on, when consented
  std::vector<std::string> objection_ids;  // the objections that stand
  std::string explanation;                 // one sentence, for explain and audit
};

struct ConsentQuestion {
  std::string recipient_organisation;
  std::string recipient_kind;
  std::string category;
  AgeBand subject_age = AgeBand::kUnspecified;
  absl::Time at;
};

ConsentOutcome ResolveConsent(const std::vector<ConsentFacts>& records, const ConsentQuestion& question,
                              ParentalConsent parents);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_CONSENT_RESOLUTION_H_
