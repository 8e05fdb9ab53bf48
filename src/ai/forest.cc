#include "ai/forest.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <numbers>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

namespace cse::ai {
namespace internal {

// ---- Compiled layouts -------------------------------------------------------------------

// Trees up to this depth are evaluated as complete binary trees (shallower leaves padded with
// splits whose two sides hold the same leaf): branch-free, fixed-length descents.
inline constexpr int kCompleteDepthMax = 10;

// A split of a complete tree: the row goes left when row2[column] < threshold, where row2 is
// the row twice over, missing values replaced by -infinity in the first copy and by
// +infinity in the second: column = feature for a default-left split (a missing value is
// below every finite threshold), feature + num_features otherwise (never below one).
struct PackedSplit {
  float threshold;
  uint32_t column;
};

// A node of a tree deeper than kCompleteDepthMax (pointer-chasing layout).
struct GenericNode {
  int32_t feature;  // -1 for a leaf
  float threshold;  // leaf value for a leaf
  uint32_t left;
  uint32_t right;
  bool default_left;
};

struct PredictTree {
  int depth;        // complete trees: every leaf at this depth; generic: -1
  uint32_t begin;   // first split (complete) or node (generic)
  uint32_t leaves;  // complete trees: first leaf in complete_leaves
};

// One node of a tree in TreeSHAP pre-order. Every node but the root is also the edge from its
// parent; that edge sets the path element of edge_feature or, when the path split on that
// feature higher up (previous_depth >= 0), merges into that element.
struct ShapNode {
  int32_t split_feature;  // -1 for a leaf
  float threshold;
  int32_t edge_feature;  // the parent's split feature (root: -1)
  uint32_t coef;         // offset of this edge's coefficients in shap_coefs
  double scale;          // leaves: the leaf value; internal nodes: 1
  double zero;           // cover fraction z of the (merged) element this edge sets
  double unfollowed;     // merging edges: the path factor when the row did not follow the
                         // element merged into (the edge's cover fraction), times scale
  int8_t depth;
  int8_t previous_depth;  // depth of the edge this one merges into, or -1
  int8_t finishes;        // leaves: subtrees (this one, then ancestors) that complete here
  bool is_left;           // this node is its parent's left child
  bool default_left;
  bool is_leaf;
  bool weighs_children;  // internal: a child is a leaf (needs the weighted path product)
  bool excludes;         // internal: a deeper edge merges into this edge's element
};

struct ShapTree {
  uint32_t begin;
  uint32_t end;
};

struct CompiledForest {
  std::vector<Tree> trees;
  float base_margin = 0.0f;
  size_t num_features = 0;
  int depth_max = 0;
  double expected_value = 0.0;

  std::vector<PredictTree> predict_trees;
  std::vector<PackedSplit> complete_splits;
  std::vector<float> complete_leaves;
  std::vector<GenericNode> generic_nodes;

