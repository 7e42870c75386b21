#include "broker/ledger.h"

#include <utility>

namespace samenloop::broker {

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Create(Store* store, const SubjectKeyer* keyer,
                                                       std::shared_ptr<const policy::DisclosurePolicy> policy,
                                                       NotificationHub* hub, LedgerOptions options) {
  absl::StatusOr<LedgerCounters> counters = LedgerCounters::Load(*store);
  if (!counters.ok()) return counters.status();
  return std::unique_ptr<Ledger>(
      new Ledger(store, keyer, std::move(policy), hub, std::move(options), *std::move(counters)));
}

Ledger::Ledger(Store* store, const SubjectKeyer* keyer, std::shared_ptr<const policy::DisclosurePolicy> policy,
               NotificationHub* hub, LedgerOptions options, LedgerCounters counters)
    : context_(
          store, keyer, std::move(policy),
          [hub](const std::set<std::string>& recipients) {
            for (const std::string& recipient : recipients) hub->Publish(recipient);
          },
          std::move(options), std::move(counters)),
      decisions_(context_),
      coordinator_(context_),
      matcher_(context_, decisions_, coordinator_),
      reevaluation_(context_, matcher_),
      submission_(context_, decisions_, coordinator_),
      signals_(context_, matcher_),
      outbox_(context_),
      consents_(context_, reevaluation_),
      policy_(context_, reevaluation_),
      retention_(context_),
      events_(context_),
      leads_(context_, decisions_) {}

}  // namespace samenloop::broker
