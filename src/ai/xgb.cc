#include "ai/xgb.h"

#include <xgboost/c_api.h>

#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "core/check.h"

namespace cse::ai {
namespace {

// The XGBoost error of the last failed call on this thread, as a Status.
Status XgbError(StatusCode code, std::string_view operation) {
  const char* text = XGBGetLastError();
  return Status(code, "xgboost_error",
                std::string(operation) + ": " + (text != nullptr ? text : "(no message)"));
}

Status CheckXgb(int rc, std::string_view operation, StatusCode code = StatusCode::kInternal) {
  if (rc == 0) return Status::Ok();
  return XgbError(code, operation);
}

// Shortest decimal text that reads back as exactly `value`.
std::string FormatDouble(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// Owns one DMatrixHandle built from a dense row-major float matrix (NaN = missing).
class DMatrix {
 public:
  static Result<DMatrix> FromDense(const float* x, size_t rows, size_t cols) {
    DMatrixHandle handle = nullptr;
    RETURN_IF_ERROR(
        CheckXgb(XGDMatrixCreateFromMat(x, rows, cols, std::nanf(""), &handle), "XGDMatrix"));
    return DMatrix(handle);
  }
  DMatrix(DMatrix&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  DMatrix& operator=(DMatrix&&) = delete;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrixHandle handle() const { return handle_; }

 private:
  explicit DMatrix(DMatrixHandle handle) : handle_(handle) {}
  DMatrixHandle handle_;
};

// Owns a BoosterHandle until Release() hands it over.
class BoosterGuard {
 public:
  explicit BoosterGuard(BoosterHandle handle) : handle_(handle) {}
  BoosterGuard(const BoosterGuard&) = delete;
  BoosterGuard& operator=(const BoosterGuard&) = delete;
  ~BoosterGuard() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }
  BoosterHandle get() const { return handle_; }
  BoosterHandle Release() { return std::exchange(handle_, nullptr); }

 private:
  BoosterHandle handle_;
};

Status ValidateTrainingInput(size_t rows, size_t cols, const float* labels,
                             const XgbParams& params) {
  if (rows == 0) return InvalidArgument("no_rows", "Booster::Train: 0 rows; expected >= 1");
  if (cols == 0) {
    return InvalidArgument("no_features", "Booster::Train: 0 feature columns; expected >= 1");
  }
  if (params.rounds < 1) {
    return InvalidArgument(
        "rounds_out_of_range",
        "Booster::Train: rounds " + std::to_string(params.rounds) + "; expected >= 1");
  }
  for (size_t i = 0; i < rows; ++i) {
    if (std::isnan(labels[i])) {
      return InvalidArgument("label_missing", "Booster::Train: label of row " + std::to_string(i) +
                                                  " is NaN; expected 0 or 1");
    }
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      return InvalidArgument("label_not_binary", "Booster::Train: label of row " +
                                                     std::to_string(i) + " is " +
                                                     FormatDouble(labels[i]) + "; expected 0 or 1");
    }
  }
  return Status::Ok();
}

Status SetParam(BoosterHandle handle, const char* name, const std::string& value) {
  return CheckXgb(XGBoosterSetParam(handle, name, value.c_str()),
                  std::string("XGBoosterSetParam ") + name + "=" + value);
}

Status SetTrainingParams(BoosterHandle handle, const XgbParams& params) {
  RETURN_IF_ERROR(SetParam(handle, "objective", "binary:logistic"));
  RETURN_IF_ERROR(SetParam(handle, "tree_method", "hist"));
  RETURN_IF_ERROR(SetParam(handle, "max_depth", std::to_string(params.max_depth)));
  RETURN_IF_ERROR(SetParam(handle, "eta", FormatDouble(params.eta)));
  RETURN_IF_ERROR(SetParam(handle, "subsample", FormatDouble(params.subsample)));
  RETURN_IF_ERROR(SetParam(handle, "colsample_bytree", FormatDouble(params.colsample_bytree)));
  RETURN_IF_ERROR(SetParam(handle, "min_child_weight", FormatDouble(params.min_child_weight)));
  RETURN_IF_ERROR(SetParam(handle, "lambda", FormatDouble(params.lambda)));
  RETURN_IF_ERROR(SetParam(handle, "nthread", std::to_string(params.nthread)));
  if (!params.monotone_constraints.empty()) {
    RETURN_IF_ERROR(SetParam(handle, "monotone_constraints", params.monotone_constraints));
  }
  return SetParam(handle, "seed", std::to_string(params.seed));
}

Result<size_t> NumFeatures(BoosterHandle handle) {
  bst_ulong num_features = 0;
  RETURN_IF_ERROR(
      CheckXgb(XGBoosterGetNumFeature(handle, &num_features), "XGBoosterGetNumFeature"));
  return static_cast<size_t>(num_features);
}

// The JSON predict configuration of XGBoosterPredictFromDMatrix, every option spelled out:
// `type` 0 = probability, 1 = margin, 2 = exact contributions; all trees; not training.
std::string PredictConfig(int type) {
  return R"({"type": )" + std::to_string(type) +
         R"(, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
         R"( "strict_shape": false})";
}

}  // namespace

Booster::Booster(void* handle, size_t num_features)
    : handle_(handle), num_features_(num_features), mutex_(std::make_unique<std::mutex>()) {}

Booster::Booster(Booster&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      num_features_(other.num_features_),
      mutex_(std::move(other.mutex_)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    num_features_ = other.num_features_;
    mutex_ = std::move(other.mutex_);
  }
  return *this;
}

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

Result<Booster> Booster::Train(const float* x, size_t rows, size_t cols, const float* labels,
                               const XgbParams& params) {
  RETURN_IF_ERROR(ValidateTrainingInput(rows, cols, labels, params));
  ASSIGN_OR_RETURN(DMatrix train, DMatrix::FromDense(x, rows, cols));
  RETURN_IF_ERROR(CheckXgb(XGDMatrixSetFloatInfo(train.handle(), "label", labels, rows),
                           "XGDMatrixSetFloatInfo label"));
  DMatrixHandle matrices[] = {train.handle()};
  BoosterHandle raw = nullptr;
  RETURN_IF_ERROR(CheckXgb(XGBoosterCreate(matrices, 1, &raw), "XGBoosterCreate"));
  BoosterGuard guard(raw);
  RETURN_IF_ERROR(SetTrainingParams(guard.get(), params));
  for (int round = 0; round < params.rounds; ++round) {
    RETURN_IF_ERROR(CheckXgb(XGBoosterUpdateOneIter(guard.get(), round, train.handle()),
                             "XGBoosterUpdateOneIter round " + std::to_string(round)));
  }
  ASSIGN_OR_RETURN(const size_t num_features, NumFeatures(guard.get()));
  return Booster(guard.Release(), num_features);
}

Result<Booster> Booster::LoadJson(std::string_view json) {
  BoosterHandle raw = nullptr;
  RETURN_IF_ERROR(CheckXgb(XGBoosterCreate(nullptr, 0, &raw), "XGBoosterCreate"));
  BoosterGuard guard(raw);
  RETURN_IF_ERROR(CheckXgb(XGBoosterLoadModelFromBuffer(guard.get(), json.data(), json.size()),
                           "XGBoosterLoadModelFromBuffer", StatusCode::kDataLoss));
  RETURN_IF_ERROR(SetParam(guard.get(), "nthread", std::to_string(XgbParams{}.nthread)));
  ASSIGN_OR_RETURN(const size_t num_features, NumFeatures(guard.get()));
  return Booster(guard.Release(), num_features);
}

Result<std::string> Booster::SaveJson() const {
  CSE_CHECK(handle_ != nullptr, "Booster used after move");
  std::lock_guard<std::mutex> lock(*mutex_);
  bst_ulong length = 0;
  const char* data = nullptr;
  RETURN_IF_ERROR(
      CheckXgb(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &length, &data),
               "XGBoosterSaveModelToBuffer"));
  return std::string(data, static_cast<size_t>(length));
}

