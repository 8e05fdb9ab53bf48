#include "ai/logistic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ai/metrics.h"
#include "testing/split_mix.h"

namespace cse::ai {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

using TestRng = cse::testing::SplitMix;

double Sigmoid(double m) { return 1.0 / (1.0 + std::exp(-m)); }

// Rows drawn from a known model on raw features:
//   logit P(y=1) = -1 + 1.5 x0 - 0.3 x1 + 0 x2,  x0 ~ U(-2,2), x1 ~ U(0,10), x2 ~ U(-1,1).
constexpr double kTrueIntercept = -1.0;
constexpr double kTrueCoefficients[] = {1.5, -0.3, 0.0};
constexpr size_t kCols = 3;

struct Dataset {
  std::vector<float> x;
  std::vector<int> labels;
  size_t rows = 0;
};

Dataset MakeDataset(uint64_t seed, size_t rows) {
  TestRng rng(seed);
  Dataset d;
  d.rows = rows;
  for (size_t r = 0; r < rows; ++r) {
    const double x[kCols] = {rng.Uniform(-2, 2), rng.Uniform(0, 10), rng.Uniform(-1, 1)};
    double margin = kTrueIntercept;
    for (size_t j = 0; j < kCols; ++j) {
      d.x.push_back(static_cast<float>(x[j]));
      margin += kTrueCoefficients[j] * static_cast<double>(d.x.back());
    }
    d.labels.push_back(rng.Uniform() < Sigmoid(margin) ? 1 : 0);
  }
  return d;
}

void ExpectReason(const Status& status, const char* reason) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.reason(), reason) << status.ToString();
}

TEST(LogisticRegressionTest, RecoversKnownCoefficients) {
  const Dataset d = MakeDataset(2024, 60000);
  const auto fit = FitLogistic(d.x, d.rows, kCols, d.labels);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  // Back to raw units: coefficient w / scale, intercept b - sum w * mean / scale.
  double raw_intercept = fit->intercept;
  for (size_t j = 0; j < kCols; ++j) {
    const double raw = fit->weights[j] / fit->scale[j];
    EXPECT_NEAR(raw, kTrueCoefficients[j], 0.05) << "feature " << j;
    raw_intercept -= fit->weights[j] * fit->mean[j] / fit->scale[j];
  }
  EXPECT_NEAR(raw_intercept, kTrueIntercept, 0.1);
  // Standardization: U(-2, 2) has mean 0 and sd 4 / sqrt(12).
  EXPECT_NEAR(fit->mean[0], 0.0, 0.03);
  EXPECT_NEAR(fit->scale[0], 4.0 / std::sqrt(12.0), 0.02);
}

TEST(LogisticRegressionTest, PredictionsRankAndCalibrateOnFreshRows) {
  const Dataset train = MakeDataset(1, 20000);
  const Dataset test = MakeDataset(2, 20000);
  const auto fit = FitLogistic(train.x, train.rows, kCols, train.labels);
  ASSERT_TRUE(fit.ok());
  std::vector<double> predicted;
  std::vector<double> truth;
  for (size_t r = 0; r < test.rows; ++r) {
    const float* row = &test.x[r * kCols];
    predicted.push_back(PredictProbability(*fit, row));
    double margin = kTrueIntercept;
    for (size_t j = 0; j < kCols; ++j) {
      margin += kTrueCoefficients[j] * static_cast<double>(row[j]);
    }
    truth.push_back(Sigmoid(margin));
  }
  EXPECT_NEAR(*RocAuc(predicted, test.labels), *RocAuc(truth, test.labels), 0.005);
  EXPECT_LT(*ExpectedCalibrationError(predicted, test.labels), 0.03);
}

TEST(LogisticRegressionTest, UnpenalizedFitMatchesGroupLogOdds) {
  // One binary feature: 1 of 4 positive at x=0, 3 of 4 at x=1. Mean 0.5, sd 0.5, so
  // z = -1 / +1 and the MLE is intercept = 0, weight = logit(3/4) = ln 3.
  const std::vector<float> x = {0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<int> labels = {1, 0, 0, 0, 1, 1, 1, 0};
  const auto fit = FitLogistic(x, 8, 1, labels, /*l2=*/0.0);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_DOUBLE_EQ(fit->mean[0], 0.5);
  EXPECT_DOUBLE_EQ(fit->scale[0], 0.5);
  EXPECT_NEAR(fit->weights[0], std::log(3.0), 1e-9);
  EXPECT_NEAR(fit->intercept, 0.0, 1e-9);
  const float one = 1.0f;
  EXPECT_NEAR(PredictProbability(*fit, &one), 0.75, 1e-9);

  // The L2 penalty shrinks the weight toward 0 but keeps its sign.
  const auto shrunk = FitLogistic(x, 8, 1, labels, /*l2=*/4.0);
  ASSERT_TRUE(shrunk.ok());
  EXPECT_GT(shrunk->weights[0], 0.0);
  EXPECT_LT(shrunk->weights[0], std::log(3.0) - 0.1);
}

TEST(LogisticRegressionTest, MissingValuesMeanTheTrainingMean) {
  Dataset d = MakeDataset(3, 5000);
  for (size_t r = 0; r < d.rows; r += 7) d.x[r * kCols + 1] = kMissing;
  const auto fit = FitLogistic(d.x, d.rows, kCols, d.labels);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  const float with_missing[kCols] = {0.5f, kMissing, 0.25f};
  const float with_mean[kCols] = {0.5f, static_cast<float>(fit->mean[1]), 0.25f};
  EXPECT_NEAR(PredictProbability(*fit, with_missing), PredictProbability(*fit, with_mean), 1e-6);
}

TEST(LogisticRegressionTest, ConstantAndAllMissingFeaturesGetZeroWeight) {
  const std::vector<float> x = {1, 7, kMissing, 2, 7, kMissing, 3, 7, kMissing, 4, 7, kMissing};
  const std::vector<int> labels = {0, 1, 0, 1};
  const auto fit = FitLogistic(x, 4, 3, labels);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->scale[1], 1.0);
  EXPECT_EQ(fit->mean[2], 0.0);
  EXPECT_EQ(fit->scale[2], 1.0);
  EXPECT_EQ(fit->weights[1], 0.0);
  EXPECT_EQ(fit->weights[2], 0.0);
}

