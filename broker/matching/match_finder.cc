#include "broker/matching/match_finder.h"

#include <functional>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "broker/core/liveness.h"
#include "broker/core/reads.h"

namespace samenloop::broker {
namespace {

int Closeness(policy::MatchKind kind) {
  switch (kind) {
    case policy::MatchKind::kSubject: return 0;
    case policy::MatchKind::kHouseholdRelated: return 1;
    case policy::MatchKind::kHouseholdSharedRelated: return 2;
  }
  return 3;
}

// Calls `visit` with the signal number of every entry under `key` in an index.
absl::Status ScanIndex(const Store& store, Family index, const std::string& key,
                       const std::function<absl::Status(uint64_t)>& visit, PersonIndexReaders* readers) {
  std::unique_ptr<rocksdb::Iterator> own;
  if (readers == nullptr) own = store.NewPrefixIterator(index);
  rocksdb::Iterator& it = readers != nullptr ? readers->Get(index) : *own;
  for (it.Seek(key); it.Valid() && it.key().starts_with(key); it.Next()) {
    if (absl::Status s = visit(keys::ParseU64(AsView(it.key()).substr(key.size()))); !s.ok()) return s;
  }
  if (!it.status().ok()) return absl::InternalError(absl::StrCat("index scan: ", it.status().ToString()));
  return absl::OkStatus();
}

class Collector {
 public:
  Collector(const Store& store, uint64_t self, const std::string& self_organisation,
            const policy::DisclosurePolicy& policy, absl::Time now)
      : store_(store), self_(self), self_organisation_(self_organisation), policy_(policy), now_(now) {}

  absl::Status Consider(uint64_t other, policy::MatchKind kind, v1::Relation relation) {
    if (other == self_) return absl::OkStatus();
    auto existing = found_.find(other);
    if (existing != found_.end()) {
      if (Closeness(kind) < Closeness(existing->second.kind)) {
        existing->second.kind = kind;
        existing->second.relation = relation;
      }
      return absl::OkStatus();
    }
    if (rejected_.count(other) > 0) return absl::OkStatus();
    absl::StatusOr<const storage::StoredSignal*> loaded = Load(other);
    if (!loaded.ok()) return loaded.status();
    const storage::StoredSignal& signal = **loaded;
    // An organisation is never matched with itself; revoked and expired
    // signals are out of matching.
    if (!IsLive(signal, policy_, now_) || signal.signal().source_organisation() == self_organisation_) {
      rejected_.insert(other);
      return absl::OkStatus();
    }
    found_[other] = MatchedSignal{kind, relation, signal};
    return absl::OkStatus();
  }

  absl::StatusOr<const storage::StoredSignal*> Load(uint64_t number) {
    if (auto it = found_.find(number); it != found_.end()) return &it->second.signal;
    if (auto it = loaded_.find(number); it != loaded_.end()) return &it->second;
    absl::StatusOr<std::string> bytes = store_.Get(Family::kSignals, keys::SignalKey(number));
    if (!bytes.ok()) return bytes.status();
    storage::StoredSignal signal;
    if (!signal.ParseFromString(*bytes)) return absl::DataLossError("stored signal does not parse");
    return &(loaded_[number] = std::move(signal));
  }

  std::map<uint64_t, MatchedSignal> Take() { return std::move(found_); }

