#include "ai/calibrate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include <nlohmann/json.hpp>

#include "ai/logit.h"
#include "ai/metrics.h"
#include "core/int128.h"

namespace cse::ai {
namespace {

using Json = nlohmann::ordered_json;

// Platt's Newton method: stop when every gradient component is below this per row.
constexpr double kPlattGradientPerRowMin = 1e-10;
// Ridge added to the Hessian diagonal (Lin, Lin & Weng) so a flat direction stays solvable.
constexpr double kPlattHessianRidge = 1e-12;
// Line search: smallest step tried and the Armijo sufficient-decrease constant.
constexpr double kPlattStepMin = 1e-10;
constexpr double kPlattArmijo = 1e-4;

Status ValidateCalibrationRows(const std::vector<double>& scores, const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateScoresAndLabels(scores, labels));
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isinf(scores[i])) {
      return InvalidArgument("calibration_score_infinite",
                             "score at row " + std::to_string(i) + " is infinite; expected finite");
    }
  }
  return Status::Ok();
}

// ---- JSON ----------------------------------------------------------------------------------

Status Malformed(std::string_view what) {
  return InvalidArgument("calibration_json_malformed",
                         "calibrator JSON: " + std::string(what) + "; expected ToJson output");
}

Status InvalidJson(std::string_view what) {
  return InvalidArgument("calibration_json_invalid", "calibrator JSON: " + std::string(what));
}

// Parses `text` into an object whose "type" is `type`.
Result<Json> ParseTyped(std::string_view text, std::string_view type) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Malformed("not a JSON object");
  const auto it = j.find("type");
  if (it == j.end() || !it->is_string() || it->get<std::string>() != type) {
    return Malformed("\"type\" is not \"" + std::string(type) + "\"");
  }
  return j;
}

Result<double> ReadNumber(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return Malformed(std::string(key) + " is not a number");
  return it->get<double>();
}

Result<std::vector<double>> ReadNumbers(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return Malformed(std::string(key) + " is not an array");
  std::vector<double> out;
  out.reserve(it->size());
  for (const Json& v : *it) {
    if (!v.is_number()) return Malformed(std::string(key) + " holds a non-number");
    out.push_back(v.get<double>());
  }
  return out;
}

// ---- Isotonic ------------------------------------------------------------------------------

// A run of rows pooled to one fitted value: the mean label positives / count.
struct Block {
  int64_t positives = 0;
  int64_t count = 0;
  double low = 0.0;   // lowest score in the block
  double high = 0.0;  // highest score in the block
};

// mean(a) > mean(b), exactly (cross-multiplied in 128 bits).
bool MeanAbove(const Block& a, const Block& b) {
  return static_cast<Int128>(a.positives) * b.count > static_cast<Int128>(b.positives) * a.count;
}

// One block per distinct score, in increasing score order.
std::vector<Block> TieBlocks(const std::vector<double>& scores, const std::vector<int>& labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (scores[a] != scores[b]) return scores[a] < scores[b];
    return a < b;
  });
  std::vector<Block> blocks;
  for (size_t i : order) {
    if (blocks.empty() || scores[i] != blocks.back().high) {
      blocks.push_back(Block{0, 0, scores[i], scores[i]});
    }
    blocks.back().positives += labels[i];
    blocks.back().count += 1;
  }
  return blocks;
}

// Pool-adjacent-violators: merges neighbours until block means are non-decreasing.
std::vector<Block> PoolAdjacentViolators(const std::vector<Block>& blocks) {
  std::vector<Block> pooled;
  for (const Block& block : blocks) {
    pooled.push_back(block);
    while (pooled.size() >= 2 && MeanAbove(pooled[pooled.size() - 2], pooled.back())) {
      const Block last = pooled.back();
      pooled.pop_back();
      Block& prev = pooled.back();
      prev.positives += last.positives;
      prev.count += last.count;
      prev.high = last.high;
    }
  }
  return pooled;
}

