#include "ai/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ai/metrics.h"
#include "testing/split_mix.h"

namespace cse::ai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using TestRng = cse::testing::SplitMix;

double Sigmoid(double m) { return 1.0 / (1.0 + std::exp(-m)); }
double Logit(double p) { return std::log(p / (1.0 - p)); }

// Rows whose true probability p is uniform in [0.02, 0.98], labelled by a coin with that p,
// scored by an overconfident, shifted model: margin = 3 * logit(p) + 1.
struct Miscalibrated {
  std::vector<double> margin;
  std::vector<double> probability;  // sigmoid(margin): the miscalibrated "probability"
  std::vector<int> label;
};

Miscalibrated MakeMiscalibrated(uint64_t seed, int rows) {
  TestRng rng(seed);
  Miscalibrated out;
  for (int i = 0; i < rows; ++i) {
    const double p = 0.02 + 0.96 * rng.Uniform();
    out.margin.push_back(3.0 * Logit(p) + 1.0);
    out.probability.push_back(Sigmoid(out.margin.back()));
    out.label.push_back(rng.Uniform() < p ? 1 : 0);
  }
  return out;
}

template <typename Calibrator>
std::vector<double> ApplyAll(const Calibrator& c, const std::vector<double>& scores) {
  std::vector<double> out;
  for (double s : scores) out.push_back(c.Apply(s));
  return out;
}

// Checks Apply is within [0, 1] and non-decreasing over a sorted grid of scores.
template <typename Calibrator>
void ExpectMonotoneInUnitInterval(const Calibrator& c, const std::vector<double>& sorted) {
  double previous = -1.0;
  for (double s : sorted) {
    const double p = c.Apply(s);
    ASSERT_GE(p, 0.0) << s;
    ASSERT_LE(p, 1.0) << s;
    ASSERT_GE(p, previous) << s;
    previous = p;
  }
}

std::vector<double> Grid(double low, double high, int steps) {
  std::vector<double> grid;
  for (int i = 0; i <= steps; ++i) grid.push_back(low + (high - low) * i / steps);
  return grid;
}

void ExpectReason(const Status& status, const char* reason) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.reason(), reason) << status.ToString();
}

// ---- IsotonicCalibrator --------------------------------------------------------------------

TEST(IsotonicCalibratorTest, PoolAdjacentViolatorsTextbookExample) {
  // Labels 0 1 0 0 1 1 0 1 at scores 1..8. PAV pools {2,3,4} -> 1/3 and {5,6,7} -> 2/3.
  const auto fit = IsotonicCalibrator::Fit({1, 2, 3, 4, 5, 6, 7, 8}, {0, 1, 0, 0, 1, 1, 0, 1});
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->knot_scores(), (std::vector<double>{1, 2, 4, 5, 7, 8}));
  const std::vector<double> values = fit->knot_values();
  const std::vector<double> expected = {0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1};
  ASSERT_EQ(values.size(), expected.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_DOUBLE_EQ(values[i], expected[i]) << i;

  EXPECT_DOUBLE_EQ(fit->Apply(3.0), 1.0 / 3);  // inside a block
  EXPECT_DOUBLE_EQ(fit->Apply(1.5), 1.0 / 6);  // ramp between blocks
  EXPECT_DOUBLE_EQ(fit->Apply(4.5), 0.5);      // ramp 1/3 -> 2/3
  EXPECT_DOUBLE_EQ(fit->Apply(7.5), 5.0 / 6);  // ramp 2/3 -> 1
  EXPECT_DOUBLE_EQ(fit->Apply(-100.0), 0.0);   // clamped below
  EXPECT_DOUBLE_EQ(fit->Apply(100.0), 1.0);    // clamped above
  EXPECT_TRUE(std::isnan(fit->Apply(kNaN)));
}

TEST(IsotonicCalibratorTest, EqualScoresArePooledBeforeFitting) {
  // Rows at score 1 are one block (mean 1/2) whichever order they come in.
  const auto a = IsotonicCalibrator::Fit({1, 1, 2}, {1, 0, 1});
  const auto b = IsotonicCalibrator::Fit({2, 1, 1}, {1, 0, 1});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->knot_scores(), (std::vector<double>{1, 2}));
  EXPECT_EQ(a->knot_values(), (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(a->ToJson(), b->ToJson());
}

TEST(IsotonicCalibratorTest, DecreasingLabelsPoolToTheBaseRate) {
  const auto fit = IsotonicCalibrator::Fit({1, 2, 3, 4}, {1, 1, 0, 0});
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->knot_values(), (std::vector<double>{0.5, 0.5}));
  EXPECT_DOUBLE_EQ(fit->Apply(0.0), 0.5);
  EXPECT_DOUBLE_EQ(fit->Apply(9.0), 0.5);
}

