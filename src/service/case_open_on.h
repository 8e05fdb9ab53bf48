// File: service/case_open_on.h
//
// Whether a case is open on a given day, read from the store (docs/ARCHITECTURE.md §5.6). A
// case's closed days are the ClosedSpans (ledger/engine.h) of its case_closed and
// case_reopened events, which service/case_closure.cc records on the obligor. Posting a payment
// (LedgerService::PostPayment, BulkPoster, employer remittances) decides by the payment's date
// and scoring a case by its as-of date, not by the case's status today: a payment dated before
// a later closing is taken, one dated inside a past closed period of a reopened case is not.
//
// Thread-safety: free functions; they borrow `store` for the call.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/engine.h"
#include "storage/store.h"

namespace cse {

// Each case's closed days from `closures` (by case, then date and id, as
// ObligorBooks::closures; other event kinds are ignored), handed to `take(case_id, spans)`.
template <typename Take>
void ForEachCaseClosed(std::span<const CaseEvent> closures, const Take& take) {
  for (size_t lo = 0; lo < closures.size();) {
    size_t hi = lo;
    while (hi < closures.size() && closures[hi].case_id == closures[lo].case_id) ++hi;
    take(closures[lo].case_id.value, ClosedSpans(closures.subspan(lo, hi - lo)));
    lo = hi;
  }
}

// Closed days by case id; a case without any is absent.
using ClosedDaysByCase = std::unordered_map<int64_t, std::vector<DateSpan>>;

// The closed days of each of `obligor`'s cases that has some, from the obligor's case events
// (one indexed read). Errors: the store's.
Result<ClosedDaysByCase> LoadClosedDays(Store& store, PersonId obligor);

// CheckOpenOn (ledger/engine.h) for `c` on `d`, its closed days read by LoadClosedDays. Errors:
// failed_precondition "case_closed" naming the closed period that holds `d` (`what` names the
// date, e.g. "the payment date"); the store's.
Status CheckCaseOpenOn(Store& store, const Case& c, Date d, std::string_view what);

}  // namespace cse