Status CheckKnots(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.empty() || x.size() != y.size()) return InvalidJson("x and y must be equal, non-empty");
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || (i > 0 && !(x[i] > x[i - 1]))) {
      return InvalidJson("x must be finite and strictly increasing (index " + std::to_string(i) +
                         ")");
    }
    if (!(y[i] >= 0.0 && y[i] <= 1.0) || (i > 0 && y[i] < y[i - 1])) {
      return InvalidJson("y must be non-decreasing within [0, 1] (index " + std::to_string(i) +
                         ")");
    }
  }
  return Status::Ok();
}

// ---- Platt ---------------------------------------------------------------------------------

// Standardized scores and smoothed targets.
struct PlattRows {
  std::vector<double> z;
  std::vector<double> target;
};

struct Gradient {
  double a = 0.0;
  double b = 0.0;
  double aa = 0.0;  // Hessian entries
  double ab = 0.0;
  double bb = 0.0;
};

// Negative log-likelihood of sigmoid(a z + b) against the targets.
double PlattLoss(const PlattRows& rows, double a, double b) {
  double loss = 0.0;
  for (size_t i = 0; i < rows.z.size(); ++i) {
    const double m = a * rows.z[i] + b;
    loss += SoftPlus(m) - rows.target[i] * m;
  }
  return loss;
}

Gradient PlattGradient(const PlattRows& rows, double a, double b) {
  Gradient g;
  for (size_t i = 0; i < rows.z.size(); ++i) {
    const double z = rows.z[i];
    const double p = Sigmoid(a * z + b);
    const double w = p * (1.0 - p);
    g.a += (p - rows.target[i]) * z;
    g.b += p - rows.target[i];
    g.aa += w * z * z;
    g.ab += w * z;
    g.bb += w;
  }
  g.aa += kPlattHessianRidge;
  g.bb += kPlattHessianRidge;
  return g;
}

// One damped Newton step on (a, b); false when no step decreases the loss.
bool PlattNewtonStep(const PlattRows& rows, double* a, double* b) {
  const Gradient g = PlattGradient(rows, *a, *b);
  const double tolerance = kPlattGradientPerRowMin * static_cast<double>(rows.z.size());
  if (std::abs(g.a) < tolerance && std::abs(g.b) < tolerance) return false;
  const double det = g.aa * g.bb - g.ab * g.ab;
  const double da = -(g.bb * g.a - g.ab * g.b) / det;
  const double db = -(g.aa * g.b - g.ab * g.a) / det;
  const double slope = g.a * da + g.b * db;  // directional derivative, < 0
  const double loss = PlattLoss(rows, *a, *b);
  for (double step = 1.0; step >= kPlattStepMin; step /= 2.0) {
    const double next_a = *a + step * da;
    const double next_b = *b + step * db;
    if (PlattLoss(rows, next_a, next_b) <= loss + kPlattArmijo * step * slope) {
      *a = next_a;
      *b = next_b;
      return true;
    }
  }
  return false;
}

double Logit(double p) { return std::log(p / (1.0 - p)); }

}  // namespace

// ---- IsotonicCalibrator --------------------------------------------------------------------

Result<IsotonicCalibrator> IsotonicCalibrator::Fit(const std::vector<double>& scores,
                                                   const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateCalibrationRows(scores, labels));
  std::vector<double> x;
  std::vector<double> y;
  for (const Block& block : PoolAdjacentViolators(TieBlocks(scores, labels))) {
    const double mean = static_cast<double>(block.positives) / static_cast<double>(block.count);
    x.push_back(block.low);
    y.push_back(mean);
    if (block.high > block.low) {
      x.push_back(block.high);
      y.push_back(mean);
    }
  }
  return IsotonicCalibrator(std::move(x), std::move(y));
}

