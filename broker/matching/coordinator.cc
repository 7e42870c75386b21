#include "broker/matching/coordinator.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "broker/core/liveness.h"
#include "broker/matching/coordination_notices.h"
#include "broker/matching/household.h"
#include "broker/notifications/notices.h"
#include "policy/coordination.h"
#include "storage/keys.h"

namespace samenloop::broker {
namespace {

using Scope = policy::CoordinationRule::Scope;
using Members = std::map<uint64_t, storage::StoredSignal>;

policy::PatternMember MemberOf(const storage::StoredSignal& s, const policy::DisclosurePolicy& policy) {
  policy::PatternMember member{s.signal().source_organisation(), s.signal().category(),
                               absl::FromUnixSeconds(s.signal().opened_at().seconds()),
                               s.signal().status() == v1::SIGNAL_STATUS_CLOSED, s.signal().protected_()};
  member.region = policy.RegionOf(member.organisation);
  if (s.signal().has_waiting_since()) member.waiting_since = absl::FromUnixSeconds(s.signal().waiting_since().seconds());
  return member;
}

// The group as policy/coordination.h counts it, `first` at index 0.
std::vector<policy::PatternMember> PatternMembers(const Members& group, uint64_t first,
                                                  const policy::DisclosurePolicy& policy) {
  std::vector<policy::PatternMember> members = {MemberOf(group.at(first), policy)};
  for (const auto& [n, s] : group) {
    if (n != first) members.push_back(MemberOf(s, policy));
  }
  return members;
}

// Whether the signals of `group` still meet `rule` with none arriving (a
// member left): as if any one of them had just arrived.
bool StillFires(const policy::CoordinationRule& rule, const Members& group, const policy::DisclosurePolicy& policy,
                absl::Time now) {
  for (const auto& [n, s] : group) {
    if (policy::CoordinationFires(rule, PatternMembers(group, n, policy), 0, now)) return true;
  }
  return false;
}

// A member signal as this write sees it (one submitted earlier in the same
// batch too); nullopt once it is gone (expired), revoked or protected.
absl::StatusOr<std::optional<storage::StoredSignal>> LoadMember(const Transaction& write, uint64_t number,
                                                                const policy::DisclosurePolicy& policy,
                                                                absl::Time now) {
  absl::StatusOr<std::optional<std::string>> bytes = write.GetStaged(Family::kSignals, keys::SignalKey(number));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<storage::StoredSignal>();
  storage::StoredSignal signal;
  if (!signal.ParseFromString(**bytes)) return absl::DataLossError("stored signal does not parse");
  if (!IsLive(signal, policy, now) || signal.signal().protected_()) return std::optional<storage::StoredSignal>();
  return std::optional<storage::StoredSignal>(std::move(signal));
}

// The coordinators of the arrival rules, each once, in policy order.
std::vector<std::string> ArrivalCoordinators(const std::vector<policy::CoordinationRule>& rules) {
  std::vector<std::string> out;
  for (const policy::CoordinationRule& rule : rules) {
    if (rule.out_of_view || rule.move) continue;
    if (std::find(out.begin(), out.end(), rule.coordinator) == out.end()) out.push_back(rule.coordinator);
  }
  return out;
}

// The pattern rule `id` of `coordinator` (a rule with one coordinator per
// region is one rule per region, under one id).
const policy::CoordinationRule* RuleById(const policy::DisclosurePolicy& policy, const std::string& id,
                                         const std::string& coordinator) {
  for (const policy::CoordinationRule& rule : policy.CoordinationRules()) {
    if (rule.id == id && rule.coordinator == coordinator && !rule.out_of_view && !rule.move) return &rule;
  }
  return nullptr;
}

// A signal the coordinator may be shown as part of a pattern: never a
// protected one, never its own.
bool MayBeShown(const storage::StoredSignal& s, const std::string& coordinator) {
  return !s.signal().protected_() && s.signal().source_organisation() != coordinator;
}

// The groups of signals each scope counts when `signal` arrives, read once
// per write: the person's signals, or every household the arrival changes.
class Groups {
 public:
  Groups(const Store& store, uint64_t number, const storage::StoredSignal& signal,
         const std::map<uint64_t, MatchedSignal>& matches, const policy::DisclosurePolicy& policy, absl::Time now)
      : number_(number), signal_(signal), matches_(matches), households_reader_(store, number, signal, policy, now) {}

