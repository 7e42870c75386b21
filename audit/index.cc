#include "audit/index.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "spdlog/spdlog.h"

namespace samenloop::broker {
namespace {

constexpr char kSignalTag = 'g';         // signal ids of the first format, by number
constexpr char kOpaqueSignalTag = 'h';   // opaque signal ids, by id
constexpr char kSubjectTag = 's';
constexpr char kOrganisationTag = 'o';
constexpr char kTimeBlockTag = 'T';

// Signed milliseconds as a key that sorts in numeric order.
std::string EncodeMs(int64_t ms) { return keys::U64(static_cast<uint64_t>(ms) ^ (uint64_t{1} << 63)); }
int64_t DecodeMs(absl::string_view bytes) {
  return static_cast<int64_t>(keys::ParseU64(bytes) ^ (uint64_t{1} << 63));
}

std::string TimeBlockKey(uint64_t block) { return absl::StrCat(std::string(1, kTimeBlockTag), keys::U64(block)); }

std::optional<AuditTimeBlock> ParseTimeBlock(absl::string_view value) {
  if (value.size() != 16) return std::nullopt;
  return AuditTimeBlock{DecodeMs(value.substr(0, 8)), DecodeMs(value.substr(8, 8))};
}

}  // namespace

std::string AuditSignalPrefix(absl::string_view signal_id) {
  // Ids of the first format keep the entries a schema 2 store already has.
  uint64_t number = 0;
  if (keys::ParseSignalId(signal_id, &number)) return absl::StrCat(std::string(1, kSignalTag), keys::U64(number));
  return absl::StrCat(std::string(1, kOpaqueSignalTag), signal_id, std::string(1, '\0'));
}

std::string AuditSignalPrefixEnd(absl::string_view signal_id) {
  std::string end = AuditSignalPrefix(signal_id);
  // Both forms end in a byte below 0xff that no longer prefix shares.
  uint64_t number = 0;
  if (keys::ParseSignalId(signal_id, &number)) return absl::StrCat(std::string(1, kSignalTag), keys::U64(number + 1));
  end.back() = '\1';
  return end;
}

std::string AuditSubjectPrefix(absl::string_view subject_key) {
  // Events hold the key as hex; the index holds its bytes (half the size
  // in every write). Anything else is kept as it is, so it still matches.
  const auto is_hex = [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); };
  std::string bytes;
  if (subject_key.size() % 2 == 0 && std::all_of(subject_key.begin(), subject_key.end(), is_hex)) {
    bytes = absl::HexStringToBytes(subject_key);
  } else {
    bytes = std::string(subject_key);
  }
  return absl::StrCat(std::string(1, kSubjectTag), bytes);
}

std::string AuditOrganisationPrefix(absl::string_view organisation) {
  return absl::StrCat(std::string(1, kOrganisationTag), keys::OrgPrefix(organisation));
}

bool NamesPerson(const v1::AuditEvent& event, absl::string_view key) {
  return std::find(event.subject_keys().begin(), event.subject_keys().end(), key) != event.subject_keys().end() ||
         std::any_of(event.named_persons().begin(), event.named_persons().end(),
                     [&](const v1::NamedPerson& person) { return person.key() == key; });
}

bool IsIndexedOrganisation(absl::string_view organisation) {
  return !organisation.empty() && organisation != kBrokerActor;
}

std::string AuditIndexKey(absl::string_view prefix, uint64_t leaf) { return absl::StrCat(prefix, keys::U64(leaf)); }

void AuditIndexWriter::Add(uint64_t leaf, const v1::AuditEvent& event) {
  // An expiry is the last event of its signal and is never redacted: the
  // index keeps nothing of a deleted signal.
  if (event.type() != v1::AUDIT_EVENT_TYPE_SIGNAL_EXPIRED) {
    for (const std::string& id : event.signal_ids()) {
      if (!id.empty()) by_key_.push_back(AuditIndexKey(AuditSignalPrefix(id), leaf));
    }
  }
  // A person's entries: as the subject, and as a related person (once,
  // however many of the event's signals name them).
  std::set<std::string> persons(event.subject_keys().begin(), event.subject_keys().end());
  for (const v1::NamedPerson& person : event.named_persons()) persons.insert(person.key());
  for (const std::string& key : persons) by_key_.push_back(AuditIndexKey(AuditSubjectPrefix(key), leaf));
  // A link event (store schema 5) lists its signal's earlier leaves under
  // the persons it names too: they named only the subject.
  if (event.type() == v1::AUDIT_EVENT_TYPE_PERSONS_LINKED) {
    for (const std::string& key : persons) {
      const std::string prefix = AuditSubjectPrefix(key);
      for (uint64_t linked : event.linked_leaves()) {
        if (linked < leaf) by_key_.push_back(AuditIndexKey(prefix, linked));
      }
    }
  }
  if (IsIndexedOrganisation(event.actor_organisation())) {
    by_organisation_.push_back(AuditIndexKey(AuditOrganisationPrefix(event.actor_organisation()), leaf));
  }
  if (IsIndexedOrganisation(event.recipient_organisation()) &&
      event.recipient_organisation() != event.actor_organisation()) {
    by_organisation_.push_back(AuditIndexKey(AuditOrganisationPrefix(event.recipient_organisation()), leaf));
  }
  const int64_t ms = absl::ToUnixMillis(FromProto(event.time()));  // rounds towards negative infinity
  auto [it, inserted] = blocks_.try_emplace(leaf / kAuditTimeBlockLeaves, AuditTimeBlock{ms, ms});
  if (!inserted) {
    it->second.min_ms = std::min(it->second.min_ms, ms);
    it->second.max_ms = std::max(it->second.max_ms, ms);
  }
}

