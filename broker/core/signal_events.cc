#include "broker/core/signal_events.h"

#include <algorithm>
#include <string>

#include "audit/events.h"

namespace samenloop::broker {

void NameSignalPersons(v1::AuditEvent& event, const storage::StoredSignal& signal) {
  const std::string subject = Hex(signal.subject_key());
  if (std::find(event.subject_keys().begin(), event.subject_keys().end(), subject) == event.subject_keys().end()) {
    event.add_subject_keys(subject);
  }
  for (const storage::StoredRelated& related : signal.related()) {
    const std::string key = Hex(related.key());
    const bool named = std::any_of(event.named_persons().begin(), event.named_persons().end(),
                                   [&](const v1::NamedPerson& person) {
                                     return person.key() == key && person.relation() == related.relation() &&
                                            person.role() == related.role();
                                   });
    if (named) continue;
    v1::NamedPerson* person = event.add_named_persons();
    person->set_key(key);
    person->set_relation(related.relation());
    person->set_role(related.role());
  }
}

}  // namespace samenloop::broker