TEST(IsotonicCalibratorTest, CalibratesAMiscalibratedScore) {
  const Miscalibrated train = MakeMiscalibrated(11, 20000);
  const Miscalibrated test = MakeMiscalibrated(12, 20000);
  const double raw_ece = *ExpectedCalibrationError(test.probability, test.label);
  const auto fit = IsotonicCalibrator::Fit(train.probability, train.label);
  ASSERT_TRUE(fit.ok());
  const double calibrated_ece =
      *ExpectedCalibrationError(ApplyAll(*fit, test.probability), test.label);
  EXPECT_GT(raw_ece, 0.12);
  EXPECT_LT(calibrated_ece, 0.025);
  EXPECT_LT(*BrierScore(ApplyAll(*fit, test.probability), test.label),
            *BrierScore(test.probability, test.label));
}

TEST(IsotonicCalibratorTest, MonotoneAndWithinUnitInterval) {
  const Miscalibrated rows = MakeMiscalibrated(5, 3000);
  const auto fit = IsotonicCalibrator::Fit(rows.margin, rows.label);
  ASSERT_TRUE(fit.ok());
  ExpectMonotoneInUnitInterval(*fit, Grid(-40.0, 40.0, 200000));
  // Straddle every knot by one ulp on each side.
  std::vector<double> near_knots;
  for (double x : fit->knot_scores()) {
    near_knots.push_back(std::nextafter(x, -kInf));
    near_knots.push_back(x);
    near_knots.push_back(std::nextafter(x, kInf));
  }
  ExpectMonotoneInUnitInterval(*fit, near_knots);
}

TEST(IsotonicCalibratorTest, JsonRoundTripsExactly) {
  const Miscalibrated rows = MakeMiscalibrated(6, 2000);
  const auto fit = IsotonicCalibrator::Fit(rows.margin, rows.label);
  ASSERT_TRUE(fit.ok());
  const std::string json = fit->ToJson();
  const auto back = IsotonicCalibrator::FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->knot_scores(), fit->knot_scores());
  EXPECT_EQ(back->knot_values(), fit->knot_values());
  EXPECT_EQ(back->ToJson(), json);
  for (double s : Grid(-30.0, 30.0, 1000)) ASSERT_EQ(back->Apply(s), fit->Apply(s)) << s;
}

TEST(IsotonicCalibratorTest, RejectsBadRowsAndJson) {
  ExpectReason(IsotonicCalibrator::Fit({1, 2}, {1}).status(), "metric_size_mismatch");
  ExpectReason(IsotonicCalibrator::Fit({}, {}).status(), "metric_empty");
  ExpectReason(IsotonicCalibrator::Fit({1}, {2}).status(), "metric_label_invalid");
  ExpectReason(IsotonicCalibrator::Fit({kNaN}, {1}).status(), "metric_score_nan");
  ExpectReason(IsotonicCalibrator::Fit({kInf, 0}, {1, 0}).status(), "calibration_score_infinite");

  ExpectReason(IsotonicCalibrator::FromJson("not json").status(), "calibration_json_malformed");
  ExpectReason(IsotonicCalibrator::FromJson("[1, 2]").status(), "calibration_json_malformed");
  ExpectReason(IsotonicCalibrator::FromJson(R"({"type":"platt","a":1,"b":0})").status(),
               "calibration_json_malformed");
  ExpectReason(
      IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[1,"a"],"y":[0,1]})").status(),
      "calibration_json_malformed");
  ExpectReason(IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[1,2],"y":[0.5]})").status(),
               "calibration_json_invalid");
  ExpectReason(IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[],"y":[]})").status(),
               "calibration_json_invalid");
  ExpectReason(IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[2,1],"y":[0,1]})").status(),
               "calibration_json_invalid");
  ExpectReason(
      IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[1,2],"y":[0.6,0.5]})").status(),
      "calibration_json_invalid");
  ExpectReason(
      IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[1,2],"y":[0,1.5]})").status(),
      "calibration_json_invalid");
  EXPECT_TRUE(IsotonicCalibrator::FromJson(R"({"type":"isotonic","x":[1,2],"y":[0,1]})").ok());
}

// ---- PlattCalibrator -----------------------------------------------------------------------

TEST(PlattCalibratorTest, SeparableRowsUsePlattTargets) {
  // Targets 3/4 for the positives and 1/4 for the negatives (one of each class plus one):
  // sigmoid(a + b) = 3/4 and sigmoid(-a + b) = 1/4 give a = ln 3, b = 0 exactly.
  const auto fit = PlattCalibrator::Fit({-1, -1, 1, 1}, {0, 0, 1, 1});
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->slope(), std::log(3.0), 1e-9);
  EXPECT_NEAR(fit->intercept(), 0.0, 1e-9);
  EXPECT_NEAR(fit->Apply(1.0), 0.75, 1e-9);
  EXPECT_NEAR(fit->Apply(-1.0), 0.25, 1e-9);
}

