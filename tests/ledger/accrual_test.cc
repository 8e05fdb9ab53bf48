#include "ledger/accrual.h"

#include <gtest/gtest.h>

namespace cse {
namespace {

Order MakeOrder(Frequency f, int64_t cents, Date start, std::optional<Date> end = std::nullopt) {
  Order o;
  o.id = OrderId{1};
  o.case_id = CaseId{1};
  o.amount = Money::FromCents(cents);
  o.frequency = f;
  o.effective_date = start;
  o.end_date = end;
  return o;
}

int64_t Sum(const std::vector<Debt>& debts) {
  int64_t s = 0;
  for (const Debt& d : debts) s += d.amount.cents();
  return s;
}

TEST(AccrualTest, MonthlyFullAndPartialMonths) {
  // $500/month from 2024-01-16: January prorated 16/31 days.
  const Order o = MakeOrder(Frequency::kMonthly, 50000, Date::Ymd(2024, 1, 16));
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 3, 31));
  ASSERT_EQ(debts.size(), 3u);
  EXPECT_EQ(debts[0].due_date, Date::Ymd(2024, 1, 16));
  EXPECT_EQ(debts[0].amount.cents(), 25806);  // 50000*16/31 = 25806.45
  EXPECT_EQ(debts[1].due_date, Date::Ymd(2024, 2, 1));
  EXPECT_EQ(debts[1].amount.cents(), 50000);
  EXPECT_EQ(debts[2].due_date, Date::Ymd(2024, 3, 1));
}

TEST(AccrualTest, MonthlyEndsMidMonth) {
  const Order o =
      MakeOrder(Frequency::kMonthly, 30000, Date::Ymd(2024, 1, 1), Date::Ymd(2024, 2, 10));
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 12, 31));
  ASSERT_EQ(debts.size(), 2u);
  EXPECT_EQ(debts[1].amount.cents(), 10345);  // 30000*10/29 = 10344.8 (leap February)
}

TEST(AccrualTest, WeeklyAnchoredAtEffectiveDate) {
  const Order o =
      MakeOrder(Frequency::kWeekly, 10000, Date::Ymd(2024, 1, 3), Date::Ymd(2024, 1, 30));
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 12, 31));
  ASSERT_EQ(debts.size(), 4u);
  EXPECT_EQ(debts[0].due_date, Date::Ymd(2024, 1, 3));
  EXPECT_EQ(debts[3].due_date, Date::Ymd(2024, 1, 24));
  EXPECT_EQ(Sum(debts), 40000);  // 1/3..1/30 is exactly four weeks
}

TEST(AccrualTest, BiweeklyProratesLastPartialPeriod) {
  const Order o =
      MakeOrder(Frequency::kBiweekly, 14000, Date::Ymd(2024, 1, 1), Date::Ymd(2024, 1, 31));
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 12, 31));
  ASSERT_EQ(debts.size(), 3u);
  EXPECT_EQ(debts[2].due_date, Date::Ymd(2024, 1, 29));
  EXPECT_EQ(debts[2].amount.cents(), 3000);  // 3 of 14 days
}

TEST(AccrualTest, SemimonthlyHalves) {
  const Order o = MakeOrder(Frequency::kSemimonthly, 25000, Date::Ymd(2024, 2, 1));
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 2, 29));
  ASSERT_EQ(debts.size(), 2u);
  EXPECT_EQ(debts[0].due_date, Date::Ymd(2024, 2, 1));
  EXPECT_EQ(debts[1].due_date, Date::Ymd(2024, 2, 16));
  EXPECT_EQ(Sum(debts), 50000);
  const Order late = MakeOrder(Frequency::kSemimonthly, 15000, Date::Ymd(2024, 4, 11));
  const auto d2 = AccrueOrder(late, MinDate(), Date::Ymd(2024, 4, 30));
  ASSERT_EQ(d2.size(), 2u);
  EXPECT_EQ(d2[0].amount.cents(), 5000);  // 5 of 15 days
}

