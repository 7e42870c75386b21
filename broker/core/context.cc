#include "broker/core/context.h"

#include <utility>

#include "broker/core/subject_keyer.h"

namespace samenloop::broker {

LedgerContext::LedgerContext(Store* store, const SubjectKeyer* keyer,
                             std::shared_ptr<const policy::DisclosurePolicy> policy, Published published,
                             LedgerOptions options, LedgerCounters counters)
    : store_(store),
      keyer_(keyer),
      policy_(std::move(policy)),
      published_(std::move(published)),
      options_(std::move(options)),
      counters_(std::move(counters)) {}

const OpaqueIds& LedgerContext::ids() const { return keyer_->Ids(); }

std::shared_ptr<const policy::DisclosurePolicy> LedgerContext::Policy() const {
  std::lock_guard<std::mutex> lock(policy_mutex_);
  return policy_;
}

void LedgerContext::ReplacePolicy(std::shared_ptr<const policy::DisclosurePolicy> policy) {
  std::lock_guard<std::mutex> lock(policy_mutex_);
  policy_ = std::move(policy);
}

LedgerCounters LedgerContext::CountersSnapshot() const {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return counters_;
}

}  // namespace samenloop::broker
