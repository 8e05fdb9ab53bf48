// File: core/date.h
//
// Date is a proleptic-Gregorian civil date stored as days since 1970-01-01. It is the only
// calendar type in the ledger: obligations, payments and balances are dated, never timed.
// Valid range: kMinDate (1900-01-01) to kMaxDate (2199-12-31); parsing rejects anything else.
//
// Thread-safety: value type.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cse {

class Date {
 public:
  // The Unix epoch, 1970-01-01. Prefer FromYmd / Parse.
  constexpr Date() = default;

  // Returns the date for year/month/day or an error naming the bad component.
  static Result<Date> FromYmd(int year, int month, int day);
  // Strict "YYYY-MM-DD" (exactly 10 characters, zero-padded, a real calendar day).
  // Errors: invalid_argument "date_malformed", out_of_range "date_out_of_range".
  static Result<Date> Parse(std::string_view text);
  // REQUIRES: a valid civil date (programmer-supplied constants).
  static Date Ymd(int year, int month, int day);
  static constexpr Date FromDays(int32_t days) { return Date(days); }

  int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  // 0 = Sunday ... 6 = Saturday.
  int weekday() const;
  std::string ToString() const;  // "YYYY-MM-DD"

  Date AddDays(int32_t n) const { return Date(days_ + n); }
  // First and last day of this date's month.
  Date MonthStart() const;
  Date MonthEnd() const;
  // The same day-of-month `n` months later, clamped to the month's last day.
  Date AddMonths(int n) const;
  // Months since year 0, for month arithmetic: year*12 + (month-1).
  int MonthIndex() const { return year() * 12 + month() - 1; }

  friend constexpr auto operator<=>(Date a, Date b) = default;
  friend constexpr bool operator==(Date a, Date b) = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// Days from `a` to `b` (b - a).
inline int32_t DaysBetween(Date a, Date b) { return b.days() - a.days(); }
bool IsLeapYear(int year);
int DaysInMonth(int year, int month);

Date MinDate();  // 1900-01-01
Date MaxDate();  // 2199-12-31

}  // namespace cse
