// File: iwo/eiwo_export.h
//
// e-IWO files out (FACTS §1.3; docs/EIWO.md): every IWO not yet transmitted (status pending)
// written into one e-IWO file — a file header, per employer a batch header, its detail records
// and a batch trailer with the count, then a file trailer with the counts — and marked sent.
//
// Sending an IWO to an employer is executing withholding (docs/ENFORCEMENT.md: nothing
// substantive without an approval by a staff user whose role allows it). So `actor` must be an
// active app user (`opencse user add`) whose role may issue income_withholding
// (enforce::RoleAllows(role, kIssue, kIncomeWithholding): caseworker or supervisor); anyone
// else is refused before anything is written. The actor is recorded as the approver of every
// IWO sent: the IWO record has no field for it, so the audit row `eiwo.export` names them
// (`approved_by`, `approver_role`) with the ids of the IWOs sent. An office-scoped role sends
// only the IWOs of cases in its office's caseload (auth::InCaseload); the others stay pending
// for a worker of their office, and the report counts them (`outside_caseload`). Refusing the
// whole export instead would leave no one able to send a statewide queue: only the
// office-scoped roles may issue withholding.
//
// A closed case takes no IWO action (docs/CLI.md `case close`): a pending original, amended or
// lump-sum IWO of a closed case is not sent. It stays pending (ended with `iwo terminate
// --reason case_closed`, or sent after the case is reopened) and the report counts and lists
// it (`case_closed`). A termination notice of a closed case is sent: it stops withholding.
//
// Control numbers are never reused. Each export:
//   0. Checks the actor (above).
//   1. Voids numbers an earlier export reserved but never closed (it crashed or failed), with
//      an audit row `eiwo.control.void`: they stay burned.
//   2. Builds every detail record in memory (read only). An IWO whose data cannot be written
//      (a required field empty or too long) is skipped with its problem and stays pending.
//      Nothing to write: no file, no number used, nothing written to the store.
//   3. Reserves 1 + (number of batches) numbers: advances the persisted sequence and records
//      each number `reserved`, audit row `eiwo.export.reserve`, in one committed transaction.
//      From here on the numbers are spent whatever happens.
//   4. Writes the file to `<out>.partial` and syncs it to disk.
//   5. In one transaction: marks each IWO sent (status, sent date, batch and file control
//      numbers; an IWO another export sent meanwhile fails the export), closes the numbers
//      `used`, writes the audit row `eiwo.export`, renames `<out>.partial` to `<out>`, commits.
//   A failure in 4 or 5 rolls back, removes the file, and voids the numbers (audit
//   `eiwo.control.void`). A crash after the rename but before the commit leaves a whole file
//   whose IWOs are still pending and whose numbers are reserved: step 1 of the next export
//   voids them and writes a new file with new numbers. No crash leaves a half file, or IWOs
//   marked sent without their file.
//
// Control number format (22 characters): the 2-digit state FIPS + "000" (FACTS §1.3's
// recommended start) + the sequence value in 17 digits. One sequence serves files and batches
// of every employer, so no two files or batches ever share a number.
//
// Thread-safety: free functions; the store is used by one thread at a time. Two exports running
// at once are safe (an IWO is marked sent once; the loser's file is removed) but pointless.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "formats/eiwo.h"
#include "iwo/settings.h"
#include "storage/store.h"

namespace cse::iwo {

// Most detail records in one file; more pending IWOs wait for the next export (STYLE §7).
inline constexpr int64_t kEiwoDetailsPerFileMax = 100'000;
// Most items listed in a report (skipped IWOs, IWO ids per batch).
inline constexpr size_t kEiwoReportItemsMax = 1000;

struct EiwoExportOptions {
  std::string out_path;
  std::string employer_fein;  // only this employer's IWOs when not empty
  Date as_of;                 // IWOs entered on or before this day; the document date (1e)
  std::string state_fips;     // overrides the iwo.eiwo.state_fips setting when not empty
  std::string issuing_state;  // overrides iwo.eiwo.issuing_state when not empty
  int64_t details_max = kEiwoDetailsPerFileMax;
};

struct EiwoSkipped {
  int64_t iwo_id = 0;
  std::string field;
  std::string reason;
  std::string message;
};

struct EiwoBatchReport {
  std::string control_number;
  std::string employer_fein;
  int64_t details = 0;
  std::vector<int64_t> iwo_ids;  // at most kEiwoReportItemsMax
};

struct EiwoExportReport {
  bool written = false;
  std::string path;
  std::string file_control;
  Date document_date;
  Date sent_date;
  int64_t details = 0;
  std::vector<EiwoBatchReport> batches;
  int64_t skipped_count = 0;
  std::vector<EiwoSkipped> skipped;       // at most kEiwoReportItemsMax
  int64_t remaining = 0;                  // pending IWOs left for the next file (over the limit)
  int64_t outside_caseload = 0;           // pending IWOs of cases outside the actor's office, left
  int64_t case_closed = 0;                // pending IWOs (not notices) of closed cases, left
  std::vector<int64_t> case_closed_iwos;  // their ids, at most kEiwoReportItemsMax
  std::string approved_by;                // the actor, recorded as the approver of each IWO sent
  std::string approver_office;            // their office ("" for a statewide role)
  std::vector<std::string> voided;        // abandoned reservations voided by this run
  std::vector<std::string> unverified_fields;
};

// The 22-character control number of sequence value `seq` (format above).
std::string FormatControlNumber(std::string_view state_fips, int64_t seq);

// Exports as described above. Errors: failed_precondition "user_unknown" (`actor` is not an
// active app user), "role_not_allowed" (their role may not issue income withholding), both
// before anything is written; invalid_argument "eiwo_not_configured" (no state FIPS or
// issuing state), "state_fips_invalid", "out_missing", "date_in_future", "details_max_invalid";
// not_found "employer_not_found" (--employer unknown); unavailable "file_write_failed";
// failed_precondition "iwo_not_pending" (another export sent an IWO first); store errors. On any
// error after step 3 the numbers are void and no file is left.
Result<EiwoExportReport> ExportEiwo(Store& store, const Clock& clock, const std::string& actor,
                                    const formats::EiwoLayouts& layouts,
                                    const IwoSettings& settings, const EiwoExportOptions& options);

}  // namespace cse::iwo
