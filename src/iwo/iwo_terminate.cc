// Ending an income withholding order (iwo/iwo_terminate.h).
#include "iwo/iwo_terminate.h"

#include <utility>

#include "core/text.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse::iwo {
namespace {

std::string ReasonList() {
  std::string out;
  for (IwoEndReason r : kIwoEndReasons) out += (out.empty() ? "" : "|") + std::string(Name(r));
  return out;
}

// The request's own checks, before the store is read.
Status CheckRequest(const TerminateRequest& q, Date today) {
  if (q.reason == IwoEndReason::kOther && IsBlank(q.note)) {
    return InvalidArgument("note_required",
                           "--note: reason 'other' needs a note saying why the IWO ends");
  }
  RETURN_IF_ERROR(ValidateText("--note", q.note, {.max_chars = kIwoEndNoteCharsMax}));
  if (q.end_date > today) {
    return InvalidArgument("date_in_future", "--date " + q.end_date.ToString() +
                                                 " is after today " + today.ToString() +
                                                 ": an IWO ends on a day that has come");
  }
  return Status::Ok();
}

// The IWO and whether it can end on `end_date`. Inside the transaction.
Result<IwoRecord> EndableIwo(Store& store, int64_t id, Date end_date) {
  ASSIGN_OR_RETURN(std::vector<IwoRecord> rows, store.ListIwos("", id - 1, 1));
  const std::string name = FormatDisplayId("IWO", id);
  if (rows.empty() || rows.front().id != id) {
    return NotFound("iwo_not_found", "no IWO " + name);
  }
  const IwoRecord& r = rows.front();
  if (r.kind == "termination") {
    ASSIGN_OR_RETURN(std::optional<int64_t> ends, store.FindIwoTerminated(id));
    return FailedPrecondition("iwo_is_termination",
                              name + " is itself the termination notice" +
                                  (ends ? " of " + FormatDisplayId("IWO", *ends) : std::string()) +
                                  "; terminate the withholding order it ends instead");
  }
  if (r.status == "ended") {
    ASSIGN_OR_RETURN(std::optional<Store::IwoEnd> end, store.GetIwoEnd(id));
    return FailedPrecondition(
        "iwo_already_ended",
        name + " already ended" +
            (end ? " on " + end->end_date.ToString() + " (" + end->reason + ")" : std::string()));
  }
  if (r.status == "rejected") {
    return FailedPrecondition("iwo_rejected", name + " was rejected by the employer (" +
                                                  r.ack_reason_code +
                                                  "): nothing is withheld, nothing to end");
  }
  if (end_date < r.entry_date) {
    return InvalidArgument("date_before_entry", "--date " + end_date.ToString() + " is before " +
                                                    name + "'s entry date " +
                                                    r.entry_date.ToString());
  }
  return r;
}

// The notice the employer gets when it already has the IWO: the same case, obligor, employer
// and employment; no amounts (the employer stops withholding).
IwoRecord NoticeOf(const IwoRecord& iwo, const TerminateRequest& q, const Clock& clock,
                   const std::string& actor) {
  IwoRecord n;
  n.case_id = iwo.case_id;
  n.obligor = iwo.obligor;
  n.employer = iwo.employer;
  n.employment_id = iwo.employment_id;
  n.kind = "termination";
  n.status = "pending";
  n.source = "termination";
  n.entry_date = clock.Today();
  n.due_date = q.calendar.AddBusinessDays(n.entry_date, q.due_business_days);
  n.created_at = clock.NowIso();
  n.created_by = actor;
  return n;
}

Json IwoStateJson(const IwoRecord& r) {
  return Json{{"iwo", FormatDisplayId("IWO", r.id)},
              {"case_id", CaseDisplayId(r.case_id)},
              {"employer_id", FormatDisplayId("EMP", r.employer.value)},
              {"kind", r.kind},
              {"status", r.status}};
}

Result<TerminateResult> Terminate(Store& store, const Clock& clock, const std::string& actor,
                                  const TerminateRequest& q) {
  TerminateResult out;
  // Ending withholding changes what the family receives: a caseworker, supervisor or admin
  // (anyone while the installation has no active admin yet, as for case closure).
  RETURN_IF_ERROR(RequireCaseworkOnceStaffed(store, actor, "end an income withholding order"));
  ASSIGN_OR_RETURN(out.iwo, EndableIwo(store, q.iwo_id, q.end_date));
  ASSIGN_OR_RETURN(out.employer_fein, store.GetEmployerFein(out.iwo.employer));
  const std::string reason(Name(q.reason));
  RETURN_IF_ERROR(store.EndIwo(Store::IwoEnd{q.iwo_id, q.end_date, reason, q.note}));
  ASSIGN_OR_RETURN(out.event_id,
                   InsertIwoEndedEvent(store, out.iwo, out.employer_fein, q.end_date, reason));
  if (out.iwo.status == "sent" || out.iwo.status == "accepted") {
    IwoRecord notice = NoticeOf(out.iwo, q, clock, actor);
    ASSIGN_OR_RETURN(notice.id, store.InsertIwoTermination(notice, q.iwo_id));
    out.notice = notice;
  }
  Json after = IwoStateJson(out.iwo);
  after["status"] = "ended";
  after["end_date"] = q.end_date.ToString();
  after["reason"] = reason;
  after["note"] = q.note;
  after["notice"] = out.notice ? Json(FormatDisplayId("IWO", out.notice->id)) : Json(nullptr);
  RETURN_IF_ERROR(AppendAudit(store, clock, actor, "iwo.terminate", "iwo",
                              FormatDisplayId("IWO", q.iwo_id), IwoStateJson(out.iwo).dump(),
                              after.dump()));
  return out;
}

}  // namespace

std::string_view Name(IwoEndReason reason) {
  switch (reason) {
    case IwoEndReason::kEmploymentEnded:
      return "employment_ended";
    case IwoEndReason::kOrderEnded:
      return "order_ended";
    case IwoEndReason::kCaseClosed:
      return "case_closed";
    case IwoEndReason::kObligorRequestCourt:
      return "obligor_request_court";
    case IwoEndReason::kOther:
      return "other";
  }
  return "other";
}

Result<IwoEndReason> ParseIwoEndReason(std::string_view text) {
  for (IwoEndReason r : kIwoEndReasons) {
    if (Name(r) == text) return r;
  }
  return InvalidArgument("end_reason_invalid",
                         "--reason '" + std::string(text) + "': expected " + ReasonList());
}

Result<int64_t> InsertIwoEndedEvent(Store& store, const IwoRecord& iwo,
                                    const std::string& employer_fein, Date end_date,
                                    std::string_view reason) {
  CaseEvent ev;
  ev.person = iwo.obligor;
  ev.case_id = iwo.case_id;
  ev.date = end_date;
  ev.kind = "iwo_ended";  // ai::kIwoEndedEvent
  ev.detail = "employer_fein=" + employer_fein + " iwo=" + std::to_string(iwo.id) +
              " reason=" + std::string(reason);
  return store.InsertCaseEvent(ev);
}

Result<TerminateResult> TerminateIwo(Store& store, const Clock& clock, const std::string& actor,
                                     const TerminateRequest& request) {
  RETURN_IF_ERROR(CheckRequest(request, clock.Today()));
  return InTransaction(store, [&] { return Terminate(store, clock, actor, request); });
}

}  // namespace cse::iwo
