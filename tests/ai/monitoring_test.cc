// Fairness and drift: the recession scenario of the simulator must be flagged by the PSI
// monitor and the calm run must not; fairness reports every synthetic group.
#include "ai/monitoring.h"

#include <gtest/gtest.h>

#include "ai/metrics.h"
#include "service/ledger_service.h"
#include "sim/groups.h"
#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse::ai {
namespace {

const Date kAsOf = Date::Ymd(2025, 6, 30);

struct SimRun {
  std::unique_ptr<SqliteStore> store;
  RiskModelRecord model;
};

SimRun SimulateAndTrain(bool shock) {
  SimRun r;
  auto store = SqliteStore::Open(":memory:", SqliteStore::OpenMode::kCreate);
  CSE_CHECK(store.ok(), "open");
  r.store = std::move(store).value();
  sim::SimOptions o;
  o.cases = 1'500;
  o.months = 24;
  o.seed = 77;
  o.as_of = kAsOf;
  if (shock) o.shocks.push_back(*sim::ParseShock("recession@2025-01"));
  CSE_CHECK(sim::Simulate(*r.store, o, Date::Ymd(2026, 1, 1), {}).ok(), "simulate");
  TrainOptions t;
  t.as_of = kAsOf;
  auto report = TrainRiskModel(*r.store, t, {});
  CSE_CHECK(report.ok(), "train");
  r.model = report->model;
  return r;
}

TEST(MonitoringTest, RecessionIsFlaggedAndACalmPeriodIsNot) {
  SimRun calm = SimulateAndTrain(false);
  SimRun shocked = SimulateAndTrain(true);
  auto calm_drift = EvaluateDrift(*calm.store, calm.model, kAsOf);
  auto shock_drift = EvaluateDrift(*shocked.store, shocked.model, kAsOf);
  ASSERT_TRUE(calm_drift.ok()) << calm_drift.status().ToString();
  ASSERT_TRUE(shock_drift.ok()) << shock_drift.status().ToString();
  ASSERT_EQ(calm_drift->features.size(), kFeatureCount);
  const size_t index = static_cast<size_t>(Feature::kCountyEconomicIndex);
  const size_t unemployment = static_cast<size_t>(Feature::kCountyUnemployment);
  EXPECT_TRUE(shock_drift->any_flagged);
  EXPECT_TRUE(shock_drift->features[index].flagged) << shock_drift->features[index].psi;
  EXPECT_TRUE(shock_drift->features[unemployment].flagged);
  // County-level features take a dozen values in one month, so even a calm month can move a
  // county across a rounding step (docs/MODEL_CARD.md); the recession moves them far more.
  EXPECT_GT(shock_drift->features[index].psi, 3 * calm_drift->features[index].psi);
  EXPECT_GT(shock_drift->features[unemployment].psi, 2 * calm_drift->features[unemployment].psi);
  // Every obligor-level feature and the score stay stable in the calm period.
  for (size_t f = 0; f < kFeatureCount; ++f) {
    if (f == index || f == unemployment) continue;
    const Drift& d = calm_drift->features[f];
    EXPECT_FALSE(d.flagged) << d.name << " PSI " << d.psi << " in a calm period";
  }
  EXPECT_FALSE(calm_drift->score.flagged) << calm_drift->score.psi;
  EXPECT_GT(calm_drift->reference_rows, calm_drift->current_rows);
}

// (The same run also checks the drift refusal, to train once.)
TEST(MonitoringTest, FairnessCoversEveryGroupWithRatesInRange) {
  SimRun calm = SimulateAndTrain(false);
  auto groups = sim::ObligorGroups(*calm.store);
  ASSERT_TRUE(groups.ok());
  ASSERT_FALSE(groups->empty());
  auto fair = EvaluateFairness(*calm.store, calm.model, *groups);
  ASSERT_TRUE(fair.ok()) << fair.status().ToString();
  ASSERT_EQ(fair->groups.size(), 3u);
  double low = 1;
  double high = 0;
  for (const GroupFairness& g : fair->groups) {
    EXPECT_GT(g.n, 100);
    EXPECT_GE(g.high_rate, 0.0);
    EXPECT_LE(g.high_rate, 1.0);
    EXPECT_GE(g.tpr, g.fpr) << g.group << ": the HIGH tier should find positives";
    low = std::min(low, g.high_rate);
    high = std::max(high, g.high_rate);
  }
  EXPECT_NEAR(fair->four_fifths_ratio, high > 0 ? low / high : 1.0, 1e-12);
  EXPECT_EQ(fair->adverse_impact, fair->four_fifths_ratio < kFourFifths);
  EXPECT_EQ(EvaluateFairness(*calm.store, calm.model, {}).status().reason(), "fairness_no_groups");
  EXPECT_EQ(fair->high_above, 75);

  // The HIGH tier measured is the one in force (opencse config set risk.tier_high_above), not
  // the cut-off stored with the model.
  const FakeClock clock(int64_t{kAsOf.days()} * 86'400'000'000LL);
  LedgerService service(*calm.store, clock, "supervisor");
  ASSERT_TRUE(service.SetConfig(kRiskTierHighAboveKey, "90").ok());
  auto strict = EvaluateFairness(*calm.store, calm.model, *groups);
  ASSERT_TRUE(strict.ok()) << strict.status().ToString();
  EXPECT_EQ(strict->high_above, 90);
  double high_75 = 0;
  double high_90 = 0;
  for (size_t i = 0; i < fair->groups.size(); ++i) {
    high_75 += fair->groups[i].high_rate * static_cast<double>(fair->groups[i].n);
    high_90 += strict->groups[i].high_rate * static_cast<double>(strict->groups[i].n);
    EXPECT_LE(strict->groups[i].high_rate, fair->groups[i].high_rate) << fair->groups[i].group;
  }
  EXPECT_LT(high_90, high_75) << "fewer scores are above 90 than above 75";

  // A drift date on which no obligor had an order answered "metric_empty: PSI needs rows on
  // both sides; got 62467 and 0"; it is said in words now.
  auto drift = EvaluateDrift(*calm.store, calm.model, Date::Ymd(1990, 1, 31));
  ASSERT_FALSE(drift.ok());
  EXPECT_EQ(drift.status().reason(), "drift_no_population");
  EXPECT_NE(drift.status().message().find("no obligor had a support order in effect on "
                                          "1990-01-31"),
            std::string::npos)
      << drift.status().message();
}

}  // namespace
}  // namespace cse::ai
