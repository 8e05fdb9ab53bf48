// File: iwo/newhire.h
//
// From a new-hire file to income withholding orders (FACTS §2.5, §8 "Income withholding and
// new hires"): each valid record is matched to the persons on file and acted on as follows.
//
//   * The employer is upserted by FEIN (created when new; its name and address updated when
//     the record carries a name; a layout without an employer name never blanks one).
//   * Exact SSN match to an obligor (a person who is the obligor of at least one case) is a
//     confirmed match: the employment is recorded (once per person, employer and hire date)
//     with a `new_hire` case event; then, for every open case of the obligor with an order in
//     effect on the entry date, no active IWO with that employer and no IWO ever issued for
//     this employment (same employer and hire date, in any status: one ended by `iwo
//     terminate` or rejected by the employer is not issued again), an IWO record is created:
//     status `pending`, due 2 business days after entry (42 USC 653a(g)(1)), the monthly
//     current support in effect, the arrears payback in effect but never more than the case's
//     arrears owed as of entry (a payback order with nothing past due withholds 0.00 for
//     arrears, IWO field 6a; a case with nothing to withhold at all gets no IWO and counts as
//     `no_order`), and the "arrears over 12 weeks" flag (IWO field 6c) from the ledger as of
//     entry; an `iwo_issued` case event goes with it.
//   * No SSN match, but an obligor with the same last name, first name and date of birth: a
//     review record for a caseworker (never acted on automatically), once per candidate,
//     employer and hire date.
//   * Anything else (unknown person, or a person who is not an obligor) is counted unmatched.
//
// The file is processed in transactions of `batch_records` records, each with one audit row
// `newhire.import`. Inside a batch, SSNs are looked up in SSN order and records are then acted
// on in person-id order (file order among one person's records), for locality in the B-trees;
// the report lists IWOs in that order. A rejected record never stops the file; a store error stops
// it and rolls back the open batch (batches already committed stay, and re-running the file is
// safe: every write above is skipped when already done).
//
// Thread-safety: one NewHireImporter per thread; it borrows the store and clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "formats/newhire.h"
#include "iwo/calendar.h"
#include "storage/store.h"

namespace cse::iwo {

struct NewHireOptions {
  std::string file_label;  // recorded in reviews and the audit trail (usually the path)
  // Records per transaction. Default: 50,000 (bench/newhire: 1,000,000 records take 24 s of
  // CPU at 50,000 and 33 s at 10,000 — fewer commits, and each B-tree page a batch touches is
  // written to the WAL once per commit).
  int64_t batch_records = 50'000;
  // Pay cycle recorded on new employment until the employer reports one (a new-hire report
  // does not carry it). Default: biweekly.
  PayCycle assumed_pay_cycle = PayCycle::kBiweekly;
  // Business days from entry to the IWO deadline. Default: 2 (42 USC 653a(g)(1)).
  int iwo_due_business_days = 2;
};

inline constexpr int64_t kNewHireBatchRecordsMax = 100'000;
// Rejections and IWOs listed in a report (all are counted; the rest are in the store).
inline constexpr size_t kReportItemsMax = 1'000;

struct IssuedIwo {
  int64_t iwo_id = 0;
  int64_t record_number = 0;
  CaseId case_id;
  PersonId obligor;
  std::string employer_fein;
  Date due_date;
  Money current_monthly;
  Money arrears_monthly;
  bool arrears_over_12_weeks = false;
};

struct NewHireReport {
  formats::NewHireFileCounts counts;
  Date entry_date;
  Date due_date;              // of every IWO issued in this run
  int due_business_days = 0;  // due_date = entry_date + this many business days
  int64_t matched = 0;        // confirmed: exact SSN of an obligor
  int64_t review = 0;         // name + date of birth only: review records
  int64_t unmatched = 0;      // nobody, or not an obligor
  int64_t no_order = 0;       // confirmed, but no order in effect (or nothing to withhold)
  int64_t iwo_already = 0;    // confirmed, every case with an order already has an active IWO
                              // (pending, sent or accepted) with the employer
  // Confirmed, nothing issued, and at least one case with an order skipped because its IWO for
  // this employment (same employer and hire date) was ended or rejected: not issued again
  // (Store::HasIwoForHire). The other cases, if any, have an active IWO. iwo_already +
  // iwo_previously_ended counts every confirmed record skipped for an IWO.
  int64_t iwo_previously_ended = 0;
  int64_t employers_created = 0;
  int64_t employments_created = 0;
  int64_t iwos_issued = 0;
  std::vector<IssuedIwo> iwos;                       // the first kReportItemsMax
  std::vector<formats::RecordRejection> rejections;  // the first kReportItemsMax
};

class NewHireImporter {
 public:
  NewHireImporter(Store& store, const Clock& clock, std::string actor,
                  BusinessCalendar calendar = BusinessCalendar());

  // Reads and processes `path` with `parser`. Errors: ReadNewHireFile's (file_not_found,
  // file_too_many_records), invalid_argument "batch_records_invalid", any store error.
  Result<NewHireReport> ImportFile(const std::string& path, const formats::NewHireParser& parser,
                                   const NewHireOptions& options);
  // Acts on a name + date of birth match a caseworker confirmed (iwo/review.h) exactly as on
  // an exact-SSN match of `person`: employment, `new_hire` event, IWOs. `record` carries the
  // employer FEIN, hire date and record number. Writes inside the caller's open transaction
  // and no audit row (the caller writes one). The report counts this one record.
  // REQUIRES: a transaction is open. Errors: batch_records_invalid, due_days_invalid, store.
  Result<NewHireReport> ActOnConfirmedMatch(const formats::NewHireRecord& record, PersonId person,
                                            const NewHireOptions& options);
  // The same over an in-memory buffer.
  Result<NewHireReport> ImportBuffer(std::string_view text, const formats::NewHireParser& parser,
                                     const NewHireOptions& options);

 private:
  class Run;
  Store& store_;
  const Clock& clock_;
  std::string actor_;
  BusinessCalendar calendar_;
};

// Income withholding issued on an enforcement action (`opencse action issue` of an
// income_withholding action, enforce/action_service.cc): an IWO for `case_id` with each employer
// its obligor works for on `entry` (an employment started on or before it, not ended before
// it), built exactly as a new-hire match builds one (amounts above, due
// `iwo.due_business_days` business days after `entry` with the state's holidays, an
// `iwo_issued` case event), status `pending`, source `enforcement`, created by `actor`. An
// employer whose IWO for the case is still active gets no second one. Writes inside the
// caller's transaction and no audit row (the caller writes one). Returns the IWOs created.
// REQUIRES: a transaction is open. Errors: case_not_found; failed_precondition "case_closed",
// "no_current_employer" (no employment on file on `entry`), "iwo_nothing_to_withhold" (no order
// in effect and no arrears payback owed), "iwo_already_active" (every current employer already
// has an active IWO for the case); store errors (stored_setting_corrupt...).
Result<std::vector<IssuedIwo>> IssueIwosForCase(Store& store, const Clock& clock,
                                                const std::string& actor, CaseId case_id,
                                                Date entry);

}  // namespace cse::iwo
