// File: ai/forest.h
//
// Our own compiled evaluation of a trained XGBoost tree ensemble (binary:logistic, gbtree,
// numeric splits), and exact TreeSHAP explanations of its margin. Pure C++: nothing here
// includes XGBoost; the model arrives as the JSON that Booster::SaveJson (ai/xgb.h) writes.
//
// Semantics (identical to XGBoost 1.7's CPU predictor): at an internal node a row goes left
// when `value < threshold` (compared as float); a missing value (NaN) follows default_left.
// The margin is the float sum base_margin + leaf(tree 0) + leaf(tree 1) + ..., accumulated in
// tree order as XGBoost accumulates it, so Margin/Margins equal Booster::PredictMargin bit for
// bit (the float result widened to double).
//
// Explanations: TreeShap computes exact path-dependent TreeSHAP values (Lundberg, Erion & Lee
// 2018): the Shapley values of the game v(S) = E[f(x) | x_S], where the expectation over the
// features outside S follows the training covers (sum of hessian) of the trees' nodes, exactly
// as the paper's Algorithm 2 and XGBoost's pred_contribs define it. They equal pred_contribs
// up to float rounding (XGBoost computes in float, we in double; the tests see at most a few
// 1e-6) and sum, with the bias, to the margin.
//   How (our own formulation of the same values, not Algorithm 2's EXTEND/UNWIND loops): for
//   one leaf whose path holds k distinct features j, with cover fraction z_j (the product of
//   the path's cover fractions on j) and o_j = 1 if the row follows every split on j along
//   the path (else 0), the Shapley weights |S|!(k-|S|-1)!/k! are Beta integrals, so feature i
//   receives
//       leaf * (o_i - z_i) * integral_0^1 prod_{j != i} (z_j + (o_j - z_j) u) du,
//   a polynomial of degree k - 1 that Gauss-Legendre quadrature with ceil(k/2) points
//   integrates exactly. One pass over each tree multiplies the path's factors going down and
//   gathers the leaves' sums coming back up (a feature split twice on a path merges into one
//   element), all row-independent factors precomputed when the Forest is built; TreeShapBatch
//   runs 8 rows per pass in SIMD lanes (AVX-512, AVX2 or SSE2, chosen at load time).
//
// Ownership and thread-safety: a Forest is immutable once built and cheap to copy (copies
// share the compiled tables). All functions are const on the Forest and safe to call from
// any number of threads at once. The batch functions (Margins, TreeShapBatch) use up to
// kForestThreadsMax std::threads for large batches; results never depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace cse::ai {

// Deepest tree accepted (root at depth 0); deeper trees are refused when building a Forest.
inline constexpr int kForestDepthMax = 64;
// Largest number of feature columns a Forest accepts.
inline constexpr size_t kForestFeaturesMax = 100'000;
// Largest XGBoost model JSON accepted by ForestFromXgboostJson, in bytes.
inline constexpr size_t kModelJsonBytesMax = 512u * 1024u * 1024u;
// Threads the batch functions use at most (the calling thread included).
inline constexpr int kForestThreadsMax = 2;

// One node of a tree. Children are indexes into the same tree; node 0 is the root.
struct TreeNode {
  // Split feature (column index), or -1 for a leaf.
  int32_t feature = -1;
  // Internal nodes: a row goes left when its value < threshold.
  float threshold = 0.0f;
  int32_t left = -1;
  int32_t right = -1;
  // Internal nodes: where a missing value (NaN) goes.
  bool default_left = false;
  // Leaves: the leaf's contribution to the margin.
  float leaf_value = 0.0f;
  // Training cover (sum of hessian) that reached this node; weights TreeSHAP's expectations.
  float cover = 0.0f;
};

using Tree = std::vector<TreeNode>;

namespace internal {
struct CompiledForest;
}  // namespace internal

// A validated, compiled tree ensemble for one margin output.
class Forest {
 public:
  // Builds a Forest from `trees` (each a valid binary tree rooted at node 0 in which every node
  // is reachable from the root exactly once), the base margin (added to every margin) and the
  // number of feature columns rows have. Compiles the prediction and TreeSHAP tables.
  // An empty `trees` is a valid forest (every margin is base_margin).
  // Errors: invalid_argument "forest_invalid" naming the tree and node at fault (an empty
  // tree, a child index out of range, a node reached twice or never, a feature outside
  // [0, num_features), a non-finite threshold or leaf value, a negative or non-finite cover,
  // a leaf deeper than kForestDepthMax, a non-finite base margin);
  // "forest_features_out_of_range" (num_features 0 or over kForestFeaturesMax).
  static Result<Forest> Create(std::vector<Tree> trees, float base_margin, size_t num_features);

  const std::vector<Tree>& trees() const;
  float base_margin() const;
  size_t num_features() const;
  // Deepest leaf over all trees (root = 0).
  int depth_max() const;
  // The TreeSHAP bias: base margin + each tree's cover-weighted mean leaf value.
  double expected_value() const;

 private:
  explicit Forest(std::shared_ptr<const internal::CompiledForest> compiled);
  friend const internal::CompiledForest& Compiled(const Forest& forest);

  std::shared_ptr<const internal::CompiledForest> compiled_;
};

// Parses the JSON model Booster::SaveJson writes (XGBoost 1.7 schema:
// learner.gradient_booster.model.trees[*], learner.learner_model_param.base_score; a leaf's
// value is its split_conditions entry) into a Forest. The base margin is logit(base_score),
// computed in float as XGBoost does.
// Errors: data_loss "model_corrupt" for anything that is not such a model (bad JSON, missing or
// mistyped field, arrays of unequal length, a child index out of range, a cycle, an objective
// other than binary:logistic, a booster other than gbtree, several outputs, categorical
// splits), the message naming the field; out_of_range "model_too_large" when json is longer
// than kModelJsonBytesMax.
Result<Forest> ForestFromXgboostJson(std::string_view json);

// The margin (log-odds) of one row: exactly Booster::PredictMargin's float value.
// REQUIRES: row holds forest.num_features() floats (NaN = missing).
double Margin(const Forest& forest, const float* row);

// Margins of `rows` rows of the dense row-major matrix `x` (rows x num_features) into
// out[0..rows), each equal to Margin(forest, row). Uses flattened complete-tree arrays and up to
// kForestThreadsMax threads.
// REQUIRES: x holds rows * num_features floats; out holds rows doubles.
void Margins(const Forest& forest, const float* x, size_t rows, double* out);

// TreeSHAP values of one row into phi[0..num_features]: phi[j] is feature j's contribution to
// the margin, phi[num_features] the bias (expected_value()); the entries sum to the margin
// (the exact sum of the leaves; Margin's float sum differs by its rounding). Allocates nothing
// after a thread's first call. For many rows TreeShapBatch is about 10x faster per row.
// REQUIRES: row holds num_features floats; phi holds num_features + 1 doubles.
void TreeShap(const Forest& forest, const float* row, double* phi);

// TreeShap for `rows` rows of x into phi (rows x (num_features + 1), row-major): the values
// of TreeShap row by row (equal up to the last bits: the vector kernel may fuse multiply-adds),
// computed 8 rows at a time on up to kForestThreadsMax threads.
// REQUIRES: x holds rows * num_features floats; phi holds rows * (num_features + 1) doubles.
void TreeShapBatch(const Forest& forest, const float* x, size_t rows, double* phi);

}  // namespace cse::ai