  absl::StatusOr<const std::vector<Members>*> Of(Scope scope) {
    std::optional<std::vector<Members>>& groups = scope == Scope::kPerson ? person_ : households_;
    if (groups.has_value()) return &*groups;
    if (scope == Scope::kPerson) {
      // This signal and other organisations' on the same subject.
      Members person = {{number_, signal_}};
      for (const auto& [n, match] : matches_) {
        if (match.kind == policy::MatchKind::kSubject) person.emplace(n, match.signal);
      }
      groups.emplace(std::vector<Members>{std::move(person)});
    } else {
      absl::StatusOr<std::vector<Members>> households = households_reader_.HouseholdsChanged();
      if (!households.ok()) return households.status();
      groups = *std::move(households);
    }
    return &*groups;
  }

 private:
  uint64_t number_;
  const storage::StoredSignal& signal_;
  const std::map<uint64_t, MatchedSignal>& matches_;
  HouseholdReader households_reader_;
  std::optional<std::vector<Members>> person_, households_;
};

}  // namespace

absl::StatusOr<uint32_t> Coordinator::Coordinate(Transaction& write, uint64_t number,
                                                 const storage::StoredSignal& signal,
                                                 const std::map<uint64_t, MatchedSignal>& matches, absl::Time now) {
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  const std::vector<policy::CoordinationRule>& rules = policy.CoordinationRules();
  // A protected signal evaluates nothing: the pattern of visible signals
  // was judged when its last visible signal arrived.
  if (rules.empty() || signal.signal().protected_()) return 0;
  Groups groups(context_.store(), number, signal, matches, policy, now);
  uint32_t sent = 0;
  for (const std::string& coordinator : ArrivalCoordinators(rules)) {
    PatternBook book(write, coordinator);
    absl::StatusOr<bool> marked = book.Marked(number);
    if (!marked.ok()) return marked.status();
    if (*marked) continue;  // already in a pattern of this coordinator

    // A signal of the same person or household is in a pattern already:
    // this one joins the earliest such pattern.
    std::optional<uint64_t> anchor;
    const policy::CoordinationRule* grouping = nullptr;
    const Members* joined = nullptr;
    for (const policy::CoordinationRule& rule : rules) {
      if (rule.coordinator != coordinator || rule.out_of_view || rule.move) continue;
      absl::StatusOr<const std::vector<Members>*> of_scope = groups.Of(rule.scope);
      if (!of_scope.ok()) return of_scope.status();
      for (const Members& group : **of_scope) {
        for (const auto& [n, s] : group) {
          if (n == number) continue;
          absl::StatusOr<std::optional<uint64_t>> of = book.AnchorOf(n);
          if (!of.ok()) return of.status();
          if (of->has_value() && (!anchor.has_value() || **of < *anchor)) {
            anchor = **of;
            grouping = &rule;
            joined = &group;
          }
        }
      }
    }
    if (anchor.has_value()) {
      absl::StatusOr<bool> told = Join(book, *anchor, *grouping, *joined, number, write, now);
      if (!told.ok()) return told.status();
      sent += *told ? 1u : 0u;
      continue;
    }

    // Otherwise the first rule of this coordinator that fires forms one,
    // over the first of its groups that meets it.
    bool formed = false;
    for (const policy::CoordinationRule& rule : rules) {
      if (rule.coordinator != coordinator || rule.out_of_view || rule.move) continue;
      absl::StatusOr<const std::vector<Members>*> of_scope = groups.Of(rule.scope);
      if (!of_scope.ok()) return of_scope.status();
      for (const Members& group : **of_scope) {
        if (!policy::CoordinationFires(rule, PatternMembers(group, number, policy), 0, now)) continue;
        formed = Form(book, rule, group, number, write, now);
        break;
      }
      if (formed) break;
    }
    sent += formed ? 1u : 0u;
  }

  // Move rules: once per (coordinator, arriving signal).
  for (const policy::CoordinationRule& rule : rules) {
    if (!rule.move || signal.signal().source_organisation() == rule.coordinator) continue;
    absl::StatusOr<const std::vector<Members>*> of_scope = groups.Of(rule.scope);
    if (!of_scope.ok()) return of_scope.status();
    const Members& group = (**of_scope).front();  // the person's own (household)
    if (!policy::MoveFires(rule, PatternMembers(group, number, policy), 0)) continue;
    const std::string once = absl::StrCat("move/", rule.coordinator, "/", keys::U64(number));
    absl::StatusOr<std::optional<std::string>> told = write.GetStaged(Family::kPairDecisions, once);
    if (!told.ok()) return told.status();
    if (told->has_value()) continue;
    write.PutStaged(Family::kPairDecisions, once, "");
    Members shown;
    for (const auto& [n, s] : group) {
      if (!s.signal().protected_()) shown.emplace(n, s);
    }
    QueueMoveNotice(write, context_.ids(), policy, rule, number, shown, now);
    ++sent;
  }
  return sent;
}

bool Coordinator::Form(PatternBook& book, const policy::CoordinationRule& rule, const Members& group, uint64_t number,
                       Transaction& write, absl::Time now) {
  storage::CoordinationPattern pattern;
  pattern.set_rule_id(rule.id);
  uint64_t other = 0;
  for (const auto& [n, s] : group) {
    if (!MayBeShown(s, rule.coordinator)) continue;
    pattern.add_members(n);
    other = n;  // the newest, unless the arriving signal is shown
  }
  if (pattern.members().empty()) return false;  // only the coordinator's own signals
  if (MayBeShown(group.at(number), rule.coordinator)) other = number;
  pattern.set_notices(1);
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  book.Save(number, pattern, policy.Version());
  QueuePatternNotice(write, context_.ids(), policy,
                     PatternNoticeSpec{&rule, number, &pattern, other, &group, v1::COORDINATION_EVENT_PATTERN, ""},
                     now);
  return true;
}

absl::StatusOr<bool> Coordinator::Join(PatternBook& book, uint64_t anchor, const policy::CoordinationRule& grouping,
                                       const Members& group, uint64_t number, Transaction& write, absl::Time now) {
  absl::StatusOr<std::optional<storage::CoordinationPattern>> stored = book.Load(anchor);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  storage::CoordinationPattern& pattern = **stored;
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  const policy::CoordinationRule* formed_by = RuleById(policy, pattern.rule_id(), grouping.coordinator);
  const policy::CoordinationRule& rule = formed_by != nullptr ? *formed_by : grouping;

  // The members as they are now: those still live, and the group's signals
  // in no pattern yet (this one first of all).
  Members members;
  for (uint64_t n : pattern.members()) {
    if (auto in_group = group.find(n); in_group != group.end()) {
      members.emplace(n, in_group->second);
      continue;
    }
    absl::StatusOr<std::optional<storage::StoredSignal>> signal = LoadMember(write, n, policy, now);
    if (!signal.ok()) return signal.status();
    if (signal->has_value()) members.emplace(n, **std::move(signal));
  }
  uint64_t newest = 0;
  for (const auto& [n, s] : group) {
    if (members.count(n) > 0 || !MayBeShown(s, rule.coordinator)) continue;
    absl::StatusOr<bool> marked = book.Marked(n);
    if (!marked.ok()) return marked.status();
    if (*marked) continue;  // told in a pattern of its own
    members.emplace(n, s);
    newest = n;
  }
  if (newest == 0) return false;  // nothing the coordinator does not know
  const uint64_t other = members.count(number) > 0 ? number : newest;
  // The coordinator's other rules that this arrival makes fire on the group.
  std::vector<const policy::CoordinationRule*> also_fired;
  for (const policy::CoordinationRule& candidate : policy.CoordinationRules()) {
    if (candidate.coordinator != rule.coordinator || candidate.out_of_view || candidate.move ||
        candidate.id == rule.id || members.count(number) == 0) {
      continue;
    }
    if (policy::CoordinationFires(candidate, PatternMembers(group, number, policy), 0, now)) {
      also_fired.push_back(&candidate);
    }
  }
  pattern.clear_members();
  for (const auto& [n, s] : members) pattern.add_members(n);
  pattern.set_notices(pattern.notices() + 1);
  book.Save(anchor, pattern, policy.Version());
  QueuePatternNotice(write, context_.ids(), policy,
                     PatternNoticeSpec{&rule, anchor, &pattern, other, &members,
                                       v1::COORDINATION_EVENT_PATTERN_UPDATED, "the pattern grew", also_fired},
                     now);
  return true;
}

absl::StatusOr<uint32_t> Coordinator::MemberRevoked(Transaction& write, uint64_t number, absl::Time now) {
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  absl::StatusOr<std::vector<Notice>> notices = NoticesOf(context_.store(), number);
  if (!notices.ok()) return notices.status();
  uint32_t sent = 0;
  for (const std::string& coordinator : ArrivalCoordinators(policy.CoordinationRules())) {
    PatternBook book(write, coordinator);
    absl::StatusOr<std::optional<uint64_t>> anchor = book.AnchorOf(number);
    if (!anchor.ok()) return anchor.status();
    if (!anchor->has_value()) continue;
    book.Forget(number);
    absl::StatusOr<std::optional<storage::CoordinationPattern>> stored = book.Load(**anchor);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) continue;
    storage::CoordinationPattern& pattern = **stored;

    // A pattern notice naming the revoked signal is withdrawn or retracted
    // (WithdrawNoticesOf) for every member: forget its records under the
    // others, or revoking one of them later would take it back again.
    for (const Notice& notice : *notices) {
      if (notice.recipient != coordinator) continue;
      for (uint64_t member : pattern.members()) {
        if (member != number) write.Delete(Family::kNotices, keys::NoticeKey(member, coordinator, notice.cursor));
      }
    }

    Members remaining;
    for (uint64_t n : pattern.members()) {
      if (n == number) continue;
      absl::StatusOr<std::optional<storage::StoredSignal>> signal = LoadMember(write, n, policy, now);
      if (!signal.ok()) return signal.status();
      if (signal->has_value()) remaining.emplace(n, **std::move(signal));
    }
    pattern.clear_members();
    for (const auto& [n, s] : remaining) pattern.add_members(n);
    const policy::CoordinationRule* rule = RuleById(policy, pattern.rule_id(), coordinator);
    if (rule == nullptr || remaining.empty() || !StillFires(*rule, remaining, policy, now)) {
      book.Dissolve(**anchor, pattern);  // a later signal is judged afresh
      continue;
    }
    pattern.set_notices(pattern.notices() + 1);
    book.Save(**anchor, pattern, policy.Version());
    QueuePatternNotice(write, context_.ids(), policy,
                       PatternNoticeSpec{rule, **anchor, &pattern, remaining.rbegin()->first, &remaining,
                                         v1::COORDINATION_EVENT_PATTERN_UPDATED,
                                         "a member was revoked; the rest still meets the rule"},
                       now);
    ++sent;
  }
  return sent;
}

