#ifndef SAMENLOOP_POLICY_DIAGNOSTIC_H_
#define SAMENLOOP_POLICY_DIAGNOSTIC_H_

// A finding about a policy file, located at file:line:col (1-based) so a
// privacy officer's editor can jump to it. Errors make a policy unusable;
// warnings (e.g. a rule that can never match) do not.

#include <string>
#include <vector>

namespace samenloop::policy {

struct SourceLocation {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  SourceLocation at;
  std::string message;  // one sentence for a privacy officer

  // "policy.yaml:12:5: error: ..."
  std::string ToString() const;
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_DIAGNOSTIC_H_
