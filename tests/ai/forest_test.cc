// Tests of ai/xgb.h (the XGBoost wrapper) and ai/forest.h (our compiled trees and TreeSHAP):
// a deterministic synthetic data set trains a real XGBoost model; our margins must equal
// XGBoost's bit for bit and our TreeSHAP values its pred_contribs within 1e-5. Hand-built and
// random forests check TreeSHAP against brute-force Shapley values (all subsets).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ai/forest.h"
#include "ai/xgb.h"
#include "testing/split_mix.h"

namespace cse::ai {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
constexpr double kShapTolerance = 1e-5;

using SplitMix = cse::testing::SplitMix;

struct Dataset {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> x;  // row-major
  std::vector<float> labels;
  const float* Row(size_t r) const { return x.data() + r * cols; }
};

double OrZero(float value) { return std::isnan(value) ? 0.0 : value; }

// 12 features in [-2, 2]; features 0-5 miss 10% of values, feature 11 misses 30%. The label
// is a nonlinear rule (a linear term, a sine, an interaction, an absolute value) plus noise.
Dataset MakeDataset(size_t rows, uint64_t seed) {
  Dataset d;
  d.rows = rows;
  d.cols = 12;
  d.x.resize(rows * d.cols);
  d.labels.resize(rows);
  SplitMix rng(seed);
  for (size_t r = 0; r < rows; ++r) {
    float* row = d.x.data() + r * d.cols;
    for (size_t j = 0; j < d.cols; ++j) {
      const double missing_rate = j < 6 ? 0.10 : (j == 11 ? 0.30 : 0.0);
      row[j] = rng.Uniform() < missing_rate ? kMissing : rng.Between(-2.0, 2.0);
    }
    const double score = 1.5 * OrZero(row[0]) + std::sin(3.0 * OrZero(row[1])) +
                         OrZero(row[2]) * OrZero(row[3]) - std::fabs(OrZero(row[4])) +
                         (std::isnan(row[11]) ? 0.7 : 0.0) + 0.8 * (rng.Uniform() - 0.5);
    d.labels[r] = score > 0.2 ? 1.0f : 0.0f;
  }
  return d;
}

struct Trained {
  Dataset data;
  Booster booster;
  std::string json;
  Forest forest;
};

std::optional<Trained> Train() {
  Dataset data = MakeDataset(5000, 20240601);
  XgbParams params;  // 100 rounds, depth 6
  Result<Booster> booster =
      Booster::Train(data.x.data(), data.rows, data.cols, data.labels.data(), params);
  if (!booster.ok()) {
    ADD_FAILURE() << booster.status().ToString();
    return std::nullopt;
  }
  Result<std::string> json = booster->SaveJson();
  if (!json.ok()) {
    ADD_FAILURE() << json.status().ToString();
    return std::nullopt;
  }
  Result<Forest> forest = ForestFromXgboostJson(*json);
  if (!forest.ok()) {
    ADD_FAILURE() << forest.status().ToString();
    return std::nullopt;
  }
  return Trained{std::move(data), std::move(booster).value(), std::move(json).value(),
                 std::move(forest).value()};
}

// Test suites that share one trained model. It is trained when a suite starts and freed when
// it ends: a Booster must not outlive main (XGBoost's thread-local state is destroyed first).
class TrainedModelTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() { model_ = new std::optional<Trained>(Train()); }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }

 protected:
  // nullptr if training failed.
  static const Trained* Model() { return model_ != nullptr && *model_ ? &**model_ : nullptr; }

 private:
  static inline std::optional<Trained>* model_ = nullptr;
};

class XgbTest : public TrainedModelTest {};
class ForestTest : public TrainedModelTest {};

