// File: formats/ded.h
//
// Employer child support payments by EFT (docs/DED.md): a NACHA ACH file whose CCD+ or CTX
// entries carry the X12 DED segment (FACTS §1.3) in their addenda records. This header only
// parses; posting and holding are iwo/payments_in.h, through the same path as the remittance
// CSV (iwo/remittance.h). Pure: no storage.
//
// What is read:
//   * ACH records of 94 characters: file header (1), batch header (5), entry detail (6),
//     addenda (7), batch control (8), file control (9); lines of all '9' (block padding) and
//     blank lines are skipped.
//   * Batch header: company identification (41-50) gives the employer FEIN (its last nine
//     characters must be digits: "1" + EIN is the usual IRS-number convention) [UNVERIFIED:
//     not in FACTS]; SEC code (51-53) CCD or CTX; effective entry date (70-75, YYMMDD).
//   * Entry detail: transaction code (2-3), amount in cents (30-39), addenda indicator (79),
//     trace number (80-94). Credits (22, 32) are payments; prenotes and zero-dollar entries
//     (23, 24, 33, 34) must be 0.00 and are skipped; any other code is refused.
//   * Addenda (type 05): the payment-related information (4-83) of an entry's addenda are
//     joined in sequence and split into X12 segments on the segment terminator ('\' by
//     default); each DED segment is one payment line. CCD+ has one addenda per entry; CTX
//     may carry many DED segments (other segments, e.g. ISA/ST/BPR/SE, are ignored).
//   * DED elements (separator '*'): DED01 deduction type ("CS"), DED02 case identifier
//     (1-30), DED03 pay date (YYMMDD), DED04 amount, DED05 SSN (optional), DED06 medical
//     support indicator (Y/N, optional), DED07 name (optional, not used). DED08 and later
//     (FIPS code and the termination indicator in the NACHA guidelines) are [UNVERIFIED]
//     (FACTS §1.3: NOT FOUND) and ignored. The DED04 amount format is configurable (see
//     DedOptions): implied cents by default [UNVERIFIED].
//   * Control totals: the sum of an entry's DED amounts must equal the entry amount; each
//     batch control's entry/addenda count, entry hash and total credit, and the file control's
//     batch count, entry/addenda count and total credit must match what was read.
//
// A DED02 that parses as one of our case ids ("CASE-000042") names the case; any other text
// is kept as reported (RemittanceLine::case_ref) and the line is resolved by DED05's SSN.
// A credit entry with no DED segment is still money received: it becomes a line with no
// employee identifier (held as unidentified, never dropped), dated the batch's effective entry
// date (RemittanceLine::pay_date_is_settlement_date).
//
// The parse's field names (RemittanceParse::fields) are the DED elements (DED03 pay date,
// DED04 amount...), so that a line refused against the store is named as the file names it.
//
// Each line's idempotency key is DedKey(FEIN, effective date, trace number, ordinal of the
// DED within its entry): the same file imported again posts nothing twice.
//
// Any malformed record: RemittanceParse::problems name the record (the physical line),
// the field ("DED04", "entry.amount", "batch_control.total_credit"...) and a stable reason;
// the caller refuses the whole file.
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "formats/remittance.h"

namespace cse::formats {

inline constexpr size_t kAchRecordLength = 94;
// The longest DED02 case identifier (X12 element length 1-30).
inline constexpr size_t kDedCaseLengthMax = 30;

enum class DedAmountFormat {
  kImpliedCents,  // "0000012500" = 125.00: digits only, the last two are cents
  kDecimal,       // "125.00": decimal dollars (money/ParseMoney)
};

struct DedOptions {
  // DED04's format. Default: kImpliedCents [UNVERIFIED: FACTS §1.3 says only "amount"; the
  // NACHA child support convention is dollars and cents without a decimal point].
  DedAmountFormat amount_format = DedAmountFormat::kImpliedCents;
  // DED01 values accepted. Default: "CS" (child support).
  std::string deduction_type = "CS";
  // X12 separators inside the addenda. Default: '*' between elements, '\' ends a segment.
  char element_separator = '*';
  char segment_terminator = '\\';
  // Two-digit years YY in DED03 and the effective entry date mean 2000 + YY. Default: 2000.
  int century = 2000;
};

// Parses a whole ACH file held in memory. Never fails: malformed input gives problems (at
// most kProblemsMax are kept; problem_count counts all).
RemittanceParse ParseDedFile(std::string_view text, const DedOptions& options = DedOptions());

// The idempotency key of a DED line: "DED-<FEIN>-<YYYYMMDD effective>-<trace>-<ordinal>".
std::string DedKey(std::string_view fein, std::string_view effective_yyyymmdd,
                   std::string_view trace, int ordinal);

}  // namespace cse::formats