absl::StatusOr<uint32_t> Coordinator::OutOfView(Transaction& write, uint64_t number,
                                                const storage::StoredSignal& closed, absl::Time now) {
  const policy::DisclosurePolicy& policy = context_.PolicyLocked();
  std::optional<std::vector<policy::PatternMember>> person, household;
  uint32_t sent = 0;
  for (const policy::CoordinationRule& rule : policy.CoordinationRules()) {
    if (!rule.out_of_view || closed.signal().source_organisation() == rule.coordinator) continue;
    std::optional<std::vector<policy::PatternMember>>& members = rule.scope == Scope::kPerson ? person : household;
    if (!members.has_value()) {
      // Every live signal on the person (or household), the closing
      // organisation's other ones too: a second open case of the same
      // organisation keeps it in view.
      absl::StatusOr<Members> live = rule.scope == Scope::kPerson
                                         ? LiveSignalsOn(context_.store(), closed.subject_key(), policy, now)
                                         : HouseholdReader(context_.store(), number, closed, policy, now).OwnHousehold();
      if (!live.ok()) return live.status();
      members.emplace(std::vector<policy::PatternMember>{MemberOf(closed, policy)});
      for (const auto& [n, s] : *live) {
        if (n != number) members->push_back(MemberOf(s, policy));
      }
    }
    if (!policy::OutOfViewFires(rule, *members, 0)) continue;
    // One notice per coordinator and closing (the signal's revision), also
    // when two of its rules see the same moment.
    if (!write.MarkOnce(absl::StrCat("out-of-view/", rule.coordinator, "/", keys::U64(number)))) continue;
    QueueOutOfViewNotice(write, context_.ids(), policy, rule, number, closed,
                         static_cast<uint32_t>(policy::VisibleOrganisations(*members)), now);
    ++sent;
  }
  return sent;
}

}  // namespace samenloop::broker