// Rows that stress the split rules: training rows, rows with many missing values, a row with
// every value missing, extreme values, and rows whose value equals a split threshold exactly
// (such a row must go right: the rule is value < threshold).
Dataset StressRows(const Trained& m, size_t training_rows) {
  Dataset d;
  d.cols = m.data.cols;
  d.x.assign(m.data.x.begin(), m.data.x.begin() + static_cast<ptrdiff_t>(training_rows * d.cols));
  SplitMix rng(7);
  for (int i = 0; i < 50; ++i) {
    for (size_t j = 0; j < d.cols; ++j) {
      d.x.push_back(rng.Uniform() < 0.5 ? kMissing : rng.Between(-3.0, 3.0));
    }
  }
  d.x.insert(d.x.end(), d.cols, kMissing);
  for (const float extreme : {-1e30f, 1e30f}) d.x.insert(d.x.end(), d.cols, extreme);
  for (const Tree& tree : m.forest.trees()) {
    for (size_t n = 0; n < std::min<size_t>(tree.size(), 3); ++n) {
      if (tree[n].feature < 0) continue;
      std::vector<float> row(m.data.Row(n), m.data.Row(n) + d.cols);
      row[static_cast<size_t>(tree[n].feature)] = tree[n].threshold;
      d.x.insert(d.x.end(), row.begin(), row.end());
    }
  }
  d.rows = d.x.size() / d.cols;
  return d;
}

// The leaf `row` reaches: left when value < threshold, a missing value by default_left.
float LeafValue(const Tree& tree, const float* row) {
  size_t n = 0;
  while (tree[n].feature >= 0) {
    const float value = row[tree[n].feature];
    const bool left = std::isnan(value) ? tree[n].default_left : value < tree[n].threshold;
    n = static_cast<size_t>(left ? tree[n].left : tree[n].right);
  }
  return tree[n].leaf_value;
}

// The margin summed in double (XGBoost sums in float): what sum(phi) must match closely.
double ExactMargin(const Forest& forest, const float* row) {
  double margin = forest.base_margin();
  for (const Tree& tree : forest.trees()) margin += LeafValue(tree, row);
  return margin;
}

// ---- Booster -----------------------------------------------------------------------------

TEST_F(XgbTest, TrainRejectsBadInputWithItsOwnReason) {
  const Dataset d = MakeDataset(20, 1);
  const XgbParams params;
  auto reason = [&](const float* x, size_t rows, size_t cols, const float* labels,
                    const XgbParams& p) {
    Result<Booster> b = Booster::Train(x, rows, cols, labels, p);
    if (b.ok()) return std::string("ok");
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
    return b.status().reason();
  };
  EXPECT_EQ(reason(d.x.data(), 0, d.cols, d.labels.data(), params), "no_rows");
  EXPECT_EQ(reason(d.x.data(), d.rows, 0, d.labels.data(), params), "no_features");
  std::vector<float> labels = d.labels;
  labels[7] = kMissing;
  EXPECT_EQ(reason(d.x.data(), d.rows, d.cols, labels.data(), params), "label_missing");
  labels[7] = 2.0f;
  EXPECT_EQ(reason(d.x.data(), d.rows, d.cols, labels.data(), params), "label_not_binary");
  labels[7] = 0.5f;
  EXPECT_EQ(reason(d.x.data(), d.rows, d.cols, labels.data(), params), "label_not_binary");
  XgbParams no_rounds;
  no_rounds.rounds = 0;
  EXPECT_EQ(reason(d.x.data(), d.rows, d.cols, d.labels.data(), no_rounds), "rounds_out_of_range");
}

TEST_F(XgbTest, XgboostRefusalBecomesXgboostError) {
  const Dataset d = MakeDataset(50, 2);
  XgbParams params;
  params.rounds = 2;
  params.eta = -1.0;  // XGBoost requires eta >= 0
  Result<Booster> b = Booster::Train(d.x.data(), d.rows, d.cols, d.labels.data(), params);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().reason(), "xgboost_error");
  EXPECT_FALSE(b.status().message().empty());
}

TEST_F(XgbTest, LoadJsonRejectsGarbage) {
  Result<Booster> b = Booster::LoadJson("this is not a model");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(b.status().reason(), "xgboost_error");
}

