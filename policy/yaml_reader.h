#ifndef SAMENLOOP_POLICY_YAML_READER_H_
#define SAMENLOOP_POLICY_YAML_READER_H_

// Reading YAML files written by people (policy files and policy test
// cases): every structural problem becomes a diagnostic at file:line:col
// with a sentence that says what is allowed; nothing throws.

#include <initializer_list>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/free_text.h"
#include "policy/diagnostic.h"
#include "policy/duration.h"
#include "policy/policy_model.h"
#include "yaml-cpp/yaml.h"

namespace samenloop::policy {

inline SourceLocation At(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// Where the value of `key` in `map` starts; unknown when the key is absent
// (yaml-cpp throws when asked for the mark of a missing node).
inline SourceLocation KeyAt(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  return node ? At(node.Mark()) : SourceLocation{};
}

// Walks a YAML tree and records every structural problem.
class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Diagnostic>& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}
  // Findings so far (of this file and any before it in the same list).
  size_t DiagnosticCount() const { return diagnostics_.size(); }

  void Error(SourceLocation at, std::string message) {
    diagnostics_.push_back({Diagnostic::Severity::kError, file_, at, std::move(message)});
  }

  // Reports every key of `map` not in `allowed`, naming what is allowed.
  bool CheckMap(const YAML::Node& map, const char* what, std::initializer_list<const char*> allowed) {
    if (!map.IsMap()) {
      Error(At(map.Mark()), absl::StrCat(what, " must be a mapping of keys to values"));
      return false;
    }
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      bool known = false;
      for (const char* candidate : allowed) known = known || key == candidate;
      if (!known) {
        // The key is shown escaped: a diagnostic reaches terminals and the
        // broker's error messages.
        Error(At(entry.first.Mark()),
              absl::StrCat("unknown key \"", EscapedPrefix(key, 40), "\" in ", what, "; the keys allowed here are: ",
                           absl::StrJoin(allowed, ", ")));
      }
    }
    return true;
  }

  std::string Scalar(const YAML::Node& map, const char* key, const char* what, bool required) {
    const YAML::Node node = map[key];
    if (!node) {
      if (required) Error(At(map.Mark()), absl::StrCat(what, " needs the key \"", key, "\""));
      return "";
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, " must be a single non-empty value"));
      return "";
    }
    // Ids, names and citations reach notifications, the audit log and
    // terminals: no control characters (descriptions may span lines).
    if (!IsCleanText(node.Scalar(), absl::string_view(key) == "description")) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what,
                                          " contains a control character or is not valid UTF-8"));
      return "";
    }
    return node.Scalar();
  }

  static bool IsCleanText(absl::string_view text, bool allow_newline = false) {
    return CheckFreeText(text, text.size(), allow_newline).problem == TextProblem::kNone;
  }

  // A scalar or a list of scalars.
  std::vector<std::pair<std::string, SourceLocation>> List(const YAML::Node& node, const char* key) {
    std::vector<std::pair<std::string, SourceLocation>> out;
    if (!node) return out;
    if (node.IsScalar() && !IsCleanText(node.Scalar())) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" contains a control character"));
    } else if (node.IsScalar()) {
      out.emplace_back(node.Scalar(), At(node.Mark()));
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        if (item.IsScalar() && !IsCleanText(item.Scalar())) {
          Error(At(item.Mark()), absl::StrCat("an entry of \"", key, "\" contains a control character"));
        } else if (item.IsScalar()) {
          out.emplace_back(item.Scalar(), At(item.Mark()));
        } else {
          Error(At(item.Mark()), absl::StrCat("each entry of \"", key, "\" must be a single value"));
        }
      }
    } else {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" must be a value or a list of values"));
    }
    return out;
  }

  std::set<std::string> StringSet(const YAML::Node& node, const char* key) {
    std::set<std::string> out;
    for (auto& [value, at] : List(node, key)) out.insert(value);
    return out;
  }

  template <typename E, size_t N>
  std::set<E> EnumSet(const YAML::Node& node, const char* key, const E (&values)[N]) {
    std::set<E> out;
    for (auto& [text, at] : List(node, key)) {
      bool found = false;
      for (E value : values) {
        if (text == Name(value)) {
          out.insert(value);
          found = true;
        }
      }
      if (!found) {
        std::vector<std::string> names;
        for (E value : values) names.emplace_back(Name(value));
        Error(at, absl::StrCat("\"", text, "\" is not a valid value for \"", key, "\"; use one of: ",
                               absl::StrJoin(names, ", ")));
      }
    }
    return out;
  }

  absl::Duration Duration(const YAML::Node& map, const char* key, const char* what, absl::Duration fallback) {
    const YAML::Node node = map[key];
    if (!node) return fallback;
    absl::StatusOr<absl::Duration> duration = ParsePolicyDuration(node.IsScalar() ? node.Scalar() : "");
    if (!duration.ok()) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, ": ", duration.status().message()));
      return fallback;
    }
    return *duration;
  }

  absl::Time Date(const YAML::Node& map, const char* key, const char* what, absl::Time fallback) {
    const YAML::Node node = map[key];
    if (!node) return fallback;
    absl::StatusOr<absl::Time> date = ParsePolicyDate(node.IsScalar() ? node.Scalar() : "");
    if (!date.ok()) {
      Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, ": ", date.status().message()));
      return fallback;
    }
    return *date;
  }

  // Chooses one of `options` for `key`, or `fallback` when absent.
  template <typename T>
  T Choice(const YAML::Node& map, const char* key, const char* what,
           std::initializer_list<std::pair<const char*, T>> options, T fallback) {
    const YAML::Node node = map[key];
    if (!node) return fallback;
    std::vector<std::string> names;
    for (const auto& [name, value] : options) {
      if (node.IsScalar() && node.Scalar() == name) return value;
      names.emplace_back(name);
    }
    Error(At(node.Mark()), absl::StrCat("\"", key, "\" in ", what, " must be one of: ", absl::StrJoin(names, ", ")));
    return fallback;
  }

  template <typename F>
  void ForEach(const YAML::Node& root, const char* key, F&& f) {
    const YAML::Node list = root[key];
    if (!list) return;
    if (!list.IsSequence()) {
      Error(At(list.Mark()), absl::StrCat("\"", key, "\" must be a list (each entry starting with \"- \")"));
      return;
    }
    for (const YAML::Node& item : list) f(item);
  }

 private:
  std::string file_;
  std::vector<Diagnostic>& diagnostics_;
};

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_YAML_READER_H_
