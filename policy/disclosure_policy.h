#ifndef SAMENLOOP_POLICY_DISCLOSURE_POLICY_H_
#define SAMENLOOP_POLICY_DISCLOSURE_POLICY_H_

// DisclosurePolicy decides, for one candidate pair of signals and one
// direction, whether the recipient may learn of the other signal and how
// much. It is plain C++ (no gRPC, no storage) so the broker and the CLI's
// policy tools run the very same decision code.
//
// Default deny: a policy returns a Decision with allow == false unless a rule
// permits the disclosure, and every Decision names the rules that decided it.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace samenloop::policy {

struct LeadRules;  // policy/lead_rules.h

enum class MatchKind {
  kSubject,                // both signals are about the same person
  kHouseholdRelated,       // one subject is a related person of the other signal
  kHouseholdSharedRelated  // both signals name the same related person
};

// Ordered: each level includes everything of the levels below it.
enum class DisclosureLevel {
  kNone = 0,
  kExistenceAndContact = 1,
  kCategory = 2,
  kDetails = 3,
};

// Relation of a related person to a signal's subject (mirrors the API's
// Relation; kNone for subject matches and shared-related matches).
enum class Relation {
  kNone,
  kParent,
  kChild,
  kSibling,
  kPartner,
  kExPartner,
  kHouseholdMember,
  kGrandparent,
  kGrandchild,
};

enum class AgeBand { kUnspecified, k0To11, k12To15, k16To17, k18To22, k23Plus };
enum class Nature { kUnspecified, kFact, kSuspicion, kConcern };
enum class Severity { kUnspecified, kLow, kElevated, kHigh, kAcute };
// The framework the signal's organisation works under, and the role of the
// signal's subject in what the signal is about (common.proto's LegalFramework
// and PersonRole, same numbering). kUnspecified: the signal does not say.
enum class LegalFramework { kUnspecified, kVoluntary, kPreventive, kCourtMeasure, kCriminal };
enum class PersonRole { kUnspecified, kVictim, kAllegedPerpetrator, kWitness, kInvolved };

// Changes to a signal a recipient was told of, of which a rule may tell it
// (the API's SignalChange, same numbering). A set of them is a bit mask:
// bit (1 << value).
enum class ChangeKind { kClosed = 1, kReopened, kEscalated, kSeverity, kCategory, kNature, kContact };
using ChangeMask = uint32_t;
constexpr ChangeMask Bit(ChangeKind kind) { return ChangeMask{1} << static_cast<int>(kind); }
// What a rule notifies when it does not say (docs/policy-guide.md):
// closing, reopening, escalation and a new contact.
inline constexpr ChangeMask kDefaultNotifiedChanges =
    Bit(ChangeKind::kClosed) | Bit(ChangeKind::kReopened) | Bit(ChangeKind::kEscalated) | Bit(ChangeKind::kContact);
inline constexpr ChangeMask kAllChanges = (Bit(ChangeKind::kContact) << 1) - Bit(ChangeKind::kClosed);
// The changes a recipient at `level` can see at all: a change is shown only
// with fields the level discloses (status and contact at every level:
// whether the organisation is still involved and whom to call).
ChangeMask ChangesVisibleAt(DisclosureLevel level);

// The facts about one signal that rules may look at. Never a pseudonym,
// never contact details: the policy does not need them.
struct SignalFacts {
  std::string organisation_id;
  std::string organisation_kind;
  std::string category;
  AgeBand age_band = AgeBand::kUnspecified;  // of the signal's subject
  Nature nature = Nature::kUnspecified;
  Severity severity = Severity::kUnspecified;
  LegalFramework legal_framework = LegalFramework::kUnspecified;
  PersonRole subject_role = PersonRole::kUnspecified;
  bool closed = false;
  bool is_protected = false;
};

// One consent or objection record on the subject of the signal that would be
// disclosed (ARCHITECTURE.md §5). The broker passes every record registered
// on that subject that is not withdrawn; the policy decides which apply.
enum class ConsentKind { kConsent, kObjection };
enum class ConsentGiver { kSubject, kParentWithAuthority, kGuardian };

struct ConsentFacts {
  std::string consent_id;
  ConsentKind kind = ConsentKind::kConsent;
  ConsentGiver given_by = ConsentGiver::kSubject;
  // Stable opaque id of the parent or guardian (the broker's keyed index of
  // their pseudonym), so the two parents count separately. Empty for the
  // subject.
  std::string giver_key;
  // Scope; empty means any.
  std::string recipient_organisation;
  std::string recipient_kind;
  std::vector<std::string> categories;
  absl::Time valid_from = absl::InfinitePast();
  absl::Time valid_until = absl::InfiniteFuture();
};

// One direction of a candidate pair: may `recipient` learn of `other`?
struct MatchCandidate {
  SignalFacts recipient;
  SignalFacts other;
  MatchKind kind = MatchKind::kSubject;
  // For kHouseholdRelated: "the subject of `other` is <relation> of the
  // subject of `recipient`" (a school's pupil signal and a police signal on
  // the pupil's father: kParent). kNone for the other match kinds.
  Relation relation = Relation::kNone;
  // Consent and objection records on the subject of `other`.
  std::vector<ConsentFacts> consents;
  // True when `other` is protected against the recipient signal's subject
  // (e.g. a shelter signal and a signal about the person it hides from).
  bool other_protects_against_recipient_subject = false;
  absl::Time decision_time;
};

