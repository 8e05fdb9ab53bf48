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
//   * an audit row `iwo.terminate`.
// A termination notice is never an active withholding order (Store::HasActiveIwo, the
// `iwo_one_active` index): a rehire by the same employer gets a new IWO at once.
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "iwo/calendar.h"
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

struct TerminateResult {
  IwoRecord iwo;  // as it was before
  std::string employer_fein;
  std::optional<IwoRecord> notice;  // the termination notice, when the IWO had been sent
  int64_t event_id = 0;             // the `iwo_ended` case event
};

// Errors (nothing written): invalid_argument "note_required" (reason other without a note),
// "note_too_long", "text_invalid" (not printable UTF-8), "date_in_future",
// "date_before_entry"; not_found "iwo_not_found"; failed_precondition "iwo_already_ended",
// "iwo_rejected" (the employer never withheld), "iwo_is_termination" (a termination notice
// itself); store errors.
Result<TerminateResult> TerminateIwo(Store& store, const Clock& clock, const std::string& actor,
                                     const TerminateRequest& request);

// The case event of an ended IWO (ai::kIwoEndedEvent), dated `end_date`. Shared with the
// employer-initiated termination of an acknowledgment file (iwo/eiwo_ack.h). Writes inside the
// caller's transaction.
Result<int64_t> InsertIwoEndedEvent(Store& store, const IwoRecord& iwo,
                                    const std::string& employer_fein, Date end_date,
                                    std::string_view reason);

}  // namespace cse::iwo
