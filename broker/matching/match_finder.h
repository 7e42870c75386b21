#ifndef SAMENLOOP_BROKER_MATCHING_MATCH_FINDER_H_
#define SAMENLOOP_BROKER_MATCHING_MATCH_FINDER_H_

// MatchFinder finds, through the indexes only (never a scan over all
// signals), every live signal that a given signal matches
// (ARCHITECTURE.md §4):
//   subject match     the same subject;
//   household match   one signal's subject is a related person of the other,
//                     in either direction;
//   shared related    both signals name the same related person.
// A pair that matches in several ways is reported once, as the closest
// kind (subject before household before shared related).

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "storage/store.h"
#include "broker_storage.pb.h"
#include <memory>

#include "policy/disclosure_policy.h"
#include "samenloop/v1/common.pb.h"

namespace samenloop::broker {

struct MatchedSignal {
  policy::MatchKind kind = policy::MatchKind::kSubject;
  // How the other signal's subject stands to the given signal's subject:
  // "<other subject> is <relation> of <given subject>". UNSPECIFIED for
  // subject and shared-related matches.
  v1::Relation relation = v1::RELATION_UNSPECIFIED;
  storage::StoredSignal signal;
};

// Iterators over the person indexes, reused for all the lookups of one
// write: building a RocksDB iterator costs more as the store grows (one per
// level and file), a Seek on a built one does not. They see the committed
// store, which does not change while a write is being assembled; make a new
// set for each write.
class PersonIndexReaders {
 public:
  explicit PersonIndexReaders(const Store& store) : store_(store) {}
  rocksdb::Iterator& Get(Family family);

 private:
  const Store& store_;
  std::map<Family, std::unique_ptr<rocksdb::Iterator>> iterators_;
};

// Live signals of other organisations matching `signal` (stored as number
// `number`), keyed by signal number. Live: open or closed, and within the
// visible period of its category's retention at `now`.
absl::StatusOr<std::map<uint64_t, MatchedSignal>> FindMatches(const Store& store, uint64_t number,
                                                               const storage::StoredSignal& signal,
                                                               const policy::DisclosurePolicy& policy,
                                                               absl::Time now,
                                                               PersonIndexReaders* readers = nullptr);

// The same tie seen from the other person: parent <-> child,
// grandparent <-> grandchild; the other relations are symmetric.
v1::Relation InverseRelation(v1::Relation relation);

// Every live signal on the person `subject_key`, of any organisation (the
// person's own picture for patterns, where one organisation's two signals
// count too).
absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> LiveSignalsOn(const Store& store,
                                                                       const std::string& subject_key,
                                                                       const policy::DisclosurePolicy& policy,
                                                                       absl::Time now);

// Every live signal that names `person_key` as a related person.
absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> LiveSignalsNaming(const Store& store,
                                                                           const std::string& person_key,
                                                                           const policy::DisclosurePolicy& policy,
                                                                           absl::Time now);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_MATCHING_MATCH_FINDER_H_