TEST_F(XgbTest, PredictRejectsWrongFeatureCount) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->booster.num_features(), 12u);
  Result<std::vector<float>> p = m->booster.PredictMargin(m->data.x.data(), 10, 11);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().reason(), "feature_count_mismatch");
  Result<std::vector<float>> none = m->booster.PredictMargin(m->data.x.data(), 0, 12);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(XgbTest, ProbabilityIsSigmoidOfMarginAndContributionsSumToMargin) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  const size_t rows = 200;
  const size_t width = m->data.cols + 1;
  Result<std::vector<float>> margin = m->booster.PredictMargin(m->data.x.data(), rows, 12);
  Result<std::vector<float>> probability =
      m->booster.PredictProbability(m->data.x.data(), rows, 12);
  Result<std::vector<float>> contributions =
      m->booster.PredictContributions(m->data.x.data(), rows, 12);
  ASSERT_TRUE(margin.ok() && probability.ok() && contributions.ok());
  ASSERT_EQ(margin->size(), rows);
  ASSERT_EQ(contributions->size(), rows * width);
  for (size_t r = 0; r < rows; ++r) {
    EXPECT_NEAR((*probability)[r], 1.0 / (1.0 + std::exp(-(*margin)[r])), 1e-6);
    double sum = 0.0;
    for (size_t j = 0; j < width; ++j) sum += (*contributions)[r * width + j];
    EXPECT_NEAR(sum, (*margin)[r], 1e-4) << "row " << r;
  }
}

TEST_F(XgbTest, SaveLoadRoundTripPredictsTheSame) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  Result<Booster> loaded = Booster::LoadJson(m->json);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const size_t rows = m->data.rows;
  Result<std::vector<float>> before = m->booster.PredictMargin(m->data.x.data(), rows, 12);
  Result<std::vector<float>> after = loaded->PredictMargin(m->data.x.data(), rows, 12);
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(*before, *after);
  Result<std::vector<float>> contrib_before =
      m->booster.PredictContributions(m->data.x.data(), 100, 12);
  Result<std::vector<float>> contrib_after =
      loaded->PredictContributions(m->data.x.data(), 100, 12);
  ASSERT_TRUE(contrib_before.ok() && contrib_after.ok());
  EXPECT_EQ(*contrib_before, *contrib_after);
  Result<std::string> json_again = loaded->SaveJson();
  ASSERT_TRUE(json_again.ok());
  EXPECT_EQ(*json_again, m->json);
}

TEST_F(XgbTest, TrainingIsDeterministic) {
  const Dataset d = MakeDataset(1000, 99);
  XgbParams params;
  params.rounds = 20;
  Result<Booster> first = Booster::Train(d.x.data(), d.rows, d.cols, d.labels.data(), params);
  Result<Booster> second = Booster::Train(d.x.data(), d.rows, d.cols, d.labels.data(), params);
  ASSERT_TRUE(first.ok() && second.ok());
  Result<std::string> a = first->SaveJson();
  Result<std::string> b = second->SaveJson();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

// ---- Forest from XGBoost -----------------------------------------------------------------

TEST_F(ForestTest, ParsesTheSavedModel) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  const Forest& f = m->forest;
  EXPECT_EQ(f.num_features(), 12u);
  EXPECT_EQ(f.trees().size(), 100u);
  EXPECT_LE(f.depth_max(), 6);
  EXPECT_GE(f.depth_max(), 4);
  EXPECT_EQ(f.base_margin(), 0.0f);  // base_score 0.5
  for (const Tree& tree : f.trees()) {
    for (const TreeNode& node : tree) {
      if (node.feature < 0) continue;
      EXPECT_LT(static_cast<size_t>(node.feature), f.num_features());
      EXPECT_GT(node.cover, 0.0f);
    }
  }
}

