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
#pragma once

#include <string>
#include <vector>

#include "core/limits.h"
#include "service/bulk_poster.h"

namespace cse {

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
  bool committed = true;  // kAllOrNothing: false when any row was rejected
  std::vector<ImportRejection> rejections;
  // The rows posted and committed (created, not resubmissions), in file order: the
  // enforcement workflow reacts to them once the import is done (enforce/nightly.h).
  std::vector<PaymentRequest> posted;
};

// Errors (nothing posted): not_found "file_not_found", invalid_argument "csv_header_invalid",
// resource_exhausted "import_too_many_rows" (in kCommitValid mode the batches before the
// limit stay posted; re-run the rest as a new file), store errors.
// `open_reader`: a second connection to the store's file, for the batches' reads
// (BulkPoster::UseReader); empty for an in-memory store.
Result<ImportReport> ImportPaymentsCsv(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path, ImportMode mode,
                                       int64_t batch_rows = limits::kPostingsPerBatchDefault,
                                       BulkPoster::StoreOpener open_reader = {});

// Splits one CSV line (RFC 4180 quoting, no embedded newlines). Errors: csv_quote_unbalanced.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line);

}  // namespace cse
