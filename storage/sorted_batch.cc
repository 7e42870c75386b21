#include "storage/sorted_batch.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace samenloop::broker {
namespace {

struct Operation {
  enum class Kind : uint8_t { kPut, kDelete, kDeleteRange } kind;
  uint32_t family;
  rocksdb::Slice key;
  rocksdb::Slice value;  // the value of a put, the end of a range deletion
};

// Collects the operations as slices into the original batch's buffer.
class Collector : public rocksdb::WriteBatch::Handler {
 public:
  std::vector<Operation> operations;
  bool supported = true;

  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    operations.push_back({Operation::Kind::kPut, family, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    operations.push_back({Operation::Kind::kDelete, family, key, {}});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(uint32_t family, const rocksdb::Slice& begin, const rocksdb::Slice& end) override {
    operations.push_back({Operation::Kind::kDeleteRange, family, begin, end});
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override { return Unsupported(); }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override { return Unsupported(); }
  rocksdb::Status PutBlobIndexCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return Unsupported();
  }
  void LogData(const rocksdb::Slice&) override { supported = false; }

 private:
  rocksdb::Status Unsupported() {
    supported = false;
    return rocksdb::Status::OK();
  }
};

}  // namespace

rocksdb::WriteBatch SortedForInsertion(rocksdb::WriteBatch& batch,
                                       const std::function<rocksdb::ColumnFamilyHandle*(uint32_t)>& handle) {
  Collector collector;
  if (!batch.Iterate(&collector).ok() || !collector.supported) return std::move(batch);
  std::vector<Operation>& ops = collector.operations;
  const auto by_family_and_key = [](const Operation& a, const Operation& b) {
    if (a.family != b.family) return a.family < b.family;
    return a.key.compare(b.key) < 0;
  };
  for (auto begin = ops.begin(); begin != ops.end();) {
    auto end =
        std::find_if(begin, ops.end(), [](const Operation& op) { return op.kind == Operation::Kind::kDeleteRange; });
    std::stable_sort(begin, end, by_family_and_key);
    begin = end == ops.end() ? end : end + 1;
  }
  rocksdb::WriteBatch sorted(batch.GetDataSize());
  for (const Operation& op : ops) {
    rocksdb::ColumnFamilyHandle* family = handle(op.family);
    if (family == nullptr) return std::move(batch);  // not one of the store's families: leave it as it was
    switch (op.kind) {
      case Operation::Kind::kPut: sorted.Put(family, op.key, op.value); break;
      case Operation::Kind::kDelete: sorted.Delete(family, op.key); break;
      case Operation::Kind::kDeleteRange: sorted.DeleteRange(family, op.key, op.value); break;
    }
  }
  return sorted;
}

}  // namespace samenloop::broker
