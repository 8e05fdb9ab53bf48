// Ending an income withholding order (iwo/iwo_terminate.h).
#include "iwo/iwo_terminate.h"

#include <algorithm>
#include <utility>

#include "auth/auth_service.h"
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

// IWO `id`. Inside the transaction.
Result<IwoRecord> FindIwo(Store& store, int64_t id) {
  ASSIGN_OR_RETURN(std::vector<IwoRecord> rows, store.ListIwos("", id - 1, 1));
  if (rows.empty() || rows.front().id != id) {
    return NotFound("iwo_not_found", "no IWO " + FormatDisplayId("IWO", id));
  }
  return rows.front();
}

// Whether IWO `r` can end on `end_date`. Inside the transaction.
Status CheckEndable(Store& store, const IwoRecord& r, Date end_date) {
  const std::string name = FormatDisplayId("IWO", r.id);
  if (r.kind == "termination") {
    ASSIGN_OR_RETURN(std::optional<int64_t> ends, store.FindIwoTerminated(r.id));
    return FailedPrecondition("iwo_is_termination",
                              name + " is itself the termination notice" +
                                  (ends ? " of " + FormatDisplayId("IWO", *ends) : std::string()) +
                                  "; terminate the withholding order it ends instead");
  }
  if (r.status == "ended") {
    ASSIGN_OR_RETURN(std::optional<Store::IwoEnd> end, store.GetIwoEnd(r.id));
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
  return Status::Ok();
}

// The notice the employer gets when it already has the IWO: the same case, obligor, employer
// and employment; no amounts (the employer stops withholding).
IwoRecord NoticeOf(const IwoRecord& iwo, const NoticeTerms& terms, const Clock& clock,
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
  n.due_date = terms.calendar.AddBusinessDays(n.entry_date, terms.due_business_days);
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

// Whether the obligor still works for the employer of `ended` (which ended on `date` because
// the employment ended) on or after `date`: any employment with that employer, whichever IWO
// names it, not ended before `date` — other than those this termination ended (IWO `ended`'s
// own and `jobs_ended`), which no longer count as open even when ended the day they started.
bool StillEmployedThere(const std::vector<Employment>& jobs, const IwoRecord& ended, Date date,
                        const std::vector<EmploymentEnded>& jobs_ended) {
  return std::any_of(jobs.begin(), jobs.end(), [&](const Employment& j) {
    if (j.employer != ended.employer || IsEmploymentOfIwo(ended, j, date)) return false;
    if (std::any_of(jobs_ended.begin(), jobs_ended.end(),
                    [&](const EmploymentEnded& e) { return e.employment_id == j.id; })) {
      return false;
    }
    return !j.end_date || *j.end_date >= date;
  });
}

// Ends `r`, another IWO of the obligor at the employer, on `end_date` (its entry date if later).
Result<IwoEndedWith> EndOther(Store& store, const Clock& clock, const std::string& actor,
                              const IwoRecord& r, int64_t ended_with,
                              const std::string& employer_fein, Date end_date,
                              const std::string& note, const NoticeTerms& terms) {
  IwoEndedWith out{r, ended_with, std::max(end_date, r.entry_date), std::nullopt, 0, std::nullopt};
  const std::string reason(Name(IwoEndReason::kEmploymentEnded));
  RETURN_IF_ERROR(store.EndIwo(Store::IwoEnd{r.id, out.end_date, reason, note}));
  ASSIGN_OR_RETURN(out.event_id,
                   InsertIwoEndedEvent(store, r, employer_fein, out.end_date, reason));
  if (r.status == "sent" || r.status == "accepted") {
    IwoRecord notice = NoticeOf(r, terms, clock, actor);
    ASSIGN_OR_RETURN(notice.id, store.InsertIwoTermination(notice, r.id));
    out.notice = notice;
  }
  return out;
}

// The audit rows of the other IWOs ended with the one terminated: one `iwo.terminate` each.
Status AuditOthers(Store& store, const Clock& clock, const std::string& actor,
                   const std::vector<IwoEndedWith>& others) {
  for (const IwoEndedWith& o : others) {
    Json after = IwoStateJson(o.iwo);
    after["status"] = "ended";
    after["end_date"] = o.end_date.ToString();
    after["reason"] = std::string(Name(IwoEndReason::kEmploymentEnded));
    after["ended_with"] = FormatDisplayId("IWO", o.ended_with);
    after["notice"] = o.notice ? Json(FormatDisplayId("IWO", o.notice->id)) : Json(nullptr);
    after["task_for"] = o.task_for ? Json(*o.task_for) : Json(nullptr);
    RETURN_IF_ERROR(AppendAudit(store, clock, actor, "iwo.terminate", "iwo",
                                FormatDisplayId("IWO", o.iwo.id), IwoStateJson(o.iwo).dump(),
                                after.dump()));
  }
  return Status::Ok();
}

// The caseworker of each other IWO ended whose case is not the actor's own is told: a task
// (kIwoEndedEmploymentEndedTask) to find the income source again, as the employer's TRM gives.
Status TellOtherCaseworkers(Store& store, const Clock& clock, const std::string& actor,
                            const std::string& employer_fein, std::vector<IwoEndedWith>& others) {
  IwoTasks tasks(store, clock);
  for (IwoEndedWith& o : others) {
    ASSIGN_OR_RETURN(const std::string worker, tasks.WorkerFor(o.iwo.case_id));
    if (worker == actor) continue;
    ASSIGN_OR_RETURN(
        const bool created,
        tasks.Add(
            kIwoEndedEmploymentEndedTask, o.iwo, employer_fein, "IWO ended: the employment ended",
            "ended on " + o.end_date.ToString() + " with " + FormatDisplayId("IWO", o.ended_with) +
                ", which " + actor + " terminated because the employment ended"));
    if (created) o.task_for = worker;
  }
  return Status::Ok();
}

Result<TerminateResult> Terminate(Store& store, const Clock& clock, const std::string& actor,
                                  const TerminateRequest& q) {
  TerminateResult out;
  // Ending withholding changes what the family receives: a caseworker, supervisor or admin
  // (anyone while the installation has no active admin yet, as for case closure).
  RETURN_IF_ERROR(RequireCaseworkOnceStaffed(store, actor, "end an income withholding order"));
  ASSIGN_OR_RETURN(out.iwo, FindIwo(store, q.iwo_id));
  // Within the actor's own caseload, before anything about the IWO is told.
  RETURN_IF_ERROR(auth::CheckUserCaseload(store, actor, out.iwo.case_id));
  RETURN_IF_ERROR(CheckEndable(store, out.iwo, q.end_date));
  ASSIGN_OR_RETURN(out.employer_fein, store.GetEmployerFein(out.iwo.employer));
  const std::string reason(Name(q.reason));
  RETURN_IF_ERROR(store.EndIwo(Store::IwoEnd{q.iwo_id, q.end_date, reason, q.note}));
  ASSIGN_OR_RETURN(out.event_id,
                   InsertIwoEndedEvent(store, out.iwo, out.employer_fein, q.end_date, reason));
  if (out.iwo.status == "sent" || out.iwo.status == "accepted") {
    IwoRecord notice =
        NoticeOf(out.iwo, NoticeTerms{q.due_business_days, q.calendar}, clock, actor);
    ASSIGN_OR_RETURN(notice.id, store.InsertIwoTermination(notice, q.iwo_id));
    out.notice = notice;
  }
  if (q.reason == IwoEndReason::kEmploymentEnded) {
    // The obligor no longer works there: not for this case alone.
    ASSIGN_OR_RETURN(out.employments_ended, EndEmploymentOfIwo(store, out.iwo, q.end_date));
    const std::string note = "ended with " + FormatDisplayId("IWO", q.iwo_id) +
                             " (employment_ended): the obligor no longer works for this employer";
    ASSIGN_OR_RETURN(out.other_iwos_ended,
                     EndOtherIwosAtEmployer(
                         store, clock, actor, out.iwo, out.employer_fein, q.end_date, note,
                         NoticeTerms{q.due_business_days, q.calendar}, out.employments_ended));
    RETURN_IF_ERROR(
        TellOtherCaseworkers(store, clock, actor, out.employer_fein, out.other_iwos_ended));
  }
  Json after = IwoStateJson(out.iwo);
  after["status"] = "ended";
  after["end_date"] = q.end_date.ToString();
  after["reason"] = reason;
  after["note"] = q.note;
  after["notice"] = out.notice ? Json(FormatDisplayId("IWO", out.notice->id)) : Json(nullptr);
  after["employments_ended"] = EmploymentsEndedJson(out.employments_ended);
  after["other_iwos_ended"] = OtherIwosEndedJson(out.other_iwos_ended);
  RETURN_IF_ERROR(AppendAudit(store, clock, actor, "iwo.terminate", "iwo",
                              FormatDisplayId("IWO", q.iwo_id), IwoStateJson(out.iwo).dump(),
                              after.dump()));
  RETURN_IF_ERROR(AuditOthers(store, clock, actor, out.other_iwos_ended));
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

Result<std::vector<EmploymentEnded>> EndEmploymentOfIwo(Store& store, const IwoRecord& iwo,
                                                        Date iwo_end_date) {
  ASSIGN_OR_RETURN(std::vector<Employment> jobs, store.ListEmploymentByPerson(iwo.obligor));
  std::vector<EmploymentEnded> out;
  for (const Employment& j : jobs) {
    if (!IsEmploymentOfIwo(iwo, j, iwo_end_date)) continue;
    const Date last_day = std::max(iwo_end_date.AddDays(-1), j.start_date);
    if (j.end_date && *j.end_date <= last_day) continue;  // already ended by then
    RETURN_IF_ERROR(store.SetEmploymentEnd(j.id, last_day));
    ASSIGN_OR_RETURN(const std::string fein, store.GetEmployerFein(j.employer));
    CaseEvent ev;
    ev.person = iwo.obligor;  // no case: the obligor's job, in all their cases
    ev.date = last_day;
    ev.kind = std::string(kJobEndedEvent);
    ev.detail = "employer_fein=" + fein + " employment=" + std::to_string(j.id);
    RETURN_IF_ERROR(store.InsertCaseEvent(ev).status());
    out.push_back(EmploymentEnded{j.id, last_day});
  }
  return out;
}

bool IsEmploymentOfIwo(const IwoRecord& iwo, const Employment& job, Date iwo_end_date) {
  const bool its_job =
      iwo.employment_id > 0 ? job.id == iwo.employment_id : job.employer == iwo.employer;
  return its_job && job.start_date <= iwo_end_date;
}

Result<std::vector<IwoEndedWith>> EndOtherIwosAtEmployer(
    Store& store, const Clock& clock, const std::string& actor, const IwoRecord& ended,
    const std::string& employer_fein, Date end_date, const std::string& note,
    const NoticeTerms& terms, const std::vector<EmploymentEnded>& jobs_ended) {
  std::vector<IwoEndedWith> out;
  ASSIGN_OR_RETURN(const std::vector<Employment> jobs, store.ListEmploymentByPerson(ended.obligor));
  if (StillEmployedThere(jobs, ended, end_date, jobs_ended)) return out;
  ASSIGN_OR_RETURN(const std::vector<Case> cases, store.ListCasesByObligor(ended.obligor));
  for (const Case& c : cases) {
    ASSIGN_OR_RETURN(const std::vector<IwoRecord> active, store.ListActiveIwosByCase(c.id));
    for (const IwoRecord& r : active) {
      if (r.id == ended.id || r.employer != ended.employer) continue;
      ASSIGN_OR_RETURN(IwoEndedWith o, EndOther(store, clock, actor, r, ended.id, employer_fein,
                                                end_date, note, terms));
      out.push_back(std::move(o));
    }
  }
  return out;
}

Result<std::string> IwoTasks::WorkerFor(CaseId c) {
  if (!assignment_) {
    ASSIGN_OR_RETURN(assignment_, LoadCaseworkers(store_));
    staffed_offices_ = assignment_->StaffedOffices();
  }
  if (placed_.insert(c.value).second) {
    ASSIGN_OR_RETURN(const std::string office, store_.CaseOffice(c));
    if (std::binary_search(staffed_offices_.begin(), staffed_offices_.end(), office)) {
      assignment_->AddCases(office, {c});
    }
  }
  return assignment_->WorkerFor(c);
}

Result<bool> IwoTasks::Add(std::string_view kind, const IwoRecord& iwo, const std::string& fein,
                           std::string title, const std::string& what) {
  enforce::Task t;
  t.key = std::string(kind) + ":" + std::to_string(iwo.id);
  ASSIGN_OR_RETURN(std::optional<enforce::Task> found, store_.FindEnforceTaskByKey(t.key));
  if (found) return false;
  t.kind = std::string(kind);
  t.case_id = iwo.case_id;
  t.obligor = iwo.obligor;
  ASSIGN_OR_RETURN(t.worker, WorkerFor(iwo.case_id));
  t.created = clock_.Today();
  t.risk_score = 50;  // unknown: the queue's neutral value
  t.amount_at_stake = iwo.current_monthly + iwo.arrears_monthly;
  t.title = std::move(title);
  t.message = FormatDisplayId("IWO", iwo.id) + " to employer FEIN " + fein + " " + what +
              ". Verify the employment and find the current income source.";
  t.recommended = "verify employment";
  t.key_factors = "[]";
  RETURN_IF_ERROR(store_.InsertEnforceTask(t).status());
  return true;
}

Json EmploymentsEndedJson(const std::vector<EmploymentEnded>& ended) {
  Json out = Json::array();
  for (const EmploymentEnded& e : ended) {
    out.push_back(Json{{"employment_id", e.employment_id}, {"end_date", e.end_date.ToString()}});
  }
  return out;
}

Json OtherIwosEndedJson(const std::vector<IwoEndedWith>& ended) {
  Json out = Json::array();
  for (const IwoEndedWith& o : ended) {
    out.push_back(Json{{"iwo", FormatDisplayId("IWO", o.iwo.id)},
                       {"case_id", CaseDisplayId(o.iwo.case_id)},
                       {"previous_status", o.iwo.status},
                       {"end_date", o.end_date.ToString()},
                       {"ended_with", FormatDisplayId("IWO", o.ended_with)},
                       {"termination_notice",
                        o.notice ? Json(FormatDisplayId("IWO", o.notice->id)) : Json(nullptr)}});
  }
  return out;
}

Result<TerminateResult> TerminateIwo(Store& store, const Clock& clock, const std::string& actor,
                                     const TerminateRequest& request) {
  RETURN_IF_ERROR(CheckRequest(request, clock.Today()));
  return InTransaction(store, [&] { return Terminate(store, clock, actor, request); });
}

}  // namespace cse::iwo
