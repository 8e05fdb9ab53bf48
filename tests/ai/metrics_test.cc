#include "ai/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>
#include "testing/split_mix.h"

namespace cse::ai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using TestRng = cse::testing::SplitMix;

// O(n^2) reference: pairs won plus half the ties, over all positive/negative pairs.
double BruteForceAuc(const std::vector<double>& scores, const std::vector<int>& labels) {
  double credit = 0.0;
  double pairs = 0.0;
  for (size_t i = 0; i < scores.size(); ++i) {
    for (size_t j = 0; j < scores.size(); ++j) {
      if (labels[i] != 1 || labels[j] != 0) continue;
      pairs += 1.0;
      if (scores[i] > scores[j]) credit += 1.0;
      if (scores[i] == scores[j]) credit += 0.5;
    }
  }
  return credit / pairs;
}

void ExpectReason(const Status& status, const char* reason) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.reason(), reason) << status.ToString();
}

// ---- RocAuc --------------------------------------------------------------------------------

TEST(MetricRocAucTest, HandComputedExample) {
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs won.
  EXPECT_DOUBLE_EQ(*RocAuc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
}

TEST(MetricRocAucTest, TiesGetHalfCredit) {
  // The positive at 0.5 ties both negatives (1/2 + 1/2); the one at 0.9 wins both: 3 / 4.
  EXPECT_DOUBLE_EQ(*RocAuc({0.5, 0.5, 0.5, 0.9}, {1, 0, 0, 1}), 0.75);
  EXPECT_DOUBLE_EQ(*RocAuc({0.3, 0.3, 0.3, 0.3}, {1, 0, 1, 0}), 0.5);
  EXPECT_DOUBLE_EQ(*RocAuc({0.3, 0.3}, {0, 1}), 0.5);
}

TEST(MetricRocAucTest, PerfectInverseAndRandomRankers) {
  const std::vector<int> labels = {0, 0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(*RocAuc({1, 2, 3, 4, 5}, labels), 1.0);
  EXPECT_DOUBLE_EQ(*RocAuc({5, 4, 3, 2, 1}, labels), 0.0);
  TestRng rng(42);
  std::vector<double> scores;
  std::vector<int> coin;
  for (int i = 0; i < 20000; ++i) {
    scores.push_back(rng.Uniform());
    coin.push_back(rng.Uniform() < 0.3 ? 1 : 0);
  }
  EXPECT_NEAR(*RocAuc(scores, coin), 0.5, 0.02);
}

TEST(MetricRocAucTest, MatchesBruteForceWithManyTies) {
  TestRng rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> scores;
    std::vector<int> labels = {0, 1};  // both classes present
    scores = {std::floor(rng.Uniform() * 5), std::floor(rng.Uniform() * 5)};
    for (int i = 0; i < 60; ++i) {
      scores.push_back(std::floor(rng.Uniform() * 5));  // 5 distinct values: heavy ties
      labels.push_back(rng.Uniform() < 0.4 ? 1 : 0);
    }
    ASSERT_NEAR(*RocAuc(scores, labels), BruteForceAuc(scores, labels), 1e-12);
  }
}

TEST(MetricRocAucTest, InfinitiesRankNormally) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_DOUBLE_EQ(*RocAuc({-inf, 0.0, inf}, {0, 1, 1}), 1.0);
}

TEST(MetricRocAucTest, RejectsBadInput) {
  ExpectReason(RocAuc({0.1, 0.2}, {0}).status(), "metric_size_mismatch");
  ExpectReason(RocAuc({}, {}).status(), "metric_empty");
  ExpectReason(RocAuc({0.1, 0.2}, {0, 2}).status(), "metric_label_invalid");
  ExpectReason(RocAuc({0.1, kNaN}, {0, 1}).status(), "metric_score_nan");
  ExpectReason(RocAuc({0.1, 0.2}, {1, 1}).status(), "metric_single_class");
  ExpectReason(RocAuc({0.1, 0.2}, {0, 0}).status(), "metric_single_class");
}

// ---- PrAuc ---------------------------------------------------------------------------------

TEST(MetricPrAucTest, HandComputedExample) {
  // Descending: 0.8 (pos: P=1, R=1/2), 0.4 (neg), 0.35 (pos: P=2/3, R=1).
  // AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
  EXPECT_NEAR(*PrAuc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 5.0 / 6.0, 1e-15);
}

