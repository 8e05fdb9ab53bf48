#include "service/case_open_on.h"

#include <algorithm>

namespace cse {

Result<ClosedDaysByCase> LoadClosedDays(Store& store, PersonId obligor) {
  // By (date, id); ClosedSpans wants one case's events in that order and ignores other kinds.
  ASSIGN_OR_RETURN(std::vector<CaseEvent> events, store.ListCaseEventsByPerson(obligor));
  std::erase_if(events, [](const CaseEvent& e) {
    return !e.case_id.valid() || (e.kind != kCaseClosedEvent && e.kind != kCaseReopenedEvent);
  });
  std::stable_sort(events.begin(), events.end(), [](const CaseEvent& a, const CaseEvent& b) {
    return a.case_id.value < b.case_id.value;
  });
  ClosedDaysByCase out;
  ForEachCaseClosed(events, [&](int64_t case_id, std::vector<DateSpan> spans) {
    if (!spans.empty()) out.emplace(case_id, std::move(spans));
  });
  return out;
}

Status CheckCaseOpenOn(Store& store, const Case& c, Date d, std::string_view what) {
  ASSIGN_OR_RETURN(ClosedDaysByCase closed, LoadClosedDays(store, c.obligor));
  const auto it = closed.find(c.id.value);
  if (it == closed.end()) return CheckOpenOn(c.id, c.status, {}, d, what);
  return CheckOpenOn(c.id, c.status, it->second, d, what);
}

}  // namespace cse
