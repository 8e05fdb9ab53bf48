// File: core/limits.h
//
// A limit on everything (STYLE §7): each a named constant with its unit last. Exceeding one
// is an expected error with its own reason code, never a crash.
#pragma once

#include <cstdint>

namespace cse::limits {

// Largest single money amount accepted from input: $100,000,000.00.
inline constexpr int64_t kAmountCentsMax = 10'000'000'000LL;
// Rows in one payments import file.
inline constexpr int64_t kImportRowsMax = 5'000'000;
// Postings committed in one transaction by bulk import (`import payments --batch-rows`).
// Larger transactions post faster (each commit rewrites the obligor index pages its rows
// touched) but hold the database's write lock longer. The default holds it 0.3-0.5 s per
// batch on a file of 1,000,000 payments (the server's writers wait up to 5 s for it), and imports
// 100,000 payments there in about 9 s against 13 s at 1,000 rows (docs/PAYMENTS_CSV.md).
inline constexpr int64_t kPostingsPerBatchDefault = 10'000;
inline constexpr int64_t kPostingsPerBatchMax = 100'000;
// Postings listed in one `import.batch` audit row; a batch that posts more writes several
// rows in its transaction (a row stays about 2 MB).
inline constexpr int64_t kAuditPostingsPerRowMax = 10'000;
// Length of a client idempotency key.
inline constexpr int64_t kIdempotencyKeyLengthMax = 128;
// Length of one CSV line in bytes.
inline constexpr int64_t kCsvLineBytesMax = 4096;
// Free-text fields (names, addresses, notes).
inline constexpr int64_t kTextFieldLengthMax = 200;
// Cases one obligor may have (distribution spans all of them); AddCase refuses more.
inline constexpr int64_t kCasesPerObligorMax = 64;

}  // namespace cse::limits
