#include "core/date.h"

#include <cstdint>
#include <vector>

namespace cse {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain description).
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int year;
  int month;
  int day;
};

Civil CivilFromDaysComputed(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return Civil{y + (m <= 2 ? 1 : 0), m, d};
}

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;

// Every parsed date lies in 1900-2199: a table of those 109,572 days (year, month and day
// packed in 32 bits, 438 KB) answers the conversion, which the ledger engine makes millions of
// times when it replays histories, with one load; other days are computed.
class CivilTable {
 public:
  CivilTable() : first_(DaysFromCivil(kMinYear, 1, 1)), last_(DaysFromCivil(kMaxYear, 12, 31)) {
    packed_.resize(static_cast<size_t>(last_ - first_ + 1));
    for (int32_t z = first_; z <= last_; ++z) {
      const Civil c = CivilFromDaysComputed(z);
      packed_[static_cast<size_t>(z - first_)] = static_cast<uint32_t>(c.year) << 16 |
                                                 static_cast<uint32_t>(c.month) << 8 |
                                                 static_cast<uint32_t>(c.day);
    }
  }
  Civil operator()(int32_t z) const {
    if (z < first_ || z > last_) return CivilFromDaysComputed(z);
    const uint32_t p = packed_[static_cast<size_t>(z - first_)];
    return Civil{static_cast<int>(p >> 16), static_cast<int>((p >> 8) & 0xff),
                 static_cast<int>(p & 0xff)};
  }

 private:
  int32_t first_;
  int32_t last_;
  std::vector<uint32_t> packed_;
};

Civil CivilFromDays(int32_t z) {
  static const CivilTable table;  // built once, thread-safe (magic static)
  return table(z);
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

Result<Date> Date::FromYmd(int year, int month, int day) {
  if (month < 1 || month > 12) {
    return InvalidArgument("date_malformed", "month " + std::to_string(month) + " is not 1-12");
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return InvalidArgument("date_malformed", "day " + std::to_string(day) + " does not exist in " +
                                                 std::to_string(year) + "-" +
                                                 std::to_string(month));
  }
  if (year < kMinYear || year > kMaxYear) {
    return OutOfRange("date_out_of_range",
                      "year " + std::to_string(year) + " is outside 1900-2199");
  }
  return Date(DaysFromCivil(year, month, day));
}

Result<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return InvalidArgument("date_malformed",
                           "'" + std::string(text) + "' is not a date of the form YYYY-MM-DD");
  }
  auto date = FromYmd(ToInt(text.substr(0, 4)), ToInt(text.substr(5, 2)), ToInt(text.substr(8, 2)));
  if (!date.ok()) return date.status().WithContext("'" + std::string(text) + "'");
  return date;
}

Date Date::Ymd(int year, int month, int day) {
  auto date = FromYmd(year, month, day);
  CSE_CHECK(date.ok(), "Date::Ymd given an invalid date");
  return *date;
}

int Date::year() const { return CivilFromDays(days_).year; }
int Date::month() const { return CivilFromDays(days_).month; }
int Date::day() const { return CivilFromDays(days_).day; }
int Date::weekday() const { return static_cast<int>(((days_ % 7) + 7 + 4) % 7); }

std::string Date::ToString() const {
  // Hot in posting (distribution lines, audit rows): no printf. Years are 1900-2199 for
  // parsed dates; anything else is still printed correctly for 0-9999.
  const Civil c = CivilFromDays(days_);
  std::string out(10, '0');
  int y = c.year;
  for (int i = 3; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>('0' + y % 10);
    y /= 10;
  }
  out[4] = '-';
  out[5] = static_cast<char>('0' + c.month / 10);
  out[6] = static_cast<char>('0' + c.month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + c.day / 10);
  out[9] = static_cast<char>('0' + c.day % 10);
  return out;
}

Date Date::MonthStart() const {
  const Civil c = CivilFromDays(days_);
  return Date(days_ - (c.day - 1));
}

Date Date::MonthEnd() const {
  const Civil c = CivilFromDays(days_);
  return Date(days_ + (DaysInMonth(c.year, c.month) - c.day));
}

Date Date::AddMonths(int n) const {
  const Civil c = CivilFromDays(days_);
  const int index = c.year * 12 + (c.month - 1) + n;
  const int year = index / 12;
  const int month = index % 12 + 1;
  const int day = c.day < DaysInMonth(year, month) ? c.day : DaysInMonth(year, month);
  return Date(DaysFromCivil(year, month, day));
}

Date MinDate() { return Date::Ymd(kMinYear, 1, 1); }
Date MaxDate() { return Date::Ymd(kMaxYear, 12, 31); }

}  // namespace cse
