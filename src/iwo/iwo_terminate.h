// File: iwo/iwo_terminate.h
//
// Ending an income withholding order (FACTS §1.2 field 1d "Termination of IWO"; field 14: an
// existing IWO must not be stopped unless a termination order arrives).
//
// TerminateIwo, one transaction, all or nothing:
//   * the IWO becomes `ended` with its end date, reason and note (migration 340);
//   * a case event `iwo_ended` dated the end date, detail "employer_fein=F iwo=N reason=R":
//     the risk model's "withholding order with the current employer" (ai kIwoActive) and the
//     enforcement fact "withholding in place" stop counting the IWO from that day;
//   * when the IWO was already sent to the employer (sent or accepted), a termination notice:
//     an `iwo` row of kind `termination`, status `pending`, naming the IWO it ends, entered
//     today and due `due_business_days` business days later by the state's calendar (as a new
//     IWO), amounts 0.00. `iwo export-eiwo` sends it as document action code TRM and `iwo pdf`
//     prints it as the form's termination variant (1d). An IWO never sent (pending) is simply
//     ended: the employer never had it;
//   * reason employment_ended: the IWO's employment ends too (EndEmploymentOfIwo), so the risk
//     model's "employed now" (ai::CurrentJob), enforcement's "a current employer is known" and
//     the IWOs an income_withholding action issues stop counting that employer from the end
//     date, with one `job_ended` event per employment ended (enforcement's "income changed");
//     and when the obligor no longer works for the employer (no other employment there open
//     on or after the end date), every other IWO of the obligor with that employer still in
//     place (any case, any office: the job is the obligor's, not the case's) ends the same way
//     (EndOtherIwosAtEmployer: its own `iwo_ended` event, a termination notice when the
//     employer had it, its own `iwo.terminate` audit row naming the IWO it ended with), and
//     the caseworker of each such IWO's case other than the actor (IwoTasks: the nightly
//     batch's assignment; unassigned when its office has none) gets a task
//     `iwo_ended_employment_ended` ("IWO ended: the employment ended") to find the income
//     source again;
//   * an audit row `iwo.terminate` (its `after` lists the employments and the other IWOs
//     ended).
// Who: a caseworker, supervisor or admin (service/staff_rule.h), and an office-scoped one only
// on the cases of their own office's caseload (auth::CheckUserCaseload, as `action --by` and
// `iwo export-eiwo`).
// A termination notice is never an active withholding order (Store::HasActiveIwo, the
// `iwo_one_active` index): a rehire by the same employer gets a new IWO at once.
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "enforce/workflow.h"
#include "iwo/calendar.h"
#include "service/json.h"
#include "storage/store.h"