TEST_F(ForestTest, MarginsEqualXgboostExactly) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  const Dataset d = StressRows(*m, m->data.rows);  // > kRowsPerThreadMin: both threads run
  Result<std::vector<float>> expected = m->booster.PredictMargin(d.x.data(), d.rows, d.cols);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  std::vector<double> batch(d.rows);
  Margins(m->forest, d.x.data(), d.rows, batch.data());
  size_t mismatches = 0;
  for (size_t r = 0; r < d.rows; ++r) {
    const double xgboost = (*expected)[r];
    if (batch[r] != xgboost || Margin(m->forest, d.Row(r)) != xgboost) ++mismatches;
    EXPECT_EQ(batch[r], xgboost) << "row " << r;
    EXPECT_EQ(Margin(m->forest, d.Row(r)), xgboost) << "row " << r;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << d.rows << " rows";
}

TEST_F(ForestTest, TreeShapEqualsXgboostContributions) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  const Dataset d = StressRows(*m, 400);
  const size_t width = d.cols + 1;
  Result<std::vector<float>> expected = m->booster.PredictContributions(d.x.data(), d.rows, d.cols);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  std::vector<double> batch(d.rows * width);
  TreeShapBatch(m->forest, d.x.data(), d.rows, batch.data());
  std::vector<double> phi(width);
  double max_difference = 0.0;
  for (size_t r = 0; r < d.rows; ++r) {
    TreeShap(m->forest, d.Row(r), phi.data());
    double sum = 0.0;
    for (size_t j = 0; j < width; ++j) {
      const double xgboost = (*expected)[r * width + j];
      max_difference = std::max(max_difference, std::fabs(phi[j] - xgboost));
      EXPECT_NEAR(phi[j], xgboost, kShapTolerance) << "row " << r << " feature " << j;
      EXPECT_NEAR(batch[r * width + j], phi[j], 1e-12) << "row " << r << " feature " << j;
      sum += phi[j];
    }
    EXPECT_NEAR(sum, ExactMargin(m->forest, d.Row(r)), 1e-9) << "row " << r;
    EXPECT_NEAR(sum, Margin(m->forest, d.Row(r)), kShapTolerance) << "row " << r;
    EXPECT_DOUBLE_EQ(phi[d.cols], m->forest.expected_value());
  }
  RecordProperty("max_abs_difference_vs_xgboost", std::to_string(max_difference));
}

TEST_F(ForestTest, TreeShapBatchOnThreadsEqualsRowByRow) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  const Dataset& d = m->data;  // 5000 rows: split across threads, with a partial last group
  const size_t width = d.cols + 1;
  std::vector<double> batch(d.rows * width);
  TreeShapBatch(m->forest, d.x.data(), d.rows, batch.data());
  std::vector<double> phi(width);
  for (size_t r = 0; r < d.rows; r += 7) {
    TreeShap(m->forest, d.Row(r), phi.data());
    for (size_t j = 0; j < width; ++j) {
      ASSERT_NEAR(batch[r * width + j], phi[j], 1e-12) << "row " << r << " feature " << j;
    }
  }
}

TEST_F(ForestTest, BaseScoreBecomesTheSameBaseMarginAsXgboost) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  nlohmann::json model = nlohmann::json::parse(m->json);
  model["learner"]["learner_model_param"]["base_score"] = "3E-1";
  const std::string json = model.dump();
  Result<Booster> booster = Booster::LoadJson(json);
  Result<Forest> forest = ForestFromXgboostJson(json);
  ASSERT_TRUE(booster.ok()) << booster.status().ToString();
  ASSERT_TRUE(forest.ok()) << forest.status().ToString();
  EXPECT_NEAR(forest->base_margin(), std::log(0.3 / 0.7), 1e-6);
  Result<std::vector<float>> expected = booster->PredictMargin(m->data.x.data(), 500, 12);
  ASSERT_TRUE(expected.ok());
  std::vector<double> ours(500);
  Margins(*forest, m->data.x.data(), 500, ours.data());
  for (size_t r = 0; r < 500; ++r) EXPECT_EQ(ours[r], (*expected)[r]) << "row " << r;
}