struct Decision {
  bool allow = false;
  DisclosureLevel level = DisclosureLevel::kNone;
  std::vector<std::string> rule_ids;     // rules that decided the outcome
  std::vector<std::string> legal_bases;  // their legal bases, with citations
  std::vector<std::string> consent_ids;  // consent records relied on (or the objections that stood)
  std::string policy_version;            // hash of the deciding policy
  std::string reason;                    // one sentence: why, for the audit log and explain
  // Allowed decisions: the changes of the disclosed signal the recipient is
  // told of later, the union over the rules cited (before the level's limit).
  ChangeMask notify_changes = 0;
};

// The changes a recipient is told of under `decision` when `happened`
// happened to the disclosed signal: what happened, what the deciding rules
// notify, and what the decided level shows; none when denied. The broker's
// change notices and `policy test` both decide with it.
ChangeMask ChangesToTell(ChangeMask happened, const Decision& decision);

// A coordination (pattern) rule (ARCHITECTURE.md §4): acting on patterns,
// not incidents. When it fires for a person, the coordinating organisation
// is told (existence and contact) of each live signal on that person, once
// per signal. Protected signals are never included.
struct CoordinationRule {
  // What a rule counts over (docs/policy-guide.md "Coordination"): the
  // person's signals, or the household's: the person, the persons its
  // signals name as related, and the persons whose signals name it.
  enum class Scope { kPerson, kHousehold };

  std::string id;
  std::string coordinator;  // organisation id of the coordinating organisation
  std::string legal_basis;
  Scope scope = Scope::kPerson;
  // Rules written with `coordinators:` (one coordinator per region) become
  // one rule per region: `coordinator` is that region's, and a pattern is
  // told to it only when one of its signals comes from an organisation of
  // the region. Empty: one coordinator for every region.
  std::string region;
  // A move rule: fires when a signal arrives from an organisation of one
  // region on a person (or household) with live signals from another; the
  // coordinators of both regions are told (the Verwijsindex "move" notice).
  bool move = false;
  // What the coordinator is shown of each member of a pattern: existence
  // and contact, or the category too.
  DisclosureLevel level = DisclosureLevel::kExistenceAndContact;
  // Fires when at least this many distinct organisations have a live signal
  // on the person opened within `window` (0: this condition is off)...
  int min_organisations = 0;
  absl::Duration window = absl::InfiniteDuration();
  // ...or, when set, when a new signal arrives while a closed signal of this
  // category exists (e.g. earlier domestic violence).
  std::string closed_category;
  // "Out of view": fires instead when a signal closes and no open signal is
  // left on the person (nobody is involved any more); with
  // `history_category`, only when the person has a signal of that category
  // (the Mr M. moment: domestic violence, and then nobody). Such a rule
  // never fires on an arrival.
  bool out_of_view = false;
  std::string history_category;
  // ...or, when longer than zero, when a new signal arrives on a person one
  // of whose organisations has been waiting longer than this for a
  // professional (Signal.waiting_since).
  absl::Duration waiting_longer_than = absl::ZeroDuration();
};

// How long a category's signals live (ARCHITECTURE.md §8). A signal is
// active (matched and notified) while open and confirmed within `active`;
// after it is closed or its active period ends, it stays visible as history
// for `visible`, and is then expired: removed from matching and deleted.
struct Retention {
  absl::Duration active = absl::Hours(24 * 365);
  absl::Duration visible = absl::Hours(24 * 365 * 5);
};

class DisclosurePolicy {
 public:
  virtual ~DisclosurePolicy() = default;
  // Pure: the same candidate always gets the same decision.
  virtual Decision Decide(const MatchCandidate& candidate) const = 0;
  // Hex identifier of this policy version, recorded with every decision.
  virtual std::string Version() const = 0;
  // The coordination rules in force.
  virtual const std::vector<CoordinationRule>& CoordinationRules() const = 0;
  // Retention of a category's signals.
  virtual Retention RetentionFor(const std::string& category) const = 0;
  // Whether the category is in the policy's taxonomy (signals must use one).
  virtual bool KnowsCategory(const std::string& category) const = 0;
  // Whether the policy declares the organisation, and the organisation kind
  // (a consent's scope may only name those).
  virtual bool KnowsOrganisation(const std::string& organisation) const = 0;
  virtual bool KnowsOrganisationKind(const std::string& kind) const = 0;
  // The name the policy gives an organisation, shown to recipients; empty
  // when the policy does not name it.
  virtual std::string OrganisationName(const std::string& /*organisation_id*/) const { return ""; }
  // The region (municipality or safety region) an organisation belongs to:
  // its own `region:` in the policy, else the policy's. Empty when unknown.
  virtual std::string RegionOf(const std::string& /*organisation_id*/) const { return ""; }
  // Who may lead and who is told of it (policy/lead_rules.h); null when
  // the policy has no `lead:` section, and then nobody may lead.
  virtual const LeadRules* Lead() const { return nullptr; }
  // The kind rules see for an organisation: the one the policy declares it
  // with, else `certificate_kind`.
  virtual std::string EffectiveKind(const std::string& /*organisation_id*/, const std::string& certificate_kind) const {
    return certificate_kind;
  }
};

// The development default used until a policy file is applied: a subject or
// household match between two different organisations discloses existence
// and contact; anything protected, and everything else, is denied. With a
// coordinator, two coordination rules notify it: three or more
// organisations within a year, and any new signal on a person with a closed
// domestic-violence signal. Every organisation may take the lead. Every
// category: active one year, visible five.
std::unique_ptr<DisclosurePolicy> MakeBuiltinDefaultPolicy(const std::string& coordinator = "");

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_DISCLOSURE_POLICY_H_
