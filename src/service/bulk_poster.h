// File: service/bulk_poster.h
//
// High-volume posting (payment files, the benchmark). Posts many payments per transaction
// with exactly the checks and distribution of LedgerService::PostPayment, but keeps each
// obligor's ledger in memory between rows and batches instead of re-reading it, and writes
// one audit row per batch that lists every posting (enough to replay it).
//
// The cache is valid only while nobody else changes ledger inputs: every batch reads the
// store's ledger generation and drops the cache when another writer moved it. A payment dated
// before the obligor's latest posted one takes the full re-distribution path.
//
// Thread-safety: one BulkPoster per thread; it borrows `store` and `clock`.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/ledger_service.h"

namespace cse {

enum class BatchMode {
  kCommitValid,   // commit every good row; rejected rows are reported
  kAllOrNothing,  // any rejected row rolls the whole batch back
  kDryRun,        // check every row against the store, then roll back: nothing is written
};

struct RowOutcome {
  enum class Kind { kCreated, kExists, kRejected };
  Kind kind = Kind::kCreated;
  CollectionId id;
  Status error;  // for kRejected
};

struct BatchResult {
  std::vector<RowOutcome> outcomes;  // one per row, in order
  int64_t created = 0;
  int64_t exists = 0;
  int64_t rejected = 0;
  bool committed = false;
};

class BulkPoster {
 public:
  BulkPoster(Store& store, const Clock& clock, std::string actor);

  // Posts `rows` in one transaction. `label` names the source in the audit row (a file name).
  // Errors are store failures only (the batch is rolled back); rule violations are per-row
  // outcomes.
  Result<BatchResult> PostBatch(const std::vector<PaymentRequest>& rows, BatchMode mode,
                                const std::string& label);

 private:
  struct CaseInfo {
    PersonId obligor;
    CaseStatus status;
  };
  Result<RowOutcome> PostOne(const PaymentRequest& row, Date today, const std::string& at);
  Result<ObligorLedger*> LedgerFor(PersonId obligor);
  void DropCaches();

  Store& store_;
  const Clock& clock_;
  std::string actor_;
  std::unordered_map<int64_t, std::unique_ptr<ObligorLedger>> ledgers_;
  std::unordered_map<int64_t, CaseInfo> cases_;
  // cases_ holds cases read inside a caller's transaction (see PostBatch).
  bool cases_read_nested_ = false;
  int64_t generation_ = -1;
  DistributionPolicy policy_;
  std::vector<Collection> posted_;  // this batch's postings, for the audit row
};

}  // namespace cse
