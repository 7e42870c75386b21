#include "policy/disclosure_policy.h"
#include "policy/lead_rules.h"

namespace samenloop::policy {
namespace {

constexpr char kVersion[] = "builtin-default-v1";
constexpr char kSubjectRule[] = "builtin.subject-match";
constexpr char kHouseholdRule[] = "builtin.household-match";
constexpr char kProtectedRule[] = "builtin.forbid-protected";
constexpr char kDefaultDeny[] = "builtin.default-deny";
constexpr char kDevelopmentBasis[] =
    "built-in development default; replace with an applied policy before production use";

class BuiltinDefaultPolicy final : public DisclosurePolicy {
 public:
  explicit BuiltinDefaultPolicy(const std::string& coordinator) {
    // Development: anyone may lead, as anyone learns of anyone here.
    lead_.anyone_may_lead = true;
    lead_.legal_basis = kDevelopmentBasis;
    if (coordinator.empty()) return;
    CoordinationRule accumulation;
    accumulation.id = "builtin.coordination.three-organisations-in-a-year";
    accumulation.coordinator = coordinator;
    accumulation.legal_basis = kDevelopmentBasis;
    accumulation.min_organisations = 3;
    accumulation.window = absl::Hours(24 * 365);
    coordination_.push_back(accumulation);
    CoordinationRule household;
    household.id = "builtin.coordination.four-organisations-in-a-household-in-a-year";
    household.coordinator = coordinator;
    household.legal_basis = kDevelopmentBasis;
    household.scope = CoordinationRule::Scope::kHousehold;
    household.min_organisations = 4;
    household.window = absl::Hours(24 * 365);
    coordination_.push_back(household);
    CoordinationRule history;
    history.id = "builtin.coordination.closed-domestic-violence";
    history.coordinator = coordinator;
    history.legal_basis = kDevelopmentBasis;
    history.closed_category = "domestic_violence";
    coordination_.push_back(history);
    CoordinationRule out_of_view;
    out_of_view.id = "builtin.coordination.out-of-view-after-domestic-violence";
    out_of_view.coordinator = coordinator;
    out_of_view.legal_basis = kDevelopmentBasis;
    out_of_view.out_of_view = true;
    out_of_view.history_category = "domestic_violence";
    coordination_.push_back(out_of_view);
  }

  Decision Decide(const MatchCandidate& candidate) const override {
    Decision decision;
    decision.policy_version = kVersion;
    // Forbid first: a protected signal is never disclosed by the default.
    if (candidate.other.is_protected || candidate.other_protects_against_recipient_subject) {
      decision.rule_ids.push_back(kProtectedRule);
      return decision;
    }
    if (candidate.recipient.organisation_id != candidate.other.organisation_id) {
      decision.allow = true;
      decision.level = DisclosureLevel::kExistenceAndContact;
      decision.rule_ids.push_back(candidate.kind == MatchKind::kSubject ? kSubjectRule : kHouseholdRule);
      decision.legal_bases.push_back(kDevelopmentBasis);
      decision.notify_changes = kDefaultNotifiedChanges;
      return decision;
    }
    decision.rule_ids.push_back(kDefaultDeny);
    return decision;
  }

  std::string Version() const override { return kVersion; }
  const std::vector<CoordinationRule>& CoordinationRules() const override { return coordination_; }
  // One year active, five years visible as history, for every category.
  Retention RetentionFor(const std::string&) const override { return Retention{}; }
  // The development default has no taxonomy: any well-formed category.
  bool KnowsCategory(const std::string&) const override { return true; }
  // The development default declares no organisations: any is known.
  bool KnowsOrganisation(const std::string&) const override { return true; }
  bool KnowsOrganisationKind(const std::string&) const override { return true; }
  const LeadRules* Lead() const override { return &lead_; }

 private:
  std::vector<CoordinationRule> coordination_;
  LeadRules lead_;
};

}  // namespace

std::unique_ptr<DisclosurePolicy> MakeBuiltinDefaultPolicy(const std::string& coordinator) {
  return std::make_unique<BuiltinDefaultPolicy>(coordinator);
}

}  // namespace samenloop::policy
