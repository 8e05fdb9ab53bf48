// File: service/import.h
//
// Payment files (docs/PAYMENTS_CSV.md). A CSV with the header `key,case_id,amount,date,source`
// (any column order, extra columns refused) is posted through BulkPoster.
//
// Modes:
//   kCommitValid (default): rows are committed in batches of `batch_rows`; every good row is
//     posted, every bad row is reported (line number, field, reason) and nothing of it is
//     written.
//   kAllOrNothing: the whole file is one transaction; one bad row and nothing is written.
// Re-running an interrupted import (even kill -9 mid-file) is safe: each batch commits
// atomically, and rows already posted answer `exists` by their idempotency key.
// Other writers (the server, another command) get the write lock between batches:
// WritePacer leaves a gap of kWriterPause once the batches have held it for kWriterHold.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "service/bulk_poster.h"

namespace cse {

// Spaces a long job's write transactions so that other writers get the lock between them.
// A writer that finds the lock held waits in SQLite's busy handler, which retries at growing
// intervals: 1, 2, 5, 10, ... ms, then every 100 ms once it has waited about 0.33 s. Between
// two back-to-back transactions the lock is free for only a few milliseconds, which such a
// writer nearly always misses, so one that arrives during a long run of them waits out its
// whole busy timeout (5 s) and is refused with store_busy. A pause of kWriterPause (longer
// than the retry interval) lets every waiting writer in.
//
// Whether another writer is waiting cannot be known, so the job pauses whenever its
// transactions have held the lock for `hold` in all since the last gap of `pause` (one
// transaction of 0.3 s, or thirty of 5 ms); the time the job spends between transactions
// (reading, parsing, scoring) counts towards the pause. A waiting writer so waits at most
// about `hold` plus one transaction plus 0.1 s, and the job is slowed by at most `pause` per
// `hold` of lock time. Timing only (never business logic): a monotonic clock.
// Thread-safety: one thread.
inline constexpr std::chrono::milliseconds kWriterPause{110};
inline constexpr std::chrono::milliseconds kWriterHold{150};
class WritePacer {
 public:
  explicit WritePacer(std::chrono::milliseconds pause = kWriterPause,
                      std::chrono::milliseconds hold = kWriterHold)
      : pause_(pause), hold_(hold) {}
  // Call before opening a transaction: once the lock has been held for `hold` since the last
  // gap of `pause`, sleeps until `pause` has passed since the last Committed().
  void BeforeBegin();
  // Call when the transaction has ended (committed or rolled back).
  void Committed();
  // Time slept in BeforeBegin so far.
  double slept_seconds() const { return slept_seconds_; }

 private:
  using Steady = std::chrono::steady_clock;
  std::chrono::milliseconds pause_;
  std::chrono::milliseconds hold_;
  std::optional<Steady::time_point> last_commit_;
  Steady::time_point begin_;
  Steady::duration held_{0};  // lock time since the last gap of `pause`
  double slept_seconds_ = 0;
};

using ImportMode = BatchMode;

struct ImportRejection {
  int64_t line = 0;  // line number in the file; the header is line 1
  std::string key;
  std::string field;   // the column at fault, e.g. "amount"
  std::string reason;  // stable code, e.g. "amount_too_many_decimals"
  std::string message;
};

struct ImportReport {
  std::string file;
  ImportMode mode = ImportMode::kCommitValid;
  int64_t rows = 0;
  int64_t created = 0;
  int64_t exists = 0;
  int64_t rejected = 0;
  bool committed = true;          // kAllOrNothing: false when any row was rejected
  int64_t batches_committed = 0;  // transactions committed (kCommitValid: one per batch)
  std::vector<ImportRejection> rejections;
  // The rows posted and committed (created, not resubmissions), in file order: the
  // enforcement workflow reacts to them once the import is done (enforce/nightly.h).
  std::vector<PaymentRequest> posted;
};

// Errors before any row is posted: not_found "file_not_found", invalid_argument
// "csv_header_invalid". Errors that stop the import part way: resource_exhausted
// "import_too_many_rows", store errors (store_io, store_busy, ...). In kCommitValid mode the
// batches committed before such an error stay posted: the error's message says how many
// rows in how many batches, and that running the same file again posts the rest exactly once
// (the committed rows answer `exists`). In the other modes nothing was written.
// `open_reader`: a second connection to the store's file, for the batches' reads
// (BulkPoster::UseReader); empty for an in-memory store.
// `so_far`: when given, receives the report of what was committed, whether or not an error
// is returned (its `posted` rows need their payment events, enforce/nightly.h).
Result<ImportReport> ImportPaymentsCsv(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path, ImportMode mode,
                                       int64_t batch_rows = limits::kPostingsPerBatchDefault,
                                       BulkPoster::StoreOpener open_reader = {},
                                       ImportReport* so_far = nullptr);

// Splits one CSV line (RFC 4180 quoting, no embedded newlines). Errors: csv_quote_unbalanced.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line);

}  // namespace cse
