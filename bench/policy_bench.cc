// Policy decision speed (issue 5): one decision on a 500-rule policy,
// against the same decision on an empty policy (default deny after no
// rules) measured in the same run. The policy is generated: 60
// organisations of 12 kinds, 30 categories, 500 permit and forbid rules
// over kinds, organisations, categories, match kinds, relations, natures,
// severities and consent; candidates vary over all of them.

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "policy/rule_policy.h"

namespace samenloop::policy {
namespace {

constexpr int kKinds = 12, kOrganisations = 60, kCategories = 30;

std::string Kind(int i) { return absl::StrCat("kind_", i); }
std::string Org(int i) { return absl::StrCat("org-", i); }
std::string Category(int i) { return absl::StrCat("category_", i); }

std::string Header() {
  std::string yaml = "version: bench\norganisation_kinds: [";
  for (int k = 0; k < kKinds; ++k) absl::StrAppend(&yaml, k ? ", " : "", Kind(k));
  absl::StrAppend(&yaml, "]\norganisations:\n");
  for (int o = 0; o < kOrganisations; ++o) absl::StrAppend(&yaml, "  - { id: ", Org(o), ", kind: ", Kind(o % kKinds), " }\n");
  absl::StrAppend(&yaml, "categories:\n");
  for (int c = 0; c < kCategories; ++c) absl::StrAppend(&yaml, "  - { id: ", Category(c), ", active: 1y, visible: 2y }\n");
  absl::StrAppend(&yaml, "legal_bases:\n  - { id: task, citation: \"AVG art. 6(1)(e)\" }\n");
  return yaml;
}

std::string PolicyWithRules(int rules) {
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::string yaml = Header();
  if (rules == 0) return yaml;
  absl::StrAppend(&yaml, "rules:\n");
  const char* relations[] = {"parent", "child", "sibling", "partner", "ex_partner"};
  const char* levels[] = {"existence_and_contact", "category", "details"};
  for (int r = 0; r < rules; ++r) {
    const bool forbid = r % 10 == 9;  // one in ten forbids, narrowed by severity so none hides a permit
    std::string rule = absl::StrCat("  - { id: rule-", r, ", effect: ", forbid ? "forbid" : "permit");
    if (pick(2) == 0) {
      absl::StrAppend(&rule, ", recipient: { kinds: [", Kind(pick(kKinds)), ", ", Kind(pick(kKinds)), "] }");
    } else {
      absl::StrAppend(&rule, ", recipient: { organisations: [", Org(pick(kOrganisations)), "] }");
    }
    absl::StrAppend(&rule, ", source: { kinds: [", Kind(pick(kKinds)), "] }");
    absl::StrAppend(&rule, ", categories: [", Category(pick(kCategories)), ", ", Category(pick(kCategories)), "]");
    if (pick(3) == 0) absl::StrAppend(&rule, ", match: household_related, relations: [", relations[pick(5)], "]");
    if (pick(4) == 0) absl::StrAppend(&rule, ", natures: [fact]");
    if (forbid) {
      absl::StrAppend(&rule, ", severities: [acute] }\n");
    } else {
      absl::StrAppend(&rule, ", severities: [low, elevated, high], level: ", levels[pick(3)], ", legal_basis: task");
      if (pick(5) == 0) absl::StrAppend(&rule, ", consent: required");
      absl::StrAppend(&rule, " }\n");
    }
    absl::StrAppend(&yaml, rule);
  }
  return yaml;
}

std::vector<MatchCandidate> Candidates() {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<MatchCandidate> out(1024);
  for (MatchCandidate& c : out) {
    const int recipient = pick(kOrganisations), source = pick(kOrganisations);
    c.recipient = SignalFacts{};
    c.recipient.organisation_id = Org(recipient);
    c.recipient.organisation_kind = Kind(recipient % kKinds);
    c.recipient.category = Category(pick(kCategories));
    c.recipient.age_band = AgeBand::k23Plus;
    c.recipient.nature = Nature::kFact;
    c.recipient.severity = Severity::kHigh;
    c.other = SignalFacts{};
    c.other.organisation_id = Org(source);
    c.other.organisation_kind = Kind(source % kKinds);
    c.other.category = Category(pick(kCategories));
    c.other.age_band = AgeBand::k23Plus;
    c.other.nature = static_cast<Nature>(1 + pick(3));
    c.other.severity = static_cast<Severity>(1 + pick(4));
    c.kind = static_cast<MatchKind>(pick(3));
    c.relation = c.kind == MatchKind::kHouseholdRelated ? static_cast<Relation>(1 + pick(5)) : Relation::kNone;
    c.decision_time = absl::FromUnixSeconds(1795000000);
    if (pick(3) == 0) {
      ConsentFacts consent;
      consent.consent_id = "con-1";
      c.consents.push_back(consent);
    }
  }
  return out;
}

void Decide(benchmark::State& state, int rules) {
  LoadedPolicy loaded = LoadPolicy(PolicyWithRules(rules), "bench.yaml");
  if (loaded.policy == nullptr) {
    state.SkipWithError(loaded.diagnostics.empty() ? "no policy" : loaded.diagnostics.front().ToString().c_str());
    return;
  }
  const std::vector<MatchCandidate> candidates = Candidates();
  size_t i = 0, allowed = 0;
  for (auto _ : state) {
    Decision d = loaded.policy->Decide(candidates[i++ & 1023]);
    allowed += d.allow ? 1 : 0;
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allowed_share"] = static_cast<double>(allowed) / static_cast<double>(state.iterations());
}

void BM_PolicyDecision500Rules(benchmark::State& state) { Decide(state, 500); }
void BM_PolicyDecisionEmptyPolicy(benchmark::State& state) { Decide(state, 0); }
BENCHMARK(BM_PolicyDecision500Rules);
BENCHMARK(BM_PolicyDecisionEmptyPolicy);

}  // namespace
}  // namespace samenloop::policy

BENCHMARK_MAIN();