 private:
  const Store& store_;
  uint64_t self_;
  const std::string& self_organisation_;
  const policy::DisclosurePolicy& policy_;
  absl::Time now_;
  std::map<uint64_t, MatchedSignal> found_;
  std::map<uint64_t, storage::StoredSignal> loaded_;
  std::set<uint64_t> rejected_;
};

}  // namespace

v1::Relation InverseRelation(v1::Relation relation) {
  switch (relation) {
    case v1::RELATION_PARENT: return v1::RELATION_CHILD;
    case v1::RELATION_CHILD: return v1::RELATION_PARENT;
    case v1::RELATION_GRANDPARENT: return v1::RELATION_GRANDCHILD;
    case v1::RELATION_GRANDCHILD: return v1::RELATION_GRANDPARENT;
    default: return relation;
  }
}

rocksdb::Iterator& PersonIndexReaders::Get(Family family) {
  std::unique_ptr<rocksdb::Iterator>& it = iterators_[family];
  if (it == nullptr) it = store_.NewPrefixIterator(family);
  return *it;
}

absl::StatusOr<std::map<uint64_t, MatchedSignal>> FindMatches(const Store& store, uint64_t number,
                                                               const storage::StoredSignal& signal,
                                                               const policy::DisclosurePolicy& policy,
                                                               absl::Time now, PersonIndexReaders* readers) {
  Collector collector(store, number, signal.signal().source_organisation(), policy, now);
  const std::string& subject = signal.subject_key();

  // Same subject.
  absl::Status status = ScanIndex(store, Family::kSubjectIndex, subject, [&](uint64_t other) {
    return collector.Consider(other, policy::MatchKind::kSubject, v1::RELATION_UNSPECIFIED);
  }, readers);
  if (!status.ok()) return status;

  // Our related persons are the subject of other signals.
  for (const storage::StoredRelated& related : signal.related()) {
    status = ScanIndex(store, Family::kSubjectIndex, related.key(), [&](uint64_t other) {
      return collector.Consider(other, policy::MatchKind::kHouseholdRelated, related.relation());
    }, readers);
    if (!status.ok()) return status;
  }

  // Our subject is a related person of other signals: we are their
  // <relation>, so they are our inverse <relation>.
  status = ScanIndex(store, Family::kRelatedIndex, subject, [&](uint64_t other) -> absl::Status {
    absl::StatusOr<const storage::StoredSignal*> loaded = collector.Load(other);
    if (!loaded.ok()) return loaded.status();
    v1::Relation relation = v1::RELATION_UNSPECIFIED;
    for (const storage::StoredRelated& theirs : (*loaded)->related()) {
      if (theirs.key() == subject) relation = InverseRelation(theirs.relation());
    }
    return collector.Consider(other, policy::MatchKind::kHouseholdRelated, relation);
  }, readers);
  if (!status.ok()) return status;

  // Both name the same related person.
  for (const storage::StoredRelated& related : signal.related()) {
    status = ScanIndex(store, Family::kRelatedIndex, related.key(), [&](uint64_t other) {
      return collector.Consider(other, policy::MatchKind::kHouseholdSharedRelated, v1::RELATION_UNSPECIFIED);
    }, readers);
    if (!status.ok()) return status;
  }
  return collector.Take();
}

namespace {

// The live signals of the index entries under `key`.
absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> LiveSignalsIn(const Store& store, Family index,
                                                                       const std::string& key,
                                                                       const policy::DisclosurePolicy& policy,
                                                                       absl::Time now) {
  std::map<uint64_t, storage::StoredSignal> out;
  absl::Status status = ScanIndex(store, index, key, [&](uint64_t number) -> absl::Status {
    absl::StatusOr<storage::StoredSignal> signal = LoadSignal(store, number);
    if (absl::IsNotFound(signal.status())) return absl::OkStatus();  // deleted by the sweeper meanwhile
    if (!signal.ok()) return signal.status();
    if (IsLive(*signal, policy, now)) out.emplace(number, *std::move(signal));
    return absl::OkStatus();
  }, nullptr);
  if (!status.ok()) return status;
  return out;
}

}  // namespace

absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> LiveSignalsOn(const Store& store,
                                                                       const std::string& subject_key,
                                                                       const policy::DisclosurePolicy& policy,
                                                                       absl::Time now) {
  return LiveSignalsIn(store, Family::kSubjectIndex, subject_key, policy, now);
}

absl::StatusOr<std::map<uint64_t, storage::StoredSignal>> LiveSignalsNaming(const Store& store,
                                                                           const std::string& person_key,
                                                                           const policy::DisclosurePolicy& policy,
                                                                           absl::Time now) {
  return LiveSignalsIn(store, Family::kRelatedIndex, person_key, policy, now);
}

}  // namespace samenloop::broker
