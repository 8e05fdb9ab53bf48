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

}  // namespace
}  // namespace cse::ai
