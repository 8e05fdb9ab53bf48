// File: iwo/remittance.h
//
// Employer remittances in (docs/REMITTANCE_CSV.md): the money employers withheld, posted to
// the ledger through the idempotent bulk poster, with lines that identify no one held as
// unidentified payments (money is never dropped).
//
// One file is one transaction:
//   1. The whole file is parsed (formats/remittance.h). Any malformed line: nothing is
//      written; the report lists each line, field and reason, and also the problems steps 2-3
//      find in the other lines (they run and are rolled back), so that one report names every
//      problem of the file.
//   2. Each line is resolved to a case: by `case_id` (the case must exist and be open on the
//      line's pay date, by its closed periods, not by its status today (docs/ARCHITECTURE.md
//      §5.6): a case closed since takes the line, one reopened since holds it case_closed when
//      the pay date falls in its closed period; and a given SSN must be its obligor's), else by
//      SSN (the obligor's case with the lowest id that is open on the pay date, else held
//      no_open_case: distribution spreads a payment over all the obligor's cases anyway). A
//      line that resolves to nothing is held in `unidentified_payment` with the reason
//      (case_not_found, case_closed, ssn_case_mismatch, ssn_not_found, no_open_case; for EFT
//      lines with no SSN: case_ref_unrecognized, employee_id_missing). A held line's pay date
//      may not be after today either (date_in_future, as a posted line's), except an EFT
//      credit's settlement date (RemittanceLine::pay_date_is_settlement_date): up to
//      kSettlementBusinessDaysAheadMax banking days ahead, and held dated the next banking day
//      when it is none (a weekend or federal holiday: the money settles then).
//   3. Resolved lines are posted as `withholding` collections dated the pay date, with the
//      line's key (RemittanceKey) through BulkPoster in all-or-nothing mode. A rule rejection
//      (pay date in the future, a key resent with a different amount...) fails the file: the
//      report names the line and field (as the file's format names it,
//      RemittanceParse::fields), and nothing is written.
// Resending a file is safe: a line already posted answers "already posted", a line already
// held answers "already held" (a held line is never posted later under the same key; it
// stays held until a caseworker resolves it), and a key resent with different fields is a
// rejection naming the field. A line resolved by SSN alone is compared on its obligor, amount
// and date, not its case (a lookup, not the line's own: a line posted before 2026-12-05 went
// to the obligor's lowest case open on the day of that import, not on its pay date).
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "formats/remittance.h"
#include "service/ledger_service.h"
#include "storage/store.h"

namespace cse::iwo {

// Largest remittance file read into memory.
inline constexpr int64_t kRemittanceFileBytesMax = 256LL * 1024 * 1024;
// How many banking days (federal holidays excepted, iwo/calendar.h) after today an EFT
// credit's settlement date may be: the ACH effective entry date of a credit without a DED
// segment, its only date. Banks deliver credits a day or two before they settle
// [UNVERIFIED: NACHA lets an originator send a credit up to two banking days before
// settlement, from memory; not in FACTS].
inline constexpr int kSettlementBusinessDaysAheadMax = 2;

struct HeldLine {
  int64_t line_number = 0;
  std::string key;
  std::string employer_fein;
  Money amount;
  std::string reason;
  bool already_held = false;  // held by an earlier import of the same line
  // Of a line already held that a caseworker has since resolved: "posted" or "refunded".
  std::string resolution;
};

struct RemittanceReport {
  std::string file;
  int64_t lines = 0;
  int64_t posted = 0;
  int64_t already_posted = 0;
  int64_t held = 0;
  int64_t already_held = 0;
  Money posted_amount;  // of the lines posted now
  Money held_amount;    // of the lines held now
  bool committed = false;
  int64_t problem_count = 0;
  std::vector<formats::RemittanceProblem> problems;  // at most formats::kProblemsMax
  std::vector<HeldLine> held_lines;                  // at most formats::kProblemsMax
  // The payments posted now (committed), for the enforcement workflow's payment events.
  std::vector<PaymentRequest> posted_requests;
};

// Imports `text` (the file's contents; `label` names it in the audit trail and the held rows).
// A malformed or rejected file is a report with committed == false and its problems, not an
// error. Errors: store failures (the transaction is rolled back).
Result<RemittanceReport> ImportRemittance(Store& store, const Clock& clock,
                                          const std::string& actor, const std::string& label,
                                          std::string_view text);

// The same for lines another parser produced (formats/ded.h, formats/sdu.h): a parse with
// problems is refused whole (its other lines still checked for the report); otherwise each
// line is resolved, posted or held as above.
// REQUIRES: keys unique within `parsed`.
Result<RemittanceReport> ImportParsedRemittance(Store& store, const Clock& clock,
                                                const std::string& actor, const std::string& label,
                                                formats::RemittanceParse parsed);

// A payment file's contents (remittance CSV, DED, SDU batch). Errors: not_found
// "file_not_found", resource_exhausted "file_too_large" (above kRemittanceFileBytesMax).
Result<std::string> ReadPaymentFile(const std::string& path);

// Reads `path` and imports it. Errors: ReadPaymentFile's and ImportRemittance's.
Result<RemittanceReport> ImportRemittanceFile(Store& store, const Clock& clock,
                                              const std::string& actor, const std::string& path);

// The hold report: every payment held on `as_of` (received on or before it, and still held or
// resolved after it) with the days it had been held then.
struct HeldPayment {
  UnidentifiedPayment row;
  int32_t days_held = 0;  // as_of - received date
};
struct UnidentifiedReport {
  Date as_of;
  std::vector<HeldPayment> rows;
  Money total;
  int32_t oldest_days = 0;
};
// Errors: store failures.
Result<UnidentifiedReport> ListHeldPayments(Store& store, Date as_of);

}  // namespace cse::iwo
