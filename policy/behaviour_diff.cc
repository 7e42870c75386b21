#include "policy/behaviour_diff.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/duration.h"
#include "policy/policy_text.h"

namespace samenloop::policy {
namespace {

using Direction = BehaviourChange::Direction;

const char* WhenText(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kClosed: return "when a signal is closed";
    case ChangeKind::kReopened: return "when a signal is reopened";
    case ChangeKind::kEscalated: return "when a signal escalates (its severity is raised)";
    case ChangeKind::kSeverity: return "when a signal's severity changes";
    case ChangeKind::kCategory: return "when a signal's category changes";
    case ChangeKind::kNature: return "when a signal's nature changes";
    case ChangeKind::kContact: return "when a signal's contact changes";
  }
  return "?";
}

// Pairs the n-th item with an id in `a` with the n-th with that id in `b`.
template <typename T, typename IdOf>
std::vector<std::pair<const T*, const T*>> Pair(const std::vector<T>& a, const std::vector<T>& b, IdOf id_of) {
  std::map<std::string, std::vector<const T*>> in_b;
  for (const T& item : b) in_b[id_of(item)].push_back(&item);
  std::map<std::string, size_t> used;
  std::vector<std::pair<const T*, const T*>> out;
  for (const T& item : a) {
    std::vector<const T*>& candidates = in_b[id_of(item)];
    size_t& n = used[id_of(item)];
    out.emplace_back(&item, n < candidates.size() ? candidates[n] : nullptr);
    ++n;
  }
  for (auto& [id, candidates] : in_b) {
    for (size_t n = used[id]; n < candidates.size(); ++n) out.emplace_back(nullptr, candidates[n]);
  }
  return out;
}

class Differ {
 public:
  std::vector<BehaviourChange> out;

  void Add(Direction direction, const char* about, const std::string& id, std::string text) {
    out.push_back({direction, about, id, std::move(text)});
  }

  void Rule(const RuleDecl& was, const RuleDecl& now) {
    if (was.effect != RuleEffect::kPermit || now.effect != RuleEffect::kPermit) return;
    const ChangeMask visible = ChangesVisibleAt(now.level);
    for (ChangeKind kind : kAllChangeKinds) {
      const bool before = (was.notify_changes & Bit(kind)) != 0, after = (now.notify_changes & Bit(kind)) != 0;
      if (before == after) continue;
      std::string text = absl::StrCat("rule ", now.id, after ? " now tells" : " no longer tells",
                                      " recipients ", WhenText(kind));
      // Listed but not shown at the rule's level: say so, or the officer
      // would expect a notice that never comes.
      if (after && (visible & Bit(kind)) == 0) {
        absl::StrAppend(&text, " (no effect at level ", Name(now.level), ", which does not show it)");
      }
      Add(after ? Direction::kWider : Direction::kNarrower, "notify_changes", now.id, std::move(text));
    }
  }