  // Gauss-Legendre points on [0, 1] (enough for the longest path), their weights, and the
  // credit coefficient every element the row does not follow shares: -weight / (1 - point).
  int points = 1;
  std::vector<double> weights;
  std::vector<double> cold_coef;
  std::vector<ShapTree> shap_trees;
  std::vector<ShapNode> shap_nodes;
  // Per edge, `points` values each (see ShapBuilder::AddEdge): the path factor when the row
  // does not follow the edge and its increase when it does; then for internal nodes the
  // credit coefficient increase of a followed element; for merging leaves the weights of the
  // parent's product without the merged-into element (not followed; increase if followed).
  std::vector<double> shap_coefs;
};

}  // namespace internal

using internal::CompiledForest;

const CompiledForest& Compiled(const Forest& forest) { return *forest.compiled_; }

namespace {

using internal::GenericNode;
using internal::kCompleteDepthMax;
using internal::PackedSplit;
using internal::PredictTree;
using internal::ShapNode;
using internal::ShapTree;

// Rows per block: a block's rows and accumulators stay in L1 while every tree runs over them.
constexpr size_t kPredictBlockRows = 256;
// Batches smaller than this run on the calling thread only.
constexpr size_t kRowsPerThreadMin = 4096;
// TreeSHAP rows explained together per pass over a tree.
constexpr int kShapLanes = 8;
// Lane groups sharing one pass over the trees (keeps a tree's tables in L1 across groups),
// fewer when the groups' scratch (per feature: a phi vector and the lanes' values) would
// pass kShapGroupsBytesMax.
constexpr size_t kShapGroupsMax = 8;
constexpr size_t kShapGroupsBytesMax = 1 << 20;

bool IsLeaf(const TreeNode& node) { return node.feature < 0; }

// The fraction of a parent's cover that reached one child (0 when the parent has none).
double Fraction(float child_cover, float parent_cover) {
  if (!(parent_cover > 0.0f)) return 0.0;
  return static_cast<double>(child_cover) / static_cast<double>(parent_cover);
}

bool GoesLeft(float value, float threshold, bool default_left) {
  if (std::isnan(value)) return default_left;
  return value < threshold;
}

// ---- Validation --------------------------------------------------------------------------

std::string Where(size_t tree, size_t node) {
  return "tree " + std::to_string(tree) + " node " + std::to_string(node);
}

Status Invalid(std::string message) { return InvalidArgument("forest_invalid", message); }

Status ValidateNode(const Tree& tree, size_t t, size_t n, size_t num_features) {
  const TreeNode& node = tree[n];
  if (!std::isfinite(node.cover) || node.cover < 0.0f) {
    return Invalid(Where(t, n) + ": cover " + std::to_string(node.cover) +
                   "; expected finite and >= 0");
  }
  if (IsLeaf(node)) {
    if (!std::isfinite(node.leaf_value)) return Invalid(Where(t, n) + ": non-finite leaf value");
    return Status::Ok();
  }
  if (static_cast<size_t>(node.feature) >= num_features) {
    return Invalid(Where(t, n) + ": feature " + std::to_string(node.feature) + " outside [0, " +
                   std::to_string(num_features) + ")");
  }
  if (!std::isfinite(node.threshold)) return Invalid(Where(t, n) + ": non-finite threshold");
  for (const int32_t child : {node.left, node.right}) {
    if (child < 0 || static_cast<size_t>(child) >= tree.size()) {
      return Invalid(Where(t, n) + ": child " + std::to_string(child) + " outside [0, " +
                     std::to_string(tree.size()) + ")");
    }
  }
  return Status::Ok();
}

// Checks one tree and returns its depth (deepest leaf; root = 0).
Result<int> ValidateTree(const Tree& tree, size_t t, size_t num_features) {
  if (tree.empty()) return Invalid("tree " + std::to_string(t) + " has no nodes");
  std::vector<char> seen(tree.size(), 0);
  std::vector<std::pair<size_t, int>> stack = {{0, 0}};
  int depth = 0;
  while (!stack.empty()) {
    const auto [n, d] = stack.back();
    stack.pop_back();
    if (seen[n] != 0) return Invalid(Where(t, n) + ": reached twice (not a tree)");
    seen[n] = 1;
    if (d > kForestDepthMax) {
      return Invalid(Where(t, n) + ": depth over " + std::to_string(kForestDepthMax));
    }
    RETURN_IF_ERROR(ValidateNode(tree, t, n, num_features));
    depth = std::max(depth, d);
    if (IsLeaf(tree[n])) continue;
    stack.emplace_back(static_cast<size_t>(tree[n].right), d + 1);
    stack.emplace_back(static_cast<size_t>(tree[n].left), d + 1);
  }
  const auto unreached = std::find(seen.begin(), seen.end(), 0);
  if (unreached != seen.end()) {
    return Invalid(Where(t, static_cast<size_t>(unreached - seen.begin())) + ": unreachable");
  }
  return depth;
}

// Cover-weighted mean leaf value below `n`: the tree's expected value at the root.
double MeanValue(const Tree& tree, int32_t n) {
  const TreeNode& node = tree[static_cast<size_t>(n)];
  if (IsLeaf(node)) return node.leaf_value;
  const TreeNode& left = tree[static_cast<size_t>(node.left)];
  const TreeNode& right = tree[static_cast<size_t>(node.right)];
  return Fraction(left.cover, node.cover) * MeanValue(tree, node.left) +
         Fraction(right.cover, node.cover) * MeanValue(tree, node.right);
}

// ---- Prediction layout -------------------------------------------------------------------

void FillComplete(const Tree& tree, int32_t n, size_t position, int level, int depth,
                  uint32_t num_features, PackedSplit* splits, float* leaves) {
  const TreeNode& node = tree[static_cast<size_t>(n)];
  const size_t splits_count = (size_t{1} << depth) - 1;
  if (level == depth) {
    leaves[position - splits_count] = node.leaf_value;
    return;
  }
  if (IsLeaf(node)) {  // padding: both sides lead to this same leaf
    splits[position] = PackedSplit{0.0f, 0u};
    FillComplete(tree, n, 2 * position + 1, level + 1, depth, num_features, splits, leaves);
    FillComplete(tree, n, 2 * position + 2, level + 1, depth, num_features, splits, leaves);
    return;
  }
  const auto feature = static_cast<uint32_t>(node.feature);
  splits[position] = PackedSplit{node.threshold, feature + (node.default_left ? 0 : num_features)};
  FillComplete(tree, node.left, 2 * position + 1, level + 1, depth, num_features, splits, leaves);
  FillComplete(tree, node.right, 2 * position + 2, level + 1, depth, num_features, splits, leaves);
}

void AddCompleteTree(CompiledForest& c, const Tree& tree, int depth) {
  PredictTree layout{depth, static_cast<uint32_t>(c.complete_splits.size()),
                     static_cast<uint32_t>(c.complete_leaves.size())};
  c.complete_splits.resize(c.complete_splits.size() + (size_t{1} << depth) - 1);
  c.complete_leaves.resize(c.complete_leaves.size() + (size_t{1} << depth));
  FillComplete(tree, 0, 0, 0, depth, static_cast<uint32_t>(c.num_features),
               c.complete_splits.data() + layout.begin, c.complete_leaves.data() + layout.leaves);
  c.predict_trees.push_back(layout);
}

void AddGenericTree(CompiledForest& c, const Tree& tree) {
  const uint32_t begin = static_cast<uint32_t>(c.generic_nodes.size());
  for (const TreeNode& node : tree) {
    const bool leaf = IsLeaf(node);
    c.generic_nodes.push_back(GenericNode{node.feature, leaf ? node.leaf_value : node.threshold,
                                          leaf ? 0u : begin + static_cast<uint32_t>(node.left),
                                          leaf ? 0u : begin + static_cast<uint32_t>(node.right),
                                          node.default_left});
  }
  c.predict_trees.push_back(PredictTree{-1, begin, 0});
}

// ---- TreeSHAP tables ---------------------------------------------------------------------

// Gauss-Legendre points and weights mapped to [0, 1]: exact for polynomials of degree
// < 2 * count.
void GaussLegendre(int count, std::vector<double>* points, std::vector<double>* weights) {
  points->assign(static_cast<size_t>(count), 0.0);
  weights->assign(static_cast<size_t>(count), 0.0);
  const double n = count;
  for (int i = 0; i < count; ++i) {
    double x = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    double derivative = 1.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1.0;
      double p1 = x;
      for (int k = 2; k <= count; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = n * (x * p1 - p0) / (x * x - 1.0);
      const double step = p1 / derivative;
      x -= step;
      if (std::fabs(step) < 1e-16) break;
    }
    (*points)[static_cast<size_t>(i)] = (1.0 - x) / 2.0;
    (*weights)[static_cast<size_t>(i)] = 1.0 / ((1.0 - x * x) * derivative * derivative);
  }
}

// Builds the pre-order TreeSHAP records and coefficients of one tree.
//
// Notation: a path element (one per distinct feature on the path) has cover fraction z and
// indicator o (1 when the row follows all its splits). At Gauss point u its factor is
// F(u) = z + (o - z) u: Fh = z + (1 - z) u when followed, Fc = z (1 - u) when not.
class ShapBuilder {
 public:
  ShapBuilder(CompiledForest& c, const Tree& tree, const std::vector<double>& points)
      : c_(c), tree_(tree), points_(points) {}

  // Longest count of distinct features on a root-to-leaf path.
  static int DistinctFeaturesMax(const Tree& tree, int32_t n, std::vector<int32_t>& path) {
    const TreeNode& node = tree[static_cast<size_t>(n)];
    if (IsLeaf(node)) {
      std::vector<int32_t> sorted = path;
      std::sort(sorted.begin(), sorted.end());
      return static_cast<int>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
    }
    path.push_back(node.feature);
    const int left = DistinctFeaturesMax(tree, node.left, path);
    const int right = DistinctFeaturesMax(tree, node.right, path);
    path.pop_back();
    return std::max(left, right);
  }

  void Build() {
    ShapTree range{static_cast<uint32_t>(c_.shap_nodes.size()), 0};
    Visit(0, 0, -1, 1.0, false, 0);
    range.end = static_cast<uint32_t>(c_.shap_nodes.size());
    c_.shap_trees.push_back(range);
  }

