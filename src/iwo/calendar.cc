#include "iwo/calendar.h"

#include <algorithm>

#include "core/check.h"

namespace cse::iwo {
namespace {

constexpr int kMonday = 1;
constexpr int kThursday = 4;
constexpr int kLastYear = 2199;  // Date's range ends 2199-12-31

// The `nth` (1-based) `weekday` of a month.
Date NthWeekday(int year, int month, int weekday, int nth) {
  const Date first = Date::Ymd(year, month, 1);
  const int offset = (weekday - first.weekday() + 7) % 7;
  return first.AddDays(offset + 7 * (nth - 1));
}

Date LastWeekday(int year, int month, int weekday) {
  const Date last = Date::Ymd(year, month, 1).MonthEnd();
  return last.AddDays(-((last.weekday() - weekday + 7) % 7));
}

// Saturday → Friday before, Sunday → Monday after.
Date Observed(Date d) {
  if (d.weekday() == 6) return d.AddDays(-1);
  if (d.weekday() == 0) return d.AddDays(1);
  return d;
}

bool IsWeekend(Date d) { return d.weekday() == 0 || d.weekday() == 6; }

}  // namespace

std::vector<Date> FederalHolidays(int year, Observance observance) {
  std::vector<Date> out{
      NthWeekday(year, 1, kMonday, 3),  NthWeekday(year, 2, kMonday, 3),
      LastWeekday(year, 5, kMonday),    NthWeekday(year, 9, kMonday, 1),
      NthWeekday(year, 10, kMonday, 2), NthWeekday(year, 11, kThursday, 4),
  };
  std::vector<Date> fixed{Date::Ymd(year, 1, 1), Date::Ymd(year, 7, 4), Date::Ymd(year, 11, 11),
                          Date::Ymd(year, 12, 25)};
  if (year >= 2021) fixed.push_back(Date::Ymd(year, 6, 19));
  for (Date d : fixed) {
    // A Saturday holiday gives banks no day off (a Saturday is no banking day anyway).
    if (observance == Observance::kBanking && d.weekday() == 6) continue;
    out.push_back(Observed(d));
  }
  std::sort(out.begin(), out.end());
  return out;
}

BusinessCalendar::BusinessCalendar(std::vector<Date> extra_holidays, Observance observance)
    : observance_(observance) {
  for (Date d : extra_holidays) extra_.insert(d.days());
}

bool BusinessCalendar::IsHoliday(Date d) const {
  if (extra_.count(d.days())) return true;
  // A holiday observed on Dec 31 belongs to the next year's list (New Year's Day on a
  // Saturday), so load the neighbouring year too.
  for (int y : {d.year(), d.year() + 1}) {
    if (y <= kLastYear && years_loaded_.insert(y).second) {
      for (Date h : FederalHolidays(y, observance_)) holidays_.insert(h.days());
    }
  }
  return holidays_.count(d.days()) > 0;
}

bool BusinessCalendar::IsBusinessDay(Date d) const { return !IsWeekend(d) && !IsHoliday(d); }

Date BusinessCalendar::AddBusinessDays(Date from, int n) const {
  CSE_CHECK(n >= 0, "AddBusinessDays needs n >= 0");
  Date d = from;
  for (int left = n; left > 0;) {
    d = d.AddDays(1);
    if (IsBusinessDay(d)) --left;
  }
  return d;
}

}  // namespace cse::iwo
