#include "service/case_closure.h"

#include <utility>
#include <vector>

#include "core/check.h"
#include "domain/validate.h"
#include "enforce/remedy.h"
#include "service/audit.h"
#include "service/ledger_service.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse {

namespace {

// Records are kept this many years after closure (FACTS §8).
constexpr int kClosureRecordsYears = 3;

Status CheckNotFuture(Date day, Date today, const char* flag) {
  if (day <= today) return Status::Ok();
  return InvalidArgument("date_in_future", std::string(flag) + " " + day.ToString() +
                                               " is after today " + today.ToString());
}

// A current support or cash medical order that is in effect on `day` (a child's term still
// running, when it has terms) or starts after it: either keeps the case from "no current
// order". The text names it; empty when there is none.
std::string CurrentOrderOn(const std::vector<Order>& orders, Date day) {
  for (const Order& o : orders) {
    if (o.type == ObligationType::kArrearsPayback) continue;
    if (o.end_date && *o.end_date < day) continue;
    if (o.effective_date > day) {
      return OrderDisplayId(o.id) + " (" + std::string(Name(o.type)) + ") takes effect on " +
             o.effective_date.ToString();
    }
    bool running = o.child_terms.empty();
    for (const ChildTerm& t : o.child_terms) running = running || !t.end_date || *t.end_date >= day;
    if (running) {
      return OrderDisplayId(o.id) + " (" + std::string(Name(o.type)) + ") is in effect on " +
             day.ToString();
    }
  }
  return "";
}

// The case events that end a stretch of the case's closure history. A notice or a closing
// dated before one of them would put the history out of order (closed, reopened, closed
// earlier), and would let a notice older than 60 days be backdated after a cancellation.
std::string_view ClosureEventText(std::string_view kind) {
  if (kind == "closure_cancelled") return "its notice of intent to close was cancelled";
  if (kind == "case_closed") return "it was closed";
  if (kind == "case_reopened") return "it was reopened";
  return "";
}

// The case's latest cancellation, closing or reopening (the latest by date; nullopt: none).
Result<std::optional<CaseEvent>> LatestClosureEvent(Store& store, const Case& c) {
  ASSIGN_OR_RETURN(std::vector<CaseEvent> events, store.ListCaseEventsByPerson(c.obligor));
  std::optional<CaseEvent> latest;
  for (CaseEvent& e : events) {
    if (e.case_id != c.id || ClosureEventText(e.kind).empty()) continue;
    if (!latest || e.date >= latest->date) latest = std::move(e);
  }
  return latest;
}

// Refuses `day` (a notice's or a closing's) before the case's latest closure event, with
// `code`; `what` completes "... on <day> at the earliest".
Status NotBeforeLatestClosureEvent(Store& store, const Case& c, Date day, const char* code,
                                   std::string_view what) {
  ASSIGN_OR_RETURN(std::optional<CaseEvent> latest, LatestClosureEvent(store, c));
  if (!latest || day >= latest->date) return Status::Ok();
  return FailedPrecondition(
      code, "--date " + day.ToString() + " is before " + latest->date.ToString() + ", when " +
                std::string(ClosureEventText(latest->kind)) + " (" + CaseDisplayId(c.id) + " " +
                latest->kind + "): " + std::string(what) + " on " + latest->date.ToString() +
                " at the earliest");
}

// Refuses closing on `day` before the latest payment received on the case (a reversed one
// too: it was received while the case was open), which would date the closure before money
// the case took as an open case.
Status NotBeforeLatestCollection(Store& store, const Case& c, Date day) {
  ASSIGN_OR_RETURN(std::vector<Collection> rows, store.ListLedgerInputsByObligor(c.obligor));
  const Collection* latest = nullptr;
  for (const Collection& r : rows) {
    if (r.case_id == c.id && (latest == nullptr || r.date >= latest->date)) latest = &r;
  }
  // The closing day is the first closed day (ledger/engine.h ClosedSpans): a payment received
  // that day would be taken back off the case by the closing's redistribution.
  if (latest == nullptr || day > latest->date) return Status::Ok();
  return FailedPrecondition("closure_date_before_collection",
                            "--date " + day.ToString() + " is not after " +
                                latest->date.ToString() + ", when " + CaseDisplayId(c.id) +
                                " received a payment of " + latest->amount.ToString() +
                                " (the closing day is the first day the case is closed): it can "
                                "be closed on " +
                                latest->date.AddDays(1).ToString() + " at the earliest");
}

Json RowJson(const Store::CaseClosureRow& row) {
  return Json{{"case_id", row.case_id.value},
              {"notice_date", row.notice_date.ToString()},
              {"reason", row.reason},
              {"note", row.note},
              {"closed_date", row.closed_date ? Json(row.closed_date->ToString()) : Json(nullptr)}};
}

}  // namespace