TEST(LogisticRegressionTest, PredictProbabilityByHand) {
  LogisticModel model;
  model.mean = {1.0};
  model.scale = {2.0};
  model.weights = {0.5};
  model.intercept = -0.25;
  const float row = 5.0f;  // z = (5 - 1) / 2 = 2; margin = -0.25 + 0.5 * 2 = 0.75
  EXPECT_DOUBLE_EQ(PredictProbability(model, &row), 1.0 / (1.0 + std::exp(-0.75)));
  const float missing = kMissing;  // z = 0; margin = -0.25
  EXPECT_DOUBLE_EQ(PredictProbability(model, &missing), 1.0 / (1.0 + std::exp(0.25)));
}

TEST(LogisticRegressionTest, FitIsDeterministicAndJsonRoundTripsExactly) {
  const Dataset d = MakeDataset(4, 4000);
  const auto a = FitLogistic(d.x, d.rows, kCols, d.labels);
  const auto b = FitLogistic(d.x, d.rows, kCols, d.labels);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string json = a->ToJson();
  EXPECT_EQ(json, b->ToJson());
  const auto back = LogisticModel::FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->mean, a->mean);
  EXPECT_EQ(back->scale, a->scale);
  EXPECT_EQ(back->weights, a->weights);
  EXPECT_EQ(back->intercept, a->intercept);
  EXPECT_EQ(back->ToJson(), json);
}

TEST(LogisticRegressionTest, RejectsBadInput) {
  const std::vector<float> x = {0, 1, 2, 3};
  const std::vector<int> labels = {0, 1, 0, 1};
  ExpectReason(FitLogistic({}, 0, 1, {}).status(), "logistic_empty");
  ExpectReason(FitLogistic(x, 4, 0, labels).status(), "logistic_empty");
  ExpectReason(FitLogistic(x, 4, kLogisticColsMax + 1, labels).status(),
               "logistic_too_many_features");
  ExpectReason(FitLogistic(x, 2, 1, labels).status(), "logistic_shape_mismatch");
  ExpectReason(FitLogistic(x, 4, 1, {0, 1, 0}).status(), "logistic_shape_mismatch");
  ExpectReason(FitLogistic(x, 4, 1, {0, 1, 0, 2}).status(), "metric_label_invalid");
  ExpectReason(FitLogistic(x, 4, 1, {1, 1, 1, 1}).status(), "logistic_single_class");
  const float inf = std::numeric_limits<float>::infinity();
  ExpectReason(FitLogistic({0, inf, 2, 3}, 4, 1, labels).status(), "logistic_feature_infinite");
  ExpectReason(FitLogistic(x, 4, 1, labels, -1.0).status(), "logistic_l2_invalid");
  ExpectReason(FitLogistic(x, 4, 1, labels, std::nan("")).status(), "logistic_l2_invalid");
  ExpectReason(FitLogistic(x, 4, 1, labels, 1.0, 0).status(), "logistic_iterations_invalid");
  ExpectReason(FitLogistic(x, 4, 1, labels, 1.0, kLogisticIterationsMax + 1).status(),
               "logistic_iterations_invalid");
}

TEST(LogisticRegressionTest, UnpenalizedConstantFeatureIsSingular) {
  const std::vector<float> x = {0, 5, 1, 5, 2, 5, 3, 5};
  const auto fit = FitLogistic(x, 4, 2, {0, 1, 1, 0}, /*l2=*/0.0);
  EXPECT_EQ(fit.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(fit.status().reason(), "logistic_singular");
}

TEST(LogisticRegressionTest, RejectsBadJson) {
  ExpectReason(LogisticModel::FromJson("nope").status(), "logistic_json_malformed");
  ExpectReason(LogisticModel::FromJson(R"({"type":"platt","a":1,"b":0})").status(),
               "logistic_json_malformed");
  ExpectReason(
      LogisticModel::FromJson(R"({"type":"logistic","mean":[0],"scale":[1],"weights":[1]})")
          .status(),
      "logistic_json_malformed");
  ExpectReason(LogisticModel::FromJson(
                   R"({"type":"logistic","mean":[0],"scale":[1],"weights":[1,2],"intercept":0})")
                   .status(),
               "logistic_json_invalid");
  ExpectReason(LogisticModel::FromJson(
                   R"({"type":"logistic","mean":[0],"scale":[0],"weights":[1],"intercept":0})")
                   .status(),
               "logistic_json_invalid");
  ExpectReason(LogisticModel::FromJson(
                   R"({"type":"logistic","mean":[],"scale":[],"weights":[],"intercept":0})")
                   .status(),
               "logistic_json_invalid");
  EXPECT_TRUE(LogisticModel::FromJson(
                  R"({"type":"logistic","mean":[0],"scale":[1],"weights":[1],"intercept":0})")
                  .ok());
}

}  // namespace
}  // namespace cse::ai
