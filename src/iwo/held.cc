// Resolving held unidentified payments and their aging report (iwo/held.h).
#include "iwo/held.h"

#include <limits>
#include <optional>
#include <span>
#include <utility>

#include "core/text.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/case_open_on.h"
#include "service/json.h"
#include "storage/transaction.h"

namespace cse::iwo {
namespace {

Status CheckRequest(const ResolveRequest& r) {
  const int targets = (r.case_id ? 1 : 0) + (r.obligor ? 1 : 0) + (r.refund ? 1 : 0);
  if (targets != 1) {
    return InvalidArgument("resolution_target_invalid",
                           "give exactly one of a case, an obligor or a refund");
  }
  if (IsBlank(r.reason)) {
    return InvalidArgument("reason_missing", "a reason is required to resolve a held payment");
  }
  if (CharacterCount(r.reason) > static_cast<int64_t>(kResolutionReasonLengthMax)) {
    return InvalidArgument(
        "reason_too_long",
        "the reason is longer than " + std::to_string(kResolutionReasonLengthMax) + " characters");
  }
  // Printable UTF-8: the reason goes into the audit trail.
  return ValidateText("reason", r.reason,
                      {.max_chars = static_cast<int64_t>(kResolutionReasonLengthMax)});
}

// Case `c`'s closed `period` (ClosedPeriodOn) as a message fragment: "CASE-000001 closed from
// 2024-03-16 to 2024-06-13", "CASE-000001 closed since 2024-03-16", or for a case closed with
// no closed days "CASE-000001 closed".
std::string ClosedPeriodText(const Case& c, const DateSpan& period, bool has_closed_days) {
  const std::string name = CaseDisplayId(c.id);
  if (!has_closed_days) return name + " closed";
  if (period.through == MaxDate()) return name + " closed since " + period.from.ToString();
  return name + " closed from " + period.from.ToString() + " to " + period.through.ToString();
}

// The obligor's case with the lowest id that takes a payment dated `pay_date`: open on that day
// by its closed periods (docs/ARCHITECTURE.md §5.6), as a remittance line identified by SSN
// alone is resolved (iwo/remittance.h), not by the cases' status today. A case closed since
// takes it; a case reopened since does not when `pay_date` falls in its closed period.
Result<CaseId> OpenCaseOn(Store& store, PersonId obligor, Date pay_date) {
  RETURN_IF_ERROR(store.GetPerson(obligor).status());
  ASSIGN_OR_RETURN(std::vector<Case> cases, store.ListCasesByObligor(obligor));  // by id
  ASSIGN_OR_RETURN(ClosedDaysByCase closed_days, LoadClosedDays(store, obligor));
  std::string why;  // each case's closed period on pay_date
  for (const Case& c : cases) {
    const auto it = closed_days.find(c.id.value);
    const std::span<const DateSpan> closed = it == closed_days.end()
                                                 ? std::span<const DateSpan>()
                                                 : std::span<const DateSpan>(it->second);
    const std::optional<DateSpan> period = ClosedPeriodOn(c.status, closed, pay_date);
    if (!period) return c.id;
    why += (why.empty() ? "" : ", ") + ClosedPeriodText(c, *period, !closed.empty());
  }
  if (cases.empty()) {
    return FailedPrecondition("no_open_case",
                              PersonDisplayId(obligor) + " is not the obligor of any case");
  }
  const std::string day = "the held payment's pay date " + pay_date.ToString();
  return FailedPrecondition(
      "no_open_case", PersonDisplayId(obligor) + " has no case open on " + day + " (" + why + ")");
}

// The case a resolution posts to: the one given, which must be open on `pay_date` (checked
// before the SSN, as the import orders them: a closed case is no SSN question), or the
// obligor's lowest case open that day (OpenCaseOn).
Result<CaseId> CaseToPost(Store& store, const ResolveRequest& request, Date pay_date) {
  if (!request.case_id) return OpenCaseOn(store, *request.obligor, pay_date);
  ASSIGN_OR_RETURN(const Case c, store.GetCase(*request.case_id));
  RETURN_IF_ERROR(CheckCaseOpenOn(store, c, pay_date, "the held payment's pay date"));
  return c.id;
}

std::string Last4(const std::string& ssn) {
  return ssn.size() >= 4 ? ssn.substr(ssn.size() - 4) : ssn;
}

// A held line that carried an SSN goes only to a case whose obligor has that SSN, or none on
// file (the usual ssn_not_found line, identified by the caseworker), unless forced: the
// import holds exactly this pairing as ssn_case_mismatch. True when the SSNs differ.
Result<bool> CheckSsnOfCase(Store& store, const UnidentifiedPayment& held, CaseId case_id,
                            bool force) {
  if (held.ssn.empty()) return false;
  ASSIGN_OR_RETURN(Case c, store.GetCase(case_id));
  ASSIGN_OR_RETURN(Person obligor, store.GetPerson(c.obligor));
  if (obligor.ssn.empty() || obligor.ssn == held.ssn) return false;
  if (force) return true;
  return FailedPrecondition(
      "ssn_case_mismatch",
      "held payment " + std::to_string(held.id) + " carried SSN ending " + Last4(held.ssn) +
          ", but the obligor of " + CaseDisplayId(case_id) + " (" + PersonDisplayId(c.obligor) +
          ") has SSN ending " + Last4(obligor.ssn) +
          " on file; check the case, or give --force with the reason to post it anyway");
}

Json HeldJson(const UnidentifiedPayment& u) {
  return Json{{"id", u.id},
              {"key", u.key},
              {"amount", u.amount.ToString()},
              {"pay_date", u.pay_date.ToString()},
              {"employer_fein", u.employer_fein},
              {"status", u.status}};
}

Json ResolutionJson(const UnidentifiedResolution& r, bool ssn_mismatch_forced) {
  return Json{{"status", "resolved"},
              {"ssn_mismatch_forced", ssn_mismatch_forced},
              {"resolution", r.resolution},
              {"case_id", r.case_id.value == 0 ? Json(nullptr) : Json(CaseDisplayId(r.case_id))},
              {"collection_key", r.collection_key},
              {"resolved_at", r.resolved_at},
              {"resolved_by", r.resolved_by},
              {"reason", r.reason}};
}

// Inside the open transaction.
Result<ResolveResult> Resolve(Store& store, const Clock& clock, const std::string& actor,
                              const ResolveRequest& request) {
  ResolveResult out;
  ASSIGN_OR_RETURN(out.payment, store.GetUnidentifiedPayment(request.payment_id));
  if (out.payment.status != "held") {
    ASSIGN_OR_RETURN(std::optional<UnidentifiedResolution> done,
                     store.GetUnidentifiedResolution(out.payment.id));
    return FailedPrecondition("already_resolved",
                              "unidentified payment " + std::to_string(out.payment.id) +
                                  " was already resolved" +
                                  (done ? " (" + done->resolution + ") by " + done->resolved_by +
                                              " at " + done->resolved_at
                                        : std::string()));
  }
  UnidentifiedResolution& res = out.resolution;
  bool forced = false;
  res.payment_id = out.payment.id;
  res.resolved_at = clock.NowIso();
  res.resolved_by = actor;
  res.reason = request.reason;
  if (request.refund) {
    res.resolution = "refunded";
  } else {
    res.resolution = "posted";
    // Posted under its held pay date. PostPayment's own checks come first (a payment that has
    // not settled yet is date_in_future whatever the case), then the case open on that day.
    PaymentRequest posting{out.payment.key, CaseId{}, out.payment.amount, out.payment.pay_date,
                           PaymentSource::kWithholding};
    RETURN_IF_ERROR(ValidatePaymentRequest(posting, clock.Today()));
    ASSIGN_OR_RETURN(res.case_id, CaseToPost(store, request, posting.date));
    posting.case_id = res.case_id;
    ASSIGN_OR_RETURN(forced, CheckSsnOfCase(store, out.payment, res.case_id, request.force));
    res.collection_key = out.payment.key;
    LedgerService ledger(store, clock, actor);
    ASSIGN_OR_RETURN(out.posting, ledger.PostPayment(posting));
  }
  RETURN_IF_ERROR(store.ResolveUnidentifiedPayment(res));
  RETURN_IF_ERROR(AppendAudit(store, clock, actor, "unidentified.resolve", "unidentified_payment",
                              std::to_string(out.payment.id), HeldJson(out.payment).dump(),
                              ResolutionJson(res, forced).dump()));
  return out;
}

}  // namespace

Result<ResolveResult> ResolveHeldPayment(Store& store, const Clock& clock, const std::string& actor,
                                         const ResolveRequest& request) {
  RETURN_IF_ERROR(CheckRequest(request));
  return InTransaction(store, [&] { return Resolve(store, clock, actor, request); });
}

Result<HeldAgingReport> BuildHeldAgingReport(Store& store, Date as_of) {
  ASSIGN_OR_RETURN(UnidentifiedReport held, ListHeldPayments(store, as_of));
  HeldAgingReport rep;
  rep.as_of = as_of;
  const char* labels[] = {"0-30", "31-60", "61-90", "over 90"};
  const int32_t mins[] = {0, 31, 61, 91};
  const int32_t maxes[] = {30, 60, 90, std::numeric_limits<int32_t>::max()};
  for (size_t i = 0; i < rep.buckets.size(); ++i) {
    rep.buckets[i].label = labels[i];
    rep.buckets[i].days_min = mins[i];
    rep.buckets[i].days_max = maxes[i];
  }
  for (const HeldPayment& h : held.rows) {
    for (AgingBucket& b : rep.buckets) {
      if (h.days_held < b.days_min || h.days_held > b.days_max) continue;
      ++b.count;
      b.total += h.row.amount;
    }
  }
  rep.count = static_cast<int64_t>(held.rows.size());
  rep.total = held.total;
  rep.oldest_days = held.oldest_days;
  return rep;
}

}  // namespace cse::iwo
