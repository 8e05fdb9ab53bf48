// The plain-language text of the employment key factor, worded from the feature values.
#include "ai/reasons.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace cse::ai {
namespace {

// The key factors when only `Feature::kEmployedNow` contributes (code employment_status).
std::vector<KeyFactor> EmploymentFactor(const FeatureVector& x) {
  std::array<double, kFeatureCount> phi{};
  phi[static_cast<size_t>(Feature::kEmployedNow)] = 0.8;
  return KeyFactors(x, phi.data(), 4);
}

TEST(ReasonsTest, EmploymentTextSaysHowLongWithoutAnEmployer) {
  ASSERT_EQ(ReasonCodeOf(Feature::kEmployedNow), "employment_status");
  FeatureVector x{};
  At(x, Feature::kEmployedNow) = 0;
  At(x, Feature::kUnemployedMonths) = 3;
  auto factors = EmploymentFactor(x);
  ASSERT_EQ(factors.size(), 1u);
  EXPECT_EQ(factors[0].code, "employment_status");
  EXPECT_EQ(factors[0].text, "no current employer on record for 3 months");
  EXPECT_TRUE(factors[0].raises_risk);

  // A job that ended this month is not "no employer for 0 months".
  At(x, Feature::kUnemployedMonths) = 0;
  factors = EmploymentFactor(x);
  ASSERT_EQ(factors.size(), 1u);
  EXPECT_EQ(factors[0].text, "the last job on record ended this month");

  At(x, Feature::kUnemployedMonths) = std::nanf("");
  EXPECT_EQ(EmploymentFactor(x)[0].text, "no employer on record");

  At(x, Feature::kEmployedNow) = 1;
  At(x, Feature::kMonthsAtEmployer) = 1;
  EXPECT_EQ(EmploymentFactor(x)[0].text, "employed at the current employer for 1 month");
}

// A payment today or yesterday is said so: "last payment 0 days ago" beside an arrow saying
// it raises risk read as a defect to caseworkers.
TEST(ReasonsTest, ARecentPaymentIsSaidInWords) {
  std::array<double, kFeatureCount> phi{};
  phi[static_cast<size_t>(Feature::kDaysSinceLastPayment)] = 0.5;
  FeatureVector x{};
  const auto text = [&](float days) {
    At(x, Feature::kDaysSinceLastPayment) = days;
    return KeyFactors(x, phi.data(), 4).at(0).text;
  };
  EXPECT_EQ(text(0), "last payment today");
  EXPECT_EQ(text(1), "last payment yesterday");
  EXPECT_EQ(text(45), "last payment 45 days ago");
}

// An obligor who never paid was told "last payment 120 days ago" (the feature counts the days
// since the first order then): the row knows no payment is on record.
TEST(ReasonsTest, NoPaymentOnRecordIsSaidSo) {
  std::array<double, kFeatureCount> phi{};
  phi[static_cast<size_t>(Feature::kDaysSinceLastPayment)] = 0.5;
  FeatureRow row;
  row.values.fill(0);
  At(row.values, Feature::kDaysSinceLastPayment) = 120;
  auto factors = KeyFactors(row, phi.data(), 4);
  ASSERT_EQ(factors.size(), 1u);
  EXPECT_EQ(factors[0].text, "no payment on record since the order began 120 days ago");
  row.last_payment = Date::Ymd(2025, 3, 1);
  EXPECT_EQ(KeyFactors(row, phi.data(), 4).at(0).text, "last payment 120 days ago");
  // WordFromRow rewords factors computed from the values alone (batch scoring).
  row.last_payment.reset();
  std::vector<KeyFactor> batch = KeyFactors(row.values, phi.data(), 4);
  EXPECT_EQ(batch.at(0).text, "last payment 120 days ago");
  WordFromRow(row, batch);
  EXPECT_EQ(batch.at(0).text, "no payment on record since the order began 120 days ago");
  EXPECT_EQ(batch.at(0).code, "time_since_last_payment");
}

// Dollar amounts come from the exact ledger and money fields: the float feature of
// $131,072.35 is 131072.34375 and printed a cent short.
TEST(ReasonsTest, DollarAmountsAreExactToTheCent) {
  FeatureRow row;
  row.values.fill(std::nanf(""));
  const Money arrears = Money::FromCents(13107235);
  row.balance.arrears_total = arrears;
  At(row.values, Feature::kArrearsTotal) = static_cast<float>(1310723.5 / 10.0);
  At(row.values, Feature::kArrearsMonths) = 2;
  row.tax_offset_12m = Money::FromCents(26214401);
  At(row.values, Feature::kTaxOffset12m) = static_cast<float>(262144.01);
  row.monthly_support = Money::FromCents(26214403);
  At(row.values, Feature::kMonthlySupport) = static_cast<float>(262144.03);
  std::array<double, kFeatureCount> phi{};
  phi[static_cast<size_t>(Feature::kArrearsTotal)] = 0.9;
  phi[static_cast<size_t>(Feature::kTaxOffset12m)] = 0.5;
  phi[static_cast<size_t>(Feature::kMonthlySupport)] = 0.3;
  auto factors = KeyFactors(row, phi.data(), 4);
  ASSERT_EQ(factors.size(), 3u);
  EXPECT_EQ(factors[0].text, "owes $131072.35 in past-due support (2.0 months)");
  EXPECT_EQ(factors[1].text, "$262144.01 taken from a federal tax refund in the last 12 months");
  EXPECT_EQ(factors[2].text, "monthly support of $262144.03 with no reported income");
  row.balance.arrears_total = Money();
  EXPECT_EQ(KeyFactors(row, phi.data(), 1).at(0).text, "no past-due support");
}

}  // namespace
}  // namespace cse::ai
