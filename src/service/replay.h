// File: service/replay.h
//
// Rebuilds the ledger from the audit trail alone — cases, orders, assistance, settings,
// postings and reversals — re-runs distribution, and compares the result with the store's
// current distributions. Agreement proves the audit trail is complete enough to reproduce
// every balance; a difference names the collection.
#pragma once

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

struct ReplayComparison {
  int64_t obligors = 0;
  int64_t collections = 0;
  int64_t mismatches = 0;
  std::vector<std::string> problems;  // the first few, human-readable
};

// Replays and compares with the stored distributions of every collection.
Result<ReplayComparison> CompareReplayWithStore(Store& store);

}  // namespace cse