TEST(AccrualTest, FromThroughWindowsConcatenateExactly) {
  for (Frequency f :
       {Frequency::kWeekly, Frequency::kBiweekly, Frequency::kSemimonthly, Frequency::kMonthly}) {
    const Order o = MakeOrder(f, 12345, Date::Ymd(2023, 5, 17), Date::Ymd(2025, 2, 3));
    const auto all = AccrueOrder(o, MinDate(), Date::Ymd(2026, 1, 1));
    std::vector<Debt> pieces;
    Date from = MinDate();
    for (Date through = Date::Ymd(2023, 5, 1); through < Date::Ymd(2026, 1, 1);
         through = through.AddDays(11)) {
      for (const Debt& d : AccrueOrder(o, from, through)) pieces.push_back(d);
      from = through.AddDays(1);
    }
    for (const Debt& d : AccrueOrder(o, from, Date::Ymd(2026, 1, 1))) pieces.push_back(d);
    ASSERT_EQ(pieces.size(), all.size()) << Name(f);
    EXPECT_EQ(Sum(pieces), Sum(all)) << Name(f);
  }
}

TEST(AccrualTest, ModificationMidPeriodProratesBothSides) {
  Order before =
      MakeOrder(Frequency::kMonthly, 40000, Date::Ymd(2024, 1, 1), Date::Ymd(2024, 4, 15));
  Order after = MakeOrder(Frequency::kMonthly, 60000, Date::Ymd(2024, 4, 16));
  after.id = OrderId{2};
  const auto a = AccrueOrder(before, MinDate(), Date::Ymd(2024, 4, 30));
  const auto b = AccrueOrder(after, MinDate(), Date::Ymd(2024, 4, 30));
  EXPECT_EQ(a.back().amount.cents(), 20000);  // 15/30
  EXPECT_EQ(b.back().amount.cents(), 30000);  // 15/30
}

TEST(AccrualTest, ChildTermEndsAtEmancipation) {
  Order o = MakeOrder(Frequency::kMonthly, 60000, Date::Ymd(2024, 1, 1));
  o.child_terms = {{PersonId{5}, Money::FromCents(30000), Date::Ymd(2024, 3, 15)},
                   {PersonId{6}, Money::FromCents(30000), std::nullopt}};
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 4, 30));
  ASSERT_EQ(debts.size(), 4u);
  EXPECT_EQ(debts[2].amount.cents(), 30000 + 14516);  // 30000*15/31
  EXPECT_EQ(debts[3].amount.cents(), 30000);
  EXPECT_EQ(MonthlyEquivalent(o, Date::Ymd(2024, 4, 1)).cents(), 30000);
}

TEST(AccrualTest, ArrearsPaybackCreatesOnlyItsJudgment) {
  Order o = MakeOrder(Frequency::kMonthly, 5000, Date::Ymd(2024, 1, 10));
  o.type = ObligationType::kArrearsPayback;
  o.judgment = Money::FromCents(250000);
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2025, 1, 1));
  ASSERT_EQ(debts.size(), 1u);
  EXPECT_TRUE(debts[0].judgment);
  EXPECT_EQ(debts[0].amount.cents(), 250000);
}