Result<std::vector<float>> Booster::PredictProbability(const float* x, size_t rows,
                                                       size_t cols) const {
  return Predict(PredictionType::kProbability, x, rows, cols);
}

Result<std::vector<float>> Booster::PredictMargin(const float* x, size_t rows, size_t cols) const {
  return Predict(PredictionType::kMargin, x, rows, cols);
}

Result<std::vector<float>> Booster::PredictContributions(const float* x, size_t rows,
                                                         size_t cols) const {
  return Predict(PredictionType::kContributions, x, rows, cols);
}

Result<std::vector<float>> Booster::Predict(PredictionType type, const float* x, size_t rows,
                                            size_t cols) const {
  CSE_CHECK(handle_ != nullptr, "Booster used after move");
  if (cols != num_features_) {
    return InvalidArgument("feature_count_mismatch", "Booster::Predict: " + std::to_string(cols) +
                                                         " feature columns; the model expects " +
                                                         std::to_string(num_features_));
  }
  if (rows == 0) return std::vector<float>();
  ASSIGN_OR_RETURN(DMatrix data, DMatrix::FromDense(x, rows, cols));
  const size_t width = type == PredictionType::kContributions ? cols + 1 : 1;
  std::lock_guard<std::mutex> lock(*mutex_);
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* out = nullptr;
  RETURN_IF_ERROR(CheckXgb(XGBoosterPredictFromDMatrix(
                               handle_, data.handle(),
                               PredictConfig(static_cast<int>(type)).c_str(), &shape, &dims, &out),
                           "XGBoosterPredictFromDMatrix"));
  size_t length = 1;
  for (bst_ulong d = 0; d < dims; ++d) length *= static_cast<size_t>(shape[d]);
  if (length != rows * width) {
    return Internal("xgboost_error", "XGBoosterPredictFromDMatrix: " + std::to_string(length) +
                                         " values; expected " + std::to_string(rows * width));
  }
  return std::vector<float>(out, out + length);
}

}  // namespace cse::ai
