#include "ai/logistic.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "ai/logit.h"
#include "ai/metrics.h"

namespace cse::ai {
namespace {

using Json = nlohmann::ordered_json;

// Newton stops when no coefficient moves by more than this.
constexpr double kStepMin = 1e-9;
// Line search: smallest step fraction tried and the Armijo sufficient-decrease constant.
constexpr double kLineSearchStepMin = 1e-10;
constexpr double kArmijo = 1e-4;
// A Cholesky pivot at or below this fraction of its diagonal entry means "not positive
// definite" (a zero or duplicated direction).
constexpr double kPivotRelativeMin = 1e-12;

// ---- Validation ----------------------------------------------------------------------------

Status CheckShape(const std::vector<float>& x, size_t rows, size_t cols, size_t labels) {
  if (rows == 0 || cols == 0) {
    return InvalidArgument("logistic_empty", "rows " + std::to_string(rows) + ", cols " +
                                                 std::to_string(cols) + "; expected both > 0");
  }
  if (cols > kLogisticColsMax) {
    return InvalidArgument(
        "logistic_too_many_features",
        "cols " + std::to_string(cols) + "; expected at most " + std::to_string(kLogisticColsMax));
  }
  if (rows > std::numeric_limits<size_t>::max() / cols || x.size() != rows * cols ||
      labels != rows) {
    return InvalidArgument("logistic_shape_mismatch",
                           std::to_string(x.size()) + " values and " + std::to_string(labels) +
                               " labels; expected rows * cols values and rows labels");
  }
  return Status::Ok();
}

Status CheckLabelsAndValues(const std::vector<float>& x, const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateLabels(labels));
  const auto positives = std::count(labels.begin(), labels.end(), 1);
  if (positives == 0 || static_cast<size_t>(positives) == labels.size()) {
    return InvalidArgument(
        "logistic_single_class",
        "every label is " + std::to_string(labels.front()) + "; expected both 0 and 1");
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isinf(x[i])) {
      return InvalidArgument("logistic_feature_infinite",
                             "feature value at flat index " + std::to_string(i) +
                                 " is infinite; expected finite or NaN (missing)");
    }
  }
  return Status::Ok();
}

Status CheckOptions(double l2, int max_iterations) {
  if (!(std::isfinite(l2) && l2 >= 0.0)) {
    return InvalidArgument("logistic_l2_invalid",
                           "l2 is " + std::to_string(l2) + "; expected finite and >= 0");
  }
  if (max_iterations < 1 || max_iterations > kLogisticIterationsMax) {
    return InvalidArgument("logistic_iterations_invalid",
                           "max_iterations is " + std::to_string(max_iterations) +
                               "; expected 1.." + std::to_string(kLogisticIterationsMax));
  }
  return Status::Ok();
}

// ---- Standardization -----------------------------------------------------------------------

// Fills model->mean and model->scale from the non-NaN values of each column.
void FitStandardization(const std::vector<float>& x, size_t rows, size_t cols,
                        LogisticModel* model) {
  std::vector<double> sum(cols, 0.0);
  std::vector<int64_t> count(cols, 0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < cols; ++j) {
      const float v = x[r * cols + j];
      if (std::isnan(v)) continue;
      sum[j] += static_cast<double>(v);
      ++count[j];
    }
  }
  model->mean.assign(cols, 0.0);
  for (size_t j = 0; j < cols; ++j) {
    if (count[j] > 0) model->mean[j] = sum[j] / static_cast<double>(count[j]);
  }
  std::vector<double> squares(cols, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < cols; ++j) {
      const float v = x[r * cols + j];
      if (std::isnan(v)) continue;
      const double d = static_cast<double>(v) - model->mean[j];
      squares[j] += d * d;
    }
  }
  model->scale.assign(cols, 1.0);
  for (size_t j = 0; j < cols; ++j) {
    const double sd = count[j] > 0 ? std::sqrt(squares[j] / static_cast<double>(count[j])) : 0.0;
    if (sd > 0.0) model->scale[j] = sd;
  }
}

double Standardize(float value, double mean, double scale) {
  if (std::isnan(value)) return 0.0;
  return (static_cast<double>(value) - mean) / scale;
}

// ---- Newton's method -----------------------------------------------------------------------
// Coefficients beta: beta[0] is the intercept, beta[1 + j] the weight of feature j.