// Expects ForestFromXgboostJson to refuse `json` as model_corrupt.
void ExpectCorrupt(const std::string& json, const std::string& what) {
  Result<Forest> f = ForestFromXgboostJson(json);
  ASSERT_FALSE(f.ok()) << what;
  EXPECT_EQ(f.status().code(), StatusCode::kDataLoss) << what;
  EXPECT_EQ(f.status().reason(), "model_corrupt") << what;
  EXPECT_FALSE(f.status().message().empty()) << what;
}

TEST_F(ForestTest, CorruptJsonIsModelCorrupt) {
  const Trained* m = Model();
  ASSERT_NE(m, nullptr);
  ExpectCorrupt("", "empty");
  ExpectCorrupt("not json", "not json");
  ExpectCorrupt("[]", "array");
  ExpectCorrupt("{}", "no learner");
  ExpectCorrupt(m->json.substr(0, m->json.size() / 2), "truncated");
  const nlohmann::json model = nlohmann::json::parse(m->json);
  auto edited = [&](const auto& edit) {
    nlohmann::json copy = model;
    edit(copy);
    return copy.dump();
  };
  auto tree0 = [](nlohmann::json& j) -> nlohmann::json& {
    return j["learner"]["gradient_booster"]["model"]["trees"][0];
  };
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["left_children"][0] = 100000; }),
                "child out of range");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["left_children"][1] = 0; }), "cycle");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["split_conditions"].erase(0); }),
                "arrays of unequal length");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["split_indices"] = "0"; }),
                "mistyped array");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["split_indices"][0] = 12; }),
                "feature outside num_feature");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["split_indices"][0] = 0.5; }),
                "non-integer feature");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["split_type"][0] = 1; }),
                "categorical split");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j).erase("sum_hessian"); }),
                "missing sum_hessian");
  ExpectCorrupt(edited([&](nlohmann::json& j) { tree0(j)["sum_hessian"][0] = -1.0; }),
                "negative cover");
  ExpectCorrupt(
      edited([&](nlohmann::json& j) { j["learner"]["learner_model_param"]["base_score"] = "1.5"; }),
      "base_score outside (0, 1)");
  ExpectCorrupt(
      edited([&](nlohmann::json& j) { j["learner"]["learner_model_param"]["num_feature"] = 12; }),
      "num_feature not a string");
  ExpectCorrupt(
      edited([&](nlohmann::json& j) { j["learner"]["learner_model_param"]["num_class"] = "3"; }),
      "several outputs");
  ExpectCorrupt(
      edited([&](nlohmann::json& j) { j["learner"]["objective"]["name"] = "reg:squarederror"; }),
      "objective");
  ExpectCorrupt(
      edited([&](nlohmann::json& j) { j["learner"]["gradient_booster"]["name"] = "dart"; }),
      "booster");
}

// ---- Hand-built and random forests against brute-force Shapley values --------------------

TreeNode Split(int32_t feature, float threshold, int32_t left, int32_t right, bool default_left,
               float cover) {
  TreeNode node;
  node.feature = feature;
  node.threshold = threshold;
  node.left = left;
  node.right = right;
  node.default_left = default_left;
  node.cover = cover;
  return node;
}

TreeNode Leaf(float value, float cover) {
  TreeNode node;
  node.leaf_value = value;
  node.cover = cover;
  return node;
}

// E[tree(x) | the features in `known`], unknown features averaged by cover (path-dependent).
double Expectation(const Tree& tree, size_t n, const float* row, uint32_t known) {
  const TreeNode& node = tree[n];
  if (node.feature < 0) return node.leaf_value;
  const auto left = static_cast<size_t>(node.left);
  const auto right = static_cast<size_t>(node.right);
  if ((known >> node.feature) & 1u) {
    const float value = row[node.feature];
    const bool go_left = std::isnan(value) ? node.default_left : value < node.threshold;
    return Expectation(tree, go_left ? left : right, row, known);
  }
  return (tree[left].cover * Expectation(tree, left, row, known) +
          tree[right].cover * Expectation(tree, right, row, known)) /
         node.cover;
}

