#ifndef SAMENLOOP_POLICY_POLICY_VALIDATOR_H_
#define SAMENLOOP_POLICY_POLICY_VALIDATOR_H_

// Checks a parsed policy as a whole (docs/policy-guide.md "Checks"):
// errors for duplicate or unknown references, overlapping effective windows
// of one rule id, and permits that a forbid always overrides (unreachable);
// warnings for rules whose own conditions can never match.

#include <vector>

#include "policy/diagnostic.h"
#include "policy/policy_model.h"

namespace samenloop::policy {

void ValidatePolicy(const PolicyDocument& doc, std::vector<Diagnostic>& diagnostics);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_POLICY_VALIDATOR_H_
