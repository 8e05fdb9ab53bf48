// File: service/replay.h
//
// Rebuilds the ledger from the audit trail alone — cases, orders, assistance, settings,
// postings and reversals — re-runs distribution, and compares the result with the store: the
// stored inputs of the ledger (cases with their children, orders with their child terms,
// assistance episodes, collections with their reversal), the persons, the case office
// assignments, the employers and employment records, the staff users, the enforcement
// actions, and every collection's current distribution. Agreement proves the audit trail is
// complete enough to reproduce every balance and that nothing the ledger reads was changed around
// it; a difference names the table, the row and the column (docs/ARCHITECTURE.md §7.2).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "storage/store.h"

namespace cse {

struct ReplayedLedger {
  std::map<int64_t, std::vector<CaseBook>> books_by_obligor;
  std::map<int64_t, std::vector<Collection>> collections_by_obligor;
  DistributionPolicy policy;
  int64_t audit_rows = 0;
};

// Errors: data_loss "audit_json_invalid" / "audit_replay_inconsistent".
Result<ReplayedLedger> ReplayAuditTrail(Store& store);

// Problems kept in words, of each kind (stored inputs, distributions); all are counted.
inline constexpr size_t kReplayProblemsMax = 10;

struct ReplayComparison {
  int64_t obligors = 0;
  int64_t collections = 0;
  // One per differing column of a row, per row on one side only (in the store but never
  // created by the trail, or created by the trail and gone), and per collection whose stored
  // distribution differs from the replayed one.
  int64_t mismatches = 0;
  // The first few, human-readable: stored inputs first (the cause), then distributions, e.g.
  // "support_order 400 (CASE-000244): amount_cents is 100 in the store, 50000 in the audit
  // trail".
  std::vector<std::string> problems;
};

// Replays and compares with the store: the ledger's settings (CompareSettings:
// distribution.assignment_model, .tax_offset_order, .futures, .federal_share_bps,
// .pass_through_one_child and .pass_through_two_or_more_children, and
// ledger.arrears_age_flag_days), every case, order, assistance episode, person (the SSN by its
// last four digits, all the audit row keeps), case office assignment, staff user (role,
// office, disabled), collection and enforcement action, and the stored distribution of every
// collection; the employers and employment records the trail has rows of (a new-hire file
// adds and renames them under one newhire.import row naming none, so stored rows the trail
// lacks are not reported, and an employer upserted before the latest newhire.import is
// compared by FEIN only); then the held money, every unidentified payment against its audit
// rows (CompareUnidentifiedWithTrail, below). A key an audit row lacks (written before the
// column existed) is not compared. Reads each table in bulk (collections and their
// distributions obligor by obligor). Errors: those of ReplayAuditTrail, and the store's.
Result<ReplayComparison> CompareReplayWithStore(Store& store);

// Part of CompareReplayWithStore (service/replay_unidentified.cc): every held (unidentified)
// payment against its `remittance.hold` audit row (amount, reason, file, who; pay date, FEIN,
// the SSN's last four digits, case reference and received date when the row lists them) and
// its `unidentified.resolve` row (status, resolution, case, key, when, who, why), rows on one
// side only too. Adds to `cmp.mismatches`, and up to kReplayProblemsMax of its own to
// `cmp.problems`. Errors: data_loss "audit_json_invalid", the store's.
Status CompareUnidentifiedWithTrail(Store& store, ReplayComparison& cmp);

}  // namespace cse