struct Problem {
  const std::vector<float>& x;
  const std::vector<int>& labels;
  size_t rows;
  size_t cols;
  double l2;
  const LogisticModel& standardization;
};

// Writes the extended standardized row [1, z_0, ..., z_{cols-1}] of row r into `z`.
void ExtendedRow(const Problem& problem, size_t r, std::vector<double>* z) {
  const float* row = &problem.x[r * problem.cols];
  (*z)[0] = 1.0;
  for (size_t j = 0; j < problem.cols; ++j) {
    (*z)[j + 1] =
        Standardize(row[j], problem.standardization.mean[j], problem.standardization.scale[j]);
  }
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

double PenalizedLoss(const Problem& problem, const std::vector<double>& beta) {
  std::vector<double> z(beta.size());
  double loss = 0.0;
  for (size_t r = 0; r < problem.rows; ++r) {
    ExtendedRow(problem, r, &z);
    const double m = Dot(beta, z);
    loss += SoftPlus(m) - static_cast<double>(problem.labels[r]) * m;
  }
  for (size_t k = 1; k < beta.size(); ++k) loss += 0.5 * problem.l2 * beta[k] * beta[k];
  return loss;
}

// Gradient and Hessian (row-major, d x d) of the penalized loss at beta.
struct NewtonSystem {
  std::vector<double> gradient;
  std::vector<double> hessian;
};

NewtonSystem BuildNewtonSystem(const Problem& problem, const std::vector<double>& beta) {
  const size_t d = beta.size();
  NewtonSystem system{std::vector<double>(d, 0.0), std::vector<double>(d * d, 0.0)};
  std::vector<double> z(d);
  for (size_t r = 0; r < problem.rows; ++r) {
    ExtendedRow(problem, r, &z);
    const double p = Sigmoid(Dot(beta, z));
    const double w = p * (1.0 - p);
    const double residual = p - static_cast<double>(problem.labels[r]);
    for (size_t a = 0; a < d; ++a) {
      system.gradient[a] += residual * z[a];
      for (size_t b = a; b < d; ++b) system.hessian[a * d + b] += w * z[a] * z[b];
    }
  }
  for (size_t k = 1; k < d; ++k) {
    system.gradient[k] += problem.l2 * beta[k];
    system.hessian[k * d + k] += problem.l2;
  }
  for (size_t a = 0; a < d; ++a) {
    for (size_t b = 0; b < a; ++b) system.hessian[a * d + b] = system.hessian[b * d + a];
  }
  return system;
}

// Solves H s = -g by Cholesky (H = L L^T, L in the lower triangle of a copy of H).
Result<std::vector<double>> SolveNewtonStep(const NewtonSystem& system) {
  const size_t d = system.gradient.size();
  std::vector<double> l = system.hessian;
  for (size_t j = 0; j < d; ++j) {
    double pivot = l[j * d + j];
    for (size_t k = 0; k < j; ++k) pivot -= l[j * d + k] * l[j * d + k];
    if (!(pivot > kPivotRelativeMin * system.hessian[j * d + j])) {
      return FailedPrecondition("logistic_singular",
                                "Newton system not positive definite at coefficient " +
                                    std::to_string(j) + "; use l2 > 0 or drop the feature");
    }
    l[j * d + j] = std::sqrt(pivot);
    for (size_t i = j + 1; i < d; ++i) {
      double v = l[i * d + j];
      for (size_t k = 0; k < j; ++k) v -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = v / l[j * d + j];
    }
  }
  std::vector<double> s(d);
  for (size_t i = 0; i < d; ++i) {  // L y = -g
    double v = -system.gradient[i];
    for (size_t k = 0; k < i; ++k) v -= l[i * d + k] * s[k];
    s[i] = v / l[i * d + i];
  }
  for (size_t i = d; i-- > 0;) {  // L^T s = y
    double v = s[i];
    for (size_t k = i + 1; k < d; ++k) v -= l[k * d + i] * s[k];
    s[i] = v / l[i * d + i];
  }
  return s;
}

// Backtracking line search along `step`; returns the largest coefficient change made (0 when
// no fraction of the step decreases the loss).
double DampedUpdate(const Problem& problem, const NewtonSystem& system,
                    const std::vector<double>& step, std::vector<double>* beta) {
  const double loss = PenalizedLoss(problem, *beta);
  const double slope = Dot(system.gradient, step);  // < 0 for a descent direction
  std::vector<double> next(beta->size());
  for (double t = 1.0; t >= kLineSearchStepMin; t /= 2.0) {
    for (size_t k = 0; k < next.size(); ++k) next[k] = (*beta)[k] + t * step[k];
    if (PenalizedLoss(problem, next) <= loss + kArmijo * t * slope) {
      double moved = 0.0;
      for (size_t k = 0; k < next.size(); ++k) moved = std::max(moved, std::abs(t * step[k]));
      *beta = next;
      return moved;
    }
  }
  return 0.0;
}

Result<std::vector<double>> Newton(const Problem& problem, int max_iterations) {
  const auto positives =
      static_cast<double>(std::count(problem.labels.begin(), problem.labels.end(), 1));
  std::vector<double> beta(problem.cols + 1, 0.0);
  beta[0] = std::log(positives / (static_cast<double>(problem.rows) - positives));
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    const NewtonSystem system = BuildNewtonSystem(problem, beta);
    ASSIGN_OR_RETURN(const std::vector<double> step, SolveNewtonStep(system));
    if (DampedUpdate(problem, system, step, &beta) <= kStepMin) break;
  }
  return beta;
}