// Shapley values by enumerating every subset of the features.
std::vector<double> BruteForceShap(const Forest& forest, const float* row) {
  const size_t m = forest.num_features();
  std::vector<double> value(size_t{1} << m, forest.base_margin());
  for (uint32_t s = 0; s < value.size(); ++s) {
    for (const Tree& tree : forest.trees()) value[s] += Expectation(tree, 0, row, s);
  }
  std::vector<double> factorial(m + 1, 1.0);
  for (size_t k = 1; k <= m; ++k) factorial[k] = factorial[k - 1] * static_cast<double>(k);
  std::vector<double> phi(m + 1, 0.0);
  for (size_t i = 0; i < m; ++i) {
    for (uint32_t s = 0; s < value.size(); ++s) {
      if ((s >> i) & 1u) continue;
      const auto size = static_cast<size_t>(std::popcount(s));
      const double weight = factorial[size] * factorial[m - size - 1] / factorial[m];
      phi[i] += weight * (value[s | (1u << i)] - value[s]);
    }
  }
  phi[m] = value[0];
  return phi;
}

void ExpectShapMatchesBruteForce(const Forest& forest, const float* row, const std::string& what,
                                 const std::vector<double>& expected) {
  std::vector<double> phi(forest.num_features() + 1);
  TreeShap(forest, row, phi.data());
  for (size_t j = 0; j < phi.size(); ++j) {
    EXPECT_NEAR(phi[j], expected[j], 1e-10) << what << " feature " << j;
  }
}

TEST_F(ForestTest, TreeShapOfHandBuiltTreeWithRepeatedFeature) {
  // Feature 0 splits twice on the path (x0 < 0, then x0 < -1); feature 1 once.
  const Tree tree = {
      Split(0, 0.0f, 1, 2, true, 10.0f),   // 0
      Split(0, -1.0f, 3, 4, false, 6.0f),  // 1
      Split(1, 0.5f, 5, 6, true, 4.0f),    // 2
      Leaf(-2.0f, 2.0f),                   // 3
      Split(1, 0.0f, 7, 8, false, 4.0f),   // 4
      Leaf(1.0f, 3.0f),                    // 5
      Leaf(3.0f, 1.0f),                    // 6
      Leaf(0.5f, 1.0f),                    // 7
      Leaf(-0.5f, 3.0f),                   // 8
  };
  Result<Forest> forest = Forest::Create({tree}, 0.25f, 3);
  ASSERT_TRUE(forest.ok()) << forest.status().ToString();
  EXPECT_NEAR(forest->expected_value(),
              0.25 + (2 * -2.0 + 1 * 0.5 + 3 * -0.5 + 3 * 1.0 + 1 * 3.0) / 10.0, 1e-12);
  const float rows[][3] = {{-0.5f, 0.2f, 9.0f},        {-1.5f, 0.2f, 0.0f},     {0.5f, 0.7f, 0.0f},
                           {kMissing, kMissing, 0.0f}, {-0.5f, kMissing, 1.0f}, {0.0f, 0.5f, 0.0f}};
  for (const auto& row : rows) {
    ExpectShapMatchesBruteForce(*forest, row, "hand-built", BruteForceShap(*forest, row));
    std::vector<double> phi(4);
    TreeShap(*forest, row, phi.data());
    EXPECT_NEAR(phi[0] + phi[1] + phi[2] + phi[3], Margin(*forest, row), 1e-12);
    EXPECT_EQ(phi[2], 0.0);  // feature 2 is never split on
  }
}

