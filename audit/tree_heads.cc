#include "audit/tree_heads.h"

#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "audit/merkle_tree.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "google/protobuf/util/time_util.h"

namespace samenloop::broker {
namespace {

using google::protobuf::util::TimeUtil;

constexpr uint32_t kDefaultPageSize = 100;
constexpr uint32_t kMaxPageSize = 1000;

// Time first, so a scan returns heads in the order they were issued.
std::string HeadKey(int64_t timestamp_ms, uint64_t tree_size) {
  return absl::StrCat(keys::U64(static_cast<uint64_t>(timestamp_ms)), keys::U64(tree_size));
}

template <size_t N>
std::string Bytes(const std::array<uint8_t, N>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

absl::StatusOr<v1::SignedTreeHead> TreeHeadIssuer::Issue(uint64_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  crypto::TreeHead head;
  head.tree_size = size;
  absl::StatusOr<crypto::MerkleHash> root = AuditRoot(*store_, size);
  if (!root.ok()) return root.status();
  head.root = *root;
  head.timestamp_ms = absl::ToUnixMillis(clock_());
  v1::SignedTreeHead signed_head;
  signed_head.set_tree_size(head.tree_size);
  signed_head.set_root_hash(Bytes(head.root));
  *signed_head.mutable_timestamp() = TimeUtil::MillisecondsToTimestamp(head.timestamp_ms);
  signed_head.set_signature(Bytes(key_->Sign(head)));
  signed_head.set_log_public_key(Bytes(key_->PublicKey()));
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Family::kTreeHeads), HeadKey(head.timestamp_ms, size), signed_head.SerializeAsString());
  if (absl::Status stored = store_->Commit(&batch); !stored.ok()) return stored;
  return signed_head;
}

absl::StatusOr<bool> TreeHeadIssuer::IssueIfGrown(uint64_t size) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kTreeHeads);
    it->SeekToLast();
    if (it->Valid() && it->key().size() == 16 && keys::ParseU64(AsView(it->key()).substr(8)) == size) return false;
    if (!it->status().ok()) return absl::InternalError("tree heads: " + it->status().ToString());
  }
  absl::StatusOr<v1::SignedTreeHead> issued = Issue(size);
  if (!issued.ok()) return issued.status();
  return true;
}

absl::StatusOr<v1::ListTreeHeadsResponse> TreeHeadIssuer::List(const v1::ListTreeHeadsRequest& request) const {
  if (request.page().page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page.page_size: at most ", kMaxPageSize));
  }
  const uint32_t page_size = request.page().page_size() == 0 ? kDefaultPageSize : request.page().page_size();
  const auto& range = request.time_range();
  for (const auto* bound : {&range.from(), &range.until()}) {
    if (!IsValidTimestamp(*bound)) {
      return absl::InvalidArgumentError(
          absl::StrCat("time_range.", bound == &range.from() ? "from" : "until", ": not a valid timestamp"));
    }
  }
  if (range.has_from() && range.has_until() &&
      TimeUtil::TimestampToMilliseconds(range.until()) <= TimeUtil::TimestampToMilliseconds(range.from())) {
    return absl::InvalidArgumentError("time_range: from must be before until (the range is [from, until))");
  }
  if (request.page().page_token().size() > 64) {
    return absl::InvalidArgumentError("page.page_token: not a token from a previous ListTreeHeads response");
  }
  std::string start = range.has_from() ? keys::U64(static_cast<uint64_t>(
                                             std::max<int64_t>(0, TimeUtil::TimestampToMilliseconds(range.from()))))
                                       : std::string();
  bool skip_start = false;
  if (!request.page().page_token().empty()) {
    if (!absl::WebSafeBase64Unescape(request.page().page_token(), &start) || start.size() != 16) {
      return absl::InvalidArgumentError("page.page_token: not a token from a previous ListTreeHeads response");
    }
    skip_start = true;  // the token is the last key returned
  }
  const int64_t until_ms = range.has_until() ? TimeUtil::TimestampToMilliseconds(range.until()) : INT64_MAX;
  v1::ListTreeHeadsResponse response;
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(Family::kTreeHeads);
  for (it->Seek(start); it->Valid(); it->Next()) {
    if (skip_start && AsView(it->key()) == start) continue;
    if (static_cast<int64_t>(keys::ParseU64(AsView(it->key()).substr(0, 8))) >= until_ms) break;
    if (static_cast<uint32_t>(response.tree_heads_size()) == page_size) {
      response.set_next_page_token(absl::WebSafeBase64Escape(
          HeadKey(TimeUtil::TimestampToMilliseconds(response.tree_heads(response.tree_heads_size() - 1).timestamp()),
                  response.tree_heads(response.tree_heads_size() - 1).tree_size())));
      break;
    }
    if (!response.add_tree_heads()->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("tree heads: a stored head does not parse");
    }
  }
  if (!it->status().ok()) return absl::InternalError("tree heads: " + it->status().ToString());
  return response;
}

}  // namespace samenloop::broker
