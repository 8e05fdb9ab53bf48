// File: service/bulk_poster.h
//
// High-volume posting (payment files, the benchmark). Posts many payments per transaction
// with exactly the checks and distribution of LedgerService::PostPayment, but keeps each
// obligor's ledger in memory between rows and batches instead of re-reading it, and writes
// one audit row per batch that lists every posting (enough to replay it); a batch of more than
// limits::kAuditPostingsPerRowMax postings writes one such row per that many.
//
// The cache is valid only while nobody else changes ledger inputs: every batch reads the
// store's ledger generation and drops the cache when another writer moved it. A payment dated
// before the obligor's latest posted one takes the full re-distribution path.
//
// Thread-safety: one BulkPoster per thread; it borrows `store` and `clock`. PostBatch runs a
// second thread for large batches (inserts), and serializes its use of `store` with a mutex.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "service/case_open_on.h"
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

  // A second connection to the same database file, opened on the first pipelined batch that
  // begins its own transaction (not one nested in a caller's). Such a batch then reads the
  // cases and ledgers its rows need on a third thread through it, a stretch of
  // kPrefetchChunk rows ahead of the checks, while the rows before are inserted; without it
  // (an in-memory store), all of that is read on the store before the first check. Reads
  // through it see the database as of the batch's BEGIN: the batch holds the write lock, and
  // a ledger is read before the batch's first row of its obligor. Errors of `open` fail the
  // batch (store errors, rolled back).
  using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;
  void UseReader(StoreOpener open) { open_reader_ = std::move(open); }

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
  // Batches of at least kPipelineMinRows rows are posted by PostPipelined: checks and
  // distribution on the calling thread; a second thread inserts the rows in chunks of
  // kPipelineChunk handed over through a short queue.
  static constexpr size_t kPipelineMinRows = 256;
  static constexpr size_t kPipelineChunk = 512;
  // kDecided: `decided` holds the row's outcome (rejected, or an already stored key).
  enum class Step { kDecided, kBackdated, kReady };
  struct Prepared {
    size_t index = 0;  // in the batch
    StoredCollection row;
  };
  struct ChunkResult {
    Status error;                       // a store failure
    std::optional<size_t> conflict_at;  // the row whose key is already stored (not inserted)
  };
  // The checks before the ledger, in order: the request's own rules, the case exists (read
  // once, then cached) and is open on the payment's date (ClosedDaysOf; a case closed today
  // takes a payment dated before its closing). Returns the case's obligor, or nothing with
  // `decided` set to the rejection.
  Result<std::optional<PersonId>> CheckRow(const PaymentRequest& r, Date today,
                                           RowOutcome& decided);
  // Checks `r` and, for kReady, fills `row` and applies it to the cached ledger (kDecided
  // fills `decided`; kBackdated needs the re-distribution of PostOne). Writes nothing. A key
  // already stored is normally found by the insert's unique index, after the row was applied
  // to its obligor's ledger, which must then be read again from the store. With
  // `key_lookup_first` (once this poster has met a stored key: a re-run file) the key is
  // looked up after the case checks and before the ledger, so a resubmission costs one
  // index lookup. Either way a row is checked in the same order and gets the same outcome.
  Result<Step> Prepare(const PaymentRequest& r, Date today, const std::string& at,
                       bool key_lookup_first, StoredCollection& row, RowOutcome& decided);
  Result<RowOutcome> PostOne(const PaymentRequest& row, Date today, const std::string& at);
  // The outcome of `r`, whose key is stored as `stored`: exists, or rejected
  // exists_with_different_*.
  static RowOutcome Resubmission(const Collection& stored, const PaymentRequest& r);
  Result<RowOutcome> Resubmitted(const PaymentRequest& r);
  // Inserts the rows in order; stops at the first key conflict or store error.
  ChunkResult InsertChunk(std::vector<Prepared> chunk, std::vector<RowOutcome>& outcomes);
  // With `reader`, the cases and ledgers are read stretch by stretch on a third thread (see
  // UseReader); without, Prefetch reads them first.
  Status PostPipelined(const std::vector<PaymentRequest>& rows, Date today, const std::string& at,
                       std::vector<RowOutcome>& outcomes, Store* reader);
  // PostPipelined for at least kPipelineMinRows rows, else PostOne row by row.
  Status PostRows(const std::vector<PaymentRequest>& rows, Date today, const std::string& at,
                  std::vector<RowOutcome>& outcomes, Store* reader);
  // PostPipelined, except after a batch that met stored keys: then the rows whose keys are
  // stored are decided first, one lookup each, and the others are posted by PostRows (so only
  // their cases and ledgers are read).
  Status PostPipelinedAfterStoredKeys(const std::vector<PaymentRequest>& rows, Date today,
                                      const std::string& at, std::vector<RowOutcome>& outcomes,
                                      Store* reader);
  // An obligor's ledger: its books with its stored, non-reversed collections (by (date, id))
  // applied. LedgerFor and Prefetch differ only in how they read those.
  std::unique_ptr<ObligorLedger> BuildLedger(std::vector<CaseBook> books,
                                             const std::vector<Collection>& stored) const;
  Result<ObligorLedger*> LedgerFor(PersonId obligor);
  // The closed days of case `c` of `obligor` (ledger/engine.h ClosedSpans), read once per
  // obligor: they come with its books when its ledger is read (LedgerFor, ReadStretches), else
  // from its case events (LoadClosedDays), so a pipelined batch reads none per row. Valid
  // until the caches are dropped (a closing or reopening moves the ledger generation).
  Result<std::span<const DateSpan>> ClosedDaysOf(PersonId obligor, CaseId c);
  // Records the closed days of `books` (all of one obligor's cases), unless already known.
  void NoteClosedDays(int64_t obligor, const std::vector<CaseBook>& books);
  // Before a pipelined batch without a reader: caches the cases and builds the ledgers its
  // rows need that are not cached yet, with list reads on the store (ReadStretches) instead of
  // GetCase and LedgerFor's several reads on the first row of each.
  static constexpr size_t kPrefetchChunk = 10'000;
  Status Prefetch(const std::vector<PaymentRequest>& rows);
  // What was read for one stretch of kPrefetchChunk rows: the cases and the ledgers of the
  // obligors that first appear in it (and are not cached).
  struct Stretch {
    std::vector<Case> cases;
    std::vector<std::pair<int64_t, std::unique_ptr<ObligorLedger>>> ledgers;
    ClosedDaysByCase closed;  // of the cases of the obligors in `ledgers`
  };
  // What ReadStretches starts from, copied so that it can run beside the caches' owner:
  // `obligor_of[i]` is row i's obligor when its case is cached (0 otherwise), `cached` the
  // obligors with a cached ledger.
  struct CacheView {
    std::vector<int64_t> obligor_of;
    std::unordered_set<int64_t> cached;
  };
  CacheView ViewOfCaches(const std::vector<PaymentRequest>& rows) const;
  // Takes a stretch's cases and ledgers into the caches; what is cached already is kept.
  void TakeStretch(Stretch stretch);
  // Reads through `store` (the batch's own or the reader) the stretches of `rows` in order,
  // handing each to `sink` until it answers false; a read error is handed over last. Reads
  // each case and obligor once, with list reads (GetCasesListed, Store::LoadLedgerInputs).
  using StretchSink = std::function<bool(Result<Stretch>)>;
  void ReadStretches(Store& store, const std::vector<PaymentRequest>& rows, CacheView view,
                     const StretchSink& sink) const;
  void DropCaches();

  Store& store_;
  const Clock& clock_;
  std::string actor_;
  std::unordered_map<int64_t, std::unique_ptr<ObligorLedger>> ledgers_;
  std::unordered_map<int64_t, CaseInfo> cases_;
  // Closed days by case, complete for the obligors in closed_read_ (ClosedDaysOf).
  ClosedDaysByCase closed_;
  std::unordered_set<int64_t> closed_read_;
  // cases_ holds cases read inside a caller's transaction (see PostBatch).
  bool cases_read_nested_ = false;
  // A row's key was found already stored: from then on PostOne looks keys up first, and the
  // next pipelined batch decides the rows whose keys are stored before the others.
  bool met_stored_key_ = false;
  int64_t generation_ = -1;
  DistributionPolicy policy_;
  std::vector<Collection> posted_;  // this batch's postings, for the audit row
  StoreOpener open_reader_;
  std::unique_ptr<Store> reader_;  // opened by the first batch that uses it
  // Serializes store access between the two threads of PostPipelined.
  std::mutex store_mu_;
};

}  // namespace cse