  void Coordination(const CoordinationDecl* was_decl, const CoordinationDecl* now_decl) {
    if (was_decl == nullptr || now_decl == nullptr) {
      const CoordinationDecl& d = was_decl == nullptr ? *now_decl : *was_decl;
      const std::string kind = d.rule.out_of_view ? "out of view" : d.rule.move ? "move" : "pattern";
      Add(was_decl == nullptr ? Direction::kWider : Direction::kNarrower, "coordination", d.rule.id,
          absl::StrCat("coordination rule ", d.rule.id, was_decl == nullptr ? " added" : " removed", " (", kind,
                       "): it ", was_decl == nullptr ? "" : "no longer ", DescribeCoordination(d)));
      return;
    }
    const CoordinationRule& a = was_decl->rule;
    const CoordinationRule& b = now_decl->rule;
    const std::string rule = absl::StrCat("coordination rule ", b.id);
    auto add = [&](Direction direction, std::string text) {
      Add(direction, "coordination", b.id, absl::StrCat(rule, " ", text));
    };
    if (a.out_of_view != b.out_of_view) {
      add(Direction::kOther, absl::StrCat(b.out_of_view ? "is now an out-of-view rule" : "is no longer an out-of-view rule",
                                          ": it ", DescribeCoordination(*now_decl)));
      return;  // what it fires on is a different question now
    }
    if (a.move != b.move) {
      add(Direction::kOther, absl::StrCat(b.move ? "is now a move rule" : "is no longer a move rule", ": it ",
                                          DescribeCoordination(*now_decl)));
      return;
    }
    if (was_decl->coordinators != now_decl->coordinators) {
      add(Direction::kOther, absl::StrCat("now tells ", CoordinatorText(*now_decl), " (was ",
                                          CoordinatorText(*was_decl), ")"));
    }
    if (a.coordinator != b.coordinator && was_decl->coordinators.empty() && now_decl->coordinators.empty()) {
      add(Direction::kOther, absl::StrCat("now tells ", b.coordinator, " instead of ", a.coordinator));
    }
    if (was_decl->legal_basis_id != now_decl->legal_basis_id) {
      add(Direction::kOther,
          absl::StrCat("now cites legal basis ", now_decl->legal_basis_id, " instead of ", was_decl->legal_basis_id));
    }
    if (a.scope != b.scope) {
      add(b.scope == CoordinationRule::Scope::kHousehold ? Direction::kWider : Direction::kNarrower,
          b.scope == CoordinationRule::Scope::kHousehold
              ? "now counts over households instead of persons: the coordinator may be told of patterns across "
                "related persons"
              : "now counts over persons instead of households: patterns across related persons no longer form");
    }
    if (a.level != b.level) {
      add(b.level > a.level ? Direction::kWider : Direction::kNarrower,
          absl::StrCat("now shows the coordinator ", Name(b.level), " of each member instead of ", Name(a.level)));
    }
    if (a.history_category != b.history_category) {
      if (a.history_category.empty()) {
        add(Direction::kNarrower, absl::StrCat("now fires only with a ", b.history_category, " history"));
      } else if (b.history_category.empty()) {
        add(Direction::kWider, absl::StrCat("now fires whatever the history (was: only with a ", a.history_category,
                                            " history)"));
      } else {
        add(Direction::kOther, absl::StrCat("now fires with a ", b.history_category, " history instead of ",
                                            a.history_category));
      }
    }
    if (a.min_organisations != b.min_organisations) {
      if (b.min_organisations == 0) {
        add(Direction::kNarrower, absl::StrCat("no longer fires on a number of organisations (was ",
                                               a.min_organisations, ")"));
      } else {
        add(a.min_organisations == 0 || b.min_organisations < a.min_organisations ? Direction::kWider
                                                                                  : Direction::kNarrower,
            absl::StrCat("now fires from ", b.min_organisations, " organisations",
                         a.min_organisations == 0 ? "" : absl::StrCat(" (was ", a.min_organisations, ")")));
      }
    }
    if (a.window != b.window) {
      auto text = [](absl::Duration d) {
        return d == absl::InfiniteDuration() ? std::string("no limit") : FormatPolicyDuration(d);
      };
      add(b.window > a.window ? Direction::kWider : Direction::kNarrower,
          absl::StrCat("now counts signals opened within ", text(b.window), " (was ", text(a.window), ")"));
    }
    if (a.closed_category != b.closed_category) {
      if (b.closed_category.empty()) {
        add(Direction::kNarrower,
            absl::StrCat("no longer fires on a new signal after a closed ", a.closed_category, " signal"));
      } else {
        add(a.closed_category.empty() ? Direction::kWider : Direction::kOther,
            absl::StrCat("now fires on a new signal after a closed ", b.closed_category, " signal",
                         a.closed_category.empty() ? "" : absl::StrCat(" (was ", a.closed_category, ")")));
      }
    }
    if (a.waiting_longer_than != b.waiting_longer_than) {
      if (b.waiting_longer_than == absl::ZeroDuration()) {
        add(Direction::kNarrower, "no longer fires on an organisation waiting for a professional");
      } else {
        const bool sooner = a.waiting_longer_than == absl::ZeroDuration() || b.waiting_longer_than < a.waiting_longer_than;
        add(sooner ? Direction::kWider : Direction::kNarrower,
            absl::StrCat("now fires when an organisation has waited longer than ",
                         FormatPolicyDuration(b.waiting_longer_than), " for a professional",
                         a.waiting_longer_than == absl::ZeroDuration()
                             ? ""
                             : absl::StrCat(" (was ", FormatPolicyDuration(a.waiting_longer_than), ")")));
      }
    }
  }

