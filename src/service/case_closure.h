// File: service/case_closure.h
//
// Closing a IV-D case under 45 CFR 303.11 (FACTS §8 "Case closure — 303.11"): the agency sends
// the recipient of services a written notice of its intent to close at least
// kClosureNoticeDays calendar days before it closes the case, for one of the closure criteria
// (kCaseClosureReasons). The recipient may answer with information that keeps the case open
// (the notice is cancelled); a closed case may be reopened.
//
//   notice (case.close_notice) ──60 days──► close (case.close) ──► reopen (case.reopen)
//        └──► cancel (case.closure_cancel)
//
// Each step is one transaction: the case_closure row (store.h "Case closure"), the case's
// status, a dated case event (closure_notice, case_closed, closure_cancelled, case_reopened,
// on the obligor) and one audit row, or nothing when refused. `opencse audit verify` replays
// the audit rows into the case's status and closure row (service/replay.cc).
//
// Criteria the system checks itself from the ledger as of the day (kLedgerChecked): no current
// support or cash medical order in effect on the day or starting later, and the case's unpaid
// support (arrears and current support due in the day's month) under the reason's limit. The
// other reasons are the caseworker's attestation.
//
// Who may act: an active caseworker, supervisor or admin (RequireAdminOnceStaffed: anyone
// until the first active admin exists), on a case in their caseload (the CaseloadRule the
// caller passes: auth::CheckUserCaseload, as for the `action` commands and `iwo export-eiwo`).
//
// History stays in order: a notice may not be dated before the case's latest closure event
// (a cancellation, closing or reopening: its case events), nor a closing before that event or
// before the latest payment received on the case.
//
// Thread-safety: borrows `store` (one thread at a time) and `clock`.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "service/json.h"
#include "storage/store.h"