// ---- JSON ----------------------------------------------------------------------------------

Status Malformed(std::string_view what) {
  return InvalidArgument("logistic_json_malformed",
                         "logistic JSON: " + std::string(what) + "; expected ToJson output");
}

Status InvalidJson(std::string_view what) {
  return InvalidArgument("logistic_json_invalid", "logistic JSON: " + std::string(what));
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

Status CheckModel(const LogisticModel& m) {
  const size_t cols = m.weights.size();
  if (cols == 0 || cols > kLogisticColsMax || m.mean.size() != cols || m.scale.size() != cols) {
    return InvalidJson("mean, scale and weights must have the same length in 1.." +
                       std::to_string(kLogisticColsMax));
  }
  if (!std::isfinite(m.intercept)) return InvalidJson("intercept is not finite");
  for (size_t j = 0; j < cols; ++j) {
    if (!std::isfinite(m.mean[j]) || !std::isfinite(m.weights[j]) ||
        !(std::isfinite(m.scale[j]) && m.scale[j] > 0.0)) {
      return InvalidJson("feature " + std::to_string(j) +
                         ": mean and weight must be finite, scale finite and > 0");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<LogisticModel> FitLogistic(const std::vector<float>& x, size_t rows, size_t cols,
                                  const std::vector<int>& labels, double l2, int max_iterations) {
  RETURN_IF_ERROR(CheckShape(x, rows, cols, labels.size()));
  RETURN_IF_ERROR(CheckLabelsAndValues(x, labels));
  RETURN_IF_ERROR(CheckOptions(l2, max_iterations));
  LogisticModel model;
  FitStandardization(x, rows, cols, &model);
  const Problem problem{x, labels, rows, cols, l2, model};
  ASSIGN_OR_RETURN(const std::vector<double> beta, Newton(problem, max_iterations));
  model.intercept = beta[0];
  model.weights.assign(beta.begin() + 1, beta.end());
  return model;
}

double PredictProbability(const LogisticModel& model, const float* row) {
  double margin = model.intercept;
  for (size_t j = 0; j < model.weights.size(); ++j) {
    margin += model.weights[j] * Standardize(row[j], model.mean[j], model.scale[j]);
  }
  return Sigmoid(margin);
}

std::string LogisticModel::ToJson() const {
  Json j;
  j["type"] = "logistic";
  j["mean"] = mean;
  j["scale"] = scale;
  j["weights"] = weights;
  j["intercept"] = intercept;
  return j.dump();
}

Result<LogisticModel> LogisticModel::FromJson(std::string_view json) {
  const Json j = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Malformed("not a JSON object");
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string() || type->get<std::string>() != "logistic") {
    return Malformed("\"type\" is not \"logistic\"");
  }
  const auto intercept = j.find("intercept");
  if (intercept == j.end() || !intercept->is_number()) return Malformed("intercept missing");
  LogisticModel model;
  ASSIGN_OR_RETURN(model.mean, ReadNumbers(j, "mean"));
  ASSIGN_OR_RETURN(model.scale, ReadNumbers(j, "scale"));
  ASSIGN_OR_RETURN(model.weights, ReadNumbers(j, "weights"));
  model.intercept = intercept->get<double>();
  RETURN_IF_ERROR(CheckModel(model));
  return model;
}

}  // namespace cse::ai