Result<CaseClosureReason> FindClosureReason(std::string_view code) {
  std::string codes;
  for (const CaseClosureReason& r : kCaseClosureReasons) {
    if (r.code == code) return r;
    codes += (codes.empty() ? "" : ", ") + std::string(r.code);
  }
  return InvalidArgument("closure_reason_unknown", "--reason '" + std::string(code.substr(0, 60)) +
                                                       "' is not one of " + codes);
}

CaseClosureService::CaseClosureService(Store& store, const Clock& clock, std::string actor,
                                       CaseloadRule caseload)
    : store_(store), clock_(clock), actor_(std::move(actor)), caseload_(std::move(caseload)) {
  CSE_CHECK(caseload_ != nullptr, "CaseClosureService needs a caseload rule");
}

template <typename F>
auto CaseClosureService::InTransaction(F&& body) -> decltype(body()) {
  return cse::InTransaction(store_, std::forward<F>(body));
}

Status CaseClosureService::Authorize(CaseId case_id, std::string_view what) {
  RETURN_IF_ERROR(RequireCaseworkOnceStaffed(store_, actor_, what));
  return caseload_(store_, actor_, case_id);
}

Result<Case> CaseClosureService::OpenCase(CaseId case_id) {
  ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.status == CaseStatus::kClosed) {
    return FailedPrecondition("case_closed", CaseDisplayId(case_id) + " is closed");
  }
  return c;
}

Status CaseClosureService::CheckLedger(const Case& c, const CaseClosureReason& reason, Date day) {
  if (reason.check != ClosureCheck::kLedgerChecked) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<Order> orders, store_.ListOrdersByCase(c.id));
  const std::string who = CaseDisplayId(c.id) + " does not meet " + std::string(reason.code);
  if (std::string order = CurrentOrderOn(orders, day); !order.empty()) {
    return FailedPrecondition("closure_criteria_not_met", who + ": " + order);
  }
  LedgerService ledger(store_, clock_, actor_);
  ASSIGN_OR_RETURN(CaseBalance b, ledger.GetCaseBalance(c, day));
  const Money unpaid = b.arrears_total + b.current_unpaid;
  if (unpaid.cents() >= reason.unpaid_below_cents) {
    return FailedPrecondition("closure_criteria_not_met",
                              who + ": arrears on " + day.ToString() + " are " + unpaid.ToString() +
                                  ", not under " +
                                  Money::FromCents(reason.unpaid_below_cents).ToString());
  }
  return Status::Ok();
}

// A closing or reopening changes the days the case accrues and takes distributions
// (ledger/engine.h CaseBook::closed): the obligor's stored distributions are re-run and the
// ledger generation moves (the bulk poster's cache).
Status CaseClosureService::ClosedPeriodChanged(const Case& c, const std::string& reason) {
  RETURN_IF_ERROR(Redistribute(store_, c.obligor, clock_.NowIso(), reason, std::nullopt).status());
  return BumpGeneration(store_);
}

Status CaseClosureService::Record(const Case& c, Date day, std::string_view kind,
                                  const std::string& detail, std::string_view action,
                                  const Json& before, const Json& after) {
  CaseEvent e;
  e.person = c.obligor;
  e.case_id = c.id;
  e.date = day;
  e.kind = std::string(kind);
  e.detail = detail;
  RETURN_IF_ERROR(ValidateCaseEvent(e, clock_.Today()));
  RETURN_IF_ERROR(store_.InsertCaseEvent(e).status());
  return AppendAudit(store_, clock_, actor_, action, "case", CaseDisplayId(c.id),
                     before.is_null() ? "" : before.dump(), after.dump());
}

