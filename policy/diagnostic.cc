#include "policy/diagnostic.h"

#include "absl/strings/str_cat.h"

namespace samenloop::policy {

std::string Diagnostic::ToString() const {
  return absl::StrCat(file, ":", at.line, ":", at.column, ": ",
                      severity == Severity::kError ? "error" : "warning", ": ", message);
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

}  // namespace samenloop::policy