 private:
  // `ends`: how many subtrees (this node's and its ancestors', the root's excluded) complete
  // when this node's subtree does.
  void Visit(int32_t n, int depth, int32_t edge_feature, double fraction, bool is_left, int ends) {
    const TreeNode& node = tree_[static_cast<size_t>(n)];
    const bool leaf = IsLeaf(node);
    const size_t index = c_.shap_nodes.size();
    ShapNode record{};
    record.split_feature = node.feature;
    record.threshold = node.threshold;
    record.edge_feature = edge_feature;
    record.coef = static_cast<uint32_t>(c_.shap_coefs.size());
    record.scale = leaf ? node.leaf_value : 1.0;
    record.depth = static_cast<int8_t>(depth);
    record.previous_depth = -1;
    record.finishes = static_cast<int8_t>(leaf ? ends : 0);
    record.is_left = is_left;
    record.default_left = node.default_left;
    record.is_leaf = leaf;
    path_node_[depth] = index;
    if (depth > 0) AddEdge(record, depth, fraction);
    c_.shap_nodes.push_back(record);
    if (leaf) return;
    const TreeNode& left = tree_[static_cast<size_t>(node.left)];
    const TreeNode& right = tree_[static_cast<size_t>(node.right)];
    c_.shap_nodes[index].weighs_children = IsLeaf(left) || IsLeaf(right);
    Visit(node.left, depth + 1, node.feature, Fraction(left.cover, node.cover), true, 1);
    Visit(node.right, depth + 1, node.feature, Fraction(right.cover, node.cover), false,
          depth > 0 ? ends + 1 : 1);
  }

  // Fills the element fields and coefficients of the edge into `record` (at depth `depth`).
  void AddEdge(ShapNode& record, int depth, double fraction) {
    int previous = -1;
    for (int d = depth - 1; d >= 1 && previous < 0; --d) {
      if (path_feature_[d] == record.edge_feature) previous = d;
    }
    const double before = previous < 0 ? 1.0 : path_zero_[previous];
    const double zero = before * fraction;
    path_feature_[depth] = record.edge_feature;
    path_zero_[depth] = zero;
    record.previous_depth = static_cast<int8_t>(previous);
    record.zero = zero;
    record.unfollowed = record.scale * fraction;
    if (previous >= 0) c_.shap_nodes[path_node_[previous]].excludes = true;
    const size_t count = points_.size();
    // Path factors relative to the parent's product: the new element's factor divided by the
    // merged-into element's factor (when that one was followed), times the leaf value.
    std::vector<double> unfollowed(count);
    std::vector<double> followed(count);
    for (size_t q = 0; q < count; ++q) {
      const double u = points_[q];
      const double divisor = previous < 0 ? 1.0 : before + (1.0 - before) * u;
      unfollowed[q] = record.scale * zero * (1.0 - u) / divisor;
      followed[q] = record.scale * (zero + (1.0 - zero) * u) / divisor;
    }
    for (size_t q = 0; q < count; ++q) c_.shap_coefs.push_back(unfollowed[q]);
    for (size_t q = 0; q < count; ++q) c_.shap_coefs.push_back(followed[q] - unfollowed[q]);
    if (!record.is_leaf) {
      // Credit coefficient of a followed element, (1 - z) w / Fh, minus the cold one.
      for (size_t q = 0; q < count; ++q) {
        const double u = points_[q];
        const double hot = c_.weights[q] * (1.0 - zero) / (zero + (1.0 - zero) * u);
        c_.shap_coefs.push_back(hot - c_.cold_coef[q]);
      }
    } else if (previous >= 0) {
      // Weights of the parent's product divided by the merged-into element's factor.
      for (size_t q = 0; q < count; ++q) {
        const double u = points_[q];
        c_.shap_coefs.push_back(before > 0.0 ? c_.weights[q] / (before * (1.0 - u)) : 0.0);
      }
      for (size_t q = 0; q < count; ++q) {
        const double u = points_[q];
        const double cold = before > 0.0 ? c_.weights[q] / (before * (1.0 - u)) : 0.0;
        c_.shap_coefs.push_back(c_.weights[q] / (before + (1.0 - before) * u) - cold);
      }
    }
  }

