#include "storage/store.h"

#include "storage/sorted_batch.h"

#include "common/rocksdb_logger.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"

namespace samenloop::broker {
namespace {

constexpr std::array<const char*, static_cast<size_t>(Family::kCount)> kFamilyNames = {
    "signals", "subject_index", "related_index", "org_signals", "idempotency",
    "pair_decisions", "outbox", "audit", "meta", "audit_nodes", "consents", "consent_subjects",
    "tree_heads", "audit_index", "notices", "audit_key_index"};

absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  if (status.IsNotFound()) return absl::NotFoundError(what);
  return absl::InternalError(absl::StrCat(what, ": storage error: ", status.ToString()));
}

bool IsPersonIndex(Family family) {
  return family == Family::kSubjectIndex || family == Family::kRelatedIndex || family == Family::kConsentSubjects;
}

// The audit key index's prefix: everything but the trailing leaf number
// (audit/index.h), i.e. one signal or one person.
class AllButLeafNumber : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "samenloop.AllButLeafNumber"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    // Every key the index writes is in the domain; anything else is its own prefix.
    return InDomain(key) ? rocksdb::Slice(key.data(), key.size() - kLeafNumberBytes) : key;
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > kLeafNumberBytes; }
};

// Families read by point lookups of keys that are nearly always absent
// (a new idempotency key, a pair not decided before).
bool IsLookedUpMostlyAbsent(Family family) {
  return family == Family::kIdempotency || family == Family::kPairDecisions;
}

rocksdb::ColumnFamilyOptions FamilyOptions(Family family) {
  const bool person_index = IsPersonIndex(family);
  const bool by_prefix = HasPrefixMemtable(family);
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  // Bloom filters make point lookups of absent keys (idempotency, pair
  // decisions) cheap.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // The person indexes are only ever read by prefix: whole keys in their
  // filters would double the filters' size (more cache misses per lookup,
  // more memory) for nothing.
  table.whole_key_filtering = !by_prefix;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kNoCompression;
  // The person indexes are scanned by person key (every new signal looks up
  // its subject and each related person, nearly always finding nothing):
  // a bloom filter over the key prefix lets those scans skip every file
  // that holds no entry for the person, so they stay cheap as the store
  // grows to millions of signals.
  if (person_index) options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kPersonKeyBytes));
  if (family == Family::kAuditKeyIndex) options.prefix_extractor = std::make_shared<AllButLeafNumber>();
  // Their keys start with person keys (HMACs) or opaque signal ids, so
  // every new signal inserts four entries at random places (subject,
  // related, and the audit key index's signal and subject entries): in one
  // skiplist over the whole memtable each costs a search with a cache miss
  // per level, the largest serial cost of ingest (docs/benchmarks.md).
  // Hashed by prefix, an insert goes to its person's or signal's own short
  // list. The price: only scans of one prefix are cheap (NewPrefixIterator,
  // all these families need); a scan of the whole family sorts the memtable
  // first (NewIterator, for tools and tests). Not for the audit index: its
  // organisation entries share a few prefixes, and one long list per
  // prefix is slower than the plain skiplist.
  if (by_prefix) options.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(kPrefixBuckets));
  // The same in the memtable: without a bloom filter there, each of those
  // lookups walks a skiplist of up to a full write buffer (hundreds of
  // thousands of entries, a cache miss per step), which was the largest
  // single cost of ingest once the memtables fill up (perf, 10^7 signals).
  if (person_index || IsLookedUpMostlyAbsent(family)) {
    options.memtable_prefix_bloom_size_ratio = 0.05;
    options.memtable_whole_key_filtering = !by_prefix;
  }
  return options;
}

}  // namespace

bool HasPrefixMemtable(Family family) { return IsPersonIndex(family) || family == Family::kAuditKeyIndex; }

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, uint64_t min_free_bytes) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  // Hashed memtables (HasPrefixMemtable) take one writer at a time, which
  // is what the ledger's write lock gives them anyway.
  options.allow_concurrent_memtable_write = false;
  // Opening replays the WAL into memtables without writing them out as new
  // files, so a store on a (nearly) full disk still opens and serves reads;
  // the memtables are flushed later, as usual.
  options.avoid_flush_during_recovery = true;
  // A WAL file is deleted only once every family with data in it has
  // flushed, and the meta family (a few counters, written by every commit)
  // never fills a memtable: without a bound the WAL grew with the store and
  // a restart at 10^7 signals replayed all of it (29 s). Past this size
  // RocksDB flushes the families that hold the oldest WAL file, which bounds
  // both the WAL on disk and the replay at start (docs/operations.md).
  options.max_total_wal_size = 128ull << 20;
  // RocksDB's diagnostics go to the broker's log, not to a LOG file on the
  // disk that may be full (common/rocksdb_logger.h).
  options.info_log = MakeRocksDbLogger("broker store");
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  // RocksDB requires the default family; the store does not use it.
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, FamilyOptions(Family::kCount));
  for (size_t i = 0; i < kFamilyNames.size(); ++i) {
    descriptors.emplace_back(kFamilyNames[i], FamilyOptions(static_cast<Family>(i)));
  }

  std::unique_ptr<Store> store(new Store());
  store->guard_ = std::make_unique<StorageGuard>(
      path, min_free_bytes, "broker store",
      "writes are refused until space is freed, then accepted again by themselves; reads are still served and "
      "nothing acknowledged is lost");
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, path, descriptors, &handles, &raw);
  if (!status.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open store at ", path, ": ", status.ToString()));
  }
  store->db_.reset(raw);
  store->handles_ = std::move(handles);
  store->guard_->Attach(raw);
  return store;
}

Store::~Store() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  handles_.clear();
  db_->Close().PermitUncheckedError();
}

rocksdb::ColumnFamilyHandle* Store::Handle(Family family) const {
  // handles_[0] is the default family, unused.
  return handles_[static_cast<size_t>(family) + 1];
}

absl::Status Store::Commit(rocksdb::WriteBatch* batch) {
  if (absl::Status room = guard_->BeforeWrite(); !room.ok()) return room;
  rocksdb::WriteOptions options;
  options.sync = true;
  // Sorted, the memtable inserts are several times cheaper (sorted_batch.h).
  rocksdb::WriteBatch sorted = SortedForInsertion(*batch, [this](uint32_t id) -> rocksdb::ColumnFamilyHandle* {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      if (handle->GetID() == id) return handle;
    }
    return nullptr;
  });
  return guard_->AfterWrite(db_->Write(options, &sorted));
}

absl::StatusOr<std::string> Store::Get(Family family, const rocksdb::Slice& key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), Handle(family), key, &value);
  if (!status.ok()) return FromRocks(status, "record");
  return value;
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(Family family) const {
  rocksdb::ReadOptions options;
  // Without it a family with a prefix extractor is iterated in prefix
  // mode, where a scan past one prefix is undefined.
  options.total_order_seek = true;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, Handle(family)));
}

std::unique_ptr<rocksdb::Iterator> Store::NewPrefixIterator(Family family) const {
  rocksdb::ReadOptions options;
  options.prefix_same_as_start = true;  // use the prefix bloom filters; stop at the prefix's last entry
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, Handle(family)));
}

}  // namespace samenloop::broker