namespace cse {

// The written notice precedes closure by at least this many calendar days (FACTS §8).
inline constexpr int32_t kClosureNoticeDays = 60;
inline constexpr int64_t kClosureNoteLengthMax = 500;  // characters; the table's CHECK agrees

enum class ClosureCheck {
  kAttested,       // the caseworker's word, recorded with the notice
  kLedgerChecked,  // checked from orders and the ledger on the notice and closing days
};

struct CaseClosureReason {
  std::string_view code;
  std::string_view text;
  ClosureCheck check = ClosureCheck::kAttested;
  // kLedgerChecked: the case's unpaid support must be below this many cents.
  int64_t unpaid_below_cents = 0;
  bool note_required = false;
};

// The closure reasons: the one table of codes. Only no_order_arrears_under_500 and
// locate_failed are [SOURCED] (FACTS §8, 303.11(b)); the others are recalled from 303.11(b)
// and unverified [MEMORY] (docs/CLI.md "Case closure" says so too).
inline constexpr std::array<CaseClosureReason, 14> kCaseClosureReasons{{
    {"no_order_arrears_under_500", "no current support order, and arrears under $500 [SOURCED]",
     ClosureCheck::kLedgerChecked, 50'000},
    {"locate_failed",
     "the noncustodial parent's location is unknown after diligent efforts for 2 years (enough "
     "data for automated locate), 6 months (not enough) or 1 year (SSN not verified) "
     "[SOURCED]"},
    // [MEMORY] from here on: the criteria of 303.11(b) as recalled, not checked against the text.
    {"child_emancipated_no_arrears",
     "the children are emancipated, no current order remains, and nothing is owed [MEMORY]",
     ClosureCheck::kLedgerChecked, 1},
    {"paternity_excluded",
     "paternity cannot be established: genetic testing excluded the alleged father, or it is "
     "not in the child's best interest [MEMORY]"},
    {"obligor_deceased_no_assets",
     "the noncustodial parent is deceased and no further action (e.g. against the estate) can "
     "be taken [MEMORY]"},
    {"obligor_incarcerated_or_disabled_no_income",
     "the noncustodial parent cannot pay for the child's minority: institutionalized, "
     "incarcerated without parole, or totally and permanently disabled [MEMORY]"},
    {"obligor_ssi_only", "the noncustodial parent's only income is SSI (or SSI and SSDI) [MEMORY]"},
    {"obligor_abroad_no_reciprocity",
     "the noncustodial parent lives in a foreign country with no reciprocity [MEMORY]"},
    {"location_only_services", "the agency provided location-only services [MEMORY]"},
    {"recipient_requested",
     "a non-IV-A recipient asked to close, with no assignment to the State [MEMORY]"},
    {"non_cooperation", "the recipient does not cooperate, and their action is essential [MEMORY]"},
    {"lost_contact",
     "the agency cannot contact the recipient despite a first-class letter to the last known "
     "address [MEMORY]"},
    {"other_state_case",
     "an interstate case: the other State asked to close, or failed to take an essential "
     "action [MEMORY]"},
    {"other", "another reason, stated in the note", ClosureCheck::kAttested, 0, true},
}};

// The reason with `code`. Errors: invalid_argument "closure_reason_unknown" listing the codes.
Result<CaseClosureReason> FindClosureReason(std::string_view code);

struct CloseNoticeRequest {
  CaseId case_id;
  std::string reason;        // a code of kCaseClosureReasons
  std::optional<Date> date;  // the day the notice was sent; Default: today
  std::string note;          // required for "other"; at most kClosureNoteLengthMax characters
};

// The caseload rule, which this library cannot link (auth links service): OK when `actor` may
// work `case_id`. The CLI passes auth::CheckUserCaseload (failed_precondition
// "case_not_in_caseload"; case_not_found).
using CaseloadRule = std::function<Status(Store& store, const std::string& actor, CaseId case_id)>;

class CaseClosureService {
 public:
  // REQUIRES: `caseload` is set; it runs in each change's transaction, after the role check.
  CaseClosureService(Store& store, const Clock& clock, std::string actor, CaseloadRule caseload);

  // Records the written notice of intent to close. Errors: invalid_argument
  // "closure_reason_unknown", "closure_note_required", ValidateText's (text_too_long...),
  // "date_in_future"; not_found "case_not_found"; failed_precondition "case_closed",
  // "closure_notice_pending", "closure_notice_before_opened", "closure_notice_date_invalid"
  // (dated before the case's latest cancellation, closing or reopening; names that day),
  // "closure_criteria_not_met" (names the order in effect or the amount owed),
  // "role_not_allowed", "user_unknown", the caseload rule's ("case_not_in_caseload"); the
  // store's.
  Result<Store::CaseClosureRow> RecordNotice(const CloseNoticeRequest& request);
  // Closes the case on `date` (Default: today), at least kClosureNoticeDays after its notice;
  // re-checks a ledger-checked reason on that day. From that day the case accrues nothing and
  // takes no distribution (ledger/engine.h CaseBook::closed): the obligor's collections are
  // redistributed (distribution_history reason "case CASE-… closed"). Errors: date_in_future,
  // case_not_found, case_closed, failed_precondition "closure_notice_missing",
  // "closure_notice_period" (names the earliest day), "closure_date_invalid" (before the case's
  // latest cancellation, closing or reopening; names that day), "closure_date_before_collection"
  // (before the latest payment received on the case; names its date), closure_criteria_not_met, the
  // role and caseload errors; the store's.
  Result<Store::CaseClosureRow> Close(CaseId case_id, std::optional<Date> date);
  // Withdraws the pending notice (the recipient answered with information; 303.11(c)/(d)).
  // Errors: ValidateReason's (reason_missing, reason_too_long, text_invalid_utf8,
  // text_invalid_char), case_not_found, case_closed, closure_notice_missing, the role and
  // caseload errors; the store's.
  Status CancelNotice(CaseId case_id, const std::string& reason);
  // Reopens a closed case (status open, closure row removed) today: its orders accrue again
  // from today (the closed days stay without accrual) and the obligor's collections are
  // redistributed ("case CASE-… reopened"). Errors: ValidateReason's,
  // case_not_found, failed_precondition "case_not_closed", "reopen_before_closing" (today is
  // before the closing day), the role and caseload errors; the store's.
  Status Reopen(CaseId case_id, const std::string& reason);

 private:
  template <typename F>
  auto InTransaction(F&& body) -> decltype(body());
  Status Authorize(CaseId case_id, std::string_view what);
  Result<Case> OpenCase(CaseId case_id);
  Status CheckLedger(const Case& c, const CaseClosureReason& reason, Date day);
  Status Record(const Case& c, Date day, std::string_view kind, const std::string& detail,
                std::string_view action, const Json& before, const Json& after);
  Status ClosedPeriodChanged(const Case& c, const std::string& reason);

  Store& store_;
  const Clock& clock_;
  std::string actor_;
  CaseloadRule caseload_;
};

// The closure state as a caseworker sees it: null when the case is open with no notice;
// otherwise {state: "notice_pending"|"closed", notice_date, reason, reason_text, note,
// earliest_close_date, closed_date (or null), records_kept_until (closed + 3 years, FACTS §8,
// or null)}.
Json CaseClosureJson(const std::optional<Store::CaseClosureRow>& row);
// ToJson(c) with "closure": CaseClosureJson of its row. Errors: the store's.
Result<Json> CaseWithClosureJson(Store& store, const Case& c);

}  // namespace cse
