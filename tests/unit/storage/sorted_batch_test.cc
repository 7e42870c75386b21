// SortedForInsertion changes the order of a write's operations, never its
// effect: a property test over generated writes (puts, deletes and range
// deletions on a few keys, so that operations on one key meet often),
// each applied once as it was and once sorted to two fresh stores that must
// then hold exactly the same data.

#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/sorted_batch.h"
#include "storage/store.h"
#include "tests/support/temp_dir.h"

namespace samenloop::broker {
namespace {

// Families with plain skiplist memtables (the hashed ones take keys of a
// person key's length only, storage/store.h).
constexpr Family kFamilies[] = {Family::kSignals, Family::kOrgSignals, Family::kMeta};

std::map<std::string, std::string> Contents(const Store& store) {
  std::map<std::string, std::string> out;
  for (Family family : kFamilies) {
    std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(family);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out[absl::StrCat(static_cast<int>(family), "/", it->key().ToString())] = it->value().ToString();
    }
  }
  return out;
}

rocksdb::ColumnFamilyHandle* HandleOf(const Store& store, uint32_t id) {
  for (int f = 0; f < static_cast<int>(Family::kCount); ++f) {
    if (store.Handle(static_cast<Family>(f))->GetID() == id) return store.Handle(static_cast<Family>(f));
  }
  return nullptr;
}

// A write of `size` operations drawn from `random`, built for `store`.
rocksdb::WriteBatch Generate(std::mt19937& random, const Store& store, int size) {
  rocksdb::WriteBatch batch;
  std::uniform_int_distribution<int> family(0, 2), key(0, 11), kind(0, 9);
  for (int i = 0; i < size; ++i) {
    rocksdb::ColumnFamilyHandle* handle = store.Handle(kFamilies[family(random)]);
    const std::string k = keys::U64(static_cast<uint64_t>(key(random)));
    const int what = kind(random);
    if (what < 6) {
      batch.Put(handle, k, absl::StrCat("v", i));
    } else if (what < 9) {
      batch.Delete(handle, k);
    } else {
      const uint64_t from = static_cast<uint64_t>(key(random));
      batch.DeleteRange(handle, keys::U64(from), keys::U64(from + 3));
    }
  }
  return batch;
}

TEST(SortedBatchTest, ASortedWriteLeavesTheSameDataAsTheWriteItWasMadeFrom) {
  const int scenarios = 120;  // each opens two stores
  for (int seed = 0; seed < scenarios; ++seed) {
    samenloop::testing::TempDir dir;
    std::unique_ptr<Store> plain = *Store::Open(dir.Sub("plain"));
    std::unique_ptr<Store> sorted = *Store::Open(dir.Sub("sorted"));
    std::mt19937 random(static_cast<uint32_t>(seed));
    // Two writes in a row, so that the second meets data of the first.
    for (int write = 0; write < 2; ++write) {
      std::mt19937 same = random;
      rocksdb::WriteBatch original = Generate(random, *plain, 1 + seed % 40);
      rocksdb::WriteBatch copy = Generate(same, *sorted, 1 + seed % 40);
      rocksdb::WriteBatch reordered = SortedForInsertion(copy, [&](uint32_t id) { return HandleOf(*sorted, id); });
      ASSERT_EQ(reordered.Count(), original.Count()) << "seed " << seed;
      rocksdb::WriteOptions options;
      ASSERT_TRUE(plain->db()->Write(options, &original).ok());
      ASSERT_TRUE(sorted->db()->Write(options, &reordered).ok());
    }
    ASSERT_EQ(Contents(*plain), Contents(*sorted)) << "seed " << seed;
  }
}

TEST(SortedBatchTest, OperationsComeOutInFamilyAndKeyOrderBetweenRangeDeletions) {
  samenloop::testing::TempDir dir;
  std::unique_ptr<Store> store = *Store::Open(dir.Sub("db"));
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* signals = store->Handle(Family::kSignals);
  batch.Put(signals, "c", "1");
  batch.Put(signals, "a", "2");
  batch.DeleteRange(signals, "a", "b");
  batch.Put(signals, "b", "3");
  batch.Put(signals, "a", "4");
  rocksdb::WriteBatch sorted = SortedForInsertion(batch, [&](uint32_t id) { return HandleOf(*store, id); });

  struct Recorder : rocksdb::WriteBatch::Handler {
    std::string order;
    rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      order += key.ToString();
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
      order += "|";
      return rocksdb::Status::OK();
    }
  } recorder;
  ASSERT_TRUE(sorted.Iterate(&recorder).ok());
  EXPECT_EQ(recorder.order, "ac|ab");
}

}  // namespace
}  // namespace samenloop::broker
