#include "client/cli/policy_json.h"

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace samenloop::cli {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

Value Str(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}
Value Num(double n) {
  Value v;
  v.set_number_value(n);
  return v;
}
Value Bool(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}
Value List(const std::vector<std::string>& items) {
  Value v;
  for (const std::string& item : items) *v.mutable_list_value()->add_values() = Str(item);
  return v;
}

template <typename M>
std::string ToJson(const M& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out);
  return out;
}

}  // namespace

std::string CheckResultJson(const std::string& file, const policy::LoadedPolicy& loaded) {
  Struct s;
  auto& f = *s.mutable_fields();
  f["file"] = Str(file);
  f["valid"] = Bool(loaded.policy != nullptr);
  f["version_hash"] = Str(loaded.policy != nullptr ? loaded.policy->Version() : "");
  Value diagnostics;
  diagnostics.mutable_list_value();
  for (const policy::Diagnostic& d : loaded.diagnostics) {
    Value item;
    auto& g = *item.mutable_struct_value()->mutable_fields();
    g["severity"] = Str(d.severity == policy::Diagnostic::Severity::kError ? "error" : "warning");
    g["line"] = Num(d.at.line);
    g["column"] = Num(d.at.column);
    g["message"] = Str(d.message);
    *diagnostics.mutable_list_value()->add_values() = item;
  }
  f["diagnostics"] = diagnostics;
  return ToJson(s);
}

namespace {

std::vector<std::string> ChangeList(policy::ChangeMask changes) {
  std::vector<std::string> names;
  for (policy::ChangeKind kind : policy::kAllChangeKinds) {
    if ((changes & policy::Bit(kind)) != 0) names.emplace_back(policy::Name(kind));
  }
  return names;
}

}  // namespace

std::string ExplanationJson(const policy::Explanation& e) {
  Struct s;
  auto& f = *s.mutable_fields();
  f["allow"] = Bool(e.decision.allow);
  f["level"] = Str(policy::Name(e.decision.level));
  f["rule_ids"] = List(e.decision.rule_ids);
  f["legal_bases"] = List(e.decision.legal_bases);
  f["consent_ids"] = List(e.decision.consent_ids);
  f["reason"] = Str(e.decision.reason);
  f["policy_version"] = Str(e.decision.policy_version);
  f["notify_changes"] = List(ChangeList(e.decision.allow ? policy::ChangesToTell(policy::kAllChanges, e.decision) : 0));
  Value rules;
  rules.mutable_list_value();
  for (const policy::RuleTrace& t : e.rules) {
    Value item;
    auto& g = *item.mutable_struct_value()->mutable_fields();
    g["rule_id"] = Str(t.rule_id);
    g["effect"] = Str(t.effect == policy::RuleEffect::kForbid ? "forbid" : "permit");
    g["line"] = Num(t.line);
    g["matched"] = Bool(t.matched);
    g["applied"] = Bool(t.applied);
    g["note"] = Str(t.note);
    if (t.effect == policy::RuleEffect::kPermit) g["notify_changes"] = List(ChangeList(t.notify_changes));
    *rules.mutable_list_value()->add_values() = item;
  }
  f["rules"] = rules;
  return ToJson(s);
}

std::string DiffJson(const std::vector<policy::AccessChange>& changes,
                     const std::vector<policy::BehaviourChange>& behaviour) {
  ListValue list;
  for (const policy::AccessChange& c : changes) {
    Value item;
    auto& g = *item.mutable_struct_value()->mutable_fields();
    g["change"] = Str(c.added() ? "added" : "removed");
    g["recipient"] = Str(c.recipient);
    g["source"] = Str(c.source);
    g["category"] = Str(c.category);
    g["match"] = Str(c.match);
    g["when"] = List(c.when);
    g["before"] = Str(policy::Name(c.before));
    g["after"] = Str(policy::Name(c.after));
    g["rules_before"] = List(c.rules_before);
    g["rules_after"] = List(c.rules_after);
    *list.add_values() = item;
  }
  // After the access rows, in the same list so existing readers that look
  // at "change" added/removed keep working: "widened", "narrowed", "changed".
  for (const policy::BehaviourChange& c : behaviour) {
    Value item;
    auto& g = *item.mutable_struct_value()->mutable_fields();
    using Direction = policy::BehaviourChange::Direction;
    g["change"] = Str(c.direction == Direction::kWider      ? "widened"
                      : c.direction == Direction::kNarrower ? "narrowed"
                                                            : "changed");
    g["about"] = Str(c.about);
    g["id"] = Str(c.id);
    g["text"] = Str(c.text);
    *list.add_values() = item;
  }
  return ToJson(list);
}

}  // namespace samenloop::cli
