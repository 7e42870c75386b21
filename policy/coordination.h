#ifndef SAMENLOOP_POLICY_COORDINATION_H_
#define SAMENLOOP_POLICY_COORDINATION_H_

// When a coordination (pattern) rule fires (ARCHITECTURE.md §4). Shared by
// the broker and `samenloop policy test`, so both count a pattern the same.
//
// Non-interference: a coordinator may never learn of a protected signal, so
// protected members are no part of the pattern: they are not counted, do not
// make a closed-category rule fire, and a protected new signal evaluates
// nothing (the pattern of visible signals fired when its last visible signal
// arrived).

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "policy/disclosure_policy.h"

namespace samenloop::policy {

// One live signal on the person, as a pattern sees it.
struct PatternMember {
  std::string organisation;
  std::string category;
  absl::Time opened;
  bool closed = false;
  bool is_protected = false;
  // When the organisation started waiting for a professional; infinite
  // future when someone is assigned.
  absl::Time waiting_since = absl::InfiniteFuture();
  // The region of its organisation (DisclosurePolicy::RegionOf).
  std::string region = "";
};

// Whether `rule` fires when `arrived` (one of `members`, at `arrived_index`)
// arrives, at `now`. False whenever `arrived` is protected.
bool CoordinationFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t arrived_index,
                       absl::Time now);

// Whether the out-of-view `rule` fires when `closed` (one of `members`, at
// `closed_index`, already in its closed state) closes: no visible member is
// open any more, and, with a history category, a visible member has it.
// Protected members are no part of it: an open protected signal does not
// keep the person "in view", or its absence would show.
bool OutOfViewFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t closed_index);

// Whether the move `rule` (for the coordinator of `rule.region`) fires when
// `arrived` (at `arrived_index`) arrives: it comes from an organisation of
// one region, a visible member from another, and one of the two regions is
// the rule's. False whenever `arrived` is protected.
bool MoveFires(const CoordinationRule& rule, const std::vector<PatternMember>& members, size_t arrived_index);

// Distinct organisations among the visible members: the count a
// coordination notification shows.
size_t VisibleOrganisations(const std::vector<PatternMember>& members);

}  // namespace samenloop::policy

#endif  // SAMENLOOP_POLICY_COORDINATION_H_
