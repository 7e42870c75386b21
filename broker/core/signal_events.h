#ifndef SAMENLOOP_BROKER_CORE_SIGNAL_EVENTS_H_
#define SAMENLOOP_BROKER_CORE_SIGNAL_EVENTS_H_

// Which persons an audit event about a signal names: the signal's subject
// (subject_keys) and its related persons with their relation and role
// (named_persons). The audit index lists the event under every one of them
// (audit/index.h), so a person's report covers them as subject and as the
// victim, child or parent another signal names (issue 21, docs/audit.md).

#include "broker_storage.pb.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

// Adds the signal's subject and related persons to `event`, each once.
void NameSignalPersons(v1::AuditEvent& event, const storage::StoredSignal& signal);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_SIGNAL_EVENTS_H_