TEST(MetricPrAucTest, TieGroupIsOneThresholdWhateverTheRowOrder) {
  // 0.9 (pos: P=1, R=1/2); the tie at 0.5 flags both rows at once: P=2/3, R=1.
  EXPECT_NEAR(*PrAuc({0.9, 0.5, 0.5}, {1, 1, 0}), (1.0 + 2.0 / 3.0) / 2.0, 1e-15);
  EXPECT_NEAR(*PrAuc({0.9, 0.5, 0.5}, {1, 0, 1}), (1.0 + 2.0 / 3.0) / 2.0, 1e-15);
}

TEST(MetricPrAucTest, PerfectRankerAndBaseRate) {
  EXPECT_DOUBLE_EQ(*PrAuc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  // One tie group for everything: a single threshold with precision = positive rate.
  EXPECT_DOUBLE_EQ(*PrAuc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 0}), 0.25);
}

TEST(MetricPrAucTest, RejectsBadInput) {
  ExpectReason(PrAuc({0.1, 0.2}, {0, 0}).status(), "metric_no_positives");
  ExpectReason(PrAuc({0.1}, {0, 1}).status(), "metric_size_mismatch");
  ExpectReason(PrAuc({kNaN}, {1}).status(), "metric_score_nan");
  ExpectReason(PrAuc({0.5}, {-1}).status(), "metric_label_invalid");
}

// ---- BrierScore and ExpectedCalibrationError -----------------------------------------------