Result<Store::CaseClosureRow> CaseClosureService::RecordNotice(const CloseNoticeRequest& r) {
  ASSIGN_OR_RETURN(const CaseClosureReason reason, FindClosureReason(r.reason));
  RETURN_IF_ERROR(ValidateText("--note", r.note,
                               {.required = reason.note_required,
                                .max_chars = kClosureNoteLengthMax,
                                .missing_code = "closure_note_required"}));
  const Date day = r.date.value_or(clock_.Today());
  RETURN_IF_ERROR(CheckNotFuture(day, clock_.Today(), "--date"));
  return InTransaction([&]() -> Result<Store::CaseClosureRow> {
    RETURN_IF_ERROR(Authorize(r.case_id, "send a notice of intent to close a case"));
    ASSIGN_OR_RETURN(Case c, OpenCase(r.case_id));
    ASSIGN_OR_RETURN(auto pending, store_.GetCaseClosure(c.id));
    if (pending) {
      return FailedPrecondition("closure_notice_pending",
                                CaseDisplayId(c.id) +
                                    " already has a notice of intent to close "
                                    "dated " +
                                    pending->notice_date.ToString() + " (" + pending->reason +
                                    "); cancel it first");
    }
    if (day < c.opened) {
      return FailedPrecondition("closure_notice_before_opened",
                                "--date " + day.ToString() + " is before " + CaseDisplayId(c.id) +
                                    " was opened on " + c.opened.ToString());
    }
    RETURN_IF_ERROR(NotBeforeLatestClosureEvent(store_, c, day, "closure_notice_date_invalid",
                                                "a new notice can be dated"));
    RETURN_IF_ERROR(CheckLedger(c, reason, day));
    Store::CaseClosureRow row{c.id, day, r.reason, r.note, std::nullopt};
    RETURN_IF_ERROR(store_.PutCaseClosure(row));
    const Date earliest = day.AddDays(kClosureNoticeDays);
    RETURN_IF_ERROR(Record(c, day, "closure_notice",
                           "reason=" + r.reason + " close_on_or_after=" + earliest.ToString(),
                           "case.close_notice", nullptr, RowJson(row)));
    return row;
  });
}

Result<Store::CaseClosureRow> CaseClosureService::Close(CaseId case_id, std::optional<Date> date) {
  const Date day = date.value_or(clock_.Today());
  RETURN_IF_ERROR(CheckNotFuture(day, clock_.Today(), "--date"));
  return InTransaction([&]() -> Result<Store::CaseClosureRow> {
    RETURN_IF_ERROR(Authorize(case_id, "close a case"));
    ASSIGN_OR_RETURN(Case c, OpenCase(case_id));
    ASSIGN_OR_RETURN(auto pending, store_.GetCaseClosure(c.id));
    if (!pending) {
      return FailedPrecondition("closure_notice_missing",
                                CaseDisplayId(c.id) +
                                    " has no pending notice of intent to close; record one with "
                                    "`case close-notice` at least " +
                                    std::to_string(kClosureNoticeDays) + " days before closing");
    }
    const Date earliest = pending->notice_date.AddDays(kClosureNoticeDays);
    if (day < earliest) {
      return FailedPrecondition(
          "closure_notice_period",
          CaseDisplayId(c.id) + " can be closed on " + earliest.ToString() + " at the earliest, " +
              std::to_string(kClosureNoticeDays) + " calendar days after its notice of " +
              pending->notice_date.ToString() + " (--date " + day.ToString() + ")");
    }
    RETURN_IF_ERROR(
        NotBeforeLatestClosureEvent(store_, c, day, "closure_date_invalid", "it can be closed"));
    RETURN_IF_ERROR(NotBeforeLatestCollection(store_, c, day));
    ASSIGN_OR_RETURN(const CaseClosureReason reason, FindClosureReason(pending->reason));
    RETURN_IF_ERROR(CheckLedger(c, reason, day));
    const Json before = RowJson(*pending);
    Store::CaseClosureRow row = *pending;
    row.closed_date = day;
    RETURN_IF_ERROR(store_.PutCaseClosure(row));
    RETURN_IF_ERROR(store_.UpdateCaseStatus(c.id, CaseStatus::kClosed));
    Json after = RowJson(row);
    after["status"] = Name(CaseStatus::kClosed);
    RETURN_IF_ERROR(Record(c, day, kCaseClosedEvent,
                           "reason=" + row.reason + " notice_date=" + row.notice_date.ToString(),
                           "case.close", before, after));
    RETURN_IF_ERROR(ClosedPeriodChanged(c, "case " + CaseDisplayId(c.id) + " closed"));
    return row;
  });
}