namespace cse::iwo {

enum class IwoEndReason {
  kEmploymentEnded,
  kOrderEnded,
  kCaseClosed,
  kObligorRequestCourt,
  kOther
};
inline constexpr std::array<IwoEndReason, 5> kIwoEndReasons = {
    IwoEndReason::kEmploymentEnded, IwoEndReason::kOrderEnded, IwoEndReason::kCaseClosed,
    IwoEndReason::kObligorRequestCourt, IwoEndReason::kOther};
// employment_ended | order_ended | case_closed | obligor_request_court | other
std::string_view Name(IwoEndReason reason);
// Errors: invalid_argument "end_reason_invalid" (the message lists the valid reasons).
Result<IwoEndReason> ParseIwoEndReason(std::string_view text);

inline constexpr int64_t kIwoEndNoteCharsMax = 500;

struct TerminateRequest {
  int64_t iwo_id = 0;
  Date end_date;  // the day withholding ends; not after today, not before the IWO's entry
  IwoEndReason reason = IwoEndReason::kOther;
  std::string note;           // required with kOther
  int due_business_days = 2;  // the notice's deadline after today (IwoSettings)
  BusinessCalendar calendar;  // the state's business days (IwoSettings::state_holidays)
};

// An employment record ended with its IWO: `end_date` is its new (inclusive) last day.
struct EmploymentEnded {
  int64_t employment_id = 0;
  Date end_date;
};

// Another IWO ended with one that ended because the employment ended (EndOtherIwosAtEmployer).
struct IwoEndedWith {
  IwoRecord iwo;                    // as it was before
  int64_t ended_with = 0;           // the IWO whose end ended it
  Date end_date;                    // the other IWO's end date, or this one's entry date when later
  std::optional<IwoRecord> notice;  // its termination notice, when the employer had it
  int64_t event_id = 0;             // its `iwo_ended` case event
  // `iwo terminate` only: the caseworker given a task about it ("" unassigned: its office has
  // no caseworker); none when its case is the actor's own (IwoTasks).
  std::optional<std::string> task_for;
};

// A termination notice's deadline: `due_business_days` after today by `calendar` (IwoSettings).
struct NoticeTerms {
  int due_business_days = 2;
  BusinessCalendar calendar;
};

struct TerminateResult {
  IwoRecord iwo;  // as it was before
  std::string employer_fein;
  std::optional<IwoRecord> notice;  // the termination notice, when the IWO had been sent
  int64_t event_id = 0;             // the `iwo_ended` case event
  std::vector<EmploymentEnded> employments_ended;  // reason employment_ended only
  std::vector<IwoEndedWith> other_iwos_ended;      // reason employment_ended only, by id
};

// Errors (nothing written): invalid_argument "note_required" (reason other without a note),
// "note_too_long", "text_invalid" (not printable UTF-8), "date_in_future",
// "date_before_entry"; not_found "iwo_not_found"; failed_precondition "iwo_already_ended",
// "iwo_rejected" (the employer never withheld), "iwo_is_termination" (a termination notice
// itself), "case_not_in_caseload" (an office-scoped actor, a case of another office),
// "user_unknown", "role_not_allowed"; store errors.
Result<TerminateResult> TerminateIwo(Store& store, const Clock& clock, const std::string& actor,
                                     const TerminateRequest& request);

// The case event of an ended IWO (ai::kIwoEndedEvent), dated `end_date`. Shared with the
// employer-initiated termination of an acknowledgment file (iwo/eiwo_ack.h). Writes inside the
// caller's transaction.
Result<int64_t> InsertIwoEndedEvent(Store& store, const IwoRecord& iwo,
                                    const std::string& employer_fein, Date end_date,
                                    std::string_view reason);

// Ends the employment of an IWO that ended because the employment ended, withholding ending on
// `iwo_end_date`: the IWO's employment record (`employment_id`), else (an IWO naming none) the
// obligor's employments with the IWO's employer (IsEmploymentOfIwo). Employment end dates are
// inclusive (the last day employed; ai::CurrentJob, IssueIwosForCase), so each one still open on
// `iwo_end_date` gets the day before it as its end date: from `iwo_end_date` on, the obligor is
// no longer employed there. A job that ends the day it started (hired and let go the same day)
// gets its start date as its last day: an end date cannot precede the start; it still counts as
// ended for EndOtherIwosAtEmployer, not as a job open on `iwo_end_date`. One that started after
// `iwo_end_date` (a rehire) or had already ended before it is left alone. Each employment ended
// gets one `job_ended` event of the obligor (kJobEndedEvent; no case: the job is the person's),
// dated its new last day, detail "employer_fein=F employment=N" — the event enforcement reads as
// "income changed" (enforce/facts.cc) and the simulator writes for a job loss. Shared with the
// employer's own termination in an acknowledgment file (iwo/eiwo_ack.h). Writes inside the
// caller's transaction; answers what it changed. Errors: the store's.
inline constexpr std::string_view kJobEndedEvent = "job_ended";
Result<std::vector<EmploymentEnded>> EndEmploymentOfIwo(Store& store, const IwoRecord& iwo,
                                                        Date iwo_end_date);

// Whether `job` is an employment EndEmploymentOfIwo ends for `iwo` ending on `iwo_end_date`:
// the IWO's own (`employment_id`), else one with its employer; started on or before the date.
bool IsEmploymentOfIwo(const IwoRecord& iwo, const Employment& job, Date iwo_end_date);

// After IWO `ended` ended on `end_date` because the employment ended (and EndEmploymentOfIwo
// ran): when the obligor no longer works for that employer — no employment of the obligor with
// it (whichever employment an IWO names: the job is the person's) is open on or after
// `end_date` (no end date, or one on or after it; a rehire starting later counts), other than
// the ones this termination ended (IsEmploymentOfIwo of `ended`, and `jobs_ended`: the
// employments the same operation ended, e.g. EndEmploymentOfIwo's answer; a job ended the day
// it started ends on `end_date` and must not count as still open) — every other IWO of the
// same obligor with the same employer still in place (pending, sent or accepted; termination
// notices never), on any of the obligor's cases, ends too: status `ended`, reason
// employment_ended, `note`, end date `end_date` (its entry date when it was entered later, so
// its `iwo_ended` event never precedes its `iwo_issued`), an `iwo_ended` event, and, when the
// employer had it (sent or accepted), a termination notice due by `terms`, entered today and
// created by `actor`. While any employment there is still open (a rehire known since), none
// ends. No audit row and no task: the caller writes them per IWO (TerminateIwo) or per file
// (ImportEiwoAck). Writes inside the caller's transaction; answers the IWOs ended, by case
// then id. Errors: the store's.
Result<std::vector<IwoEndedWith>> EndOtherIwosAtEmployer(
    Store& store, const Clock& clock, const std::string& actor, const IwoRecord& ended,
    const std::string& employer_fein, Date end_date, const std::string& note,
    const NoticeTerms& terms, const std::vector<EmploymentEnded>& jobs_ended);

// The caseworkers' tasks about IWOs in the work queue (`opencse queue`): one per kind and IWO
// (key "<kind>:<iwo id>"), assigned as the nightly batch assigns its tasks
// (enforce::TaskAssignment: an active caseworker of the case's office — its assigned office,
// else its county —, in turn by case id; unassigned when that office has none). The
// caseworkers are read at the first use, each case's office when needed. Writes inside the
// caller's transaction. Shared by `iwo terminate` and the acknowledgment import.
class IwoTasks {
 public:
  IwoTasks(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The caseworker for a task on case `c` ("" when its office has none). Errors: the store's.
  Result<std::string> WorkerFor(CaseId c);

  // Task `kind` about `iwo` (its employer's FEIN `fein`), titled `title`, its message
  // "IWO-N to employer FEIN F <what>. Verify the employment and find the current income
  // source.", assigned by WorkerFor. True when created now, false when the IWO already has
  // one of this kind. Errors: the store's.
  Result<bool> Add(std::string_view kind, const IwoRecord& iwo, const std::string& fein,
                   std::string title, const std::string& what);

 private:
  Store& store_;
  const Clock& clock_;
  std::optional<enforce::TaskAssignment> assignment_;  // read at the first use
  std::vector<std::string> staffed_offices_;           // assignment_->StaffedOffices()
  std::set<int64_t> placed_;                           // case ids added to assignment_
};

// The kind of the task `iwo terminate` gives the caseworker of another IWO it ended with the
// employment (TerminateIwo).
inline constexpr std::string_view kIwoEndedEmploymentEndedTask = "iwo_ended_employment_ended";

// The audit JSON of ended employments: [{"employment_id": N, "end_date": "YYYY-MM-DD"}, ...].
Json EmploymentsEndedJson(const std::vector<EmploymentEnded>& ended);

// The JSON of other IWOs ended (audit rows and command output): [{"iwo", "case_id",
// "previous_status", "end_date", "ended_with", "termination_notice" (id or null)}, ...].
Json OtherIwosEndedJson(const std::vector<IwoEndedWith>& ended);

}  // namespace cse::iwo
