// Withholding amounts, CCPA limits and multi-order allocation (FACTS §1.2, §3).
#include "iwo/withholding.h"

#include <gtest/gtest.h>

namespace cse::iwo {
namespace {

Money M(int64_t cents) { return Money::FromCents(cents); }
Money D(int64_t dollars) { return Money::FromCents(dollars * 100); }

// FACTS §3.1 test vectors [DERIVED from 15 USC 1673(b)].
TEST(WithholdingLimitTest, FactsVectors) {
  struct Vector {
    int64_t disposable;
    SecondFamily second;
    ArrearsOver12Weeks aged;
    int64_t limit;
  };
  const Vector vectors[] = {
      {1000, SecondFamily::kYes, ArrearsOver12Weeks::kNo, 500},
      {1000, SecondFamily::kYes, ArrearsOver12Weeks::kYes, 550},
      {1000, SecondFamily::kNo, ArrearsOver12Weeks::kNo, 600},
      {1000, SecondFamily::kNo, ArrearsOver12Weeks::kYes, 650},
      {500, SecondFamily::kNo, ArrearsOver12Weeks::kYes, 325},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(WithholdingLimit(D(v.disposable), v.second, v.aged), D(v.limit))
        << v.disposable << " " << static_cast<int>(v.second) << static_cast<int>(v.aged);
  }
}

TEST(WithholdingLimitTest, RoundsDownAndAppliesTheLowerStateCap) {
  // 55% of 0.99 = 0.5445: never a cent above the statute.
  EXPECT_EQ(WithholdingLimit(M(99), SecondFamily::kYes, ArrearsOver12Weeks::kYes), M(54));
  // California caps at 50% in all cases (FACTS §3.1): lesser of 65% and 50%.
  EXPECT_EQ(WithholdingLimit(D(1000), SecondFamily::kNo, ArrearsOver12Weeks::kYes, {5000}), D(500));
  // A state cap above the federal one changes nothing.
  EXPECT_EQ(WithholdingLimit(D(1000), SecondFamily::kNo, ArrearsOver12Weeks::kNo, {7000}), D(600));
  EXPECT_EQ(WithholdingLimit(M(0), SecondFamily::kNo, ArrearsOver12Weeks::kNo), M(0));
}

// FACTS §3.2: Texas OAG multiple-orders Example 1 [SOURCED].
TEST(AllocateTest, TexasExampleOneEqualArrears) {
  AllocationRequest r;
  r.disposable = D(850);
  r.second_family = SecondFamily::kYes;  // cap $425 = 50%
  r.method = AllocationMethod::kEqual;
  r.orders = {{D(100), D(50)}, {D(200), D(50)}, {D(50), D(25)}};
  auto al = Allocate(r);
  ASSERT_TRUE(al.ok()) << al.status().ToString();
  EXPECT_EQ(al->limit, D(425));
  EXPECT_EQ(al->total, D(425));
  ASSERT_EQ(al->orders.size(), 3u);
  EXPECT_EQ(al->orders[0].current, D(100));
  EXPECT_EQ(al->orders[1].current, D(200));
  EXPECT_EQ(al->orders[2].current, D(50));
  for (const OrderShare& s : al->orders) EXPECT_EQ(s.arrears, D(25));
}

TEST(AllocateTest, SameOrdersProratedByArrearsShare) {
  AllocationRequest r;
  r.disposable = D(850);
  r.second_family = SecondFamily::kYes;
  r.method = AllocationMethod::kProrate;
  r.orders = {{D(100), D(50)}, {D(200), D(50)}, {D(50), D(25)}};
  auto al = Allocate(r);
  ASSERT_TRUE(al.ok());
  // $75 over arrears 50:50:25 = 30, 30, 15.
  EXPECT_EQ(al->orders[0].arrears, D(30));
  EXPECT_EQ(al->orders[1].arrears, D(30));
  EXPECT_EQ(al->orders[2].arrears, D(15));
}

TEST(AllocateTest, CurrentSupportProratedWhenTheLimitDoesNotCoverIt) {
  // Michigan rule (FACTS §3.2): current_i / Σcurrent × available; no arrears paid.
  const auto shares = AllocateAmong(D(300), {{D(100), D(50)}, {D(200), D(50)}, {D(100), D(0)}},
                                    AllocationMethod::kProrate);
  EXPECT_EQ(shares[0].current, D(75));
  EXPECT_EQ(shares[1].current, D(150));
  EXPECT_EQ(shares[2].current, D(75));
  for (const OrderShare& s : shares) EXPECT_EQ(s.arrears, M(0));
}

TEST(AllocateTest, RemainderCentsGoToTheOrdersListedFirst) {
  // 100.00 over three equal currents: 33.34, 33.33, 33.33 (largest remainder, ties first).
  auto shares = AllocateAmong(D(100), {{D(50), M(0)}, {D(50), M(0)}, {D(50), M(0)}},
                              AllocationMethod::kProrate);
  EXPECT_EQ(shares[0].current, M(3334));
  EXPECT_EQ(shares[1].current, M(3333));
  EXPECT_EQ(shares[2].current, M(3333));
  // Equal arrears: 0.10 over three: 0.04, 0.03, 0.03.
  shares =
      AllocateAmong(M(10), {{M(0), D(5)}, {M(0), D(5)}, {M(0), D(5)}}, AllocationMethod::kEqual);
  EXPECT_EQ(shares[0].arrears, M(4));
  EXPECT_EQ(shares[1].arrears, M(3));
  EXPECT_EQ(shares[2].arrears, M(3));
}

TEST(AllocateTest, EqualSharesAreCappedAndTheExcessSharedAgain) {
  // 90.00 for arrears of 10, 100, 100: 10 to the first, 40 and 40 to the others.
  const auto shares = AllocateAmong(D(90), {{M(0), D(10)}, {M(0), D(100)}, {M(0), D(100)}},
                                    AllocationMethod::kEqual);
  EXPECT_EQ(shares[0].arrears, D(10));
  EXPECT_EQ(shares[1].arrears, D(40));
  EXPECT_EQ(shares[2].arrears, D(40));
}

TEST(AllocateTest, NeverMoreThanAskedAndEveryCentAccountedFor) {
  // A small deterministic sweep: totals add up, nothing exceeds its demand, and no order with
  // current support is skipped while another gets more than its proportional share.
  const std::vector<OrderDemand> demands{
      {M(12345), M(6789)}, {M(1), M(5000)}, {M(99999), M(0)}, {M(0), M(250)}};
  for (int64_t available = 0; available <= 130000; available += 997) {
    for (AllocationMethod m : {AllocationMethod::kProrate, AllocationMethod::kEqual}) {
      const auto shares = AllocateAmong(M(available), demands, m);
      Money sum;
      Money asked;
      for (size_t i = 0; i < shares.size(); ++i) {
        EXPECT_LE(shares[i].current, demands[i].current);
        EXPECT_LE(shares[i].arrears, demands[i].arrears);
        sum += shares[i].total();
        asked += demands[i].current + demands[i].arrears;
      }
      EXPECT_EQ(sum, Min(M(available), asked)) << available;
    }
  }
}

TEST(AllocateTest, TotalIsWhatTheOrdersAskWhenBelowTheLimit) {
  AllocationRequest r;
  r.disposable = D(2000);
  r.orders = {{D(100), D(20)}};
  auto al = Allocate(r);
  ASSERT_TRUE(al.ok());
  EXPECT_EQ(al->limit, D(1200));
  EXPECT_EQ(al->total, D(120));
  EXPECT_EQ(al->orders[0].current, D(100));
  EXPECT_EQ(al->orders[0].arrears, D(20));
}

// 15 USC 1673(b)(2) allows the extra five points only "to the extent" the withholding
// enforces support for a period before the 12 weeks (FACTS §3.1): current support stays
// within 60 % (or 50 %), and only arrears use the rest. Before 2026-12-04 an order of
// 700.00 current took 650.00 of current support.
TEST(AllocateTest, TheExtraFivePointsAreForArrearsOnly) {
  AllocationRequest r;
  r.disposable = D(1000);
  r.arrears_over_12_weeks = ArrearsOver12Weeks::kYes;
  r.orders = {{D(700), D(20)}};
  auto al = Allocate(r);
  ASSERT_TRUE(al.ok());
  EXPECT_EQ(al->limit, D(650));
  EXPECT_EQ(al->current_limit, D(600));
  EXPECT_EQ(al->orders[0].current, D(600));
  EXPECT_EQ(al->orders[0].arrears, D(20));
  EXPECT_EQ(al->total, D(620));
  // Current support alone never goes past 60 %, whatever the flag says.
  r.orders = {{D(650), M(0)}};
  al = Allocate(r);
  ASSERT_TRUE(al.ok());
  EXPECT_EQ(al->total, D(600));
  // With enough arrears asked, the whole 65 % is withheld: 600.00 current, 50.00 arrears,
  // prorated between two orders by their arrears.
  r.orders = {{D(400), D(100)}, {D(300), D(100)}};
  al = Allocate(r);
  ASSERT_TRUE(al.ok());
  EXPECT_EQ(al->total, D(650));
  EXPECT_EQ(al->orders[0].current + al->orders[1].current, D(600));
  EXPECT_EQ(al->orders[0].arrears + al->orders[1].arrears, D(50));
  // A second family: 50 % for current support, 55 % in all.
  r.second_family = SecondFamily::kYes;
  r.orders = {{D(700), D(20)}};
  al = Allocate(r);
  ASSERT_TRUE(al.ok());
  EXPECT_EQ(al->orders[0].current, D(500));
  EXPECT_EQ(al->orders[0].arrears, D(20));
  // Without arrears over 12 weeks the two limits are the same.
  r.arrears_over_12_weeks = ArrearsOver12Weeks::kNo;
  al = Allocate(r);
  ASSERT_TRUE(al.ok());
  EXPECT_EQ(al->current_limit, al->limit);
  EXPECT_EQ(al->total, D(500));
}

TEST(AllocateTest, BadRequestsNameTheProblem) {
  AllocationRequest r;
  r.disposable = D(100);
  EXPECT_EQ(Allocate(r).status().reason(), "orders_missing");
  r.orders = {{D(1), D(0)}, {M(0), M(0)}};
  auto bad = Allocate(r);
  EXPECT_EQ(bad.status().reason(), "order_amount_zero");
  EXPECT_NE(bad.status().message().find("order 2"), std::string::npos);
  r.orders = {{D(1), D(0)}};
  r.limits.state_cap_bps = 10'001;
  EXPECT_EQ(Allocate(r).status().reason(), "state_cap_invalid");
  r.limits.state_cap_bps = 5000;
  r.orders.assign(kOrdersPerEmployeeMax + 1, {D(1), D(0)});
  EXPECT_EQ(Allocate(r).status().reason(), "orders_too_many");
}

TEST(ConversionTest, AnnualizedDefault) {
  // $500 a month: weekly 500×12/52 = 115.384… → 115.38; biweekly 230.769… → 230.77;
  // semimonthly 250.00; monthly 500.00.
  EXPECT_EQ(PerPayPeriod(D(500), PayCycle::kWeekly), M(11538));
  EXPECT_EQ(PerPayPeriod(D(500), PayCycle::kBiweekly), M(23077));
  EXPECT_EQ(PerPayPeriod(D(500), PayCycle::kSemimonthly), D(250));
  EXPECT_EQ(PerPayPeriod(D(500), PayCycle::kMonthly), D(500));
}

TEST(ConversionTest, ConfigurableFactors) {
  ConversionRule rule;
  auto f = ParseFactor("1/4");  // a state that divides by four weeks
  ASSERT_TRUE(f.ok());
  rule.weekly = *f;
  EXPECT_EQ(PerPayPeriod(D(500), PayCycle::kWeekly, rule), D(125));
  for (const char* bad : {"", "12", "12/", "/52", "0/5", "1/0", "a/b", "1/1001", "12/52/1"}) {
    EXPECT_EQ(ParseFactor(bad).status().reason(), "conversion_factor_invalid") << bad;
  }
}

}  // namespace
}  // namespace cse::iwo