// A judgment with an accrual period: one debt per calendar month of the period, prorated by
// the period's days in the month (largest remainder, ties to the oldest month), every one due
// on the effective date and carrying its days; a slice of 0.00 is no debt.
TEST(AccrualTest, JudgmentWithAnAccrualPeriodIsOneSlicePerMonthDueOnTheEffectiveDate) {
  Order o = MakeOrder(Frequency::kMonthly, 5000, Date::Ymd(2024, 2, 1));
  o.type = ObligationType::kArrearsPayback;
  o.judgment = Money::FromCents(100000);
  o.judgment_accrued_from = Date::Ymd(2023, 1, 15);
  o.judgment_accrued_through = Date::Ymd(2023, 3, 10);
  // 17 + 28 + 10 = 55 days: 100000 x 17/55 = 30909 r5, x 28/55 = 50909 r5, x 10/55 = 18181
  // r45; the cent left goes to March (largest remainder).
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2025, 1, 1));
  ASSERT_EQ(debts.size(), 3u);
  EXPECT_EQ(debts[0].amount.cents(), 30909);
  EXPECT_EQ(debts[1].amount.cents(), 50909);
  EXPECT_EQ(debts[2].amount.cents(), 18182);
  for (const Debt& d : debts) {
    EXPECT_TRUE(d.judgment);
    EXPECT_EQ(d.due_date, Date::Ymd(2024, 2, 1));
    ASSERT_TRUE(d.accrued.has_value());
    EXPECT_EQ(d.period_start, d.accrued->from);
    EXPECT_EQ(d.period_end, d.accrued->through);
  }
  EXPECT_EQ(debts[0].accrued, (DateSpan{Date::Ymd(2023, 1, 15), Date::Ymd(2023, 1, 31)}));
  EXPECT_EQ(debts[1].accrued, (DateSpan{Date::Ymd(2023, 2, 1), Date::Ymd(2023, 2, 28)}));
  EXPECT_EQ(debts[2].accrued, (DateSpan{Date::Ymd(2023, 3, 1), Date::Ymd(2023, 3, 10)}));
  // Outside [from, through] of the accrual window: nothing, as for any judgment.
  EXPECT_TRUE(AccrueOrder(o, MinDate(), Date::Ymd(2024, 1, 31)).empty());
  // 0.01 over Jan (31 days) and Feb (29): the cent goes to January; February has no debt.
  o.judgment = Money::FromCents(1);
  o.judgment_accrued_from = Date::Ymd(2024, 1, 1);
  o.judgment_accrued_through = Date::Ymd(2024, 1, 31).AddDays(29);
  const auto tiny = AccrueOrder(o, MinDate(), Date::Ymd(2025, 1, 1));
  ASSERT_EQ(tiny.size(), 1u);
  EXPECT_EQ(tiny[0].accrued->through, Date::Ymd(2024, 1, 31));
  // Without a period the judgment stays one debt with no accrual days.
  o.judgment_accrued_from.reset();
  o.judgment_accrued_through.reset();
  const auto one = AccrueOrder(o, MinDate(), Date::Ymd(2025, 1, 1));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_FALSE(one[0].accrued.has_value());
}

TEST(AccrualTest, MonthlyEquivalents) {
  const Date on = Date::Ymd(2024, 6, 1);
  EXPECT_EQ(
      MonthlyEquivalent(MakeOrder(Frequency::kWeekly, 10000, Date::Ymd(2024, 1, 1)), on).cents(),
      43333);
  EXPECT_EQ(
      MonthlyEquivalent(MakeOrder(Frequency::kBiweekly, 10000, Date::Ymd(2024, 1, 1)), on).cents(),
      21667);
  EXPECT_EQ(MonthlyEquivalent(MakeOrder(Frequency::kSemimonthly, 10000, Date::Ymd(2024, 1, 1)), on)
                .cents(),
            20000);
  EXPECT_EQ(
      MonthlyEquivalent(MakeOrder(Frequency::kMonthly, 10000, Date::Ymd(2024, 7, 1)), on).cents(),
      0);
}

