// File: ai/calibrate.h
//
// Probability calibration: maps a model's raw score (a margin or an uncalibrated probability)
// to a probability that matches observed outcome rates. Fit on held-out rows the model did not
// train on. Two methods:
//   IsotonicCalibrator  non-parametric, monotone step-and-ramp fit (pool-adjacent-violators);
//                       best with thousands of held-out rows.
//   PlattCalibrator     sigmoid(a * score + b); two parameters, fine with a few hundred rows.
// Both are monotone non-decreasing in the score (a better score never lowers the probability)
// and return values within [0, 1]. Fitting is deterministic: the same rows give the same
// calibrator to the bit, and ToJson/FromJson round-trip every double exactly.
//
// Fit errors (invalid_argument): the shared reasons of ai/metrics.h (metric_size_mismatch,
// metric_empty, metric_label_invalid, metric_score_nan) and calibration_score_infinite for a
// score of +/-infinity (a knot must be a finite number). FromJson errors (invalid_argument):
//   calibration_json_malformed  not JSON, or not an object of the documented shape
//   calibration_json_invalid    shape right, values inconsistent (see each class)
//
// Thread-safety: immutable after construction; const methods may be called concurrently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cse::ai {

class IsotonicCalibrator {
 public:
  // Sorts rows by score; rows with equal scores are pooled into one block first; then
  // adjacent blocks whose label means decrease are merged (pool-adjacent-violators) until the
  // block means are non-decreasing. Each final block covers the score interval
  // [lowest score, highest score] of its rows and takes the mean label of its rows.
  // Errors: metric_size_mismatch, metric_empty, metric_label_invalid, metric_score_nan,
  // calibration_score_infinite.
  static Result<IsotonicCalibrator> Fit(const std::vector<double>& scores,
                                        const std::vector<int>& labels);

  // The fitted function is piecewise linear through the knots: each block contributes a knot
  // at both ends of its score interval (one if the ends coincide) at the block mean. So the
  // result is constant inside a block, a straight ramp between the last score of one block
  // and the first of the next, and clamped (constant) below the first knot and above the
  // last. Returns a value in [0, 1]; NaN for a NaN score.
  double Apply(double score) const;

  // {"type":"isotonic","x":[...],"y":[...]} (knot scores and values).
  std::string ToJson() const;
  // Parses ToJson output. calibration_json_invalid unless x and y have the same non-zero
  // length, x is finite and strictly increasing, y is non-decreasing within [0, 1].
  static Result<IsotonicCalibrator> FromJson(std::string_view json);

  const std::vector<double>& knot_scores() const { return knot_scores_; }
  const std::vector<double>& knot_values() const { return knot_values_; }

 private:
  IsotonicCalibrator(std::vector<double> knot_scores, std::vector<double> knot_values)
      : knot_scores_(std::move(knot_scores)), knot_values_(std::move(knot_values)) {}

  std::vector<double> knot_scores_;  // strictly increasing
  std::vector<double> knot_values_;  // non-decreasing, within [0, 1]
};

// Iterations of Platt's Newton method; the smoothed objective is strictly convex and the fit
// typically converges in under 10.
inline constexpr int kPlattIterationsMax = 100;

class PlattCalibrator {
 public:
  // Maximizes the log-likelihood of p = sigmoid(a * score + b) against Platt's smoothed
  // targets (t = (P + 1) / (P + 2) for label 1 and t = 1 / (N + 2) for label 0, where P and N
  // count each class), by Newton's method with a backtracking line search (Lin, Lin & Weng
  // 2007), on internally standardized scores for conditioning. Stops when the gradient is
  // below 1e-10 per row or after kPlattIterationsMax steps. To keep the map monotone the
  // slope is constrained to a >= 0: if the unconstrained optimum has a < 0 (scores rank
  // backwards) or every score is equal, the fit is a = 0 and sigmoid(b) = mean target.
  // Errors: metric_size_mismatch, metric_empty, metric_label_invalid, metric_score_nan,
  // calibration_score_infinite.
  static Result<PlattCalibrator> Fit(const std::vector<double>& scores,
                                     const std::vector<int>& labels);

  // sigmoid(a * score + b) = 1 / (1 + exp(-(a * score + b))): within [0, 1] (exactly 0 or 1
  // only when the exponential saturates), NaN for a NaN score.
  double Apply(double score) const;

  // {"type":"platt","a":...,"b":...}
  std::string ToJson() const;
  // Parses ToJson output. calibration_json_invalid unless a is finite and >= 0 and b finite.
  static Result<PlattCalibrator> FromJson(std::string_view json);

  double slope() const { return a_; }
  double intercept() const { return b_; }

 private:
  PlattCalibrator(double a, double b) : a_(a), b_(b) {}

  double a_ = 0.0;
  double b_ = 0.0;
};

}  // namespace cse::ai
