#include "policy/rule_policy.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/consent_resolution.h"
#include "policy/policy_parser.h"
#include "policy/policy_validator.h"

namespace samenloop::policy {
namespace {

// A set of small integers (organisation, kind or category indexes); empty
// means "any". Index -1 stands for a name the policy does not declare: it is
// in no set, so only "any" matches it.
class IdSet {
 public:
  IdSet() = default;
  IdSet(const std::set<std::string>& names, const absl::flat_hash_map<std::string, int>& index) {
    for (const std::string& name : names) {
      auto it = index.find(name);
      if (it == index.end()) continue;  // the validator refused undeclared names
      const size_t word = static_cast<size_t>(it->second) / 64;
      if (bits_.size() <= word) bits_.resize(word + 1, 0);
      bits_[word] |= uint64_t{1} << (it->second % 64);
    }
    any_ = names.empty();
  }
  bool any() const { return any_; }
  bool Contains(int id) const {
    if (id < 0) return false;
    const size_t word = static_cast<size_t>(id) / 64;
    return word < bits_.size() && (bits_[word] >> (id % 64) & 1) != 0;
  }
  bool Matches(int id) const { return any_ || Contains(id); }

 private:
  std::vector<uint64_t> bits_;
  bool any_ = true;
};

// A set over an enum's values as a bit mask; 0 means "any".
template <typename E>
uint32_t Mask(const std::set<E>& values) {
  uint32_t mask = 0;
  for (E value : values) mask |= uint32_t{1} << static_cast<int>(value);
  return mask;
}
template <typename E>
bool InMask(uint32_t mask, E value) {
  return mask == 0 || (mask >> static_cast<int>(value) & 1) != 0;
}

int Lookup(const absl::flat_hash_map<std::string, int>& index, const std::string& name) {
  auto it = index.find(name);
  return it == index.end() ? -1 : it->second;
}

std::string DateText(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

}  // namespace

struct RulePolicy::CompiledRule {
  const RuleDecl* decl = nullptr;
  IdSet recipient_orgs, recipient_kinds, source_orgs, source_kinds;
  IdSet categories, recipient_categories;
  uint32_t match_kinds = 0, relations = 0, age_bands = 0, recipient_age_bands = 0, natures = 0, severities = 0;
  uint32_t legal_frameworks = 0, recipient_legal_frameworks = 0, subject_roles = 0;
  std::string citation;
};

// The candidate's names resolved to indexes once per decision.
struct RulePolicy::Indexed {
  int recipient_org = -1, recipient_kind = -1, source_org = -1, source_kind = -1;
  int category = -1, recipient_category = -1;
  std::string recipient_kind_name;
};

namespace {

bool PartyMatches(const IdSet& orgs, const IdSet& kinds, int org, int kind) {
  if (orgs.any() && kinds.any()) return true;
  return orgs.Contains(org) || kinds.Contains(kind);
}

}  // namespace

RulePolicy::RulePolicy(PolicyDocument doc, std::string version_hash)
    : doc_(std::move(doc)), version_hash_(std::move(version_hash)) {
  for (const OrganisationDecl& org : doc_.organisations) {
    organisation_index_.emplace(org.id, static_cast<int>(organisation_index_.size()));
  }
  for (const std::string& kind : doc_.organisation_kinds) kind_index_.emplace(kind, static_cast<int>(kind_index_.size()));
  for (const CategoryDecl& category : doc_.categories) {
    category_index_.emplace(category.id, static_cast<int>(category_index_.size()));
  }
  for (const LegalBasisDecl& basis : doc_.legal_bases) citation_.emplace(basis.id, basis.citation);

  rules_.reserve(doc_.rules.size());
  for (const RuleDecl& decl : doc_.rules) {
    CompiledRule rule;
    rule.decl = &decl;
    rule.recipient_orgs = IdSet(decl.recipient.organisations, organisation_index_);
    rule.recipient_kinds = IdSet(decl.recipient.kinds, kind_index_);
    rule.source_orgs = IdSet(decl.source.organisations, organisation_index_);
    rule.source_kinds = IdSet(decl.source.kinds, kind_index_);
    rule.categories = IdSet(decl.categories, category_index_);
    rule.recipient_categories = IdSet(decl.recipient_categories, category_index_);
    rule.match_kinds = Mask(decl.match_kinds);
    rule.relations = Mask(decl.relations);
    rule.age_bands = Mask(decl.age_bands);
    rule.recipient_age_bands = Mask(decl.recipient_age_bands);
    rule.natures = Mask(decl.natures);
    rule.severities = Mask(decl.severities);
    rule.legal_frameworks = Mask(decl.legal_frameworks);
    rule.recipient_legal_frameworks = Mask(decl.recipient_legal_frameworks);
    rule.subject_roles = Mask(decl.subject_roles);
    if (auto it = citation_.find(decl.legal_basis); it != citation_.end()) {
      rule.citation = absl::StrCat(decl.legal_basis, ": ", it->second);
    }
    rules_.push_back(std::move(rule));
  }
  for (const CoordinationDecl& decl : doc_.coordination) {
    CoordinationRule rule = decl.rule;
    if (auto it = citation_.find(decl.legal_basis_id); it != citation_.end()) {
      rule.legal_basis = absl::StrCat(decl.legal_basis_id, ": ", it->second);
    } else {
      rule.legal_basis = decl.legal_basis_id;
    }
    if (decl.coordinators.empty()) {
      coordination_.push_back(std::move(rule));
      continue;
    }
    // One rule per region, each with that region's coordinator.
    for (const auto& [region, coordinator] : decl.coordinators) {
      CoordinationRule per_region = rule;
      per_region.region = region;
      per_region.coordinator = coordinator;
      coordination_.push_back(std::move(per_region));
    }
  }
  lead_.may_lead_organisations = doc_.lead.may_lead.organisations;
  lead_.may_lead_kinds = doc_.lead.may_lead.kinds;
  lead_.informs_organisations = doc_.lead.informs.organisations;
  lead_.informs_kinds = doc_.lead.informs.kinds;
  lead_.tell_coordinators = doc_.lead.tell_coordinators;
  if (auto it = citation_.find(doc_.lead.legal_basis_id); it != citation_.end()) {
    lead_.legal_basis = absl::StrCat(doc_.lead.legal_basis_id, ": ", it->second);
  } else {
    lead_.legal_basis = doc_.lead.legal_basis_id;
  }
}

std::string RulePolicy::EffectiveKind(const std::string& organisation_id, const std::string& certificate_kind) const {
  // As Decide does: a declared organisation's kind is the policy's.
  std::string declared = KindOf(organisation_id);
  return declared.empty() ? certificate_kind : declared;
}

RulePolicy::~RulePolicy() = default;

std::string RulePolicy::KindOf(const std::string& organisation) const {
  for (const OrganisationDecl& org : doc_.organisations) {
    if (org.id == organisation) return org.kind;
  }
  return "";
}

std::string RulePolicy::RegionOf(const std::string& organisation_id) const {
  auto it = organisation_index_.find(organisation_id);
  if (it == organisation_index_.end()) return doc_.region;
  const std::string& own = doc_.organisations[static_cast<size_t>(it->second)].region;
  return own.empty() ? doc_.region : own;
}

std::string RulePolicy::OrganisationName(const std::string& organisation_id) const {
  auto it = organisation_index_.find(organisation_id);
  if (it == organisation_index_.end()) return "";
  return doc_.organisations[static_cast<size_t>(it->second)].name;
}

Retention RulePolicy::RetentionFor(const std::string& category) const {
  auto it = category_index_.find(category);
  if (it == category_index_.end()) return Retention{};
  return doc_.categories[static_cast<size_t>(it->second)].retention;
}

bool RulePolicy::KnowsCategory(const std::string& category) const { return category_index_.contains(category); }

bool RulePolicy::KnowsOrganisation(const std::string& organisation) const {
  return organisation_index_.contains(organisation);
}

bool RulePolicy::KnowsOrganisationKind(const std::string& kind) const {
  return kind_index_.contains(kind);
}

RulePolicy::Indexed RulePolicy::Index(const MatchCandidate& candidate) const {
  Indexed ix;
  ix.recipient_org = Lookup(organisation_index_, candidate.recipient.organisation_id);
  ix.source_org = Lookup(organisation_index_, candidate.other.organisation_id);
  // A declared organisation's kind is the one in the policy; an undeclared
  // one is known only by the kind in its certificate.
  auto kind_of = [&](int org, const SignalFacts& facts) {
    return org >= 0 ? doc_.organisations[static_cast<size_t>(org)].kind : facts.organisation_kind;
  };
  ix.recipient_kind_name = kind_of(ix.recipient_org, candidate.recipient);
  ix.recipient_kind = Lookup(kind_index_, ix.recipient_kind_name);
  ix.source_kind = Lookup(kind_index_, kind_of(ix.source_org, candidate.other));
  ix.category = Lookup(category_index_, candidate.other.category);
  ix.recipient_category = Lookup(category_index_, candidate.recipient.category);
  return ix;
}

namespace {

// The first of a rule's conditions the candidate fails, in the order a
// privacy officer reads a rule; nullptr when every condition holds. Decide
// and Explain share this, so an explanation is the decision's own reasoning.
template <typename Rule, typename Ix>
const char* FirstFailedCondition(const Rule& rule, const Ix& ix, const MatchCandidate& c) {
  const RuleDecl& d = *rule.decl;
  if (!PartyMatches(rule.recipient_orgs, rule.recipient_kinds, ix.recipient_org, ix.recipient_kind)) {
    return "the recipient is not one this rule names";
  }
  if (!PartyMatches(rule.source_orgs, rule.source_kinds, ix.source_org, ix.source_kind)) {
    return "the source is not one this rule names";
  }
  if (!rule.categories.Matches(ix.category)) return "the category is not one this rule names";
  if (!rule.recipient_categories.Matches(ix.recipient_category)) {
    return "the recipient's own category is not one this rule names";
  }
  if (!InMask(rule.match_kinds, c.kind)) return "the match kind is not one this rule names";
  // "relations" narrows household_related matches only; subject and
  // shared-related matches have no relation and pass this condition.
  if (c.kind == MatchKind::kHouseholdRelated && !InMask(rule.relations, c.relation)) {
    return "the relation is not one this rule names";
  }
  if (!InMask(rule.age_bands, c.other.age_band)) return "the subject's age band is not one this rule names";
  if (!InMask(rule.recipient_age_bands, c.recipient.age_band)) {
    return "the recipient's subject's age band is not one this rule names";
  }
  if (!InMask(rule.natures, c.other.nature)) return "the nature is not one this rule names";
  if (!InMask(rule.severities, c.other.severity)) return "the severity is not one this rule names";
  if (!InMask(rule.legal_frameworks, c.other.legal_framework)) {
    return "the legal framework is not one this rule names";
  }
  if (!InMask(rule.recipient_legal_frameworks, c.recipient.legal_framework)) {
    return "the recipient's own legal framework is not one this rule names";
  }
  if (!InMask(rule.subject_roles, c.other.subject_role)) return "the subject's role is not one this rule names";
  if (d.open_only && c.other.closed) return "the signal is closed and this rule is for open signals";
  if (d.closed_only && !c.other.closed) return "the signal is open and this rule is for closed signals";
  if (d.protected_filter == ProtectedFilter::kUnprotectedOnly && c.other.is_protected) {
    return "the signal is protected and this rule excludes protected signals";
  }
  if (d.protected_filter == ProtectedFilter::kProtectedOnly && !c.other.is_protected) {
    return "the signal is not protected and this rule is for protected signals";
  }
  return nullptr;
}

void AddUnique(std::vector<std::string>& to, const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
  }
}

}  // namespace

Decision RulePolicy::Evaluate(const MatchCandidate& candidate, std::vector<RuleTrace>* trace) const {
  Decision decision;
  decision.policy_version = version_hash_;
  if (candidate.other_protects_against_recipient_subject) {
    decision.rule_ids.push_back(kProtectedAgainstRule);
    decision.reason = "the signal is protected against the recipient's subject; no policy can disclose it";
    // Explain still lists the file's rules, none of them considered.
    if (trace != nullptr) {
      for (const CompiledRule& rule : rules_) {
        trace->push_back({rule.decl->id, rule.decl->effect, rule.decl->at.line, false, false,
                          "not considered: the signal is protected against the recipient's subject",
                          rule.decl->notify_changes});
      }
    }
    return decision;
  }

  const Indexed ix = Index(candidate);
  // Consent is a property of the disclosure, not of a rule: resolved at most
  // once per decision, and only when a matching rule asks.
  std::optional<ConsentOutcome> consent;
  auto resolve_consent = [&]() -> const ConsentOutcome& {
    if (!consent) {
      consent = ResolveConsent(candidate.consents,
                               {candidate.recipient.organisation_id, ix.recipient_kind_name, candidate.other.category,
                                candidate.other.age_band, candidate.decision_time},
                               doc_.parental_consent);
    }
    return *consent;
  };

  std::vector<const CompiledRule*> forbids, permits;
  std::vector<std::string> blocked;  // permits that matched but lacked consent or met an objection
  std::vector<std::string> objections_that_stood;
  for (const CompiledRule& rule : rules_) {
    const RuleDecl& d = *rule.decl;
    RuleTrace* t = nullptr;
    if (trace != nullptr) {
      trace->push_back({d.id, d.effect, d.at.line, false, false, "", d.notify_changes});
      t = &trace->back();
    }
    if (candidate.decision_time < d.effective_from || candidate.decision_time >= d.effective_until) {
      if (t) t->note = absl::StrCat("not in effect on ", DateText(candidate.decision_time));
      continue;
    }
    if (const char* failed = FirstFailedCondition(rule, ix, candidate); failed != nullptr) {
      if (t) t->note = failed;
      continue;
    }
    if (t) t->matched = true;
    if (d.effect == RuleEffect::kForbid) {
      forbids.push_back(&rule);
      if (t) {
        t->applied = true;
        t->note = "matches: forbids the disclosure";
      }
      continue;
    }
    if (d.needs_consent || d.objection_stops) {
      const ConsentOutcome& outcome = resolve_consent();
      if (d.objection_stops && outcome.objected) {
        blocked.push_back(d.id);
        AddUnique(objections_that_stood, outcome.objection_ids);
        if (t) t->note = absl::StrCat("matches, but stopped: ", outcome.explanation);
        continue;
      }
      if (d.needs_consent && !outcome.consented) {
        blocked.push_back(d.id);
        if (t) t->note = absl::StrCat("matches, but needs consent: ", outcome.explanation);
        continue;
      }
    }
    permits.push_back(&rule);
    if (t) {
      t->applied = true;
      t->note = absl::StrCat("matches: permits ", Name(d.level));
      if (d.needs_consent) absl::StrAppend(&t->note, " (", resolve_consent().explanation, ")");
    }
  }

  if (!forbids.empty()) {
    for (const CompiledRule* rule : forbids) {
      decision.rule_ids.push_back(rule->decl->id);
      if (!rule->citation.empty()) AddUnique(decision.legal_bases, {rule->citation});
    }
    decision.reason = absl::StrCat("forbidden by ", absl::StrJoin(decision.rule_ids, ", "),
                                   "; a forbid rule overrides every permit");
    return decision;
  }
  if (permits.empty()) {
    decision.rule_ids.push_back(kDefaultDenyRule);
    decision.consent_ids = objections_that_stood;
    decision.reason = blocked.empty()
                          ? "no permit rule matches (default deny)"
                          : absl::StrCat("no permit rule applies (default deny); matched but held back by consent "
                                         "or objection: ",
                                         absl::StrJoin(blocked, ", "));
    return decision;
  }
  DisclosureLevel level = DisclosureLevel::kNone;
  for (const CompiledRule* rule : permits) level = std::max(level, rule->decl->level);
  decision.allow = true;
  decision.level = level;
  for (const CompiledRule* rule : permits) {
    if (rule->decl->level != level) continue;
    decision.rule_ids.push_back(rule->decl->id);
    decision.notify_changes |= rule->decl->notify_changes;
    AddUnique(decision.legal_bases, {rule->citation});
    if (rule->decl->needs_consent) AddUnique(decision.consent_ids, resolve_consent().consent_ids);
  }
  decision.reason = absl::StrCat("permitted at level ", Name(level), " by ", absl::StrJoin(decision.rule_ids, ", "));
  return decision;
}

Decision RulePolicy::Decide(const MatchCandidate& candidate) const { return Evaluate(candidate, nullptr); }

Explanation RulePolicy::Explain(const MatchCandidate& candidate) const {
  Explanation explanation;
  explanation.rules.reserve(rules_.size());
  explanation.decision = Evaluate(candidate, &explanation.rules);
  return explanation;
}

std::string PolicyVersionHash(absl::string_view yaml_text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(yaml_text.data()), yaml_text.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 2 * crypto_hash_sha256_BYTES);
}

LoadedPolicy LoadPolicy(absl::string_view yaml_text, absl::string_view file_name) {
  LoadedPolicy loaded;
  PolicyDocument doc = ParsePolicyYaml(yaml_text, file_name, loaded.diagnostics);
  if (!HasErrors(loaded.diagnostics)) ValidatePolicy(doc, loaded.diagnostics);
  std::stable_sort(loaded.diagnostics.begin(), loaded.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
  });
  if (HasErrors(loaded.diagnostics)) return loaded;
  loaded.policy = std::make_shared<const RulePolicy>(std::move(doc), PolicyVersionHash(yaml_text));
  return loaded;
}

}  // namespace samenloop::policy
