#ifndef SAMENLOOP_POLICY_POLICY_PARSER_H_
#define SAMENLOOP_POLICY_POLICY_PARSER_H_

// Reads a YAML policy file (docs/policy-guide.md) into a PolicyDocument.
// Structural problems (YAML syntax, unknown keys, wrong types, unknown
// values, bad durations and dates, missing required keys) become
// diagnostics at file:line:col; cross-references are the validator's job.

#include <vector>

#include "absl/strings/string_view.h"
#include "policy/diagnostic.h"
#include "policy/policy_model.h"

namespace samenloop::policy {

// Appends to `diagnostics`; the document is complete only without errors.
PolicyDocument ParsePolicyYaml(absl::string_view yaml_text, absl::string_view file_name,
                               std::vector<Diagnostic>& diagnostics);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_PARSER_H_