double IsotonicCalibrator::Apply(double score) const {
  if (std::isnan(score)) return score;
  if (score <= knot_scores_.front()) return knot_values_.front();
  if (score >= knot_scores_.back()) return knot_values_.back();
  const auto i = static_cast<size_t>(
      std::upper_bound(knot_scores_.begin(), knot_scores_.end(), score) - knot_scores_.begin());
  const double x0 = knot_scores_[i - 1];
  const double y0 = knot_values_[i - 1];
  const double y1 = knot_values_[i];
  const double t = (score - x0) / (knot_scores_[i] - x0);
  // The clamp keeps rounding from stepping past a knot value (monotonicity to the last bit).
  return std::clamp(y0 + (y1 - y0) * t, y0, y1);
}

std::string IsotonicCalibrator::ToJson() const {
  Json j;
  j["type"] = "isotonic";
  j["x"] = knot_scores_;
  j["y"] = knot_values_;
  return j.dump();
}

Result<IsotonicCalibrator> IsotonicCalibrator::FromJson(std::string_view json) {
  ASSIGN_OR_RETURN(const Json j, ParseTyped(json, "isotonic"));
  ASSIGN_OR_RETURN(std::vector<double> x, ReadNumbers(j, "x"));
  ASSIGN_OR_RETURN(std::vector<double> y, ReadNumbers(j, "y"));
  RETURN_IF_ERROR(CheckKnots(x, y));
  return IsotonicCalibrator(std::move(x), std::move(y));
}

// ---- PlattCalibrator -----------------------------------------------------------------------

Result<PlattCalibrator> PlattCalibrator::Fit(const std::vector<double>& scores,
                                             const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateCalibrationRows(scores, labels));
  const double n = static_cast<double>(scores.size());
  const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), 1));
  const double negatives = n - positives;
  const double target_high = (positives + 1.0) / (positives + 2.0);
  const double target_low = 1.0 / (negatives + 2.0);
  const double mean_target = (positives * target_high + negatives * target_low) / n;

  const double mean = std::accumulate(scores.begin(), scores.end(), 0.0) / n;
  double variance = 0.0;
  for (double s : scores) variance += (s - mean) * (s - mean);
  const double sd = std::sqrt(variance / n);
  if (!(sd > 0.0)) return PlattCalibrator(0.0, Logit(mean_target));

  PlattRows rows;
  rows.z.reserve(scores.size());
  rows.target.reserve(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    rows.z.push_back((scores[i] - mean) / sd);
    rows.target.push_back(labels[i] == 1 ? target_high : target_low);
  }
  double a = 0.0;
  double b = std::log((positives + 1.0) / (negatives + 1.0));  // Platt's starting point
  int iterations = 0;
  while (iterations < kPlattIterationsMax && PlattNewtonStep(rows, &a, &b)) ++iterations;
  if (a < 0.0) return PlattCalibrator(0.0, Logit(mean_target));
  // sigmoid(a (s - mean) / sd + b) = sigmoid((a / sd) s + (b - a mean / sd)).
  return PlattCalibrator(a / sd, b - a * mean / sd);
}

double PlattCalibrator::Apply(double score) const {
  if (a_ == 0.0 && !std::isnan(score)) return Sigmoid(b_);  // no 0 * inf = NaN
  return Sigmoid(a_ * score + b_);
}

std::string PlattCalibrator::ToJson() const {
  Json j;
  j["type"] = "platt";
  j["a"] = a_;
  j["b"] = b_;
  return j.dump();
}

Result<PlattCalibrator> PlattCalibrator::FromJson(std::string_view json) {
  ASSIGN_OR_RETURN(const Json j, ParseTyped(json, "platt"));
  ASSIGN_OR_RETURN(const double a, ReadNumber(j, "a"));
  ASSIGN_OR_RETURN(const double b, ReadNumber(j, "b"));
  if (!std::isfinite(a) || a < 0.0 || !std::isfinite(b)) {
    return InvalidJson("a must be finite and >= 0 and b finite");
  }
  return PlattCalibrator(a, b);
}

}  // namespace cse::ai
