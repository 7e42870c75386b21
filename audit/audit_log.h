#ifndef SAMENLOOP_AUDIT_AUDIT_LOG_H_
#define SAMENLOOP_AUDIT_AUDIT_LOG_H_

// The audit component: Samenloop's tamper-evident log, kept apart from the
// broker that writes to it (as Trillian keeps its log apart from its
// personalities). What it offers:
//   merkle_tree.h  the RFC 6962 tree over the log's leaves, stored node by node
//                  in the same write as each leaf; roots, inclusion and
//                  consistency proofs
//   log_writer.h   appending events (and their tree nodes and index entries)
//                  to a caller's atomic write
//   index.h        the secondary indexes (signal, subject key, organisation,
//                  time blocks) written with each leaf
//   query.h        an auditor's event query over those indexes, with page tokens
//   statistics.h   monthly aggregates with small cells suppressed
//   tree_heads.h   signing and keeping tree heads
//   events.h       building an audit event and its timestamps
// It depends on storage/ (the RocksDB store and its key layouts) and crypto/
// only, never on the broker.

#include "audit/events.h"
#include "audit/index.h"
#include "audit/log_writer.h"
#include "audit/merkle_tree.h"
#include "audit/query.h"
#include "audit/statistics.h"
#include "audit/tree_heads.h"

#endif  // SAMENLOOP_AUDIT_AUDIT_LOG_H_
