// File: bench/score_all.cc
//
// Benchmark (not a test): scoring every active obligor — load the obligors' records (a chunk
// of obligors at a time, one query per table), compute the features as of a date, predict,
// and explain (key factors) — on --threads threads, each with its own connection to the same
// SQLite file, and print each stage's time.
// Scores are not written (writing is one INSERT per obligor; `opencse score --all` does it).
//
// Setup (untimed): with --db, an existing simulated database (it must hold an active model or
// enough history to train one); otherwise --cases cases are simulated into a temporary file
// and a model is trained.
//
// Target (issue "risk model"): 1,000,000 obligors in at most 60 s end to end on this 2-core
// machine. Missing it prints FAIL but exits 0 (a measurement); errors exit 2.
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "ai/risk_model.h"
#include "bench_util.h"
#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse {
namespace {

using Steady = bench::SteadyClock;

struct Options {
  int64_t cases = 1'000'000;
  std::string db;
  int threads = 2;
  std::string as_of = "2025-06-30";
};

// Stage times are this thread's CPU time, so that they stay meaningful when other processes
// share the cores; the end-to-end figure is wall time.
using bench::ThreadCpuSeconds;

struct StageTimes {
  double load = 0;
  double features = 0;
  double predict = 0;
  double explain = 0;
  int64_t scored = 0;
  int64_t high = 0;
  std::string error;
};

// Thread `first` of `step` scores the chunks first, first + step, ... of kScoreChunk obligors
// each, reading every chunk with one query per table (ai::ForEachObligorHistory).
void ScoreSlice(const std::string& db, const std::vector<PersonId>& obligors, size_t first,
                size_t step, Date as_of, StageTimes& out) {
  auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
  if (!store.ok()) {
    out.error = store.status().ToString();
    return;
  }
  auto scorer = ai::RiskScorer::LoadActive(**store);
  auto ref = ai::LoadReference(**store);
  if (!scorer.ok() || !ref.ok()) {
    out.error = !scorer.ok() ? scorer.status().ToString() : ref.status().ToString();
    return;
  }
  const size_t chunk = ai::kScoreChunk;
  std::vector<ai::FeatureVector> x;
  for (size_t lo = first * chunk; lo < obligors.size(); lo += step * chunk) {
    double visiting = 0;
    const double start = ThreadCpuSeconds();
    x.clear();
    Status s = ai::ForEachObligorHistory(
        **store, obligors, lo, lo + chunk, chunk, [&](ai::ObligorHistory&& h) -> Status {
          const double t = ThreadCpuSeconds();
          const ai::FeatureRow row = ai::ExtractFeatures(h, *ref, as_of);
          if (ai::IsActive(row)) x.push_back(row.values);
          const double spent = ThreadCpuSeconds() - t;
          out.features += spent;
          visiting += spent;
          return Status::Ok();
        });
    out.load += ThreadCpuSeconds() - start - visiting;
    if (!s.ok()) {
      out.error = s.ToString();
      return;
    }
    // Prediction and key factors for the chunk at once, as ai::ScoreAll does.
    double t = ThreadCpuSeconds();
    const std::vector<ai::RiskScore> predicted = scorer->ScoreBatch(x, 0);
    out.predict += ThreadCpuSeconds() - t;
    t = ThreadCpuSeconds();
    const std::vector<ai::RiskScore> explained = scorer->ScoreBatch(x, 4);
    out.explain += ThreadCpuSeconds() - t;
    for (size_t i = 0; i < explained.size(); ++i) {
      ++out.scored;
      if (predicted[i].tier == ai::Tier::kHigh && !explained[i].key_factors.empty()) ++out.high;
    }
  }
}

int Run(const Options& o) {
  auto as_of = Date::Parse(o.as_of);
  if (!as_of.ok()) {
    std::fprintf(stderr, "score_all: ERROR: --as-of: %s\n", as_of.status().ToString().c_str());
    return 2;
  }
  const bool temporary = o.db.empty();
  const std::string db =
      temporary ? "/tmp/opencse-bench-score-all-" + std::to_string(::getpid()) + ".db" : o.db;
  std::vector<PersonId> obligors;
  {
    auto store = SqliteStore::Open(
        db, temporary ? SqliteStore::OpenMode::kCreate : SqliteStore::OpenMode::kMustExist);
    if (!store.ok()) {
      std::fprintf(stderr, "score_all: ERROR: %s\n", store.status().ToString().c_str());
      return 2;
    }
    if (temporary) {
      sim::SimOptions so;
      so.cases = o.cases;
      so.seed = 1;
      so.as_of = *as_of;
      const auto t = Steady::now();
      auto c = sim::Simulate(**store, so, SystemClock().Today(), {});
      if (!c.ok()) {
        std::fprintf(stderr, "score_all: ERROR: %s\n", c.status().ToString().c_str());
        return 2;
      }
      std::printf("setup: simulated %lld cases in %.1f s (untimed)\n",
                  static_cast<long long>(c->cases), bench::SecondsSince(t));
    }
    auto active = (*store)->GetActiveRiskModel();
    if (active.ok() && !*active) {
      const auto t = Steady::now();
      ai::TrainOptions to;
      to.as_of = *as_of;
      auto report = ai::TrainRiskModel(**store, to, {});
      if (!report.ok()) {
        std::fprintf(stderr, "score_all: ERROR: %s\n", report.status().ToString().c_str());
        return 2;
      }
      const FakeClock clock(int64_t{as_of->days()} * 86'400'000'000LL);
      if (Status s = ai::RegisterRiskModel(**store, clock, "bench", report->model, true); !s.ok()) {
        std::fprintf(stderr, "score_all: ERROR: %s\n", s.ToString().c_str());
        return 2;
      }
      std::printf("setup: trained %s in %.1f s (untimed)\n", report->model.version.c_str(),
                  bench::SecondsSince(t));
    }
    auto list = ai::ListObligors(**store);
    if (!list.ok()) {
      std::fprintf(stderr, "score_all: ERROR: %s\n", list.status().ToString().c_str());
      return 2;
    }
    obligors = std::move(list).value();
  }
  std::printf("scoring %zu obligors as of %s on %d threads\n", obligors.size(), o.as_of.c_str(),
              o.threads);
  std::fflush(stdout);
  std::vector<StageTimes> times(static_cast<size_t>(o.threads));
  const auto start = Steady::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < o.threads; ++t) {
    workers.emplace_back(ScoreSlice, db, std::cref(obligors), static_cast<size_t>(t),
                         static_cast<size_t>(o.threads), *as_of,
                         std::ref(times[static_cast<size_t>(t)]));
  }
  for (std::thread& w : workers) w.join();
  const double wall = bench::SecondsSince(start);
  StageTimes total;
  for (const StageTimes& t : times) {
    if (!t.error.empty()) {
      std::fprintf(stderr, "score_all: ERROR: %s\n", t.error.c_str());
      return 2;
    }
    total.load += t.load;
    total.features += t.features;
    total.predict += t.predict;
    total.explain += t.explain;
    total.scored += t.scored;
    total.high += t.high;
  }
  const double cpu = total.load + total.features + total.predict + total.explain;
  std::printf(
      "stage CPU time (summed over threads): load %.1f s, features %.1f s, predict "
      "%.2f s, key factors %.2f s; total %.1f s\n",
      total.load, total.features, total.predict, total.explain, cpu);
  std::printf("scored %lld active obligors (%lld HIGH) in %.1f s wall: %.0f obligors/s\n",
              static_cast<long long>(total.scored), static_cast<long long>(total.high), wall,
              static_cast<double>(obligors.size()) / wall);
  const double scaled =
      wall * 1'000'000.0 / static_cast<double>(std::max<size_t>(1, obligors.size()));
  std::printf("%s target: 1,000,000 obligors in at most 60 s (this run, scaled linearly: %.0f s)\n",
              scaled <= 60.0 ? "PASS" : "FAIL", scaled);
  // On a machine shared with other work the wall time overstates; the CPU time over the
  // threads used is what a quiet machine with that many cores would take.
  const double cpu_scaled = cpu / std::min<double>(o.threads, std::thread::hardware_concurrency()) *
                            1'000'000.0 / static_cast<double>(std::max<size_t>(1, obligors.size()));
  std::printf("CPU-time projection on %d idle cores: %.0f s per 1,000,000 obligors\n",
              std::min<int>(o.threads, static_cast<int>(std::thread::hardware_concurrency())),
              cpu_scaled);
  if (temporary) bench::RemoveDb(db);
  return 0;
}

}  // namespace
}  // namespace cse

int main(int argc, char** argv) {
  cse::Options o;
  CLI::App app{"bench/score_all: features, prediction and key factors for every obligor"};
  app.add_option("--cases", o.cases, "cases to simulate when --db is not given")
      ->check(CLI::Range(int64_t{100}, int64_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--db", o.db, "an existing simulated database to score (kept)");
  app.add_option("--threads", o.threads, "scoring threads")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  app.add_option("--as-of", o.as_of, "scoring date")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return cse::Run(o);
}