// A random tree over `features` features with leaves down to `depth`, covers that shrink
// unevenly, repeated features and both default directions.
void GrowRandom(Tree& tree, size_t n, int depth, size_t features, SplitMix& rng) {
  const float cover = tree[n].cover;
  if (depth == 0 || (tree.size() > 1 && rng.Uniform() < 0.15)) {
    tree[n].leaf_value = rng.Between(-1.0, 1.0);
    return;
  }
  const double share = 0.05 + 0.9 * rng.Uniform();
  const auto left = static_cast<int32_t>(tree.size());
  tree[n] = Split(static_cast<int32_t>(rng.Next() % features), rng.Between(-1.0, 1.0), left,
                  left + 1, rng.Next() % 2 == 0, cover);
  tree.push_back(Leaf(0.0f, static_cast<float>(cover * share)));
  tree.push_back(Leaf(0.0f, static_cast<float>(cover * (1.0 - share))));
  GrowRandom(tree, static_cast<size_t>(left), depth - 1, features, rng);
  GrowRandom(tree, static_cast<size_t>(left + 1), depth - 1, features, rng);
}

Forest RandomForest(size_t trees, int depth, size_t features, uint64_t seed) {
  SplitMix rng(seed);
  std::vector<Tree> forest(trees);
  for (Tree& tree : forest) {
    tree.push_back(Leaf(0.0f, 1000.0f));
    GrowRandom(tree, 0, depth, features, rng);
  }
  Result<Forest> f = Forest::Create(std::move(forest), rng.Between(-0.5, 0.5), features);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return std::move(f).value();
}

std::vector<float> RandomRows(const Forest& forest, size_t rows, uint64_t seed) {
  SplitMix rng(seed);
  std::vector<float> x(rows * forest.num_features());
  for (float& value : x) value = rng.Uniform() < 0.2 ? kMissing : rng.Between(-1.2, 1.2);
  // Some values are infinite, some sit exactly on a threshold.
  for (size_t r = 1; r < rows; r += 5) {
    x[r * forest.num_features()] =
        (r % 2 == 0 ? 1.0f : -1.0f) * std::numeric_limits<float>::infinity();
  }
  for (size_t r = 0; r < rows; r += 3) {
    const Tree& tree = forest.trees()[r % forest.trees().size()];
    if (tree[0].feature >= 0) {
      x[r * forest.num_features() + static_cast<size_t>(tree[0].feature)] = tree[0].threshold;
    }
  }
  return x;
}

TEST_F(ForestTest, TreeShapOfRandomForestsMatchesBruteForce) {
  const struct {
    int depth;
    size_t features;
  } shapes[] = {{1, 3}, {3, 4}, {6, 5}, {9, 6}, {12, 4}};
  uint64_t seed = 100;
  for (const auto& shape : shapes) {
    const Forest forest = RandomForest(8, shape.depth, shape.features, ++seed);
    const std::vector<float> x = RandomRows(forest, 40, ++seed);
    const size_t width = forest.num_features() + 1;
    std::vector<double> batch(40 * width);
    TreeShapBatch(forest, x.data(), 40, batch.data());
    for (size_t r = 0; r < 40; ++r) {
      const float* row = x.data() + r * forest.num_features();
      const std::string what = "depth " + std::to_string(shape.depth) + " row " + std::to_string(r);
      const std::vector<double> expected = BruteForceShap(forest, row);
      ExpectShapMatchesBruteForce(forest, row, what, expected);
      for (size_t j = 0; j < width; ++j) {
        EXPECT_NEAR(batch[r * width + j], expected[j], 1e-10) << what << " feature " << j;
      }
    }
  }
}

TEST_F(ForestTest, TreeShapBatchWithManyFeaturesEqualsRowByRow) {
  const Forest forest = RandomForest(6, 5, 20'000, 77);  // few lane groups per pass
  const size_t rows = 100;
  const size_t width = forest.num_features() + 1;
  const std::vector<float> x = RandomRows(forest, rows, 78);
  std::vector<double> batch(rows * width);
  TreeShapBatch(forest, x.data(), rows, batch.data());
  std::vector<double> phi(width);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x.data() + r * forest.num_features();
    TreeShap(forest, row, phi.data());
    double sum = 0.0;
    for (size_t j = 0; j < width; ++j) {
      ASSERT_NEAR(batch[r * width + j], phi[j], 1e-12) << "row " << r << " feature " << j;
      sum += phi[j];
    }
    EXPECT_NEAR(sum, ExactMargin(forest, row), 1e-9) << "row " << r;
  }
}