absl::Status AuditIndexWriter::AddToBatch(const Store& store, rocksdb::WriteBatch& batch) {
  rocksdb::ColumnFamilyHandle* index = store.Handle(Family::kAuditIndex);
  for (const std::string& key : by_key_) batch.Put(store.Handle(Family::kAuditKeyIndex), key, "");
  std::sort(by_organisation_.begin(), by_organisation_.end());
  for (const std::string& key : by_organisation_) batch.Put(index, key, "");
  for (const auto& [block, range] : blocks_) {
    AuditTimeBlock merged = range;
    absl::StatusOr<std::string> stored = store.Get(Family::kAuditIndex, TimeBlockKey(block));
    if (stored.ok()) {
      if (std::optional<AuditTimeBlock> before = ParseTimeBlock(*stored); before.has_value()) {
        merged.min_ms = std::min(merged.min_ms, before->min_ms);
        merged.max_ms = std::max(merged.max_ms, before->max_ms);
      }
    } else if (!absl::IsNotFound(stored.status())) {
      return stored.status();
    }
    batch.Put(index, TimeBlockKey(block), absl::StrCat(EncodeMs(merged.min_ms), EncodeMs(merged.max_ms)));
  }
  by_key_.clear();
  by_organisation_.clear();
  blocks_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<uint64_t, AuditTimeBlock>>> ReadAuditTimeBlocks(const Store& store,
                                                                                       uint64_t first,
                                                                                       uint64_t last) {
  std::vector<std::pair<uint64_t, AuditTimeBlock>> out;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAuditIndex);
  const std::string end = TimeBlockKey(last);
  for (it->Seek(TimeBlockKey(first)); it->Valid() && it->key().compare(end) <= 0; it->Next()) {
    const absl::string_view key = AsView(it->key());
    if (key.size() != 9 || key[0] != kTimeBlockTag) break;
    std::optional<AuditTimeBlock> range = ParseTimeBlock(AsView(it->value()));
    if (!range.has_value()) return absl::DataLossError("audit index: a time block of the wrong size");
    out.emplace_back(keys::ParseU64(key.substr(1)), *range);
  }
  if (!it->status().ok()) return absl::InternalError("audit index scan: " + it->status().ToString());
  return out;
}

absl::StatusOr<std::vector<uint64_t>> AuditLeavesOfSignal(const Store& store, absl::string_view signal_id,
                                                          uint64_t end) {
  std::vector<uint64_t> leaves;
  const std::string prefix = AuditSignalPrefix(signal_id);
  std::unique_ptr<rocksdb::Iterator> it = store.NewPrefixIterator(Family::kAuditKeyIndex);
  for (it->Seek(AuditIndexKey(prefix, 0)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const uint64_t leaf = keys::ParseU64(AsView(it->key()).substr(prefix.size()));
    if (leaf >= end) break;
    leaves.push_back(leaf);
  }
  if (!it->status().ok()) return absl::InternalError("audit index scan: " + it->status().ToString());
  return leaves;
}

absl::Status RebuildAuditIndex(Store& store) {
  constexpr uint64_t kLeavesPerWrite = 10000;
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAudit);
  rocksdb::WriteBatch batch;
  AuditIndexWriter writer;
  uint64_t in_batch = 0, total = 0;
  auto flush = [&]() -> absl::Status {
    if (absl::Status added = writer.AddToBatch(store, batch); !added.ok()) return added;
    if (absl::Status committed = store.Commit(&batch); !committed.ok()) return committed;
    batch.Clear();
    in_batch = 0;
    return absl::OkStatus();
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const uint64_t leaf = keys::ParseU64(AsView(it->key()));
    v1::AuditEvent event;
    // A leaf that does not parse (damage) or a redacted one has nothing to
    // index; the tree still holds its hash.
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) || event.redacted()) {
      continue;
    }
    writer.Add(leaf, event);
    ++total;
    if (++in_batch == kLeavesPerWrite) {
      if (absl::Status flushed = flush(); !flushed.ok()) return flushed;
    }
  }
  if (!it->status().ok()) return absl::InternalError("audit log scan: " + it->status().ToString());
  if (absl::Status flushed = flush(); !flushed.ok()) return flushed;
  spdlog::info("indexed {} audit events", total);
  return absl::OkStatus();
}

absl::Status MoveAuditKeyEntries(Store& store) {
  constexpr uint64_t kEntriesPerWrite = 10000;
  rocksdb::WriteBatch batch;
  uint64_t in_batch = 0, moved = 0;
  // The tags of the entries that moved: 'g' and 'h' (signals), 's' (subjects).
  const std::vector<std::pair<std::string, std::string>> ranges = {{"g", "i"}, {"s", "t"}};
  for (const auto& [begin, end] : ranges) {
    std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAuditIndex);
    for (it->Seek(begin); it->Valid() && it->key().compare(end) < 0; it->Next()) {
      batch.Put(store.Handle(Family::kAuditKeyIndex), it->key(), it->value());
      ++moved;
      if (++in_batch == kEntriesPerWrite) {
        if (absl::Status committed = store.Commit(&batch); !committed.ok()) return committed;
        batch.Clear();
        in_batch = 0;
      }
    }
    if (!it->status().ok()) return absl::InternalError("audit index scan: " + it->status().ToString());
  }
  // Copied first, then dropped from the old family in one write.
  for (const auto& [begin, end] : ranges) batch.DeleteRange(store.Handle(Family::kAuditIndex), begin, end);
  if (absl::Status committed = store.Commit(&batch); !committed.ok()) return committed;
  spdlog::info("moved {} audit index entries by signal and subject", moved);
  return absl::OkStatus();
}

}  // namespace samenloop::broker