  CompiledForest& c_;
  const Tree& tree_;
  const std::vector<double>& points_;
  int32_t path_feature_[kForestDepthMax + 1] = {};
  double path_zero_[kForestDepthMax + 1] = {};
  size_t path_node_[kForestDepthMax + 1] = {};
};

void CompileShap(CompiledForest& c) {
  int distinct_max = 1;
  for (const Tree& tree : c.trees) {
    std::vector<int32_t> path;
    distinct_max = std::max(distinct_max, ShapBuilder::DistinctFeaturesMax(tree, 0, path));
  }
  // The integrand of a leaf with k distinct features has degree k - 1 < 2 * points.
  c.points = (distinct_max + 1) / 2;
  std::vector<double> points;
  GaussLegendre(c.points, &points, &c.weights);
  for (size_t q = 0; q < points.size(); ++q) {
    c.cold_coef.push_back(-c.weights[q] / (1.0 - points[q]));
  }
  for (const Tree& tree : c.trees) ShapBuilder(c, tree, points).Build();
}

Result<std::shared_ptr<const CompiledForest>> Compile(std::vector<Tree> trees, float base_margin,
                                                      size_t num_features) {
  if (num_features == 0 || num_features > kForestFeaturesMax) {
    return InvalidArgument("forest_features_out_of_range",
                           "Forest: " + std::to_string(num_features) + " features; expected 1.." +
                               std::to_string(kForestFeaturesMax));
  }
  if (!std::isfinite(base_margin)) return Invalid("non-finite base margin");
  auto c = std::make_shared<CompiledForest>();
  c->base_margin = base_margin;
  c->num_features = num_features;
  c->expected_value = base_margin;
  for (size_t t = 0; t < trees.size(); ++t) {
    ASSIGN_OR_RETURN(const int depth, ValidateTree(trees[t], t, num_features));
    c->depth_max = std::max(c->depth_max, depth);
    c->expected_value += MeanValue(trees[t], 0);
    if (depth <= kCompleteDepthMax) {
      AddCompleteTree(*c, trees[t], depth);
    } else {
      AddGenericTree(*c, trees[t]);
    }
  }
  c->trees = std::move(trees);
  CompileShap(*c);
  return std::shared_ptr<const CompiledForest>(std::move(c));
}

// ---- Margins -----------------------------------------------------------------------------

// `row2`: the row twice over (see PackedSplit).
float CompleteLeaf(const PackedSplit* splits, const float* leaves, int depth, const float* row2) {
  uint32_t index = 0;
  for (int level = 0; level < depth; ++level) {
    const PackedSplit split = splits[index];
    index = 2 * index + 2 - static_cast<uint32_t>(row2[split.column] < split.threshold);
  }
  return leaves[index - ((1u << depth) - 1)];
}

float GenericLeaf(const GenericNode* nodes, uint32_t root, const float* row) {
  const GenericNode* node = nodes + root;
  while (node->feature >= 0) {
    const float value = row[node->feature];
    node =
        nodes + (GoesLeft(value, node->threshold, node->default_left) ? node->left : node->right);
  }
  return node->threshold;
}

// Adds one complete tree's leaves to acc[0..rows) for the doubled rows x2 (2 * cols floats
// each): 16 independent branch-free descents at a time.
void AccumulateCompleteTree(const PackedSplit* splits, const float* leaves, int depth,
                            const float* x2, size_t cols, size_t rows, float* acc) {
  constexpr size_t kWays = 16;
  const size_t stride = 2 * cols;
  const uint32_t first_leaf = (1u << depth) - 1;
  size_t r = 0;
  for (; r + kWays <= rows; r += kWays) {
    uint32_t index[kWays] = {};
    for (int level = 0; level < depth; ++level) {
      for (size_t k = 0; k < kWays; ++k) {
        const PackedSplit split = splits[index[k]];
        const float value = x2[(r + k) * stride + split.column];
        index[k] = 2 * index[k] + 2 - static_cast<uint32_t>(value < split.threshold);
      }
    }
    for (size_t k = 0; k < kWays; ++k) acc[r + k] += leaves[index[k] - first_leaf];
  }
  for (; r < rows; ++r) acc[r] += CompleteLeaf(splits, leaves, depth, x2 + r * stride);
}

// Writes each row of x twice into x2: missing values as -infinity, then as +infinity.
void DoubleRows(const float* x, size_t cols, size_t rows, float* x2) {
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    float* low = x2 + 2 * r * cols;
    float* high = low + cols;
    for (size_t j = 0; j < cols; ++j) {
      const bool missing = std::isnan(row[j]);
      low[j] = missing ? -kInfinity : row[j];
      high[j] = missing ? kInfinity : row[j];
    }
  }
}

// Margins of rows [begin, end), block by block, every tree over a block in model order (so
// each row's float sum runs over the trees in order, as XGBoost's does).
void MarginsRange(const CompiledForest& c, const float* x, size_t begin, size_t end, double* out) {
  const size_t cols = c.num_features;
  float acc[kPredictBlockRows];
  std::vector<float> doubled(kPredictBlockRows * 2 * cols);
  for (size_t block = begin; block < end; block += kPredictBlockRows) {
    const size_t rows = std::min(kPredictBlockRows, end - block);
    const float* bx = x + block * cols;
    DoubleRows(bx, cols, rows, doubled.data());
    std::fill(acc, acc + rows, c.base_margin);
    for (const PredictTree& tree : c.predict_trees) {
      if (tree.depth >= 0) {
        AccumulateCompleteTree(c.complete_splits.data() + tree.begin,
                               c.complete_leaves.data() + tree.leaves, tree.depth, doubled.data(),
                               cols, rows, acc);
        continue;
      }
      for (size_t r = 0; r < rows; ++r) {
        acc[r] += GenericLeaf(c.generic_nodes.data(), tree.begin, bx + r * cols);
      }
    }
    for (size_t r = 0; r < rows; ++r) out[block + r] = acc[r];
  }
}

// Runs body(begin, end) over [0, rows) split at multiples of `align` across up to
// kForestThreadsMax threads (the calling thread takes the first part).
template <typename Body>
void ParallelRows(size_t rows, size_t align, const Body& body) {
  if (rows < kRowsPerThreadMin || kForestThreadsMax < 2) {
    body(size_t{0}, rows);
    return;
  }
  const size_t half = (rows / 2 + align - 1) / align * align;
  std::thread helper;
  try {
    helper = std::thread([&body, half, rows] { body(half, rows); });
  } catch (const std::system_error&) {  // no thread to be had: the calling thread does it all
    body(size_t{0}, rows);
    return;
  }
  body(size_t{0}, half);
  helper.join();
}

// ---- TreeSHAP kernel ---------------------------------------------------------------------

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
// The batch kernel is compiled for AVX-512, AVX2 and baseline x86-64 and picked at load time.
#define CSE_SIMD_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CSE_SIMD_CLONES
#endif
// Kernel steps are inlined into each caller, so they get the caller's instruction set.
#define CSE_KERNEL_STEP __attribute__((always_inline)) inline

// A zero-filled heap array aligned for the widest vector loads (64 bytes): the AVX-512 clone
// loads vector lanes with aligned instructions, while the type's own alignment outside that
// clone may be as small as 16 bytes.
template <typename T>
class AlignedArray {
 public:
  void Assign(size_t count) {
    if (count > capacity_) {
      data_.reset(static_cast<T*>(::operator new(count * sizeof(T), kAlignment)));
      capacity_ = count;
    }
    std::fill(data_.get(), data_.get() + count, T{});
  }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  T& operator[](size_t i) { return data_.get()[i]; }
  const T& operator[](size_t i) const { return data_.get()[i]; }

 private:
  static constexpr std::align_val_t kAlignment{64};
  struct Free {
    void operator()(T* p) const { ::operator delete(p, kAlignment); }
  };
  std::unique_ptr<T, Free> data_;
  size_t capacity_ = 0;
};

// Per-thread scratch of the TreeSHAP kernel for V lanes (V = double, or a vector of doubles
// holding several rows). Sized once per forest; the kernel allocates nothing.
template <typename V>
struct ShapScratch {
  void Resize(const CompiledForest& c, size_t groups) {
    const size_t levels = static_cast<size_t>(c.depth_max) + 1;
    const size_t points = static_cast<size_t>(c.points);
    product.Assign(levels * points);
    subtotal.Assign(levels * points);
    excluded.Assign(levels * points);
    leaf.Assign(points);
    weighted.Assign(levels);
    ones.Assign(levels);
    go_left.Assign(levels);
    node_at.assign(levels, 0);
    phi.Assign((c.num_features + 1) * groups);
    phi_size = (c.num_features + 1) * groups;
  }
  AlignedArray<V> product;   // [depth][point]: product of the path elements' factors
  AlignedArray<V> subtotal;  // [depth][point]: sum of leaf * product over the finished leaves
  AlignedArray<V> excluded;  // [depth][point]: the part of subtotal under merging edges
  AlignedArray<V> leaf;      // [point]: a leaf's leaf * product
  AlignedArray<V> weighted;  // [depth]: integral of the product (sum of weight * product)
  AlignedArray<V> ones;      // [depth]: 1 when the row follows the element set at this depth
  AlignedArray<V> go_left;   // [depth]: 1 when the row goes left at the node at this depth
  std::vector<uint32_t> node_at;
  AlignedArray<V> phi;  // [group][feature]
  size_t phi_size = 0;
};

// Lane access for the scalar (one row) and vector (kShapLanes rows) kernels.
using ShapVector = double __attribute__((vector_size(kShapLanes * sizeof(double))));
using ShapFloats = float __attribute__((vector_size(kShapLanes * sizeof(float))));
using ShapInts = int32_t __attribute__((vector_size(kShapLanes * sizeof(int32_t))));

// Adds one tree's TreeSHAP values of rows[0..kLanes) (each num_features floats) to phi.
//
// One pre-order pass over the tree. Going down, each edge multiplies the path product by its
// element's factor (at every Gauss point). Coming back up, each edge credits its feature with
// (o - z) * integral of (the products of its leaves without its own factor): for a leaf edge
// that is the leaf value times the parent's weighted product; for an internal edge the sum over
// its leaves of leaf * product, less the leaves under deeper edges that merge into its
// element, weighted per point by (o - z) w / F.
template <typename V, int kLanes, int kPoints>
class ShapKernel {
 public:
  // `columns`: the rows' values feature-major, columns[feature * kLanes + lane].
  ShapKernel(const CompiledForest& c, ShapScratch<V>& s, const float* columns, V* phi)
      : c_(c), s_(s), columns_(columns), phi_(phi), points_(static_cast<size_t>(c.points)) {}

