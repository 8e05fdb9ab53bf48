#include "core/date.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/clock.h"

namespace cse {
namespace {

TEST(DateTest, ParsesAndFormatsRoundTrip) {
  auto d = Date::Parse("2024-02-29");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year(), 2024);
  EXPECT_EQ(d->month(), 2);
  EXPECT_EQ(d->day(), 29);
  EXPECT_EQ(d->ToString(), "2024-02-29");
  EXPECT_EQ(Date::Ymd(1970, 1, 1).days(), 0);
}

// Every day of the supported range: formatting round-trips through Parse, and the month
// bounds agree with the calendar built from year/month/day.
TEST(DateTest, EveryDayFormatsAndBoundsItsMonth) {
  for (Date d = MinDate(); d <= MaxDate(); d = d.AddDays(1)) {
    const std::string text = d.ToString();
    auto back = Date::Parse(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(*back, d) << text;
    ASSERT_EQ(d.MonthStart(), Date::Ymd(d.year(), d.month(), 1)) << text;
    ASSERT_EQ(d.MonthEnd(), Date::Ymd(d.year(), d.month(), DaysInMonth(d.year(), d.month())))
        << text;
  }
}

TEST(DateTest, RejectsMalformedAndOutOfRange) {
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "20240101", "", "2024-00-10",
                          "2024-04-31", "abcd-ef-gh", "2024-01-01x"}) {
    auto d = Date::Parse(bad);
    EXPECT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().reason(), "date_malformed") << bad;
  }
  EXPECT_EQ(Date::Parse("1899-12-31").status().reason(), "date_out_of_range");
  EXPECT_EQ(Date::Parse("2200-01-01").status().reason(), "date_out_of_range");
}

TEST(DateTest, MonthArithmetic) {
  const Date d = Date::Ymd(2024, 1, 31);
  EXPECT_EQ(d.AddMonths(1), Date::Ymd(2024, 2, 29));
  EXPECT_EQ(d.AddMonths(13), Date::Ymd(2025, 2, 28));
  EXPECT_EQ(d.MonthStart(), Date::Ymd(2024, 1, 1));
  EXPECT_EQ(Date::Ymd(2023, 2, 10).MonthEnd(), Date::Ymd(2023, 2, 28));
  EXPECT_EQ(DaysBetween(Date::Ymd(2024, 1, 1), Date::Ymd(2025, 1, 1)), 366);
  EXPECT_EQ(Date::Ymd(2026, 11, 23).weekday(), 1);  // a Monday
}

TEST(DateTest, ExhaustiveRoundTripOverTheRange) {
  for (Date d = MinDate(); d <= MaxDate(); d = d.AddDays(1)) {
    auto back = Date::FromYmd(d.year(), d.month(), d.day());
    ASSERT_TRUE(back.ok());
    ASSERT_EQ(*back, d);
  }
}

TEST(ClockTest, RunningClockKeepsTheDayAndLetsTimePass) {
  const Date day = *Date::Parse("2025-06-30");
  RunningClock clock(day);
  const int64_t first = clock.NowMicros();
  EXPECT_EQ(clock.Today(), day);  // the real time of day on the given day
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int64_t second = clock.NowMicros();
  EXPECT_GE(second - first, 20000);  // a frozen clock (FixedDayClock) would give 0
  EXPECT_LT(second - first, 60LL * 1000000);
}

TEST(ClockTest, FakeClockIsDeterministic) {
  FakeClock clock(0);
  EXPECT_EQ(clock.NowIso(), "1970-01-01T00:00:00.000000Z");
  clock.AdvanceMicros(86400LL * 1000000 + 1);
  EXPECT_EQ(clock.Today(), Date::Ymd(1970, 1, 2));
  EXPECT_EQ(clock.NowIso(), "1970-01-02T00:00:00.000001Z");
}

}  // namespace
}  // namespace cse
