#ifndef SAMENLOOP_BROKER_MATCHING_DISCLOSURE_H_
#define SAMENLOOP_BROKER_MATCHING_DISCLOSURE_H_

// What the policy is told about a stored signal, and what a recipient is
// shown of it at a decided level. One place, so that matches and
// coordination notices disclose exactly the same fields per level
// (docs/api.md "Disclosure levels").

#include "broker_storage.pb.h"
#include "policy/disclosure_policy.h"
#include "samenloop/v1/notifications.pb.h"

namespace samenloop::broker {

v1::DisclosureLevel ToProto(policy::DisclosureLevel level);
v1::MatchKind ToProto(policy::MatchKind kind);

// The rules, legal bases, consents and policy version a decision cites.
v1::DecisionBasis BasisOf(const policy::Decision& decision);

// The facts rules may look at; never a pseudonym or a contact.
policy::SignalFacts FactsOf(const storage::StoredSignal& stored);

// Organisation id, name (as `policy` names it), kind and contact always;
// category and nature from CATEGORY; opened date, status and severity at
// DETAILS.
v1::DisclosedSignal Disclose(const storage::StoredSignal& other, policy::DisclosureLevel level,
                             const policy::DisclosurePolicy& policy);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_DISCLOSURE_H_