  CSE_KERNEL_STEP void Run(const ShapTree& tree) {
    const ShapNode& root = c_.shap_nodes[tree.begin];
    if (root.is_leaf) return;
    for (size_t q = 0; q < Points(); ++q) s_.product[q] = V{} + 1.0;
    StartInternal(root, 0);
    for (uint32_t i = tree.begin + 1; i < tree.end; ++i) {
      const ShapNode& node = c_.shap_nodes[i];
      const size_t depth = static_cast<size_t>(node.depth);
      s_.node_at[depth] = i;
      if (node.is_leaf) {
        VisitLeaf(node, depth);
      } else {
        EnterInternal(node, depth);
        StartInternal(node, depth);
      }
    }
  }

 private:
  // go_left = 1 in the lanes whose row goes left at `node`, else 0.
  CSE_KERNEL_STEP void SetDirections(const ShapNode& node, V& go_left) const {
    const float* values = columns_ + static_cast<size_t>(node.split_feature) * kLanes;
    if constexpr (kLanes == 1) {
      const float value = values[0];
      const bool left = (value < node.threshold) | (std::isnan(value) & node.default_left);
      go_left = static_cast<double>(left);
    } else {
      ShapFloats value;
      std::memcpy(&value, values, sizeof(value));
      const ShapInts missing_left = node.default_left ? value != value : ShapInts{};
      const ShapInts left = (value < node.threshold) | missing_left;  // lanes: -1 or 0
      go_left = __builtin_convertvector(-left, ShapVector);
    }
  }

  CSE_KERNEL_STEP void StartInternal(const ShapNode& node, size_t depth) {
    SetDirections(node, s_.go_left[depth]);
    const V* product = Level(s_.product, depth);
    if (node.weighs_children) {
      V sum{};
      for (size_t q = 0; q < Points(); ++q) sum += c_.weights[q] * product[q];
      s_.weighted[depth] = sum;
    }
    if (node.excludes) {
      V* excluded = Level(s_.excluded, depth);
      for (size_t q = 0; q < Points(); ++q) excluded[q] = V{};
    }
  }

  // Vectors travel by reference: a 64-byte vector by value would change the ABI by target.
  CSE_KERNEL_STEP void Hot(const ShapNode& node, size_t depth, V& hot) const {
    const double left = static_cast<double>(node.is_left);  // no branch: 0 or 1
    hot = (1.0 - left) + (2.0 * left - 1.0) * s_.go_left[depth - 1];
  }

  // out[q] = parent product * the edge's factor (relative to the merged-into element).
  CSE_KERNEL_STEP void Extend(const ShapNode& node, size_t depth, const V& hot, const V& before,
                              V* out) const {
    const double* unfollowed = c_.shap_coefs.data() + node.coef;
    const double* increase = unfollowed + Points();
    const V* parent = Level(s_.product, depth - 1);
    if (node.previous_depth < 0) {
      for (size_t q = 0; q < Points(); ++q) {
        out[q] = parent[q] * (unfollowed[q] + hot * increase[q]);
      }
      return;
    }
    const double z = node.unfollowed;
    for (size_t q = 0; q < Points(); ++q) {
      out[q] = parent[q] * (z + before * (unfollowed[q] - z + hot * increase[q]));
    }
  }

  CSE_KERNEL_STEP void Before(const ShapNode& node, V& before) const {
    before =
        node.previous_depth < 0 ? V{} + 1.0 : s_.ones[static_cast<size_t>(node.previous_depth)];
  }

  CSE_KERNEL_STEP void EnterInternal(const ShapNode& node, size_t depth) {
    V hot;
    V before;
    Hot(node, depth, hot);
    Before(node, before);
    s_.ones[depth] = before * hot;
    Extend(node, depth, hot, before, Level(s_.product, depth));
  }

  CSE_KERNEL_STEP void VisitLeaf(const ShapNode& node, size_t depth) {
    V hot;
    V before;
    V weighted;
    Hot(node, depth, hot);
    Before(node, before);
    Weighted(node, depth, before, weighted);
    phi_[node.edge_feature] += node.scale * (before * hot - node.zero) * weighted;
    Extend(node, depth, hot, before, s_.leaf.data());
    Hand(node, depth, s_.leaf.data());
    for (int k = 1; k < node.finishes; ++k) {
      --depth;
      FinishInternal(c_.shap_nodes[s_.node_at[depth]], depth);
    }
  }

  // Integral of the parent's product without the element this leaf edge merges into.
  CSE_KERNEL_STEP void Weighted(const ShapNode& node, size_t depth, const V& before,
                                V& weighted) const {
    if (node.previous_depth < 0) {
      weighted = s_.weighted[depth - 1];
      return;
    }
    const double* cold = c_.shap_coefs.data() + node.coef + 2 * Points();
    const double* increase = cold + Points();
    const V* parent = Level(s_.product, depth - 1);
    V sum{};
    for (size_t q = 0; q < Points(); ++q) sum += (cold[q] + before * increase[q]) * parent[q];
    weighted = sum;
  }

  CSE_KERNEL_STEP void FinishInternal(const ShapNode& node, size_t depth) {
    const double* cold = c_.cold_coef.data();
    const double* increase = c_.shap_coefs.data() + node.coef + 2 * Points();
    const V& ones = s_.ones[depth];
    const V* total = Level(s_.subtotal, depth);
    V sum{};
    if (node.excludes) {
      const V* excluded = Level(s_.excluded, depth);
      for (size_t q = 0; q < Points(); ++q) {
        sum += (cold[q] + ones * increase[q]) * (total[q] - excluded[q]);
      }
    } else {
      for (size_t q = 0; q < Points(); ++q) sum += (cold[q] + ones * increase[q]) * total[q];
    }
    phi_[node.edge_feature] += sum;
    Hand(node, depth, total);
  }

