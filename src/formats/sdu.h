// File: formats/sdu.h
//
// State Disbursement Unit batch files (docs/SDU_BATCH.md): OpenCSE's own layout for a batch
// of withholding payments the SDU received (a lockbox or deposit batch). This header only
// parses; posting and holding are iwo/payments_in.h, through the same path as the remittance
// CSV (iwo/remittance.h). Pure: no storage.
//
// Records, one per line, fields separated by '|', spaces around a field trimmed:
//   H|batch_id|deposit_date|count|total             header: exactly one, first
//   D|seq|employer_fein|pay_date|ssn|case_id|amount  detail: one per payment
//   T|batch_id|count                                 trailer: exactly one, last
// `count` is the number of detail records and `total` the sum of their amounts (decimal
// dollars). Blank lines are skipped (and counted in line numbers).
//
// Control totals: the header's count and total, and the trailer's batch id and count, must
// match the detail records read; a batch whose total or count does not match is rejected
// whole (problems on field "header.count", "header.total", "trailer.count"...), like any
// malformed record. A missing trailer means a truncated file. A detail paid after the
// header's deposit date is refused too (field "pay_date", sdu_pay_date_after_deposit).
//
// Each detail line's idempotency key is SduKey(batch_id, seq): importing the batch again posts
// nothing twice.
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "formats/remittance.h"

namespace cse::formats {

// The longest batch id: 1-20 characters A-Z a-z 0-9 - _ .
inline constexpr size_t kSduBatchIdLengthMax = 20;
// The longest detail sequence number: 1-9 digits, unique within the batch.
inline constexpr size_t kSduSeqLengthMax = 9;

// The batch as declared by its header (empty when the header is missing or malformed).
struct SduHeader {
  std::string batch_id;
  Date deposit_date;
  int64_t count = 0;
  Money total;
};

struct SduParse {
  RemittanceParse parse;
  SduHeader header;
};

// Parses a whole batch file held in memory. Never fails: malformed input gives problems.
SduParse ParseSduBatch(std::string_view text);

// "SDU-<batch_id>-<seq>".
std::string SduKey(std::string_view batch_id, std::string_view seq);

}  // namespace cse::formats
