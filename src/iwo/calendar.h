// File: iwo/calendar.h
//
// Business days: Monday to Friday except federal holidays (and any extra state holidays a
// state configures). Used for the new-hire deadline: the IWO goes to the employer within
// 2 business days of the new-hire report's entry (42 USC 653a(g)(1); FACTS §2.5, §8).
//
// Federal holidays (5 USC 6103(a)) [MEMORY: the list and the observance rule below are not
// in FACTS.md; they follow 5 USC 6103 as the authors know it — verify before relying on a
// specific date]: New Year's Day (Jan 1), Birthday of Martin Luther King Jr. (third Monday of
// January), Washington's Birthday (third Monday of February), Memorial Day (last Monday of
// May), Juneteenth (June 19, from 2021), Independence Day (July 4), Labor Day (first Monday
// of September), Columbus Day (second Monday of October), Veterans Day (Nov 11),
// Thanksgiving (fourth Thursday of November), Christmas (Dec 25). A fixed-date holiday on a
// Saturday is observed the Friday before, on a Sunday the Monday after (so New Year's Day
// 2022, a Saturday, was observed on Friday 2021-12-31).
//
// Banking days (ACH settlement of employer payments) follow the Federal Reserve Banks, which
// close on the same holidays but do not observe a Saturday holiday on the Friday before
// (Observance::kBanking) [MEMORY: the Federal Reserve's holiday rule as the authors know it,
// not in FACTS.md].
//
// Thread-safety: one thread at a time (holidays are computed lazily and cached by year).
#pragma once

#include <set>
#include <vector>

#include "core/date.h"

namespace cse::iwo {

// Which day off a fixed-date holiday that falls on a Saturday gives.
enum class Observance {
  kFederalOffices,  // the Friday before (5 USC 6103(b))
  kBanking,         // none: the Federal Reserve Banks are open that Friday
};

// The observed federal holidays of `year`, in date order (11 from 2021, 10 before, for
// federal offices; fewer for banking when a fixed-date holiday falls on a Saturday).
std::vector<Date> FederalHolidays(int year, Observance observance = Observance::kFederalOffices);

class BusinessCalendar {
 public:
  // Federal holidays, as `observance` observes them, plus `extra_holidays` (state holidays,
  // closures).
  explicit BusinessCalendar(std::vector<Date> extra_holidays = {},
                            Observance observance = Observance::kFederalOffices);

  bool IsBusinessDay(Date d) const;
  // The day `n` business days after `from` (n >= 1): "within 2 business days of entry" on a
  // Friday is the Tuesday after. `from` itself need not be a business day.
  // REQUIRES: n >= 0 (0 answers `from`).
  Date AddBusinessDays(Date from, int n) const;

 private:
  bool IsHoliday(Date d) const;
  Observance observance_;
  std::set<int32_t> extra_;  // days since epoch
  mutable std::set<int> years_loaded_;
  mutable std::set<int32_t> holidays_;
};

}  // namespace cse::iwo
