#ifndef SAMENLOOP_AUDIT_QUERY_H_
#define SAMENLOOP_AUDIT_QUERY_H_

// An auditor's event query without the network: validates the filters of a
// QueryEventsRequest, finds the matching leaves of the audit log and returns
// them with the exact bytes hashed into their leaves.
//
// Cost: a query by subject key or organisation walks that key's entries of
// the audit index (audit/index.h) in leaf order and reads only the
// leaves they name; a query with a time range (and neither of those) reads
// only the blocks of 1024 leaves whose times overlap the range; other
// filters (types, outcome) are checked on each leaf read. Each call reads
// at most `scan_budget` leaves and then returns what it found with a page
// token, so no call costs more than that.
//
// The first page fixes the tree size the query covers (`end`): later pages
// read up to the same size, so a query's answer is a fixed set even while
// the log grows (not least by the query's own AUDIT_QUERY events).
//
// Redacted leaves (docs/audit.md "Redaction") have no body to filter on:
// they are returned by a query without types, outcome and time range, found
// through the subject and organisation entries they had before redaction.
//
// A query by subject key returns the leaves the key's index entries list:
// those that name the person, and the older ones a PERSONS_LINKED event
// links to them (store schema 5, audit/index.h), with that event. Linked
// leaves are left out when the filters would leave out the link event
// (AuditFilter::AcceptsLinks) or the query's tree size predates the link
// events (a page token from before the upgrade): an answer never holds a
// leaf without what shows it concerns the person.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/store.h"
#include "samenloop/v1/audit.pb.h"

namespace samenloop::broker {

inline constexpr uint32_t kDefaultAuditPageSize = 100;
inline constexpr uint32_t kMaxAuditPageSize = 1000;
inline constexpr uint64_t kDefaultAuditScanBudget = 100000;

struct AuditFilter {
  std::optional<absl::Time> from;   // inclusive
  std::optional<absl::Time> until;  // exclusive
  std::string organisation;         // actor or recipient
  std::set<int> types;              // any of these; empty: all
  v1::DecisionOutcome outcome = v1::DECISION_OUTCOME_UNSPECIFIED;
  std::string subject_key;          // lowercase hex; empty: any

  // `listed_for_subject`: the leaf was reached through the subject_key's
  // index entries, which are written only with a leaf that names the key or
  // by a PERSONS_LINKED event that names it and is itself in the log. Such a
  // leaf matches the subject_key even when its body names only its signal's
  // subject (appended before store schema 5); every other filter is checked
  // on the body as always. ScanAuditLog passes it only when the link events
  // are in the answer too (AcceptsLinks, and the answer's tree holds them).
  bool Matches(const v1::AuditEvent& event, bool listed_for_subject = false) const;
  // Whether every PERSONS_LINKED event naming the subject_key passes the
  // other filters (none that its body fails: no time range or outcome, its
  // type among the types, organisation none or the broker), so that an
  // answer with a linked leaf holds the event that links it, as `audit
  // verify` requires.
  bool AcceptsLinks() const;
  // Whether a redacted leaf the query reached is part of the answer: only
  // when no filter needs the body.
  bool AcceptsRedacted() const;
};

struct AuditQueryPlan {
  AuditFilter filter;
  uint32_t page_size = kDefaultAuditPageSize;
  uint64_t start = 0;        // first leaf to scan
  uint64_t end = 0;          // tree size covered; fixed by the first page
  bool first_page = true;
  std::string fingerprint;   // binds page tokens to the filters
};

// INVALID_ARGUMENT naming the field for bad filters or a foreign page token.
absl::StatusOr<AuditQueryPlan> PlanAuditQuery(const v1::QueryEventsRequest& request);

struct AuditLeaf {
  uint64_t index = 0;
  std::string data;  // the stored bytes, exactly as hashed; empty when redacted
  bool redacted = false;  // the body was redacted: proven by the stored leaf hash
  // Unset when the bytes no longer parse: such a leaf is returned whatever
  // the filters, so that damage is shown rather than filtered away.
  std::optional<v1::AuditEvent> event;
};

struct AuditScan {
  std::vector<AuditLeaf> matches;
  uint64_t next = 0;  // first leaf of the next page; == end when done
};

// Reads the candidate leaves of [plan.start, end) until plan.page_size
// matches or `scan_budget` leaves have been read.
absl::StatusOr<AuditScan> ScanAuditLog(const Store& store, const AuditQueryPlan& plan, uint64_t end,
                                       uint64_t scan_budget = kDefaultAuditScanBudget);

// Opaque token for the page that starts at leaf `next` of a query covering
// `end` leaves.
std::string AuditPageToken(const AuditQueryPlan& plan, uint64_t next, uint64_t end);

// What the AUDIT_QUERY event records of a query: the call, its filters and
// its page.
void DescribeAuditQuery(absl::string_view call, const v1::QueryEventsRequest& request, v1::AuditEvent& event);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_AUDIT_QUERY_H_
