// File: ai/logistic.h
//
// The logistic-regression "scorecard" baseline that every tree model is compared against:
// an L2-penalized logistic regression on standardized features, fitted by Newton's method
// (iteratively reweighted least squares) with our own Cholesky solve. Deterministic: the same
// rows, in the same order, give the same model to the bit (sequential sums, no randomness).
//
// Standardization: for feature j, mean[j] and scale[j] are the mean and population standard
// deviation of its non-NaN training values; z_j = (x_j - mean[j]) / scale[j]. A missing value
// (NaN) is replaced by the training mean, i.e. z_j = 0, at training and at prediction. A
// constant feature gets scale 1; an all-NaN feature gets mean 0 and scale 1 (z is then always
// 0 and its weight 0).
//
// Model: P(label = 1 | x) = sigmoid(intercept + sum_j weights[j] * z_j). The weights are on
// the standardized scale (comparable across features, the scorecard's "points"); a raw-unit
// coefficient is weights[j] / scale[j].
//
// Thread-safety: LogisticModel is a value type; PredictProbability is pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cse::ai {

// Features accepted by FitLogistic (the Hessian is (cols + 1)^2 doubles).
inline constexpr size_t kLogisticColsMax = 1024;
// Upper bound on FitLogistic's max_iterations.
inline constexpr int kLogisticIterationsMax = 1000;

struct LogisticModel {
  std::vector<double> mean;     // per feature, training mean of non-NaN values
  std::vector<double> scale;    // per feature, > 0
  std::vector<double> weights;  // per feature, on the standardized scale
  double intercept = 0.0;

  // {"type":"logistic","mean":[...],"scale":[...],"weights":[...],"intercept":...}; every
  // double round-trips exactly through FromJson.
  std::string ToJson() const;
  // Parses ToJson output. Errors (invalid_argument):
  //   logistic_json_malformed  not JSON, or not an object of that shape
  //   logistic_json_invalid    arrays of different or zero length, a non-finite value, a
  //                            scale <= 0, or more than kLogisticColsMax features
  static Result<LogisticModel> FromJson(std::string_view json);
};

// Fits the model on `rows` x `cols` features `x` (row-major: row r, feature j at
// x[r * cols + j]) and 0/1 `labels`, minimizing
//   sum_i [log(1 + exp(m_i)) - y_i m_i] + (l2 / 2) * sum_j weights[j]^2,
// with m_i the margin of row i; the penalty is on the summed (not averaged) loss, so its pull
// fades as rows grow, and the intercept is not penalized. Starts from all-zero weights and the
// log-odds of the base rate; each Newton step is damped by a backtracking line search; stops
// when no coefficient moves by more than 1e-9 or after `max_iterations` steps (not an error:
// the objective is convex and Newton converges in a handful of steps).
// Errors (invalid_argument unless noted):
//   logistic_empty                  rows == 0 or cols == 0
//   logistic_too_many_features      cols > kLogisticColsMax
//   logistic_shape_mismatch         x.size() != rows * cols or labels.size() != rows
//   metric_label_invalid            a label other than 0 or 1
//   logistic_single_class           every label is the same (the intercept diverges)
//   logistic_feature_infinite       a feature value of +/-infinity (NaN is allowed: missing)
//   logistic_l2_invalid             l2 < 0 or not finite
//   logistic_iterations_invalid     max_iterations outside [1, kLogisticIterationsMax]
//   logistic_singular (failed_precondition)  the Newton system is not positive definite,
//                                   e.g. l2 == 0 with a constant or duplicated feature
Result<LogisticModel> FitLogistic(const std::vector<float>& x, size_t rows, size_t cols,
                                  const std::vector<int>& labels, double l2 = 1.0,
                                  int max_iterations = 50);

// The probability of label 1 for one row of raw features (NaN = missing), in [0, 1].
// REQUIRES: `row` points to model.weights.size() floats.
double PredictProbability(const LogisticModel& model, const float* row);

}  // namespace cse::ai