TEST_F(ForestTest, MarginsOfRandomForestsEqualMarginIncludingDeepTrees) {
  for (const int depth : {0, 2, 7, 10, 11, 16}) {  // deeper than 10: the generic layout
    const Forest forest = RandomForest(30, depth, 7, 500 + static_cast<uint64_t>(depth));
    const size_t rows = 5000;
    const std::vector<float> x = RandomRows(forest, rows, 900);
    std::vector<double> batch(rows);
    Margins(forest, x.data(), rows, batch.data());
    for (size_t r = 0; r < rows; ++r) {
      const float* row = x.data() + r * forest.num_features();
      float expected = forest.base_margin();  // XGBoost's order: float, tree by tree
      for (const Tree& tree : forest.trees()) expected += LeafValue(tree, row);
      ASSERT_EQ(batch[r], expected) << "depth " << depth << " row " << r;
      ASSERT_EQ(Margin(forest, row), expected) << "depth " << depth << " row " << r;
    }
  }
}

// A tree of `splits` splits in a chain: split 2d has a leaf on the left and split 2d + 2 (or
// the deepest leaf, at depth `splits`) on the right.
Tree Chain(int32_t splits) {
  Tree chain;
  for (int32_t d = 0; d < splits; ++d) {
    chain.push_back(Split(0, 0.0f, 2 * d + 1, 2 * d + 2, true, 2.0f));
    chain.push_back(Leaf(0.0f, 1.0f));
  }
  chain.push_back(Leaf(1.0f, 1.0f));
  return chain;
}

TEST_F(ForestTest, CreateRejectsInvalidTrees) {
  auto reason = [](std::vector<Tree> trees, size_t features) {
    Result<Forest> f = Forest::Create(std::move(trees), 0.0f, features);
    return f.ok() ? std::string("ok") : f.status().reason();
  };
  const Tree good = {Split(0, 0.0f, 1, 2, true, 2.0f), Leaf(1.0f, 1.0f), Leaf(-1.0f, 1.0f)};
  EXPECT_EQ(reason({good}, 1), "ok");
  EXPECT_EQ(reason({}, 1), "ok");
  EXPECT_EQ(reason({good}, 0), "forest_features_out_of_range");
  EXPECT_EQ(reason({Tree{}}, 1), "forest_invalid");
  Tree bad_child = good;
  bad_child[0].right = 3;
  EXPECT_EQ(reason({bad_child}, 1), "forest_invalid");
  Tree cycle = good;
  cycle[0].right = 0;
  EXPECT_EQ(reason({cycle}, 1), "forest_invalid");
  Tree unreachable = good;
  unreachable.push_back(Leaf(0.0f, 1.0f));
  EXPECT_EQ(reason({unreachable}, 1), "forest_invalid");
  Tree feature = good;
  feature[0].feature = 1;
  EXPECT_EQ(reason({feature}, 1), "forest_invalid");
  Tree nan_threshold = good;
  nan_threshold[0].threshold = kMissing;
  EXPECT_EQ(reason({nan_threshold}, 1), "forest_invalid");
  Tree infinite_threshold = good;
  infinite_threshold[0].threshold = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(reason({infinite_threshold}, 1), "forest_invalid");
  Tree bad_leaf = good;
  bad_leaf[1].leaf_value = std::numeric_limits<float>::infinity();
  EXPECT_EQ(reason({bad_leaf}, 1), "forest_invalid");
  Tree bad_cover = good;
  bad_cover[2].cover = -1.0f;
  EXPECT_EQ(reason({bad_cover}, 1), "forest_invalid");
  EXPECT_EQ(reason({Chain(kForestDepthMax)}, 1), "ok");
  EXPECT_EQ(reason({Chain(kForestDepthMax + 1)}, 1), "forest_invalid");
}

}  // namespace
}  // namespace cse::ai
