#include "audit/query.h"

#include <sodium.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/index.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "common/caller_identity.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"

namespace samenloop::broker {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kFingerprintBytes = 8;
constexpr size_t kTokenBytes = 16 + kFingerprintBytes;

// Hash of the filters (the request without its page), so that a token is
// only accepted with the filters it was issued for. Deterministic
// serialisation keeps it stable across broker restarts.
std::string Fingerprint(const v1::QueryEventsRequest& request) {
  v1::QueryEventsRequest filters = request;
  filters.clear_page();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    filters.SerializeToCodedStream(&coded);
  }
  std::string out(kFingerprintBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  return out;
}

absl::StatusOr<absl::Time> TimeField(const google::protobuf::Timestamp& t, absl::string_view field) {
  if (!IsValidTimestamp(t)) return absl::InvalidArgumentError(absl::StrCat(field, ": not a valid timestamp"));
  return FromProto(t);
}

bool IsLowerHex(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

bool AuditFilter::Matches(const v1::AuditEvent& event, bool listed_for_subject) const {
  if (from.has_value() || until.has_value()) {
    const absl::Time time = FromProto(event.time());
    if (from.has_value() && time < *from) return false;
    if (until.has_value() && time >= *until) return false;
  }
  if (!organisation.empty() && event.actor_organisation() != organisation &&
      event.recipient_organisation() != organisation) {
    return false;
  }
  if (!types.empty() && types.count(event.type()) == 0) return false;
  if (outcome != v1::DECISION_OUTCOME_UNSPECIFIED && event.outcome() != outcome) return false;
  if (!subject_key.empty() && !listed_for_subject && !NamesPerson(event, subject_key)) return false;
  return true;
}

absl::StatusOr<AuditQueryPlan> PlanAuditQuery(const v1::QueryEventsRequest& request) {
  AuditQueryPlan plan;
  AuditFilter& filter = plan.filter;
  if (request.time_range().has_from()) {
    absl::StatusOr<absl::Time> from = TimeField(request.time_range().from(), "time_range.from");
    if (!from.ok()) return from.status();
    filter.from = *from;
  }
  if (request.time_range().has_until()) {
    absl::StatusOr<absl::Time> until = TimeField(request.time_range().until(), "time_range.until");
    if (!until.ok()) return until.status();
    filter.until = *until;
  }
  if (filter.from.has_value() && filter.until.has_value() && *filter.from >= *filter.until) {
    return absl::InvalidArgumentError("time_range: from must be before until (the range is [from, until))");
  }
  if (!request.organisation().empty() && !IsValidOrganisationId(request.organisation())) {
    return absl::InvalidArgumentError(
        "organisation: not an organisation id (1-64 lowercase letters, digits and '-', starting with a letter)");
  }
  filter.organisation = request.organisation();
  // Each type once at most: the query is recorded in the log with its
  // filters, so their size is bounded.
  constexpr int kMaxTypes = v1::AuditEventType_ARRAYSIZE - 1;
  if (request.types_size() > kMaxTypes) {
    return absl::InvalidArgumentError(absl::StrCat("types: at most ", kMaxTypes, " entries (each event type once)"));
  }
  for (int i = 0; i < request.types_size(); ++i) {
    const int type = request.types(i);
    if (type == v1::AUDIT_EVENT_TYPE_UNSPECIFIED || !v1::AuditEventType_IsValid(type)) {
      return absl::InvalidArgumentError(absl::StrCat("types[", i, "]: not an audit event type"));
    }
    if (!filter.types.insert(type).second) {
      return absl::InvalidArgumentError(absl::StrCat("types[", i, "]: repeats an earlier entry"));
    }
  }
  if (!v1::DecisionOutcome_IsValid(request.outcome())) {
    return absl::InvalidArgumentError("outcome: not a decision outcome");
  }
  filter.outcome = request.outcome();
  if (!request.subject_key().empty()) {
    // Not echoed: an index key is not secret, but it does point at a person.
    std::string key = absl::AsciiStrToLower(request.subject_key());
    if (key.size() != 64 || !IsLowerHex(key)) {
      return absl::InvalidArgumentError("subject_key: an index key is 64 hex digits");
    }
    filter.subject_key = std::move(key);
  }
  if (request.page().page_size() > kMaxAuditPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page.page_size: at most ", kMaxAuditPageSize));
  }
  plan.page_size = request.page().page_size() == 0 ? kDefaultAuditPageSize : request.page().page_size();
  plan.fingerprint = Fingerprint(request);
  if (!request.page().page_token().empty()) {
    std::string token;
    if (request.page().page_token().size() > 256) {
      return absl::InvalidArgumentError("page.page_token: not a token from a previous QueryEvents response");
    }
    if (!absl::WebSafeBase64Unescape(request.page().page_token(), &token) || token.size() != kTokenBytes) {
      return absl::InvalidArgumentError("page.page_token: not a token from a previous QueryEvents response");
    }
    if (token.substr(16) != plan.fingerprint) {
      return absl::InvalidArgumentError("page.page_token: issued for other filters; repeat the first page's filters");
    }
    plan.start = keys::ParseU64(absl::string_view(token).substr(0, 8));
    plan.end = keys::ParseU64(absl::string_view(token).substr(8, 8));
    if (plan.start >= plan.end) {
      return absl::InvalidArgumentError("page.page_token: not a token from a previous QueryEvents response");
    }
    plan.first_page = false;
  }
  return plan;
}

bool AuditFilter::AcceptsLinks() const {
  return !from.has_value() && !until.has_value() && outcome == v1::DECISION_OUTCOME_UNSPECIFIED &&
         (types.empty() || types.count(v1::AUDIT_EVENT_TYPE_PERSONS_LINKED) > 0) &&
         (organisation.empty() || organisation == kBrokerActor);
}

bool AuditFilter::AcceptsRedacted() const {
  return !from.has_value() && !until.has_value() && types.empty() && outcome == v1::DECISION_OUTCOME_UNSPECIFIED;
}

namespace {

// One query's walk over candidate leaves; Consider() returns false once the
// page is full or the budget spent (and then records where to go on).
class LeafCollector {
 public:
  // `through_index`: the leaves come from the subject or organisation index,
  // so a redacted one matched those filters before its body went.
  // `linked_ok`: the leaves come from the subject index, and a leaf linked
  // to the person by a PERSONS_LINKED event is part of the answer
  // (AuditFilter::Matches).
  LeafCollector(const AuditQueryPlan& plan, uint64_t end, uint64_t budget, bool through_index, bool linked_ok)
      : plan_(plan), budget_(budget),
        redacted_ok_(plan.filter.AcceptsRedacted() &&
                     (through_index || (plan.filter.subject_key.empty() && plan.filter.organisation.empty()))),
        listed_for_subject_(linked_ok) {
    scan_.next = end;
  }

  bool Consider(uint64_t index, absl::string_view stored) {
    if (scan_.matches.size() == plan_.page_size || read_ == budget_) {
      scan_.next = index;
      return false;
    }
    ++read_;
    AuditLeaf leaf;
    leaf.index = index;
    v1::AuditEvent event;
    if (event.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
      if (event.redacted()) {
        if (!redacted_ok_) return true;
        leaf.redacted = true;
      } else {
        if (!plan_.filter.Matches(event, listed_for_subject_)) return true;
        leaf.data = std::string(stored);
        leaf.event = std::move(event);
      }
    } else {
      leaf.data = std::string(stored);  // damage is shown, not filtered away
    }
    scan_.matches.push_back(std::move(leaf));
    return true;
  }

  AuditScan Take() { return std::move(scan_); }

 private:
  const AuditQueryPlan& plan_;
  const uint64_t budget_;
  const bool redacted_ok_;
  const bool listed_for_subject_;
  uint64_t read_ = 0;
  AuditScan scan_;
};

// The leaf ranges within [start, end) whose time blocks can hold an event
// of the filter's time range, in order.
absl::StatusOr<std::vector<std::pair<uint64_t, uint64_t>>> RangesInTime(const Store& store, const AuditFilter& filter,
                                                                        uint64_t start, uint64_t end) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  if (start >= end) return ranges;
  if (!filter.from.has_value() && !filter.until.has_value()) {
    ranges.emplace_back(start, end);
    return ranges;
  }
  const uint64_t first = start / kAuditTimeBlockLeaves, last = (end - 1) / kAuditTimeBlockLeaves;
  absl::StatusOr<std::vector<std::pair<uint64_t, AuditTimeBlock>>> blocks = ReadAuditTimeBlocks(store, first, last);
  if (!blocks.ok()) return blocks.status();
  auto stored = blocks->begin();
  for (uint64_t block = first; block <= last; ++block) {
    while (stored != blocks->end() && stored->first < block) ++stored;
    bool overlaps = true;  // a block without a stored range is read
    if (stored != blocks->end() && stored->first == block) {
      // Times are floored to milliseconds: every event of the block lies in
      // [min_ms, max_ms + 1 ms).
      const AuditTimeBlock& times = stored->second;
      if (filter.from.has_value() && absl::FromUnixMillis(times.max_ms + 1) <= *filter.from) overlaps = false;
      if (filter.until.has_value() && absl::FromUnixMillis(times.min_ms) >= *filter.until) overlaps = false;
    }
    if (!overlaps) continue;
    const uint64_t begin = std::max(start, block * kAuditTimeBlockLeaves);
    const uint64_t stop = std::min(end, (block + 1) * kAuditTimeBlockLeaves);
    if (!ranges.empty() && ranges.back().second == begin) {
      ranges.back().second = stop;
    } else {
      ranges.emplace_back(begin, stop);
    }
  }
  return ranges;
}

}  // namespace

absl::StatusOr<AuditScan> ScanAuditLog(const Store& store, const AuditQueryPlan& plan, uint64_t end,
                                       uint64_t scan_budget) {
  const AuditFilter& filter = plan.filter;
  const bool through_index = !filter.subject_key.empty() || IsIndexedOrganisation(filter.organisation);
  // A subject's index entries may list leaves a PERSONS_LINKED event links
  // to the person (store schema 5); they are in the answer when the link
  // events are: the filters pass them and the answer's tree holds them all.
  bool linked_ok = false;
  if (!filter.subject_key.empty() && filter.AcceptsLinks()) {
    absl::StatusOr<std::string> linked_size = store.Get(Family::kMeta, keys::PersonsLinkedSizeKey());
    if (linked_size.ok()) {
      linked_ok = end >= keys::ParseU64(*linked_size);
    } else if (!absl::IsNotFound(linked_size.status())) {  // not found: no link events were ever written
      return linked_size.status();
    }
  }
  LeafCollector collector(plan, end, scan_budget, through_index, linked_ok);
  if (through_index) {
    // The most selective index: a person's events are few, an
    // organisation's many.
    const std::string prefix = !filter.subject_key.empty() ? AuditSubjectPrefix(filter.subject_key)
                                                           : AuditOrganisationPrefix(filter.organisation);
    std::unique_ptr<rocksdb::Iterator> it = !filter.subject_key.empty()
                                                ? store.NewPrefixIterator(Family::kAuditKeyIndex)
                                                : store.NewIterator(Family::kAuditIndex);
    for (it->Seek(AuditIndexKey(prefix, plan.start)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const uint64_t index = keys::ParseU64(AsView(it->key()).substr(prefix.size()));
      if (index >= end) break;
      absl::StatusOr<std::string> stored = store.Get(Family::kAudit, keys::U64(index));
      if (absl::IsNotFound(stored.status())) continue;  // a removed leaf: only a complete export can show that
      if (!stored.ok()) return stored.status();
      if (!collector.Consider(index, *stored)) return collector.Take();
    }
    if (!it->status().ok()) return absl::InternalError("audit index scan: " + it->status().ToString());
    return collector.Take();
  }
  absl::StatusOr<std::vector<std::pair<uint64_t, uint64_t>>> ranges = RangesInTime(store, filter, plan.start, end);
  if (!ranges.ok()) return ranges.status();
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(Family::kAudit);
  for (const auto& [begin, stop] : *ranges) {
    const std::string stop_key = keys::U64(stop);
    for (it->Seek(keys::U64(begin)); it->Valid() && it->key().compare(stop_key) < 0; it->Next()) {
      if (!collector.Consider(keys::ParseU64(AsView(it->key())), AsView(it->value()))) return collector.Take();
    }
    if (!it->status().ok()) return absl::InternalError("audit log scan: " + it->status().ToString());
  }
  return collector.Take();
}

std::string AuditPageToken(const AuditQueryPlan& plan, uint64_t next, uint64_t end) {
  return absl::WebSafeBase64Escape(absl::StrCat(keys::U64(next), keys::U64(end), plan.fingerprint));
}

void DescribeAuditQuery(absl::string_view call, const v1::QueryEventsRequest& request, v1::AuditEvent& event) {
  std::vector<std::string> parts;
  if (request.time_range().has_from()) parts.push_back("from=" + TimeUtil::ToString(request.time_range().from()));
  if (request.time_range().has_until()) parts.push_back("until=" + TimeUtil::ToString(request.time_range().until()));
  if (!request.organisation().empty()) parts.push_back("organisation=" + request.organisation());
  for (int type : request.types()) parts.push_back("type=" + v1::AuditEventType_Name(type));
  if (request.outcome() != v1::DECISION_OUTCOME_UNSPECIFIED) {
    parts.push_back("outcome=" + v1::DecisionOutcome_Name(request.outcome()));
  }
  // The subject key goes where every event keeps the subjects it concerns.
  if (!request.subject_key().empty()) event.add_subject_keys(absl::AsciiStrToLower(request.subject_key()));
  parts.push_back(request.page().page_token().empty() ? "first page" : "later page");
  event.set_reason(absl::StrCat(call, ": ", absl::StrJoin(parts, " ")));
}

}  // namespace samenloop::broker
