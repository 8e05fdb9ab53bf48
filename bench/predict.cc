// File: bench/predict.cc
//
// Benchmark (not a test): scores --rows rows with our compiled trees (ai/forest.h Margins)
// and with XGBoost (ai/xgb.h Booster::PredictMargin) and prints rows/s for each, the
// difference between the two and the targets.
//
// Setup (untimed): a synthetic data set (--features features in [-2, 2], some missing, a
// nonlinear label rule with noise; fixed seed) of kTrainRows rows trains --trees trees of
// depth --depth through XGBoost; the model goes through Booster::SaveJson and
// ForestFromXgboostJson. The scored rows come from the same generator with another seed.
// XGBoost's time includes building its DMatrix from the dense rows (it cannot score without).
//
// Targets (issue "compiled trees"): 1,000,000 rows x 100 trees of depth 6 scored in under 1 s
// on the 2-core machine, and margins identical to XGBoost's. Missing a target prints FAIL but
// still exits 0 (this is a measurement); the exit status is non-zero only on errors.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "ai/forest.h"
#include "ai/xgb.h"
#include "synthetic_data.h"

namespace cse::ai {
namespace {

constexpr size_t kTrainRows = 20'000;
constexpr uint64_t kTrainSeed = 1;
constexpr uint64_t kScoreSeed = 2;
constexpr double kSecondsTarget = 1.0;  // for 1,000,000 rows
constexpr double kTargetRows = 1'000'000.0;

struct Options {
  int64_t rows = 1'000'000;
  int trees = 100;
  int depth = 6;
  int features = 12;
};

using bench::Data;
using bench::MakeData;
using bench::SecondsSince;
using bench::SteadyClock;

int Fail(const Status& status) {
  std::fprintf(stderr, "predict bench: ERROR: %s\n", status.ToString().c_str());
  return 2;
}

int Run(const Options& o) {
  const auto rows = static_cast<size_t>(o.rows);
  const auto features = static_cast<size_t>(o.features);
  const Data train = MakeData(kTrainRows, features, kTrainSeed);
  XgbParams params;
  params.rounds = o.trees;
  params.max_depth = o.depth;
  auto start = SteadyClock::now();
  Result<Booster> booster =
      Booster::Train(train.x.data(), kTrainRows, features, train.labels.data(), params);
  if (!booster.ok()) return Fail(booster.status());
  const double train_seconds = SecondsSince(start);
  Result<std::string> json = booster->SaveJson();
  if (!json.ok()) return Fail(json.status());
  Result<Forest> forest = ForestFromXgboostJson(*json);
  if (!forest.ok()) return Fail(forest.status());
  std::printf(
      "bench/predict: %zu rows x %zu features; %zu trees of depth <= %d (trained on %zu rows "
      "in %.1f s, untimed)\n",
      rows, features, forest->trees().size(), forest->depth_max(), kTrainRows, train_seconds);

  const Data score = MakeData(rows, features, kScoreSeed);
  std::vector<double> ours(rows, 0.0);
  start = SteadyClock::now();
  Margins(*forest, score.x.data(), rows, ours.data());
  const double ours_seconds = SecondsSince(start);
  start = SteadyClock::now();
  Result<std::vector<float>> theirs = booster->PredictMargin(score.x.data(), rows, features);
  const double theirs_seconds = SecondsSince(start);
  if (!theirs.ok()) return Fail(theirs.status());

  double max_difference = 0.0;
  size_t differing = 0;
  for (size_t r = 0; r < rows; ++r) {
    const double difference = std::fabs(ours[r] - static_cast<double>((*theirs)[r]));
    max_difference = std::max(max_difference, difference);
    if (ours[r] != static_cast<double>((*theirs)[r])) ++differing;
  }
  const double n = static_cast<double>(rows);
  std::printf("ours    Margins (%d threads):             %8.3f s  %12.0f rows/s\n",
              kForestThreadsMax, ours_seconds, n / ours_seconds);
  std::printf("xgboost PredictMargin (nthread %d, +DMatrix): %8.3f s  %12.0f rows/s\n",
              params.nthread, theirs_seconds, n / theirs_seconds);
  std::printf("speedup: %.1fx\n", theirs_seconds / ours_seconds);
  std::printf("max |ours - xgboost|: %g (%zu of %zu rows differ)\n", max_difference, differing,
              rows);
  const double scaled = ours_seconds * kTargetRows / n;
  std::printf(
      "%s target: 1,000,000 rows in under %.0f s (this run scaled to 1,000,000 rows: "
      "%.3f s)\n",
      scaled < kSecondsTarget ? "PASS" : "FAIL", kSecondsTarget, scaled);
  std::printf("%s target: margins identical to XGBoost's (%zu rows differ)\n",
              differing == 0 ? "PASS" : "FAIL", differing);
  return 0;
}

}  // namespace
}  // namespace cse::ai

int main(int argc, char** argv) {
  cse::ai::Options o;
  CLI::App app{"bench/predict: our compiled trees vs XGBoost PredictMargin (rows/s)"};
  app.add_option("--rows", o.rows, "rows to score")
      ->check(CLI::Range(int64_t{1}, int64_t{50'000'000}))
      ->capture_default_str();
  app.add_option("--trees", o.trees, "boosting rounds (trees)")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  app.add_option("--depth", o.depth, "maximum tree depth")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  app.add_option("--features", o.features, "feature columns")
      ->check(CLI::Range(1, 1'000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return cse::ai::Run(o);
}
