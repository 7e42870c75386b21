#include "client/audit_verify.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "crypto/hex.h"

namespace samenloop::client {
namespace {

std::string Hex(const crypto::MerkleHash& hash) { return crypto::HexEncode(hash); }

bool SignatureOk(const SavedTreeHead& saved, const crypto::LogPublicKey& key) {
  return crypto::VerifyTreeHead(saved.head, saved.signature, key).ok();
}

absl::StatusOr<crypto::MerkleHash> HashFromHex(const std::string& hex) {
  absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(hex);
  if (!bytes.ok() || bytes->size() != 32) return absl::InvalidArgumentError("not a 32-byte hex hash");
  crypto::MerkleHash hash{};
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

// What one exported event turned out to be.
struct CheckedEvent {
  bool ok = false;
  bool redacted = false;
  crypto::MerkleHash leaf_hash{};  // what the tree holds for it (zero when unreadable)
  std::optional<v1::AuditEvent> event;  // the verified body, when there is one
};

// A redacted leaf: no body, only the hash the tree holds. Its proof must
// verify from that hash, and its readable form must be the bare stub.
CheckedEvent VerifyRedacted(const audit_files::v1::ExportedEvent& line, const std::vector<crypto::MerkleHash>& path,
                            const SavedTreeHead& head, VerifyReport& report) {
  const std::string leaf = absl::StrCat("leaf ", line.leaf_index());
  CheckedEvent checked;
  checked.redacted = true;
  absl::StatusOr<crypto::MerkleHash> hash = HashFromHex(line.leaf_hash());
  if (!hash.ok() || !line.leaf_data().empty()) {
    report.Check(false, leaf + ": redacted, but without a 32-byte leaf_hash or with leaf_data as well");
    return checked;
  }
  checked.leaf_hash = *hash;
  checked.ok = true;
  absl::Status included = crypto::VerifyInclusion(line.leaf_index(), head.head.tree_size, *hash, path, head.head.root);
  if (!included.ok()) {
    report.Check(false, absl::StrCat(leaf, ": redacted; its inclusion proof does not verify from its leaf hash (",
                                     included.message(), ")"));
    checked.ok = false;
  }
  v1::AuditEvent stub;
  stub.set_leaf_index(line.leaf_index());
  stub.set_redacted(true);
  if (line.has_event() && line.event().SerializeAsString() != stub.SerializeAsString()) {
    report.Check(false, leaf + ": redacted, but its readable event carries more than the stub");
    checked.ok = false;
  }
  return checked;
}

// The checks of one exported event; `ok` false if any failed.
CheckedEvent VerifyEvent(const audit_files::v1::ExportedEvent& line, const SavedTreeHead& head, VerifyReport& report) {
  const std::string leaf = absl::StrCat("leaf ", line.leaf_index());
  CheckedEvent checked;
  const bool redacted = line.event().redacted() || !line.leaf_hash().empty();
  absl::StatusOr<std::vector<uint8_t>> data = crypto::HexDecode(line.leaf_data());
  if (!redacted) {
    if (!data.ok()) {
      report.Check(false, leaf + ": leaf_data is not hex");
      return checked;
    }
    checked.leaf_hash = crypto::HashLeaf(*data);
  }
  std::vector<crypto::MerkleHash> path;
  for (const std::string& hex : line.proof()) {
    absl::StatusOr<crypto::MerkleHash> hash = HashFromHex(hex);
    if (!hash.ok()) {
      report.Check(false, leaf + ": proof holds something that is not a 32-byte hex hash");
      return checked;
    }
    path.push_back(*hash);
  }
  if (redacted) return VerifyRedacted(line, path, head, report);
  bool ok = true;
  absl::Status included =
      crypto::VerifyInclusion(line.leaf_index(), head.head.tree_size, checked.leaf_hash, path, head.head.root);
  if (!included.ok()) {
    report.Check(false, absl::StrCat(leaf, ": inclusion proof does not verify against the tree head (",
                                     included.message(), ")"));
    ok = false;
  }
  v1::AuditEvent decoded;
  if (!decoded.ParseFromArray(data->data(), static_cast<int>(data->size()))) {
    report.Check(false, leaf + ": leaf_data is not an audit event");
    return checked;
  }
  if (decoded.leaf_index() != line.leaf_index()) {
    report.Check(false, absl::StrCat(leaf, ": its data is the event of leaf ", decoded.leaf_index(),
                                     " (leaves moved or replaced)"));
    ok = false;
  }
  if (line.has_event() && line.event().SerializeAsString() != decoded.SerializeAsString()) {
    report.Check(false, leaf + ": the readable event differs from its leaf_data");
    ok = false;
  }
  checked.ok = ok;
  if (ok) checked.event = std::move(decoded);
  return checked;
}

// Redacted leaves must be accounted for: a SIGNAL_EXPIRED event later in the
// log names each leaf it redacted. In a complete export a redacted leaf no
// expiry event names is a body removed without cause; a filtered export may
// simply not hold the expiry event.
class RedactionLedger {
 public:
  void Redacted(uint64_t leaf) { redacted_.push_back(leaf); }
  void Verified(const v1::AuditEvent& event) {
    if (event.type() != v1::AUDIT_EVENT_TYPE_SIGNAL_EXPIRED) return;
    for (uint64_t leaf : event.redacted_leaves()) {
      if (leaf < event.leaf_index()) named_.insert(leaf);
    }
  }
  void Report(bool complete, VerifyReport& report) const {
    if (redacted_.empty()) return;
    std::vector<uint64_t> unnamed;
    for (uint64_t leaf : redacted_) {
      if (named_.count(leaf) == 0) unnamed.push_back(leaf);
    }
    const std::string count = absl::StrCat(redacted_.size(), " leaf/leaves redacted after retention");
    if (unnamed.empty()) {
      report.Check(true, count + ", each named by a later SIGNAL_EXPIRED event in this export");
    } else if (complete) {
      report.Check(false, absl::StrCat(count, "; ", unnamed.size(), " of them (first: leaf ", unnamed.front(),
                                       ") named by no SIGNAL_EXPIRED event: a body was removed without a retention "
                                       "deletion"));
    } else {
      report.Check(true, absl::StrCat(count, "; ", unnamed.size(),
                                      " not named by an expiry event in this filtered export (a complete export "
                                      "checks that each is)"));
    }
  }

 private:
  std::vector<uint64_t> redacted_;
  std::set<uint64_t> named_;
};

// Why `event` would not be in an export with `filters`, or nullopt when it
// matches. The same rules as the broker's query (audit/query.cc).
std::optional<std::string> FilterMismatch(const v1::QueryEventsRequest& filters, const v1::AuditEvent& event) {
  const int64_t millis = event.time().seconds() * 1000 + event.time().nanos() / 1000000;
  auto to_millis = [](const google::protobuf::Timestamp& t) { return t.seconds() * 1000 + t.nanos() / 1000000; };
  if (filters.time_range().has_from() && millis < to_millis(filters.time_range().from())) {
    return "its time is before the filters' time_range";
  }
  if (filters.time_range().has_until() && millis >= to_millis(filters.time_range().until())) {
    return "its time is not before the filters' time_range.until";
  }
  if (!filters.organisation().empty() && event.actor_organisation() != filters.organisation() &&
      event.recipient_organisation() != filters.organisation()) {
    return "neither its actor nor its recipient is the filters' organisation";
  }
  if (filters.types_size() > 0 &&
      std::find(filters.types().begin(), filters.types().end(), event.type()) == filters.types().end()) {
    return "its type is not among the filters' types";
  }
  if (filters.outcome() != v1::DECISION_OUTCOME_UNSPECIFIED && event.outcome() != filters.outcome()) {
    return "its outcome is not the filters' outcome";
  }
  // The subject_key is checked by PersonLinks: an event may be linked to
  // the person by a later event of the export.
  return std::nullopt;
}

constexpr char kNotNamed[] = "it does not name the filters' subject_key";

// Whether the event names the person: as the subject or as a related person
// of the event's signals.
bool NamesKey(const v1::AuditEvent& event, const std::string& key) {
  if (std::find(event.subject_keys().begin(), event.subject_keys().end(), key) != event.subject_keys().end()) {
    return true;
  }
  return std::any_of(event.named_persons().begin(), event.named_persons().end(),
                     [&](const v1::NamedPerson& named) { return named.key() == key; });
}

// In a subject_key export every event names the key, or is linked to it: a
// PERSONS_LINKED event later in the export (store schema 5) names the key
// and lists the event's leaf in linked_leaves. The link follows the leaf,
// so the unnamed leaves wait for the end of the export.
class PersonLinks {
 public:
  explicit PersonLinks(std::string key) : key_(std::move(key)) {}

  void Verified(const v1::AuditEvent& event, uint64_t line_number) {
    if (!NamesKey(event, key_)) {
      unnamed_.emplace_back(event.leaf_index(), line_number);
      return;
    }
    if (event.type() != v1::AUDIT_EVENT_TYPE_PERSONS_LINKED) return;
    for (uint64_t leaf : event.linked_leaves()) {
      if (leaf < event.leaf_index()) linked_.insert(leaf);
    }
  }

  // The unnamed leaves no link event of the export lists: (leaf, line).
  std::vector<std::pair<uint64_t, uint64_t>> Unlinked() const {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& [leaf, line] : unnamed_) {
      if (linked_.count(leaf) == 0) out.emplace_back(leaf, line);
    }
    return out;
  }
  size_t linked_count() const { return unnamed_.size() - Unlinked().size(); }

 private:
  const std::string key_;
  std::vector<std::pair<uint64_t, uint64_t>> unnamed_;
  std::set<uint64_t> linked_;
};

bool HasFilters(const v1::QueryEventsRequest& filters) {
  v1::QueryEventsRequest without_page = filters;
  without_page.clear_page();
  return without_page.ByteSizeLong() > 0;
}

}  // namespace

void RootBuilder::Add(const crypto::MerkleHash& leaf_hash) {
  subtrees_.emplace_back(1, leaf_hash);
  while (subtrees_.size() >= 2 && subtrees_[subtrees_.size() - 1].first == subtrees_[subtrees_.size() - 2].first) {
    auto right = subtrees_.back();
    subtrees_.pop_back();
    subtrees_.back() = {2 * right.first, crypto::HashChildren(subtrees_.back().second, right.second)};
  }
  ++size_;
}

crypto::MerkleHash RootBuilder::Root() const {
  if (subtrees_.empty()) return crypto::EmptyRoot();
  crypto::MerkleHash root = subtrees_.back().second;
  for (size_t i = subtrees_.size() - 1; i-- > 0;) root = crypto::HashChildren(subtrees_[i].second, root);
  return root;
}

void VerifyHeadsConsistent(const SavedTreeHead& old_head, const SavedTreeHead& new_head,
                           absl::Span<const crypto::MerkleHash> proof, const crypto::LogPublicKey& key,
                           VerifyReport& report) {
  report.Check(SignatureOk(old_head, key), "old head: signature by the pinned log key");
  report.Check(SignatureOk(new_head, key), "new head: signature by the pinned log key");
  const uint64_t first = old_head.head.tree_size, second = new_head.head.tree_size;
  if (first > second) {
    report.Check(false, absl::StrCat("consistency: the new tree (", second, " leaves) is smaller than the old one (",
                                     first, "): the log was truncated or rolled back"));
    return;
  }
  absl::Status consistent = crypto::VerifyConsistency(first, second, old_head.head.root, new_head.head.root, proof);
  report.Check(consistent.ok(), consistent.ok()
                                    ? absl::StrCat("consistency: the tree of ", second,
                                                   " leaves extends the saved tree of ", first)
                                    : absl::StrCat("consistency: the new head does not extend the old one (",
                                                   consistent.message(), ")"));
}

void VerifyExport(std::istream& export_lines, const crypto::LogPublicKey& key,
                  const std::optional<SavedTreeHead>& old_head, VerifyReport& report) {
  std::string text;
  audit_files::v1::ExportLine line;
  if (!std::getline(export_lines, text) || !FromJson(text, line).ok() || !line.has_header() ||
      line.header().format() != kExportFormat) {
    report.Check(false, absl::StrCat("export: the first line is not a ", kExportFormat, " header"));
    return;
  }
  const audit_files::v1::ExportHeader header = line.header();
  absl::StatusOr<SavedTreeHead> head = FromTreeHeadFile(header.tree_head());
  if (!head.ok()) {
    report.Check(false, absl::StrCat("export tree head: ", head.status().message()));
    return;
  }
  report.Check(SignatureOk(*head, key), absl::StrCat("export tree head (", head->head.tree_size,
                                                     " leaves, root ", Hex(head->head.root),
                                                     "): signature by the pinned log key"));
  // The header is not signed: a `complete` export made by `audit export`
  // never has filters, so both together mean the header was edited.
  const bool filtered = HasFilters(header.filters());
  if (header.complete() && filtered) {
    report.Check(false, "export header: marked complete but carries filters (the header was edited)");
  }
  uint64_t mismatched = 0;
  RootBuilder all;          // every leaf, in order, while the export has no gap
  bool contiguous = true;   // the leaves so far are 0, 1, 2, ...
  std::optional<crypto::MerkleHash> old_prefix_root;
  const uint64_t old_size = old_head.has_value() ? old_head->head.tree_size : 0;
  uint64_t events = 0, bad_events = 0, line_number = 1;
  std::optional<uint64_t> previous;
  bool gap_reported = false;
  RedactionLedger redactions;
  std::optional<PersonLinks> links;
  if (!header.filters().subject_key().empty()) links.emplace(absl::AsciiStrToLower(header.filters().subject_key()));
  while (std::getline(export_lines, text)) {
    ++line_number;
    if (text.empty()) continue;
    audit_files::v1::ExportLine event_line;
    if (!FromJson(text, event_line).ok() || !event_line.has_event()) {
      report.Check(false, absl::StrCat("export line ", line_number, ": not an event"));
      ++bad_events;
      continue;
    }
    const audit_files::v1::ExportedEvent& event = event_line.event();
    ++events;
    if (previous.has_value() && event.leaf_index() <= *previous) {
      report.Check(false, absl::StrCat("export line ", line_number, ": leaf ", event.leaf_index(),
                                       " is out of order (after leaf ", *previous, ")"));
      ++bad_events;
    }
    previous = event.leaf_index();
    CheckedEvent checked = VerifyEvent(event, *head, report);
    if (!checked.ok) ++bad_events;
    if (checked.ok && checked.redacted) redactions.Redacted(event.leaf_index());
    if (checked.event.has_value()) redactions.Verified(*checked.event);
    if (checked.event.has_value() && filtered) {
      if (std::optional<std::string> why = FilterMismatch(header.filters(), *checked.event); why.has_value()) {
        if (mismatched++ == 0) {
          report.Check(false, absl::StrCat("export line ", line_number, ": leaf ", event.leaf_index(),
                                           " does not match the export's filters (", *why,
                                           "): the filters were edited"));
        }
      } else if (links.has_value()) {
        links->Verified(*checked.event, line_number);
      }
    }
    if (event.leaf_index() != all.size()) {
      if (header.complete() && !gap_reported) {
        report.Check(false, absl::StrCat("complete export: leaf ", all.size(), " is missing (next is leaf ",
                                         event.leaf_index(), ")"));
        gap_reported = true;
      }
      contiguous = false;
    }
    if (contiguous || header.complete()) {
      all.Add(checked.leaf_hash);
      if (all.size() == old_size) old_prefix_root = all.Root();
    }
  }
  if (links.has_value()) {
    for (const auto& [leaf, at_line] : links->Unlinked()) {
      if (mismatched++ == 0) {
        report.Check(false, absl::StrCat("export line ", at_line, ": leaf ", leaf,
                                         " does not match the export's filters (", kNotNamed,
                                         ", and no PERSONS_LINKED event in the export links it to the key): "
                                         "the filters were edited"));
      }
    }
    if (const size_t linked = links->linked_count(); linked > 0) {
      report.Check(true, absl::StrCat(linked, " event(s) that name only their signal's subject, each linked to the "
                                      "filters' subject_key by a later PERSONS_LINKED event in this export"));
    }
  }
  if (mismatched > 1) {
    report.Check(false, absl::StrCat(mismatched, " events in all do not match the export's filters"));
  }
  report.Check(bad_events == 0, absl::StrCat("events: ", events - std::min(events, bad_events), " of ", events,
                                             " verify (inclusion proof, leaf data, position)"));
  redactions.Report(header.complete(), report);
  if (header.complete()) {
    report.Check(all.size() == head->head.tree_size && !gap_reported,
                 absl::StrCat("complete export: ", all.size(), " leaves for a tree of ", head->head.tree_size));
    report.Check(all.Root() == head->head.root,
                 all.Root() == head->head.root
                     ? "complete export: the leaves hash to the tree head's root"
                     : absl::StrCat("complete export: the leaves hash to ", Hex(all.Root()),
                                    ", not to the tree head's root"));
  } else if (contiguous && all.size() == head->head.tree_size && all.Root() == head->head.root) {
    // Not marked complete, but the leaves prove it: every one of them, and
    // they hash to the signed root.
    report.Check(true, absl::StrCat("export not marked complete, but it holds all ", all.size(),
                                    " leaves of the tree head and they hash to its root"));
  } else {
    report.completeness_not_established = absl::StrCat(
        "the export holds ", events, " of the tree's ", head->head.tree_size,
        " leaves; its filters and `complete` flag are not signed, so nothing proves that no event ",
        filtered ? "matching its filters" : "it should hold", " was left out");
  }
  if (!old_head.has_value()) return;
  report.Check(SignatureOk(*old_head, key), "saved head: signature by the pinned log key");
  if (old_size > head->head.tree_size) {
    report.Check(false, absl::StrCat("saved head: the export's tree (", head->head.tree_size,
                                     " leaves) is smaller than the saved one (", old_size,
                                     "): the log was truncated or rolled back"));
    return;
  }
  if (!header.complete()) {
    report.Check(false, "saved head: checking it needs a complete export (no filters)");
    return;
  }
  if (old_size == 0) old_prefix_root = crypto::EmptyRoot();
  const bool extends = old_prefix_root.has_value() && *old_prefix_root == old_head->head.root;
  report.Check(extends, extends ? absl::StrCat("saved head: the first ", old_size,
                                               " leaves of the export hash to its root")
                                : absl::StrCat("saved head: the first ", old_size,
                                               " leaves of the export do not hash to its root: the log was altered"));
}

}  // namespace samenloop::client