  // Passes a completed subtree's sum to its parent (and out of a merged-into element's share).
  CSE_KERNEL_STEP void Hand(const ShapNode& node, size_t depth, const V* total) {
    if (node.previous_depth >= 0) {
      V* excluded = Level(s_.excluded, static_cast<size_t>(node.previous_depth));
      for (size_t q = 0; q < Points(); ++q) excluded[q] += total[q];
    }
    V* parent = Level(s_.subtotal, depth - 1);
    if (node.is_left) {
      for (size_t q = 0; q < Points(); ++q) parent[q] = total[q];
    } else {
      for (size_t q = 0; q < Points(); ++q) parent[q] += total[q];
    }
  }

  CSE_KERNEL_STEP V* Level(AlignedArray<V>& values, size_t depth) const {
    return values.data() + depth * Points();
  }
  CSE_KERNEL_STEP const V* Level(const AlignedArray<V>& values, size_t depth) const {
    return values.data() + depth * Points();
  }

  // The Gauss points per edge: a compile-time constant for the common counts (the loops over
  // points unroll and their values stay in registers), else the forest's count.
  CSE_KERNEL_STEP size_t Points() const {
    if constexpr (kPoints > 0) {
      return kPoints;
    } else {
      return points_;
    }
  }

  const CompiledForest& c_;
  ShapScratch<V>& s_;
  const float* columns_;
  V* phi_;
  size_t points_;
};

size_t ShapGroups(size_t features) {
  const size_t group_bytes = (features + 1) * (sizeof(ShapVector) + kShapLanes * sizeof(float));
  return std::clamp<size_t>(kShapGroupsBytesMax / group_bytes, 1, kShapGroupsMax);
}

// Adds every tree's TreeSHAP values of `groups` groups of kLanes rows (columns: per group,
// the rows' values feature-major) to phi (per group, num_features + 1 vectors).
template <typename V, int kLanes, int kPoints>
CSE_KERNEL_STEP void ExplainGroups(const CompiledForest& c, ShapScratch<V>& scratch,
                                   const float* columns, size_t groups, V* phi) {
  const size_t cols = c.num_features;
  for (const ShapTree& tree : c.shap_trees) {
    for (size_t g = 0; g < groups; ++g) {
      ShapKernel<V, kLanes, kPoints>(c, scratch, columns + g * cols * static_cast<size_t>(kLanes),
                                     phi + g * (cols + 1))
          .Run(tree);
    }
  }
}

// ExplainGroups with the Gauss point count fixed at compile time when it is 1 to 4 (trees up
// to depth 8), the general kernel otherwise.
template <typename V, int kLanes>
CSE_KERNEL_STEP void ExplainGroupsFor(const CompiledForest& c, ShapScratch<V>& scratch,
                                      const float* columns, size_t groups, V* phi) {
  switch (c.points) {
    case 1:
      return ExplainGroups<V, kLanes, 1>(c, scratch, columns, groups, phi);
    case 2:
      return ExplainGroups<V, kLanes, 2>(c, scratch, columns, groups, phi);
    case 3:
      return ExplainGroups<V, kLanes, 3>(c, scratch, columns, groups, phi);
    case 4:
      return ExplainGroups<V, kLanes, 4>(c, scratch, columns, groups, phi);
    default:
      return ExplainGroups<V, kLanes, 0>(c, scratch, columns, groups, phi);
  }
}

// Explains rows [begin, end) of x into phi: up to kShapGroupsMax groups of kShapLanes rows
// share each pass over the trees (a tree's tables stay in L1 across the groups).
CSE_SIMD_CLONES void TreeShapRange(const CompiledForest& c, const float* x, size_t begin,
                                   size_t end, double* phi) {
  const size_t cols = c.num_features;
  const size_t width = cols + 1;
  constexpr size_t kLanes = static_cast<size_t>(kShapLanes);
  const size_t groups_max = ShapGroups(cols);
  ShapScratch<ShapVector> scratch;
  scratch.Resize(c, groups_max);
  std::vector<float> columns(groups_max * kLanes * cols);  // [group][feature][lane]
  for (size_t block = begin; block < end; block += groups_max * kLanes) {
    const size_t rows = std::min(groups_max * kLanes, end - block);
    const size_t groups = (rows + kLanes - 1) / kLanes;
    for (size_t r = 0; r < groups * kLanes; ++r) {  // padding lanes repeat the last row
      const float* row = x + (block + std::min(r, rows - 1)) * cols;
      float* group_columns = columns.data() + (r / kLanes) * cols * kLanes;
      for (size_t j = 0; j < cols; ++j) group_columns[j * kLanes + r % kLanes] = row[j];
    }
    std::fill(scratch.phi.data(), scratch.phi.data() + scratch.phi_size, ShapVector{});
    ExplainGroupsFor<ShapVector, kShapLanes>(c, scratch, columns.data(), groups,
                                             scratch.phi.data());
    for (size_t r = 0; r < rows; ++r) {
      const ShapVector* group = scratch.phi.data() + (r / kLanes) * width;
      double* out = phi + (block + r) * width;
      for (size_t j = 0; j < cols; ++j) out[j] = group[j][r % kLanes];
      out[cols] = c.expected_value;
    }
  }
}

// ---- XGBoost JSON ------------------------------------------------------------------------

// Floats parse with strtof, so every number XGBoost wrote reads back as exactly its float.
using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t,
                                  std::uint64_t, float>;

Status Corrupt(const std::string& message) {
  return DataLoss("model_corrupt", "XGBoost model JSON: " + message);
}

Result<const Json*> Member(const Json& object, const std::string& where, const char* key) {
  if (!object.is_object()) return Corrupt(where + " is not an object");
  const auto it = object.find(key);
  if (it == object.end()) return Corrupt(where + "." + key + " is missing");
  return &*it;
}

// A number XGBoost stores as a string ("5E-1", "12").
template <typename T>
Result<T> NumberString(const Json& object, const std::string& where, const char* key) {
  ASSIGN_OR_RETURN(const Json* field, Member(object, where, key));
  const std::string name = where + "." + key;
  if (!field->is_string()) return Corrupt(name + " is not a string");
  const std::string& text = field->get_ref<const std::string&>();
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Corrupt(name + " is \"" + text + "\"; expected a number");
  }
  return value;
}

