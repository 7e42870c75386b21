#ifndef SAMENLOOP_POLICY_RULE_POLICY_H_
#define SAMENLOOP_POLICY_RULE_POLICY_H_

// A policy file compiled for fast decisions (docs/policy-guide.md
// "Semantics"):
//   - a signal protected against the recipient's subject is never disclosed
//     (built in: rule "samenloop.protected-against", no file can lift it);
//   - only rules in effect at the decision time count;
//   - a matching forbid rule denies, whatever permits say;
//   - a matching permit applies unless it needs consent that is missing or
//     an objection stands that the rule lets stop it;
//   - the most permissive level among applicable permits is granted;
//   - nothing applies: deny (default deny).
// Names are resolved to small integers once at load; a decision is a scan of
// bit tests over the rules, a few microseconds for hundreds of rules.

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "policy/diagnostic.h"
#include "policy/disclosure_policy.h"
#include "policy/lead_rules.h"
#include "policy/policy_model.h"

namespace samenloop::policy {

inline constexpr char kProtectedAgainstRule[] = "samenloop.protected-against";
inline constexpr char kDefaultDenyRule[] = "samenloop.default-deny";

// Why one rule did or did not take part in a decision.
struct RuleTrace {
  std::string rule_id;
  RuleEffect effect = RuleEffect::kPermit;
  int line = 0;
  bool matched = false;
  bool applied = false;  // a permit that counted, or a forbid that matched
  std::string note;      // the first condition that failed, or the consent state
  // Permits: the changes the rule tells its recipients of later.
  ChangeMask notify_changes = 0;
};

struct Explanation {
  Decision decision;
  std::vector<RuleTrace> rules;  // every rule of the file, in file order
};

class RulePolicy final : public DisclosurePolicy {
 public:
  // `doc` must have passed ParsePolicyYaml and ValidatePolicy without errors.
  RulePolicy(PolicyDocument doc, std::string version_hash);
  ~RulePolicy() override;

  Decision Decide(const MatchCandidate& candidate) const override;
  Explanation Explain(const MatchCandidate& candidate) const;
  std::string Version() const override { return version_hash_; }
  const std::vector<CoordinationRule>& CoordinationRules() const override { return coordination_; }
  Retention RetentionFor(const std::string& category) const override;
  bool KnowsCategory(const std::string& category) const override;
  bool KnowsOrganisation(const std::string& organisation) const override;
  bool KnowsOrganisationKind(const std::string& kind) const override;
  std::string OrganisationName(const std::string& organisation_id) const override;
  std::string RegionOf(const std::string& organisation_id) const override;
  const LeadRules* Lead() const override { return doc_.lead.present ? &lead_ : nullptr; }
  std::string EffectiveKind(const std::string& organisation_id, const std::string& certificate_kind) const override;

  const PolicyDocument& document() const { return doc_; }
  // The kind an organisation is declared with, or "" when undeclared.
  std::string KindOf(const std::string& organisation) const;

 private:
  struct CompiledRule;
  struct Indexed;
  Indexed Index(const MatchCandidate& candidate) const;
  Decision Evaluate(const MatchCandidate& candidate, std::vector<RuleTrace>* trace) const;

  PolicyDocument doc_;
  std::string version_hash_;
  std::vector<CoordinationRule> coordination_;
  LeadRules lead_;
  absl::flat_hash_map<std::string, int> organisation_index_, kind_index_, category_index_;
  absl::flat_hash_map<std::string, std::string> citation_;  // legal basis id -> citation
  std::vector<CompiledRule> rules_;
};

struct LoadedPolicy {
  std::shared_ptr<const RulePolicy> policy;  // null when there are errors
  std::vector<Diagnostic> diagnostics;       // errors and warnings, in file order
};

// Parses, validates and compiles a policy file. The version hash is the hex
// SHA-256 of the exact bytes, so the same file always has the same version.
LoadedPolicy LoadPolicy(absl::string_view yaml_text, absl::string_view file_name);

// Hex SHA-256 of a policy file's bytes.
std::string PolicyVersionHash(absl::string_view yaml_text);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_RULE_POLICY_H_
