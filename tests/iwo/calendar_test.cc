// Business days and federal holidays (5 USC 6103 [MEMORY]; see iwo/calendar.h).
#include "iwo/calendar.h"

#include <gtest/gtest.h>

namespace cse::iwo {
namespace {

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

TEST(CalendarTest, FederalHolidays2024) {
  const std::vector<Date> expected{D(2024, 1, 1),   D(2024, 1, 15),  D(2024, 2, 19),
                                   D(2024, 5, 27),  D(2024, 6, 19),  D(2024, 7, 4),
                                   D(2024, 9, 2),   D(2024, 10, 14), D(2024, 11, 11),
                                   D(2024, 11, 28), D(2024, 12, 25)};
  EXPECT_EQ(FederalHolidays(2024), expected);
}

TEST(CalendarTest, WeekendHolidaysAreObservedOnTheNearestWeekday) {
  // 2021-07-04 was a Sunday: observed Monday 07-05. 2020-07-04 a Saturday: Friday 07-03.
  const auto h2021 = FederalHolidays(2021);
  EXPECT_NE(std::find(h2021.begin(), h2021.end(), D(2021, 7, 5)), h2021.end());
  const auto h2020 = FederalHolidays(2020);
  EXPECT_NE(std::find(h2020.begin(), h2020.end(), D(2020, 7, 3)), h2020.end());
  // No Juneteenth before 2021.
  EXPECT_EQ(h2020.size(), 10u);
  // New Year's Day 2022 (a Saturday) is observed on Friday 2021-12-31.
  const BusinessCalendar cal;
  EXPECT_FALSE(cal.IsBusinessDay(D(2021, 12, 31)));
}

// Banking days (ACH settlement): the Federal Reserve Banks are open on the Friday before a
// Saturday holiday, and closed on the Monday after a Sunday one, like federal offices.
TEST(CalendarTest, BankingDaysDoNotObserveASaturdayHolidayOnTheFridayBefore) {
  const BusinessCalendar bank({}, Observance::kBanking);
  const BusinessCalendar offices;
  // 2026-07-04 and 2020-07-04 were Saturdays; New Year's Day 2022 too.
  for (Date friday : {D(2026, 7, 3), D(2020, 7, 3), D(2021, 12, 31)}) {
    EXPECT_TRUE(bank.IsBusinessDay(friday)) << friday.ToString();
    EXPECT_FALSE(offices.IsBusinessDay(friday)) << friday.ToString();
  }
  // 2021-07-04 was a Sunday: both closed on Monday 07-05.
  EXPECT_FALSE(bank.IsBusinessDay(D(2021, 7, 5)));
  // The other holidays are the same days.
  EXPECT_EQ(FederalHolidays(2024, Observance::kBanking), FederalHolidays(2024));
  EXPECT_EQ(FederalHolidays(2026, Observance::kBanking).size(), 10u);  // July 4 on a Saturday
  // A state's extra holidays still count.
  EXPECT_FALSE(
      BusinessCalendar({D(2026, 3, 2)}, Observance::kBanking).IsBusinessDay(D(2026, 3, 2)));
}

TEST(CalendarTest, TwoBusinessDaysAfterEntry) {
  const BusinessCalendar cal;
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 6, 3), 2), D(2024, 6, 5));      // Mon → Wed
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 6, 6), 2), D(2024, 6, 10));     // Thu → Mon
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 6, 8), 2), D(2024, 6, 11));     // Sat → Tue
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 6, 18), 2), D(2024, 6, 21));    // skips Juneteenth
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 11, 27), 2), D(2024, 12, 2));   // Thanksgiving
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 12, 24), 2), D(2024, 12, 27));  // Christmas
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 6, 3), 0), D(2024, 6, 3));
}

TEST(CalendarTest, StateHolidaysAreConfigurable) {
  const BusinessCalendar cal({D(2024, 6, 4)});
  EXPECT_EQ(cal.AddBusinessDays(D(2024, 6, 3), 2), D(2024, 6, 6));
}

}  // namespace
}  // namespace cse::iwo