Result<std::string> StringMember(const Json& object, const std::string& where, const char* key) {
  ASSIGN_OR_RETURN(const Json* field, Member(object, where, key));
  if (!field->is_string()) return Corrupt(where + "." + key + " is not a string");
  return field->get<std::string>();
}

Result<std::vector<int64_t>> IntArray(const Json& object, const std::string& where,
                                      const char* key) {
  ASSIGN_OR_RETURN(const Json* field, Member(object, where, key));
  if (!field->is_array()) return Corrupt(where + "." + key + " is not an array");
  std::vector<int64_t> values;
  values.reserve(field->size());
  for (const Json& item : *field) {
    if (item.is_boolean()) {
      values.push_back(item.get<bool>() ? 1 : 0);
    } else if (item.is_number_integer()) {  // signed or unsigned
      if (item.is_number_unsigned() && item.get<uint64_t>() > INT64_MAX) {
        return Corrupt(where + "." + key + " holds an integer out of range");
      }
      values.push_back(item.get<int64_t>());
    } else {
      return Corrupt(where + "." + key + " holds a non-integer");
    }
  }
  return values;
}

Result<std::vector<float>> FloatArray(const Json& object, const std::string& where,
                                      const char* key) {
  ASSIGN_OR_RETURN(const Json* field, Member(object, where, key));
  if (!field->is_array()) return Corrupt(where + "." + key + " is not an array");
  std::vector<float> values;
  values.reserve(field->size());
  for (const Json& item : *field) {
    if (!item.is_number()) return Corrupt(where + "." + key + " holds a non-number");
    values.push_back(item.get<float>());
  }
  return values;
}

// The raw node arrays of one tree, as XGBoost stores them (index = node id).
struct RawTree {
  std::vector<int64_t> left;
  std::vector<int64_t> right;
  std::vector<int64_t> feature;
  std::vector<int64_t> default_left;
  std::vector<float> condition;  // threshold, or the leaf value of a leaf
  std::vector<float> hessian;
};

Result<RawTree> ReadRawTree(const Json& json, const std::string& where) {
  RawTree raw;
  ASSIGN_OR_RETURN(raw.left, IntArray(json, where, "left_children"));
  ASSIGN_OR_RETURN(raw.right, IntArray(json, where, "right_children"));
  ASSIGN_OR_RETURN(raw.feature, IntArray(json, where, "split_indices"));
  ASSIGN_OR_RETURN(raw.default_left, IntArray(json, where, "default_left"));
  ASSIGN_OR_RETURN(raw.condition, FloatArray(json, where, "split_conditions"));
  ASSIGN_OR_RETURN(raw.hessian, FloatArray(json, where, "sum_hessian"));
  const size_t n = raw.left.size();
  if (n == 0) return Corrupt(where + " has no nodes");
  if (raw.right.size() != n || raw.feature.size() != n || raw.default_left.size() != n ||
      raw.condition.size() != n || raw.hessian.size() != n) {
    return Corrupt(where + ": node arrays differ in length");
  }
  return raw;
}

// Refuses what a numeric single-output tree does not hold: categorical splits, a node count
// that disagrees with the arrays.
Status CheckTreeKind(const Json& json, const std::string& where, size_t nodes) {
  if (json.contains("split_type")) {
    ASSIGN_OR_RETURN(const std::vector<int64_t> types, IntArray(json, where, "split_type"));
    for (const int64_t type : types) {
      if (type != 0) return Corrupt(where + " has a categorical split (not supported)");
    }
  }
  if (json.contains("tree_param")) {
    ASSIGN_OR_RETURN(const Json* param, Member(json, where, "tree_param"));
    ASSIGN_OR_RETURN(const int64_t num_nodes,
                     NumberString<int64_t>(*param, where + ".tree_param", "num_nodes"));
    if (num_nodes < 0 || static_cast<size_t>(num_nodes) != nodes) {
      return Corrupt(where + ".tree_param.num_nodes is " + std::to_string(num_nodes) +
                     "; the arrays hold " + std::to_string(nodes));
    }
  }
  return Status::Ok();
}

Result<TreeNode> ToNode(const RawTree& raw, size_t i, const std::string& where) {
  const std::string at = where + " node " + std::to_string(i);
  const auto n = static_cast<int64_t>(raw.left.size());
  TreeNode node;
  node.cover = raw.hessian[i];
  if (raw.left[i] == -1) {
    if (raw.right[i] != -1) return Corrupt(at + ": left child -1 but right child not -1");
    node.leaf_value = raw.condition[i];
    return node;
  }
  if (raw.left[i] < 0 || raw.left[i] >= n || raw.right[i] < 0 || raw.right[i] >= n) {
    return Corrupt(at + ": child index outside [0, " + std::to_string(n) + ")");
  }
  if (raw.feature[i] < 0 || raw.feature[i] > std::numeric_limits<int32_t>::max()) {
    return Corrupt(at + ": split index " + std::to_string(raw.feature[i]) + " out of range");
  }
  node.feature = static_cast<int32_t>(raw.feature[i]);
  node.threshold = raw.condition[i];
  node.default_left = raw.default_left[i] != 0;
  node.left = static_cast<int32_t>(raw.left[i]);  // renumbered by Reachable
  node.right = static_cast<int32_t>(raw.right[i]);
  return node;
}

// The nodes reachable from the root, renumbered in pre-order (XGBoost may keep deleted nodes
// in the arrays). A node reached twice (a cycle or a shared child) is corruption.
Result<Tree> Reachable(const RawTree& raw, const std::string& where) {
  struct Pending {
    size_t old_index;
    int32_t parent;
    bool is_left;
  };
  Tree tree;
  std::vector<char> seen(raw.left.size(), 0);
  std::vector<Pending> stack = {{0, -1, false}};
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (seen[p.old_index] != 0) {
      return Corrupt(where + " node " + std::to_string(p.old_index) + " is reached twice");
    }
    seen[p.old_index] = 1;
    ASSIGN_OR_RETURN(TreeNode node, ToNode(raw, p.old_index, where));
    const auto index = static_cast<int32_t>(tree.size());
    if (p.parent >= 0) {
      TreeNode& parent = tree[static_cast<size_t>(p.parent)];
      (p.is_left ? parent.left : parent.right) = index;
    }
    if (node.feature >= 0) {
      stack.push_back({static_cast<size_t>(node.right), index, false});
      stack.push_back({static_cast<size_t>(node.left), index, true});
    }
    tree.push_back(node);
  }
  return tree;
}

Result<Tree> ParseTree(const Json& json, size_t t) {
  const std::string where = "trees[" + std::to_string(t) + "]";
  ASSIGN_OR_RETURN(const RawTree raw, ReadRawTree(json, where));
  RETURN_IF_ERROR(CheckTreeKind(json, where, raw.left.size()));
  return Reachable(raw, where);
}