// A closed case (45 CFR 303.11) accrues nothing on its closed days: a period they cover in part
// is prorated by its open days and due on its first open day; one they cover whole is dropped.
TEST(AccrualTest, ClosedDaysAccrueNothingAndPartlyClosedPeriodsAreProrated) {
  const Order o = MakeOrder(Frequency::kMonthly, 10000, Date::Ymd(2024, 1, 1));
  // Closed 2024-03-10, reopened 2024-04-20.
  const std::vector<DateSpan> closed{{Date::Ymd(2024, 3, 10), Date::Ymd(2024, 4, 19)}};
  const auto debts = AccrueOrder(o, MinDate(), Date::Ymd(2024, 5, 31), closed);
  ASSERT_EQ(debts.size(), 5u);
  EXPECT_EQ(debts[2].due_date, Date::Ymd(2024, 3, 1));
  EXPECT_EQ(debts[2].amount.cents(), 2903);  // 10000 * 9/31 = 2903.2
  EXPECT_EQ(debts[3].due_date, Date::Ymd(2024, 4, 20));
  EXPECT_EQ(debts[3].amount.cents(), 3667);  // 10000 * 11/30 = 3666.7
  EXPECT_EQ(debts[4].due_date, Date::Ymd(2024, 5, 1));
  EXPECT_EQ(debts[4].amount.cents(), 10000);
  // Accrued month by month (the engine's way) it is the same, debt for debt.
  std::vector<Debt> pieces;
  for (Date m = Date::Ymd(2024, 1, 1); m <= Date::Ymd(2024, 5, 1); m = m.AddMonths(1)) {
    for (const Debt& d : AccrueOrder(o, m, m.MonthEnd(), closed)) pieces.push_back(d);
  }
  ASSERT_EQ(pieces.size(), debts.size());
  for (size_t i = 0; i < debts.size(); ++i) {
    EXPECT_EQ(pieces[i].due_date, debts[i].due_date);
    EXPECT_EQ(pieces[i].amount, debts[i].amount);
  }
  // A month closed whole has no debt; a closing never reopened ends the accrual.
  EXPECT_EQ(AccrueOrder(o, MinDate(), Date::Ymd(2024, 3, 31),
                        std::vector<DateSpan>{{Date::Ymd(2024, 2, 1), Date::Ymd(2024, 2, 29)}})
                .size(),
            2u);
  EXPECT_EQ(Sum(AccrueOrder(o, MinDate(), Date::Ymd(2025, 12, 31),
                            std::vector<DateSpan>{{Date::Ymd(2024, 3, 10), MaxDate()}})),
            22903);
  // No closed days: exactly the accrual without them.
  EXPECT_EQ(Sum(AccrueOrder(o, MinDate(), Date::Ymd(2024, 5, 31), {})),
            Sum(AccrueOrder(o, MinDate(), Date::Ymd(2024, 5, 31))));
}

TEST(AccrualTest, AWeekPartlyClosedFallsDueOnItsFirstOpenDayEvenAcrossAWindowEdge) {
  const Order o = MakeOrder(Frequency::kWeekly, 7000, Date::Ymd(2024, 1, 1));
  // Closed 2024-01-10 through 2024-01-16 (reopened 2024-01-17).
  const std::vector<DateSpan> closed{{Date::Ymd(2024, 1, 10), Date::Ymd(2024, 1, 16)}};
  const auto whole = AccrueOrder(o, MinDate(), Date::Ymd(2024, 1, 31), closed);
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[1].due_date, Date::Ymd(2024, 1, 8));
  EXPECT_EQ(whole[1].amount.cents(), 2000);  // Jan 8-9 open: 2/7
  EXPECT_EQ(whole[2].due_date, Date::Ymd(2024, 1, 17));
  EXPECT_EQ(whole[2].amount.cents(), 5000);  // Jan 17-21 open: 5/7
  // The week of Jan 15 starts inside one window and falls due in the next: counted once.
  auto first = AccrueOrder(o, MinDate(), Date::Ymd(2024, 1, 16), closed);
  const auto second = AccrueOrder(o, Date::Ymd(2024, 1, 17), Date::Ymd(2024, 1, 31), closed);
  ASSERT_EQ(first.size(), 2u);
  first.insert(first.end(), second.begin(), second.end());
  ASSERT_EQ(first.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(first[i].due_date, whole[i].due_date);
    EXPECT_EQ(first[i].amount, whole[i].amount);
  }
}

}  // namespace
}  // namespace cse