TEST(MetricBrierTest, HandComputedExample) {
  // (0.1^2 + 0.2^2 + 0.6^2) / 3 = 0.41 / 3.
  EXPECT_NEAR(*BrierScore({0.9, 0.2, 0.6}, {1, 0, 0}), 0.41 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ(*BrierScore({1.0, 0.0}, {1, 0}), 0.0);
  EXPECT_DOUBLE_EQ(*BrierScore({0.0, 1.0}, {1, 0}), 1.0);
}

TEST(MetricBrierTest, RejectsProbabilitiesOutsideUnitInterval) {
  ExpectReason(BrierScore({1.1}, {1}).status(), "metric_probability_out_of_range");
  ExpectReason(BrierScore({-0.1}, {1}).status(), "metric_probability_out_of_range");
  ExpectReason(BrierScore({kNaN}, {1}).status(), "metric_probability_out_of_range");
  ExpectReason(BrierScore({}, {}).status(), "metric_empty");
}

TEST(MetricEceTest, HandComputedExample) {
  // Bin 1: mean p 0.15, rate 1/2, half the rows: 0.5 * 0.35. Bin 8: 0.85 vs 1: 0.5 * 0.15.
  EXPECT_NEAR(*ExpectedCalibrationError({0.15, 0.15, 0.85, 0.85}, {0, 1, 1, 1}), 0.25, 1e-12);
}

TEST(MetricEceTest, PerfectlyCalibratedSetScoresZero) {
  std::vector<double> p;
  std::vector<int> y;
  for (int bin = 0; bin < 10; ++bin) {
    const double prob = (bin + 0.5) / 10.0;
    const int positives = static_cast<int>(std::lround(prob * 1000));
    for (int i = 0; i < 1000; ++i) {
      p.push_back(prob);
      y.push_back(i < positives ? 1 : 0);
    }
  }
  EXPECT_NEAR(*ExpectedCalibrationError(p, y), 0.0, 1e-12);
  EXPECT_NEAR(*ExpectedCalibrationError(p, y, 1), 0.0, 1e-12);
}

TEST(MetricEceTest, ProbabilityOneFallsInTheLastBin) {
  EXPECT_DOUBLE_EQ(*ExpectedCalibrationError({1.0}, {1}), 0.0);
  EXPECT_DOUBLE_EQ(*ExpectedCalibrationError({1.0}, {0}), 1.0);
  EXPECT_DOUBLE_EQ(*ExpectedCalibrationError({0.0}, {0}), 0.0);
}

TEST(MetricEceTest, RejectsBadBins) {
  ExpectReason(ExpectedCalibrationError({0.5}, {1}, 0).status(), "metric_bins_out_of_range");
  ExpectReason(ExpectedCalibrationError({0.5}, {1}, kMetricBinsMax + 1).status(),
               "metric_bins_out_of_range");
  ExpectReason(ExpectedCalibrationError({0.5, 0.5}, {1}).status(), "metric_size_mismatch");
}

// ---- AtTopFraction and ComputeConfusionRates -----------------------------------------------

TEST(MetricTopFractionTest, HandComputedExample) {
  const TopFraction top = *AtTopFraction({0.9, 0.8, 0.7, 0.6, 0.5}, {1, 0, 1, 0, 0}, 0.4);
  EXPECT_EQ(top.flagged, 2);
  EXPECT_DOUBLE_EQ(top.precision, 0.5);
  EXPECT_DOUBLE_EQ(top.recall, 0.5);
  const TopFraction all = *AtTopFraction({0.9, 0.8, 0.7, 0.6, 0.5}, {1, 0, 1, 0, 0}, 1.0);
  EXPECT_EQ(all.flagged, 5);
  EXPECT_DOUBLE_EQ(all.precision, 0.4);
  EXPECT_DOUBLE_EQ(all.recall, 1.0);
}

TEST(MetricTopFractionTest, TiesBrokenByRowOrder) {
  // All scores equal: the first two rows are flagged.
  EXPECT_DOUBLE_EQ(AtTopFraction({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}, 0.5)->precision, 0.5);
  EXPECT_DOUBLE_EQ(AtTopFraction({0.5, 0.5, 0.5, 0.5}, {1, 1, 0, 0}, 0.5)->precision, 1.0);
  EXPECT_DOUBLE_EQ(AtTopFraction({0.5, 0.5, 0.5, 0.5}, {0, 0, 1, 1}, 0.5)->precision, 0.0);
}

TEST(MetricTopFractionTest, CountIsCeilingAtLeastOne) {
  std::vector<double> scores(100);
  std::vector<int> labels(100, 0);
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<double>(i);
  labels[99] = 1;
  EXPECT_EQ(AtTopFraction(scores, labels, 0.07)->flagged, 7);  // not 8 from 7.000000000000001
  EXPECT_EQ(AtTopFraction(scores, labels, 0.071)->flagged, 8);
  EXPECT_EQ(AtTopFraction(scores, labels, 1e-9)->flagged, 1);
  EXPECT_DOUBLE_EQ(AtTopFraction(scores, labels, 1e-9)->precision, 1.0);
}

TEST(MetricTopFractionTest, NoPositivesGivesZeroRecall) {
  const TopFraction top = *AtTopFraction({0.2, 0.1}, {0, 0}, 0.5);
  EXPECT_DOUBLE_EQ(top.precision, 0.0);
  EXPECT_DOUBLE_EQ(top.recall, 0.0);
}

TEST(MetricTopFractionTest, RejectsFractionOutsideUnitInterval) {
  ExpectReason(AtTopFraction({0.5}, {1}, 0.0).status(), "metric_fraction_out_of_range");
  ExpectReason(AtTopFraction({0.5}, {1}, 1.5).status(), "metric_fraction_out_of_range");
  ExpectReason(AtTopFraction({0.5}, {1}, kNaN).status(), "metric_fraction_out_of_range");
  ExpectReason(AtTopFraction({kNaN}, {1}, 0.5).status(), "metric_score_nan");
}

TEST(MetricConfusionRatesTest, HandComputedExample) {
  const ConfusionRates r =
      *ComputeConfusionRates({true, true, false, false, true}, {1, 0, 1, 0, 0});
  EXPECT_DOUBLE_EQ(r.tpr, 0.5);
  EXPECT_DOUBLE_EQ(r.fpr, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.positive_rate, 0.6);
  EXPECT_EQ(r.n, 5);
  EXPECT_EQ(r.positives, 2);
  EXPECT_EQ(r.negatives, 3);
}

TEST(MetricConfusionRatesTest, EmptyClassGivesZeroRate) {
  const ConfusionRates r = *ComputeConfusionRates({true, false}, {0, 0});
  EXPECT_DOUBLE_EQ(r.tpr, 0.0);
  EXPECT_EQ(r.positives, 0);
  EXPECT_DOUBLE_EQ(r.fpr, 0.5);
  ExpectReason(ComputeConfusionRates({true}, {0, 1}).status(), "metric_size_mismatch");
  ExpectReason(ComputeConfusionRates({}, {}).status(), "metric_empty");
  ExpectReason(ComputeConfusionRates({true}, {3}).status(), "metric_label_invalid");
}

// ---- PopulationStabilityIndex --------------------------------------------------------------

TEST(MetricPsiTest, IdenticalDistributionsScoreZero) {
  TestRng rng(3);
  std::vector<double> values;
  for (int i = 0; i < 5000; ++i) values.push_back(rng.Uniform());
  EXPECT_DOUBLE_EQ(*PopulationStabilityIndex(values, values), 0.0);
  EXPECT_DOUBLE_EQ(*PopulationStabilityIndex({1, 2, 3, 4}, {4, 3, 2, 1}, 2), 0.0);
}

TEST(MetricPsiTest, HandComputedTwoBins) {
  // Cut at sorted[2] = 3: reference {1,2 | 3,4} = 0.5/0.5; current {1 | 3,4,5} = 0.25/0.75.
  const double expected = (0.25 - 0.5) * std::log(0.25 / 0.5) + (0.75 - 0.5) * std::log(1.5);
  EXPECT_NEAR(*PopulationStabilityIndex({1, 2, 3, 4}, {1, 3, 4, 5}, 2), expected, 1e-15);
}

TEST(MetricPsiTest, ShiftedDistributionExceedsMajorShiftThreshold) {
  std::vector<double> reference;
  std::vector<double> current;
  for (int i = 0; i < 10000; ++i) {
    reference.push_back(i / 10000.0);
    current.push_back(i / 10000.0 + 0.3);
  }
  const double psi = *PopulationStabilityIndex(reference, current);
  EXPECT_GT(psi, 0.25);
  // Three deciles emptied (floored at 1e-4), the top bin holds 0.4 instead of 0.1.
  const double expected = 3 * (kPsiProportionFloor - 0.1) * std::log(kPsiProportionFloor / 0.1) +
                          (0.4 - 0.1) * std::log(4.0);
  EXPECT_NEAR(psi, expected, 2e-3);  // a value rounding across a cut moves a bin by 1e-4
}

TEST(MetricPsiTest, NanValuesHaveTheirOwnBin) {
  // Reference has no NaN: its missing bin is floored at 1e-4; current's is 0.5.
  const double floor = kPsiProportionFloor;
  const double expected =
      2 * (0.25 - 0.5) * std::log(0.25 / 0.5) + (0.5 - floor) * std::log(0.5 / floor);
  EXPECT_NEAR(*PopulationStabilityIndex({1, 2, 3, 4}, {kNaN, kNaN, 1, 3}, 2), expected, 1e-12);
  EXPECT_DOUBLE_EQ(*PopulationStabilityIndex({kNaN, 1}, {1, kNaN}), 0.0);
}

TEST(MetricPsiTest, ConstantFeatureStaysFinite) {
  const std::vector<double> constant(100, 5.0);
  EXPECT_DOUBLE_EQ(*PopulationStabilityIndex(constant, constant), 0.0);
  // Every current value below the only cut: both bins swap from floor to 1.
  const double floor = kPsiProportionFloor;
  const double expected = 2 * (1 - floor) * std::log(1 / floor);
  const double psi = *PopulationStabilityIndex(constant, std::vector<double>(50, 4.0));
  EXPECT_TRUE(std::isfinite(psi));
  EXPECT_NEAR(psi, expected, 1e-9);
}

TEST(MetricPsiTest, RejectsBadInput) {
  ExpectReason(PopulationStabilityIndex({}, {1}).status(), "metric_empty");
  ExpectReason(PopulationStabilityIndex({1}, {}).status(), "metric_empty");
  ExpectReason(PopulationStabilityIndex({1}, {1}, 0).status(), "metric_bins_out_of_range");
}

// ---- FourFifthsRatio -----------------------------------------------------------------------

TEST(MetricFourFifthsTest, MinOverMax) {
  EXPECT_DOUBLE_EQ(*FourFifthsRatio({0.2, 0.1, 0.16}), 0.5);
  EXPECT_DOUBLE_EQ(*FourFifthsRatio({0.25, 0.2}), 0.8);
  EXPECT_DOUBLE_EQ(*FourFifthsRatio({0.3}), 1.0);
  EXPECT_DOUBLE_EQ(*FourFifthsRatio({0.0, 0.0, 0.0}), 1.0);
  EXPECT_DOUBLE_EQ(*FourFifthsRatio({0.0, 0.4}), 0.0);
}

TEST(MetricFourFifthsTest, RejectsBadInput) {
  ExpectReason(FourFifthsRatio({}).status(), "metric_empty");
  ExpectReason(FourFifthsRatio({0.5, 1.5}).status(), "metric_rate_out_of_range");
  ExpectReason(FourFifthsRatio({kNaN}).status(), "metric_rate_out_of_range");
}

}  // namespace
}  // namespace cse::ai
