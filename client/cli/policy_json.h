#ifndef SAMENLOOP_CLIENT_CLI_POLICY_JSON_H_
#define SAMENLOOP_CLIENT_CLI_POLICY_JSON_H_

// Machine-readable (--json) output of the policy tools, built as
// google.protobuf.Struct values so escaping is the protobuf library's job.
// Formats: docs/policy-guide.md "Tools".

#include <string>
#include <vector>

#include "policy/behaviour_diff.h"
#include "policy/policy_diff.h"
#include "policy/rule_policy.h"

namespace samenloop::cli {

// {"file","valid","version_hash","diagnostics":[{"severity","line","column","message"}]}
std::string CheckResultJson(const std::string& file, const policy::LoadedPolicy& loaded);

// {"allow","level","rule_ids","legal_bases","consent_ids","reason","policy_version",
//  "notify_changes":[...],  (what the recipient hears of later: the rules' list as far as the level shows it)
//  "rules":[{"rule_id","effect","line","matched","applied","note","notify_changes":[...]}]}
std::string ExplanationJson(const policy::Explanation& explanation);

// [{"change":"added"|"removed","recipient","source","category","match","when":[],"before","after",
//   "rules_before":[],"rules_after":[]}, ...,
//  {"change":"widened"|"narrowed"|"changed","about":"notify_changes"|"coordination"|"lead","id","text"}]
std::string DiffJson(const std::vector<policy::AccessChange>& changes,
                     const std::vector<policy::BehaviourChange>& behaviour);

}  // namespace samenloop::cli

#endif  // SAMENLOOP_CLIENT_CLI_POLICY_JSON_H_