  void Lead(const LeadDecl& a, const LeadDecl& b) {
    auto add = [&](Direction direction, std::string text) {
      Add(direction, "lead", "lead", absl::StrCat("lead: ", text));
    };
    if (a.present != b.present) {
      if (b.present) {
        add(Direction::kWider, absl::StrCat("section added: may lead: ", DescribeSelector(b.may_lead, "nobody")));
      } else {
        add(Direction::kNarrower, "section removed: nobody may take the lead any more");
      }
      return;
    }
    if (!a.present) return;
    Members(a.may_lead.organisations, b.may_lead.organisations, "", " may now lead", " may no longer lead", add);
    Members(a.may_lead.kinds, b.may_lead.kinds, "organisations of kind ", " may now lead", " may no longer lead", add);
    if (a.informs.IsAny() != b.informs.IsAny()) {
      add(b.informs.IsAny() ? Direction::kWider : Direction::kNarrower,
          b.informs.IsAny() ? "every organisation that may learn of the lead's signal is now told of a lead"
                            : absl::StrCat("only ", DescribeSelector(b.informs, ""),
                                           " are told of a lead now (was every organisation that may learn of the "
                                           "lead's signal)"));
    } else {
      Members(a.informs.organisations, b.informs.organisations, "", " is now told of a lead",
              " is no longer told of a lead", add);
      Members(a.informs.kinds, b.informs.kinds, "organisations of kind ", " are now told of a lead",
              " are no longer told of a lead", add);
    }
    if (a.tell_coordinators != b.tell_coordinators) {
      add(b.tell_coordinators ? Direction::kWider : Direction::kNarrower,
          b.tell_coordinators ? "coordinators told of the lead's signal now hear of its lead"
                              : "coordinators no longer hear of a lead");
    }
    if (a.legal_basis_id != b.legal_basis_id) {
      add(Direction::kOther, absl::StrCat("now cites legal basis ", b.legal_basis_id, " instead of ", a.legal_basis_id));
    }
  }

 private:
  template <typename AddFn>
  static void Members(const std::set<std::string>& a, const std::set<std::string>& b, const char* prefix,
                      const char* gained, const char* lost, AddFn& add) {
    for (const std::string& x : b) {
      if (!a.contains(x)) add(Direction::kWider, absl::StrCat(prefix, x, gained));
    }
    for (const std::string& x : a) {
      if (!b.contains(x)) add(Direction::kNarrower, absl::StrCat(prefix, x, lost));
    }
  }
};

}  // namespace

const char* Mark(BehaviourChange::Direction direction) {
  switch (direction) {
    case Direction::kWider: return "+";
    case Direction::kNarrower: return "-";
    case Direction::kOther: return "~";
  }
  return "~";
}

std::vector<BehaviourChange> DiffBehaviour(const PolicyDocument& before, const PolicyDocument& after) {
  Differ differ;
  for (auto [was, now] : Pair(before.rules, after.rules, [](const RuleDecl& r) { return r.id; })) {
    if (was != nullptr && now != nullptr) differ.Rule(*was, *now);
  }
  for (auto [was, now] :
       Pair(before.coordination, after.coordination, [](const CoordinationDecl& c) { return c.rule.id; })) {
    differ.Coordination(was, now);
  }
  differ.Lead(before.lead, after.lead);
  return differ.out;
}

}  // namespace samenloop::policy
