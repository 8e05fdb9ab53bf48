#include "money/money.h"

#include <gtest/gtest.h>

#include "core/limits.h"

namespace cse {
namespace {

TEST(MoneyTest, ParsesExactDecimals) {
  EXPECT_EQ(ParseMoney("123.45")->cents(), 12345);
  EXPECT_EQ(ParseMoney("123.4")->cents(), 12340);
  EXPECT_EQ(ParseMoney("123")->cents(), 12300);
  EXPECT_EQ(ParseMoney(" 0.01 ")->cents(), 1);
  EXPECT_EQ(ParseMoney("-5.10", SignPolicy::kAllowNegative)->cents(), -510);
  EXPECT_EQ(ParseMoney("0", SignPolicy::kNonNegative)->cents(), 0);
  EXPECT_EQ(ParseMoney("100000000.00")->cents(), limits::kAmountCentsMax);
}

TEST(MoneyTest, EachMalformedAmountHasItsOwnReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c : {Case{"12.345", "amount_too_many_decimals"}, Case{"-5", "amount_negative"},
                        Case{"1e3", "amount_malformed"}, Case{"", "amount_empty"},
                        Case{"   ", "amount_empty"}, Case{"1,000.00", "amount_malformed"},
                        Case{"$5", "amount_malformed"}, Case{"12.", "amount_malformed"},
                        Case{".5", "amount_malformed"}, Case{"0.00", "amount_zero"},
                        Case{"nan", "amount_malformed"}, Case{"100000000.01", "amount_too_large"},
                        Case{"99999999999999999999", "amount_too_large"}}) {
    auto m = ParseMoney(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.status().reason(), c.reason) << c.text;
    if (std::string(c.reason) != "amount_empty") {
      EXPECT_NE(m.status().message().find('\''), std::string::npos) << "message quotes the value";
    }
  }
}

TEST(MoneyTest, FormatsExactly) {
  EXPECT_EQ(Money::FromCents(0).ToString(), "0.00");
  EXPECT_EQ(Money::FromCents(5).ToString(), "0.05");
  EXPECT_EQ(Money::FromCents(-12345).ToString(), "-123.45");
  EXPECT_EQ(Money::FromCents(INT64_MIN).ToString(), "-92233720368547758.08");
  for (int64_t c : {0LL, 1LL, 99LL, 100LL, 123456789LL}) {
    EXPECT_EQ(ParseMoney(Money::FromCents(c).ToString(), SignPolicy::kNonNegative)->cents(), c);
  }
}

TEST(MoneyTest, CheckedArithmeticReportsOverflow) {
  const Money big = Money::FromCents(INT64_MAX);
  EXPECT_EQ(CheckedAdd(big, Money::FromCents(1)).status().reason(), "amount_overflow");
  EXPECT_EQ(CheckedSub(Money::FromCents(INT64_MIN), Money::FromCents(1)).status().reason(),
            "amount_overflow");
  EXPECT_EQ(CheckedAdd(Money::FromCents(1), Money::FromCents(2))->cents(), 3);
}

TEST(MoneyDeathTest, OperatorOverflowIsAProgrammerError) {
  EXPECT_DEATH({ (void)(Money::FromCents(INT64_MAX) + Money::FromCents(1)); }, "overflow");
}

TEST(MoneyTest, MulDivRoundsHalfAwayFromZero) {
  EXPECT_EQ(MulDivRound(Money::FromCents(100), 1, 3).cents(), 33);
  EXPECT_EQ(MulDivRound(Money::FromCents(100), 2, 3).cents(), 67);
  EXPECT_EQ(MulDivRound(Money::FromCents(5), 1, 2).cents(), 3);
  EXPECT_EQ(MulDivRound(Money::FromCents(-5), 1, 2).cents(), -3);
  EXPECT_EQ(MulDivRound(Money::FromCents(INT64_MAX / 2), 2, 2).cents(), INT64_MAX / 2);
}

}  // namespace
}  // namespace cse