Status CaseClosureService::CancelNotice(CaseId case_id, const std::string& reason) {
  RETURN_IF_ERROR(ValidateReason(reason, "cancel a notice of intent to close"));
  return InTransaction([&]() -> Status {
    RETURN_IF_ERROR(Authorize(case_id, "cancel a notice of intent to close"));
    ASSIGN_OR_RETURN(Case c, OpenCase(case_id));
    ASSIGN_OR_RETURN(auto pending, store_.GetCaseClosure(c.id));
    if (!pending) {
      return FailedPrecondition("closure_notice_missing",
                                CaseDisplayId(c.id) + " has no pending notice of intent to close");
    }
    RETURN_IF_ERROR(store_.DeleteCaseClosure(c.id));
    const Json after{{"case_id", c.id.value}, {"reason", reason}};
    return Record(c, clock_.Today(), "closure_cancelled",
                  "notice_date=" + pending->notice_date.ToString(), "case.closure_cancel",
                  RowJson(*pending), after);
  });
}

Status CaseClosureService::Reopen(CaseId case_id, const std::string& reason) {
  RETURN_IF_ERROR(ValidateReason(reason, "reopen a case"));
  return InTransaction([&]() -> Status {
    RETURN_IF_ERROR(Authorize(case_id, "reopen a case"));
    ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
    if (c.status != CaseStatus::kClosed) {
      return FailedPrecondition("case_not_closed", CaseDisplayId(c.id) + " is not closed");
    }
    ASSIGN_OR_RETURN(auto closed, store_.GetCaseClosure(c.id));
    // Reopened today: not before the closing day (a clock set back would reopen the case before
    // it closed, and its closed days would run on for ever).
    if (closed && closed->closed_date && clock_.Today() < *closed->closed_date) {
      return FailedPrecondition("reopen_before_closing",
                                CaseDisplayId(c.id) + " was closed on " +
                                    closed->closed_date->ToString() + "; today (" +
                                    clock_.Today().ToString() + ") is before it");
    }
    RETURN_IF_ERROR(store_.DeleteCaseClosure(c.id));
    RETURN_IF_ERROR(store_.UpdateCaseStatus(c.id, CaseStatus::kOpen));
    const Json after{{"case_id", c.id.value},
                     {"status", Name(CaseStatus::kOpen)},
                     {"reason", reason},
                     {"reopened_date", clock_.Today().ToString()}};
    RETURN_IF_ERROR(Record(c, clock_.Today(), kCaseReopenedEvent, "", "case.reopen",
                           closed ? RowJson(*closed) : Json(nullptr), after));
    return ClosedPeriodChanged(c, "case " + CaseDisplayId(c.id) + " reopened");
  });
}

Json CaseClosureJson(const std::optional<Store::CaseClosureRow>& row) {
  if (!row) return nullptr;
  auto reason = FindClosureReason(row->reason);
  Json j{{"state", row->closed_date ? "closed" : "notice_pending"},
         {"notice_date", row->notice_date.ToString()},
         {"reason", row->reason},
         {"reason_text", reason.ok() ? Json(std::string(reason->text)) : Json(nullptr)},
         {"note", row->note},
         {"earliest_close_date", row->notice_date.AddDays(kClosureNoticeDays).ToString()},
         {"closed_date", nullptr},
         {"records_kept_until", nullptr}};
  if (row->closed_date) {
    j["closed_date"] = row->closed_date->ToString();
    j["records_kept_until"] = row->closed_date->AddMonths(12 * kClosureRecordsYears).ToString();
  }
  return j;
}

Result<Json> CaseWithClosureJson(Store& store, const Case& c) {
  ASSIGN_OR_RETURN(auto row, store.GetCaseClosure(c.id));
  Json j = ToJson(c);
  j["closure"] = CaseClosureJson(row);
  return j;
}

}  // namespace cse
