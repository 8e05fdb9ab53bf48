// File: iwo/eiwo_ack.h
//
// Employer acknowledgment files in (FACTS §1.3; docs/EIWO.md): each acknowledgment record
// accepts or rejects one IWO the state sent; the IWO's status follows.
//
// One file is one transaction, all or nothing (the same rule as `import remittance`):
//   1. The whole file is parsed (formats/eiwo.h ParseAckFile). Any malformed record: nothing is
//      written; the report lists each record number, field and reason.
//   2. Each record is matched to an IWO: the IWOs sent under its IWO control number (the batch
//      control number of the e-IWO file), the one for its case id; the employee's SSN must be
//      the IWO obligor's, a given employer FEIN (the record's, else its batch header's, else
//      the file header's) the IWO employer's, and the document action code the IWO's kind
//      (ORG/AMD/LUM/TRM). Any record that matches nothing, matches an IWO never sent
//      (iwo_not_sent) or ended before any acknowledgment (iwo_ended), conflicts with an
//      acknowledgment already recorded (ack_conflict), or acknowledges the same
//      IWO twice in the file (or carries the employer's termination of it twice) is a problem,
//      and nothing is written. An acknowledgment and the employer's own termination (4.) of
//      the same IWO may both be in one file (hired and let go within one acknowledgment
//      cycle): records apply in file order, each seeing the IWO as the ones before left it
//      (accepted, then ended; a termination before the acceptance is a conflict).
//   3. Accepted: the IWO becomes `accepted` with the acknowledgment date. Rejected: `rejected`
//      with the reason code and its text from the reason table, a case event `iwo_rejected`
//      dated the acknowledgment date ("employer_fein=... iwo=ID reason=CODE": the risk model's
//      withholding feature stops counting the IWO from that day, ai/features.h), and an open
//      task (`iwo_rejected`) in the caseworkers' queue (`opencse queue`) to find the income
//      source again. One audit row `eiwo.ack.import` lists every change. A task goes to an
//      active caseworker of the case's office as the nightly batch assigns its tasks
//      (enforce::TaskAssignment: the case's assigned office, else its county; caseworkers in
//      turn by case id), unassigned when that office has none.
//   4. A TRM record that answers an original or amended IWO (sent or accepted) is the
//      employer's own termination notice (the employee left): the IWO becomes `ended`, reason
//      employment_ended, end date the acknowledgment date, with an `iwo_ended` case event that
//      day, its employment ended the day before (iwo/iwo_terminate.h EndEmploymentOfIwo: no
//      longer employed there from the acknowledgment date, a `job_ended` event per employment
//      ended) and an open task (`iwo_ended_by_employer`) to find the income source again. No
//      termination notice is sent back. Once every record is applied, the obligor's other IWOs
//      with that employer still in place end too when the obligor no longer works there
//      (EndOtherIwosAtEmployer: same end date, an `iwo_ended` event, a termination notice when
//      the employer had it, due by the state's IwoSettings, a change in the audit row and an
//      `iwo_ended_by_employer` task each; none while another employment of the obligor there
//      is open on or after that date, a rehire) — after the records, so that an acceptance of
//      such an IWO later in the same file still applies first. An IWO already ended is counted
//      "already recorded"; a pending one is `iwo_not_sent`, a rejected one `ack_conflict`. A TRM
//      record answering a termination notice the state sent is its acknowledgment (3.).
// Re-importing a file is safe: an IWO already carrying the same disposition and reason (an
// acceptance also when the IWO has ended since) is counted "already recorded" and not touched;
// its task is not created twice.
//
// The acknowledgment date is the record's disposition date, else the file header's creation
// date, else today; whichever it is, a date after today (`date_in_future`) or before the IWO was
// sent (`ack_before_sent`) is a problem (field `disposition_date`, or `creation_date` when the
// header's date stands in for a missing disposition date) and nothing is written.
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "formats/eiwo.h"
#include "iwo/iwo_terminate.h"
#include "storage/store.h"

namespace cse::iwo {

// Largest acknowledgment file read into memory.
inline constexpr int64_t kAckFileBytesMax = 256LL * 1024 * 1024;

struct AckApplied {
  int64_t record_number = 0;
  int64_t iwo_id = 0;
  std::string status;  // accepted | rejected | ended (the employer's termination)
  std::string reason_code;
  std::string reason;
  bool already = false;  // this disposition was recorded by an earlier import
  bool task_created = false;
};

// An IWO of the same obligor and employer ended with one the employer terminated (TRM).
struct AckOtherEnded {
  int64_t record_number = 0;  // the TRM record
  IwoEndedWith ended;
  bool task_created = false;
};

struct AckImportReport {
  std::string file;
  std::string file_control;
  int64_t lines = 0;
  int64_t records = 0;
  int64_t accepted = 0;  // newly recorded
  int64_t rejected = 0;  // newly recorded
  int64_t ended = 0;     // newly ended by the employer's own termination notice (TRM)
  // The obligor's other IWOs with that employer, ended with those (not counted in `ended`):
  // how many, and the first formats::kEiwoProblemsMax.
  int64_t other_ended = 0;
  std::vector<AckOtherEnded> other_iwos_ended;
  int64_t already = 0;
  int64_t tasks_created = 0;
  bool committed = false;
  int64_t problem_count = 0;
  std::vector<formats::AckProblem> problems;  // at most formats::kEiwoProblemsMax
  std::vector<AckApplied> applied;            // at most formats::kEiwoProblemsMax
};

// Imports `text` (`label` names the file in the audit trail). A malformed or unmatched file is
// a report with committed == false and its problems, not an error. Errors: store failures
// (rolled back).
Result<AckImportReport> ImportEiwoAck(Store& store, const Clock& clock, const std::string& actor,
                                      const formats::EiwoLayouts& layouts, const std::string& label,
                                      std::string_view text);

// Reads `path` and imports it. Errors: not_found "file_not_found", resource_exhausted
// "file_too_large", and ImportEiwoAck's.
Result<AckImportReport> ImportEiwoAckFile(Store& store, const Clock& clock,
                                          const std::string& actor,
                                          const formats::EiwoLayouts& layouts,
                                          const std::string& path);

}  // namespace cse::iwo
