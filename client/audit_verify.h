#ifndef SAMENLOOP_CLIENT_AUDIT_VERIFY_H_
#define SAMENLOOP_CLIENT_AUDIT_VERIFY_H_

// Offline verification of the audit log for `samenloop audit verify`
// (docs/audit.md): nothing the broker says is taken on trust, only the log
// public key the auditor pinned and the tree heads the auditor kept.
//
// Every check is reported, passed or failed, so an auditor sees which one
// failed; the overall answer is "verified" only when none failed.

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "client/audit_files.h"
#include "crypto/merkle_rfc6962.h"

namespace samenloop::client {

struct VerifyReport {
  std::vector<std::string> passed;
  std::vector<std::string> failed;
  // Set by VerifyExport when nothing proves the export complete (a filtered
  // export, or one whose leaves do not cover the tree): what was not
  // established. The events can still all verify; "verified" is then not
  // claimed for the export as a whole.
  std::string completeness_not_established;
  bool ok() const { return failed.empty(); }
  bool complete() const { return completeness_not_established.empty(); }
  void Check(bool good, std::string what) { (good ? passed : failed).push_back(std::move(what)); }
};

// The root of a tree built one leaf hash at a time, in O(log n) memory (the
// complete subtrees of RFC 6962's split, largest first).
class RootBuilder {
 public:
  void Add(const crypto::MerkleHash& leaf_hash);
  uint64_t size() const { return size_; }
  crypto::MerkleHash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<std::pair<uint64_t, crypto::MerkleHash>> subtrees_;
};

// (a) A saved head against a newer one: both signatures under `key`, the
// newer tree at least as large, and `proof` (from GetConsistencyProof, for
// old.tree_size -> new.tree_size) showing that it extends the older one.
void VerifyHeadsConsistent(const SavedTreeHead& old_head, const SavedTreeHead& new_head,
                           absl::Span<const crypto::MerkleHash> proof, const crypto::LogPublicKey& key,
                           VerifyReport& report);

// (b) An export (JSON lines: header, then events): the head's signature, and
// for every event its leaf bytes against its inclusion proof, its readable
// form against its bytes and its position. A complete export must hold every
// leaf below the head's size, and its leaves must hash to the head's root.
// With `old_head`, also that the export's tree extends it: its signature,
// its size, and (complete exports) the root of its first leaves.
// The header's `complete` flag and `filters` are not signed, so they are
// claims: completeness is established only by the leaves themselves (all of
// them, hashing to the signed root); a header marked complete that carries
// filters fails, every event of a filtered export must match its filters,
// and otherwise report.completeness_not_established says what is missing.
void VerifyExport(std::istream& export_lines, const crypto::LogPublicKey& key,
                  const std::optional<SavedTreeHead>& old_head, VerifyReport& report);

}  // namespace samenloop::client

#endif  // SAMENLOOP_CLIENT_AUDIT_VERIFY_H_
