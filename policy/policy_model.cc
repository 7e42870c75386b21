#include "policy/policy_model.h"

namespace samenloop::policy {

const char* Name(MatchKind kind) {
  switch (kind) {
    case MatchKind::kSubject: return "subject";
    case MatchKind::kHouseholdRelated: return "household_related";
    case MatchKind::kHouseholdSharedRelated: return "household_shared_related";
  }
  return "?";
}

const char* Name(Relation relation) {
  switch (relation) {
    case Relation::kNone: return "none";
    case Relation::kParent: return "parent";
    case Relation::kChild: return "child";
    case Relation::kSibling: return "sibling";
    case Relation::kPartner: return "partner";
    case Relation::kExPartner: return "ex_partner";
    case Relation::kHouseholdMember: return "household_member";
    case Relation::kGrandparent: return "grandparent";
    case Relation::kGrandchild: return "grandchild";
  }
  return "?";
}

const char* Name(AgeBand band) {
  switch (band) {
    case AgeBand::kUnspecified: return "unspecified";
    case AgeBand::k0To11: return "0-11";
    case AgeBand::k12To15: return "12-15";
    case AgeBand::k16To17: return "16-17";
    case AgeBand::k18To22: return "18-22";
    case AgeBand::k23Plus: return "23+";
  }
  return "?";
}

const char* Name(Nature nature) {
  switch (nature) {
    case Nature::kUnspecified: return "unspecified";
    case Nature::kFact: return "fact";
    case Nature::kSuspicion: return "suspicion";
    case Nature::kConcern: return "concern";
  }
  return "?";
}

const char* Name(Severity severity) {
  switch (severity) {
    case Severity::kUnspecified: return "unspecified";
    case Severity::kLow: return "low";
    case Severity::kElevated: return "elevated";
    case Severity::kHigh: return "high";
    case Severity::kAcute: return "acute";
  }
  return "?";
}

const char* Name(LegalFramework framework) {
  switch (framework) {
    case LegalFramework::kUnspecified: return "unspecified";
    case LegalFramework::kVoluntary: return "voluntary";
    case LegalFramework::kPreventive: return "preventive";
    case LegalFramework::kCourtMeasure: return "court_measure";
    case LegalFramework::kCriminal: return "criminal";
  }
  return "?";
}

const char* Name(PersonRole role) {
  switch (role) {
    case PersonRole::kUnspecified: return "unspecified";
    case PersonRole::kVictim: return "victim";
    case PersonRole::kAllegedPerpetrator: return "alleged_perpetrator";
    case PersonRole::kWitness: return "witness";
    case PersonRole::kInvolved: return "involved";
  }
  return "?";
}

const char* Name(ChangeKind change) {
  switch (change) {
    case ChangeKind::kClosed: return "closed";
    case ChangeKind::kReopened: return "reopened";
    case ChangeKind::kEscalated: return "escalated";
    case ChangeKind::kSeverity: return "severity";
    case ChangeKind::kCategory: return "category";
    case ChangeKind::kNature: return "nature";
    case ChangeKind::kContact: return "contact";
  }
  return "?";
}

const char* Name(DisclosureLevel level) {
  switch (level) {
    case DisclosureLevel::kNone: return "none";
    case DisclosureLevel::kExistenceAndContact: return "existence_and_contact";
    case DisclosureLevel::kCategory: return "category";
    case DisclosureLevel::kDetails: return "details";
  }
  return "?";
}

}  // namespace samenloop::policy
