#ifndef SAMENLOOP_POLICY_POLICY_MODEL_H_
#define SAMENLOOP_POLICY_POLICY_MODEL_H_

// The policy file as written (docs/policy-guide.md), after parsing and before
// compilation: plain data with the source location of everything a
// diagnostic may point at. The parser fills it; the validator checks it; the
// rule engine compiles it.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/diagnostic.h"
#include "policy/disclosure_policy.h"

namespace samenloop::policy {

struct OrganisationDecl {
  std::string id;
  std::string kind;
  std::string name;
  std::string region;  // empty: the policy's region
  SourceLocation at;
};

struct CategoryDecl {
  std::string id;
  std::string name;
  Retention retention;
  SourceLocation at;
};

struct LegalBasisDecl {
  std::string id;
  std::string citation;  // e.g. "Wmo 2015 art. 4.1.1"
  std::string description;
  SourceLocation at;
};

// How the consents of two parents with authority combine (ARCHITECTURE.md
// §5, docs/policy-guide.md "Consent").
enum class ParentalConsent { kBothRequired, kEitherSufficient };

// Who a rule is about: organisations by id and/or by kind. Both empty means
// any organisation.
struct PartySelector {
  std::set<std::string> organisations;
  std::set<std::string> kinds;
  SourceLocation at;
  bool IsAny() const { return organisations.empty() && kinds.empty(); }
};

enum class RuleEffect { kPermit, kForbid };

// Which signals a rule applies to when the disclosed signal is protected.
enum class ProtectedFilter { kUnprotectedOnly, kAny, kProtectedOnly };

// A set over an enum's values; empty means any.
template <typename E>
using ValueSet = std::set<E>;

struct RuleDecl {
  std::string id;
  RuleEffect effect = RuleEffect::kPermit;
  std::string description;
  PartySelector recipient;  // the organisation that would be told
  PartySelector source;     // the organisation of the disclosed signal
  std::set<std::string> categories;            // of the disclosed signal
  std::set<std::string> recipient_categories;  // of the recipient's own signal
  ValueSet<MatchKind> match_kinds;
  ValueSet<Relation> relations;
  ValueSet<AgeBand> age_bands;            // of the disclosed signal's subject
  ValueSet<AgeBand> recipient_age_bands;  // of the recipient signal's subject
  ValueSet<Nature> natures;
  ValueSet<Severity> severities;
  ValueSet<LegalFramework> legal_frameworks;            // of the disclosed signal
  ValueSet<LegalFramework> recipient_legal_frameworks;  // of the recipient's own signal
  ValueSet<PersonRole> subject_roles;                   // of the disclosed signal's subject
  // Of the disclosed signal: open, closed, or either (both false = either).
  bool open_only = false;
  bool closed_only = false;
  ProtectedFilter protected_filter = ProtectedFilter::kUnprotectedOnly;
  // Permits only.
  DisclosureLevel level = DisclosureLevel::kExistenceAndContact;
  std::string legal_basis;  // id of a LegalBasisDecl
  bool needs_consent = false;
  bool objection_stops = true;
  // Permits only: the changes of a disclosed signal its recipient is told
  // of afterwards (change notifications).
  ChangeMask notify_changes = kDefaultNotifiedChanges;
  absl::Time effective_from = absl::InfinitePast();
  absl::Time effective_until = absl::InfiniteFuture();
  SourceLocation at;
  SourceLocation legal_basis_at;
  // Location of each key, for diagnostics about that key.
  SourceLocation categories_at, recipient_categories_at, relations_at, match_at, effective_at, notify_changes_at;
};

struct CoordinationDecl {
  CoordinationRule rule;
  SourceLocation at;
  SourceLocation coordinator_at;
  SourceLocation legal_basis_at;
  SourceLocation closed_category_at;
  SourceLocation history_category_at;
  std::string legal_basis_id;
  // `coordinators: { REGION: ORGANISATION, ... }`, in file order.
  std::vector<std::pair<std::string, std::string>> coordinators;
  SourceLocation coordinators_at;
};

// The `lead:` section as written (policy/lead_rules.h is what it compiles to).
struct LeadDecl {
  bool present = false;
  std::string description;
  PartySelector may_lead;
  PartySelector informs;
  bool tell_coordinators = true;
  std::string legal_basis_id;
  SourceLocation at;
  SourceLocation legal_basis_at;
};

struct PolicyDocument {
  std::string file;
  std::string version;  // the file's own version label
  std::string region;
  std::vector<std::string> organisation_kinds;
  std::vector<OrganisationDecl> organisations;
  std::vector<CategoryDecl> categories;
  std::vector<LegalBasisDecl> legal_bases;
  ParentalConsent parental_consent = ParentalConsent::kBothRequired;
  std::vector<RuleDecl> rules;
  std::vector<CoordinationDecl> coordination;
  LeadDecl lead;
};

// Names used in the file for the enums (also used by explain and diff).
const char* Name(MatchKind kind);
const char* Name(Relation relation);
const char* Name(AgeBand band);
const char* Name(Nature nature);
const char* Name(Severity severity);
const char* Name(LegalFramework framework);
const char* Name(PersonRole role);
const char* Name(DisclosureLevel level);
const char* Name(ChangeKind change);

// Every value a policy file may name, in file-name order.
inline constexpr MatchKind kAllMatchKinds[] = {MatchKind::kSubject, MatchKind::kHouseholdRelated,
                                        MatchKind::kHouseholdSharedRelated};
inline constexpr Relation kAllRelations[] = {Relation::kParent,          Relation::kChild,       Relation::kSibling,
                                      Relation::kPartner,         Relation::kExPartner,   Relation::kHouseholdMember,
                                      Relation::kGrandparent,     Relation::kGrandchild};
inline constexpr AgeBand kAllAgeBands[] = {AgeBand::kUnspecified, AgeBand::k0To11,  AgeBand::k12To15,
                                    AgeBand::k16To17,      AgeBand::k18To22, AgeBand::k23Plus};
inline constexpr Nature kAllNatures[] = {Nature::kUnspecified, Nature::kFact, Nature::kSuspicion, Nature::kConcern};
inline constexpr Severity kAllSeverities[] = {Severity::kUnspecified, Severity::kLow, Severity::kElevated,
                                       Severity::kHigh, Severity::kAcute};
inline constexpr LegalFramework kAllLegalFrameworks[] = {LegalFramework::kUnspecified, LegalFramework::kVoluntary,
                                                         LegalFramework::kPreventive, LegalFramework::kCourtMeasure,
                                                         LegalFramework::kCriminal};
inline constexpr PersonRole kAllPersonRoles[] = {PersonRole::kUnspecified, PersonRole::kVictim,
                                                 PersonRole::kAllegedPerpetrator, PersonRole::kWitness,
                                                 PersonRole::kInvolved};
inline constexpr ChangeKind kAllChangeKinds[] = {ChangeKind::kClosed,   ChangeKind::kReopened, ChangeKind::kEscalated,
                                                ChangeKind::kSeverity, ChangeKind::kCategory, ChangeKind::kNature,
                                                ChangeKind::kContact};
inline constexpr DisclosureLevel kGrantableLevels[] = {DisclosureLevel::kExistenceAndContact,
                                                DisclosureLevel::kCategory, DisclosureLevel::kDetails};


// The value whose Name() is `text`, if any.
template <typename E, size_t N>
bool FromName(absl::string_view text, const E (&values)[N], E* out) {
  for (E value : values) {
    if (text == Name(value)) {
      *out = value;
      return true;
    }
  }
  return false;
}

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_MODEL_H_