TEST(PlattCalibratorTest, RecoversTheMarginTransform) {
  // margin = 3 logit(p) + 1, so the calibrated map is sigmoid(margin / 3 - 1 / 3).
  const Miscalibrated train = MakeMiscalibrated(21, 40000);
  const auto fit = PlattCalibrator::Fit(train.margin, train.label);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->slope(), 1.0 / 3, 0.02);
  EXPECT_NEAR(fit->intercept(), -1.0 / 3, 0.04);

  const Miscalibrated test = MakeMiscalibrated(22, 20000);
  const double raw_ece = *ExpectedCalibrationError(test.probability, test.label);
  const double calibrated_ece = *ExpectedCalibrationError(ApplyAll(*fit, test.margin), test.label);
  EXPECT_GT(raw_ece, 0.12);
  EXPECT_LT(calibrated_ece, 0.02);
}

TEST(PlattCalibratorTest, BackwardScoresGetZeroSlope) {
  // The best sigmoid would decrease; the monotone fit is the smoothed base rate 1/2.
  const auto fit = PlattCalibrator::Fit({1, 2, 3, 4}, {1, 1, 0, 0});
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->slope(), 0.0);
  EXPECT_NEAR(fit->Apply(-5.0), 0.5, 1e-15);
  EXPECT_NEAR(fit->Apply(kInf), 0.5, 1e-15);
}

TEST(PlattCalibratorTest, ConstantScoresGiveTheMeanTarget) {
  // One positive (target 2/3) and two negatives (target 1/4 each): mean 7/18.
  const auto fit = PlattCalibrator::Fit({2, 2, 2}, {1, 0, 0});
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->slope(), 0.0);
  EXPECT_NEAR(fit->Apply(2.0), 7.0 / 18, 1e-15);
}

TEST(PlattCalibratorTest, MonotoneAndWithinUnitInterval) {
  const Miscalibrated rows = MakeMiscalibrated(8, 3000);
  const auto fit = PlattCalibrator::Fit(rows.margin, rows.label);
  ASSERT_TRUE(fit.ok());
  ExpectMonotoneInUnitInterval(*fit, Grid(-1e4, 1e4, 200000));
  ExpectMonotoneInUnitInterval(*fit, {-kInf, -1e308, 0.0, 1e308, kInf});
}

TEST(PlattCalibratorTest, JsonRoundTripsExactly) {
  const Miscalibrated rows = MakeMiscalibrated(9, 2000);
  const auto fit = PlattCalibrator::Fit(rows.margin, rows.label);
  ASSERT_TRUE(fit.ok());
  const auto back = PlattCalibrator::FromJson(fit->ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->slope(), fit->slope());
  EXPECT_EQ(back->intercept(), fit->intercept());
  EXPECT_EQ(back->ToJson(), fit->ToJson());
}

TEST(PlattCalibratorTest, FitIsDeterministic) {
  const Miscalibrated rows = MakeMiscalibrated(10, 5000);
  EXPECT_EQ(PlattCalibrator::Fit(rows.margin, rows.label)->ToJson(),
            PlattCalibrator::Fit(rows.margin, rows.label)->ToJson());
}

TEST(PlattCalibratorTest, RejectsBadRowsAndJson) {
  ExpectReason(PlattCalibrator::Fit({1}, {1, 0}).status(), "metric_size_mismatch");
  ExpectReason(PlattCalibrator::Fit({}, {}).status(), "metric_empty");
  ExpectReason(PlattCalibrator::Fit({1, 2}, {0, 5}).status(), "metric_label_invalid");
  ExpectReason(PlattCalibrator::Fit({kNaN, 2}, {0, 1}).status(), "metric_score_nan");
  ExpectReason(PlattCalibrator::Fit({-kInf, 2}, {0, 1}).status(), "calibration_score_infinite");

  ExpectReason(PlattCalibrator::FromJson("{").status(), "calibration_json_malformed");
  ExpectReason(PlattCalibrator::FromJson(R"({"type":"platt","a":1})").status(),
               "calibration_json_malformed");
  ExpectReason(PlattCalibrator::FromJson(R"({"type":"platt","a":"1","b":0})").status(),
               "calibration_json_malformed");
  ExpectReason(PlattCalibrator::FromJson(R"({"type":"platt","a":-1,"b":0})").status(),
               "calibration_json_invalid");
  EXPECT_TRUE(PlattCalibrator::FromJson(R"({"type":"platt","a":2,"b":-1})").ok());
}

}  // namespace
}  // namespace cse::ai
