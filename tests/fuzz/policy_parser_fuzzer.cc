// Fuzz target: the policy file parser, validator and compiler, and one
// decision and explanation on whatever compiles. Any crash, hang, sanitizer
// report or a decision that explain disagrees with is a bug.
// Run: tests/fuzz/run.sh (libFuzzer, clang); replayed over the seed corpus
// in every test run (policy_parser_fuzz_corpus).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "policy/rule_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  samenloop::policy::LoadedPolicy loaded = samenloop::policy::LoadPolicy(text, "fuzz.yaml");
  for (const samenloop::policy::Diagnostic& d : loaded.diagnostics) {
    if (d.message.empty()) std::abort();  // every finding says something
  }
  if (loaded.policy == nullptr) return 0;
  samenloop::policy::MatchCandidate candidate;
  const auto& doc = loaded.policy->document();
  if (!doc.organisations.empty()) {
    candidate.recipient.organisation_id = doc.organisations.front().id;
    candidate.other.organisation_id = doc.organisations.back().id;
  }
  if (!doc.categories.empty()) candidate.other.category = doc.categories.front().id;
  candidate.kind = samenloop::policy::MatchKind::kHouseholdRelated;
  candidate.relation = samenloop::policy::Relation::kParent;
  candidate.decision_time = absl::FromUnixSeconds(1795000000);
  const samenloop::policy::Decision decision = loaded.policy->Decide(candidate);
  const samenloop::policy::Explanation explanation = loaded.policy->Explain(candidate);
  if (decision.allow != explanation.decision.allow || decision.level != explanation.decision.level ||
      decision.rule_ids != explanation.decision.rule_ids || decision.rule_ids.empty()) {
    std::abort();
  }
  return 0;
}
