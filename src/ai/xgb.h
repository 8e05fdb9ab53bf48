// File: ai/xgb.h
//
// The XGBoost boundary (STYLE §14): a small RAII wrapper over the XGBoost 1.7 C API. This
// pair of files is the only place in the repository that includes <xgboost/c_api.h>; the rest
// of OpenCSE sees a Booster that trains a binary:logistic gradient-boosted tree model on a
// dense float matrix, predicts, explains (TreeSHAP through XGBoost) and round-trips its model
// as XGBoost's JSON (which ai/forest.h compiles for our own evaluation).
//
// Data layout: every matrix is dense, row-major, `rows` x `cols` floats; NaN marks a missing
// value (it follows the split's default direction). Nothing is retained after a call returns:
// each call builds its own DMatrix and frees it before returning.
//
// Ownership: a Booster owns its BoosterHandle and frees it in its destructor; it is movable,
// not copyable. Outputs are copied out of XGBoost's thread-local buffers at once.
// REQUIRES: every Booster is destroyed before main returns; never keep one in an object of
// static or thread storage duration. XGBoost's destructor uses XGBoost's own thread-local
// state, which the C++ runtime tears down first at exit (freeing a Booster then crashes
// inside libxgboost).
//
// Errors: every non-zero XGBoost return becomes a Status with reason "xgboost_error" and the
// text of XGBGetLastError() (code data_loss when loading a model, internal otherwise). Bad
// input gets its own invalid_argument reason (listed per function).
//
// Thread-safety: the const methods of one Booster may be called from several threads; the
// calls into XGBoost are serialized by a mutex the Booster owns (XGBoost 1.7 does not promise
// concurrent use of one BoosterHandle). Distinct Boosters are independent.
//
// Determinism: predictions, margins and contributions are deterministic (each row's sum runs
// over the trees in order, whatever the thread count). Training is deterministic for equal
// data and equal XgbParams, `nthread` included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace cse::ai {

// Training parameters. The objective is always binary:logistic, the tree method always hist,
// base_score XGBoost's 0.5 (a base margin of 0).
struct XgbParams {
  // Boosting rounds, i.e. trees in the model. Default: 100. REQUIRES: >= 1.
  int rounds = 100;
  // Maximum tree depth. Default: 6.
  int max_depth = 6;
  // Learning rate (shrinkage of each tree's leaf values). Default: 0.1.
  double eta = 0.1;
  // Fraction of rows sampled for each tree. Default: 0.8.
  double subsample = 0.8;
  // Fraction of columns sampled for each tree. Default: 0.8.
  double colsample_bytree = 0.8;
  // Minimum sum of instance hessian in a child. Default: 1.0.
  double min_child_weight = 1.0;
  // L2 regularization of leaf weights. Default: 1.0.
  double lambda = 1.0;
  // OpenMP threads XGBoost uses for training and prediction. Default: 2.
  int nthread = 2;
  // Random seed for row and column sampling. Default: 0.
  uint64_t seed = 0;
  // Per-feature monotone constraints, XGBoost's "(c0,c1,...)" with -1 (the margin never rises
  // with the feature), 0 (free) or 1 (never falls). Default: empty (none).
  std::string monotone_constraints;
};

class Booster {
 public:
  // Trains a binary:logistic model on `rows` x `cols` features `x` and `labels` (one per row).
  // Errors (invalid_argument): "no_rows" (rows == 0), "no_features" (cols == 0),
  // "label_missing" (a NaN label), "label_not_binary" (a label other than 0 or 1),
  // "rounds_out_of_range" (params.rounds < 1); "xgboost_error" when XGBoost refuses.
  // REQUIRES: x holds rows*cols floats, labels holds rows floats.
  static Result<Booster> Train(const float* x, size_t rows, size_t cols, const float* labels,
                               const XgbParams& params);

  // Loads a model saved by SaveJson. Errors: data_loss "xgboost_error" when XGBoost cannot
  // parse `json`.
  static Result<Booster> LoadJson(std::string_view json);

  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster();

  // The model as XGBoost JSON ({"format": "json"}): the input of ForestFromXgboostJson.
  Result<std::string> SaveJson() const;

  // Number of features the model was trained on.
  size_t num_features() const { return num_features_; }

  // P(label = 1) for each row: sigmoid(margin). Returns `rows` values.
  // Errors: invalid_argument "feature_count_mismatch" when cols != num_features();
  // "xgboost_error". An empty vector when rows == 0.
  Result<std::vector<float>> PredictProbability(const float* x, size_t rows, size_t cols) const;

  // The untransformed margin (log-odds) for each row: base margin + sum of the trees' leaves.
  // Same errors as PredictProbability.
  Result<std::vector<float>> PredictMargin(const float* x, size_t rows, size_t cols) const;

  // Exact TreeSHAP contributions (XGBoost pred_contribs) to the margin: rows * (cols + 1)
  // values, row-major; the last column of each row is the bias (the expected margin). Each
  // row sums to its margin. Same errors as PredictProbability.
  Result<std::vector<float>> PredictContributions(const float* x, size_t rows, size_t cols) const;

 private:
  enum class PredictionType { kProbability = 0, kMargin = 1, kContributions = 2 };

  Booster(void* handle, size_t num_features);
  Result<std::vector<float>> Predict(PredictionType type, const float* x, size_t rows,
                                     size_t cols) const;

  void* handle_ = nullptr;  // BoosterHandle; owned
  size_t num_features_ = 0;
  std::unique_ptr<std::mutex> mutex_;  // serializes calls on handle_; a pointer to stay movable
};

}  // namespace cse::ai