// base_score -> base margin, in float exactly as XGBoost's logistic ProbToMargin.
Result<float> BaseMargin(const Json& param) {
  ASSIGN_OR_RETURN(const float base_score,
                   NumberString<float>(param, "learner.learner_model_param", "base_score"));
  if (!(base_score > 0.0f && base_score < 1.0f)) {
    return Corrupt("base_score " + std::to_string(base_score) + "; expected in (0, 1)");
  }
  return -std::log(1.0f / base_score - 1.0f);
}

Status CheckSingleOutput(const Json& param) {
  const std::string where = "learner.learner_model_param";
  for (const char* key : {"num_class", "num_target"}) {
    if (!param.contains(key)) continue;
    ASSIGN_OR_RETURN(const int64_t count, NumberString<int64_t>(param, where, key));
    if (count > 1) {
      return Corrupt(where + "." + key + " is " + std::to_string(count) + "; expected 1 output");
    }
  }
  return Status::Ok();
}

Status CheckObjective(const Json& learner) {
  ASSIGN_OR_RETURN(const Json* objective, Member(learner, "learner", "objective"));
  ASSIGN_OR_RETURN(const std::string name, StringMember(*objective, "learner.objective", "name"));
  if (name != "binary:logistic" && name != "binary:logitraw" && name != "reg:logistic") {
    return Corrupt("objective \"" + name + "\"; expected binary:logistic");
  }
  return Status::Ok();
}

Result<std::vector<Tree>> ParseTrees(const Json& learner) {
  ASSIGN_OR_RETURN(const Json* booster, Member(learner, "learner", "gradient_booster"));
  const std::string where = "learner.gradient_booster";
  ASSIGN_OR_RETURN(const std::string name, StringMember(*booster, where, "name"));
  if (name != "gbtree") return Corrupt(where + ".name \"" + name + "\"; expected gbtree");
  ASSIGN_OR_RETURN(const Json* model, Member(*booster, where, "model"));
  ASSIGN_OR_RETURN(const Json* trees_json, Member(*model, where + ".model", "trees"));
  if (!trees_json->is_array()) return Corrupt(where + ".model.trees is not an array");
  std::vector<Tree> trees;
  trees.reserve(trees_json->size());
  for (const Json& tree : *trees_json) {
    ASSIGN_OR_RETURN(Tree parsed, ParseTree(tree, trees.size()));
    trees.push_back(std::move(parsed));
  }
  return trees;
}

Result<Forest> ParseModel(const Json& root) {
  ASSIGN_OR_RETURN(const Json* learner, Member(root, "(root)", "learner"));
  ASSIGN_OR_RETURN(const Json* param, Member(*learner, "learner", "learner_model_param"));
  ASSIGN_OR_RETURN(const float base_margin, BaseMargin(*param));
  RETURN_IF_ERROR(CheckSingleOutput(*param));
  ASSIGN_OR_RETURN(const int64_t num_features,
                   NumberString<int64_t>(*param, "learner.learner_model_param", "num_feature"));
  if (num_features < 1 || static_cast<size_t>(num_features) > kForestFeaturesMax) {
    return Corrupt("num_feature " + std::to_string(num_features) + "; expected 1.." +
                   std::to_string(kForestFeaturesMax));
  }
  RETURN_IF_ERROR(CheckObjective(*learner));
  ASSIGN_OR_RETURN(std::vector<Tree> trees, ParseTrees(*learner));
  Result<Forest> forest =
      Forest::Create(std::move(trees), base_margin, static_cast<size_t>(num_features));
  if (!forest.ok()) return Corrupt(forest.status().message());
  return forest;
}

float TreeLeaf(const Tree& tree, const float* row) {
  const TreeNode* node = &tree[0];
  while (!IsLeaf(*node)) {
    const bool left = GoesLeft(row[node->feature], node->threshold, node->default_left);
    node = &tree[static_cast<size_t>(left ? node->left : node->right)];
  }
  return node->leaf_value;
}

}  // namespace

// ---- Public API --------------------------------------------------------------------------

Forest::Forest(std::shared_ptr<const CompiledForest> compiled) : compiled_(std::move(compiled)) {}

Result<Forest> Forest::Create(std::vector<Tree> trees, float base_margin, size_t num_features) {
  ASSIGN_OR_RETURN(std::shared_ptr<const CompiledForest> compiled,
                   Compile(std::move(trees), base_margin, num_features));
  return Forest(std::move(compiled));
}

const std::vector<Tree>& Forest::trees() const { return compiled_->trees; }
float Forest::base_margin() const { return compiled_->base_margin; }
size_t Forest::num_features() const { return compiled_->num_features; }
int Forest::depth_max() const { return compiled_->depth_max; }
double Forest::expected_value() const { return compiled_->expected_value; }

Result<Forest> ForestFromXgboostJson(std::string_view json) {
  if (json.size() > kModelJsonBytesMax) {
    return OutOfRange("model_too_large", "XGBoost model JSON of " + std::to_string(json.size()) +
                                             " bytes; at most " +
                                             std::to_string(kModelJsonBytesMax));
  }
  try {  // nlohmann-json is an adapter: no exception gets past this function
    const Json root = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return Corrupt("not valid JSON");
    return ParseModel(root);
  } catch (const std::exception& e) {
    return Corrupt(std::string("unexpected content (") + e.what() + ")");
  }
}

double Margin(const Forest& forest, const float* row) {
  const CompiledForest& c = Compiled(forest);
  float margin = c.base_margin;
  for (const Tree& tree : c.trees) margin += TreeLeaf(tree, row);
  return margin;
}

void Margins(const Forest& forest, const float* x, size_t rows, double* out) {
  const CompiledForest& c = Compiled(forest);
  ParallelRows(rows, kPredictBlockRows,
               [&c, x, out](size_t begin, size_t end) { MarginsRange(c, x, begin, end, out); });
}

void TreeShap(const Forest& forest, const float* row, double* phi) {
  const CompiledForest& c = Compiled(forest);
  thread_local ShapScratch<double> scratch;
  scratch.Resize(c, 1);  // reuses the thread's buffers once they are large enough
  ExplainGroupsFor<double, 1>(c, scratch, row, 1, scratch.phi.data());
  std::copy(scratch.phi.data(), scratch.phi.data() + c.num_features, phi);
  phi[c.num_features] = c.expected_value;
}

void TreeShapBatch(const Forest& forest, const float* x, size_t rows, double* phi) {
  const CompiledForest& c = Compiled(forest);
  ParallelRows(rows, kShapGroupsMax * static_cast<size_t>(kShapLanes),
               [&c, x, phi](size_t begin, size_t end) { TreeShapRange(c, x, begin, end, phi); });
}

}  // namespace cse::ai
