// Next best action on a small simulated caseload (a shared fixture, built once): the
// effectiveness table learned from the case history, recommendations ranked with it and
// their rationale, the per-remedy fail-safe, the table's storage, and the evaluation against
// the fixed escalation ladder on held-out months.
#include "enforce/nba.h"

#include <gtest/gtest.h>

#include "enforce/action_service.h"
#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse::enforce {
namespace {

const Date kAsOf = Date::Ymd(2025, 6, 30);

class NbaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto store = SqliteStore::Open(":memory:", SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    store_ = store->release();
    sim::SimOptions o;
    o.cases = 700;
    o.months = 24;
    o.seed = 11;
    o.as_of = kAsOf;
    ASSERT_TRUE(sim::Simulate(*store_, o, Date::Ymd(2026, 1, 1), {}).ok());
    clock_ = new FakeClock(int64_t{kAsOf.days()} * 86'400'000'000LL);
    auto ref = ai::LoadReference(*store_);
    ASSERT_TRUE(ref.ok());
    auto t = LearnEffectiveness(*store_, *ref, kAsOf.AddMonths(-24), kAsOf, 60);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    table_ = new EffectivenessTable(std::move(t).value());
  }
  static void TearDownTestSuite() {
    delete table_;
    delete store_;
    delete clock_;
  }
  static EffectCell Total(const std::array<EffectCell, kProfileCount>& row) {
    EffectCell sum;
    for (const EffectCell& c : row) {
      sum.n += c.n;
      sum.paid += c.paid;
    }
    return sum;
  }
  static SqliteStore* store_;
  static FakeClock* clock_;
  static EffectivenessTable* table_;
};
SqliteStore* NbaTest::store_ = nullptr;
FakeClock* NbaTest::clock_ = nullptr;
EffectivenessTable* NbaTest::table_ = nullptr;

TEST_F(NbaTest, LearnsWhatFollowedEachActionAndWhatFollowedWithout) {
  const EffectCell iwo = Total(table_->after[static_cast<size_t>(Remedy::kIncomeWithholding)]);
  const EffectCell no_iwo = Total(table_->without[static_cast<size_t>(Remedy::kIncomeWithholding)]);
  const EffectCell notice = Total(table_->after[static_cast<size_t>(Remedy::kLicenseSuspension)]);
  EXPECT_GT(iwo.n, 50);
  EXPECT_GT(no_iwo.n, 1000);
  EXPECT_GT(notice.n, 10);
  // Withholding takes pay at the source: payment follows it far more often than without it.
  EXPECT_GT(iwo.rate(), no_iwo.rate() + 0.1);
  EXPECT_EQ(Total(table_->after[static_cast<size_t>(Remedy::kPassportDenial)]).n, 0);
  EXPECT_FALSE(table_->empty());
}

TEST_F(NbaTest, ProfilesAndEventsMapAsDocumented) {
  EXPECT_EQ(ProfileOf({0.5, false, false}), 0);
  EXPECT_EQ(ProfileOf({7, true, true}), 15);
  EXPECT_EQ(ProfileText(ProfileOf({4, true, false})),
            "arrears 3-6 months, employed, no payment in 90 days");
  CaseEvent e;
  e.kind = "iwo_issued";
  EXPECT_EQ(RemedyOfEvent(e), Remedy::kIncomeWithholding);
  e.kind = "enforcement_issued";
  e.detail = "remedy=passport_denial action=ACT-000001";
  EXPECT_EQ(RemedyOfEvent(e), Remedy::kPassportDenial);
  e.kind = "moved";
  EXPECT_FALSE(RemedyOfEvent(e).has_value());
}

TEST_F(NbaTest, PrefersTheLeastPunitiveRemedyExpectedToWork) {
  EffectivenessTable t;
  const int p = ProfileOf({4, true, false});
  t.After(Remedy::kIncomeWithholding, p) = {100, 71};
  t.Without(Remedy::kIncomeWithholding, p) = {400, 92};
  t.After(Remedy::kLicenseSuspension, p) = {50, 40};
  t.no_enforcement[static_cast<size_t>(p)] = {300, 69};  // 23%
  std::vector<Candidate> eligible;
  for (Remedy r : {Remedy::kReminder, Remedy::kIncomeWithholding, Remedy::kLicenseSuspension,
                   Remedy::kPassportDenial}) {
    Candidate c;
    c.remedy = r;
    eligible.push_back(c);
  }
  auto ranked = RankByEffect(eligible, t, p, true, {});
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].remedy, Remedy::kIncomeWithholding);  // 71% works; least punitive
  EXPECT_EQ(ranked[1].remedy, Remedy::kLicenseSuspension);  // 80% works, more punitive
  EXPECT_EQ(ranked[2].remedy, Remedy::kReminder);        // no history; 23% pay anyway: ladder order
  EXPECT_EQ(ranked[3].remedy, Remedy::kPassportDenial);  // no history
  EXPECT_NE(ranked[0].rationale.find("71% of the time (n=100) vs 23%"), std::string::npos)
      << ranked[0].rationale;
  EXPECT_NE(ranked[3].rationale.find("no history"), std::string::npos);
  EXPECT_NE(ranked[2].rationale.find("only 23% of them paid"), std::string::npos);
  // Without history, the ladder orders from above the highest step already taken.
  EffectOptions after_iwo;
  after_iwo.highest_step_taken = Punitiveness(Remedy::kIncomeWithholding);
  t.After(Remedy::kIncomeWithholding, p) = {};
  t.After(Remedy::kLicenseSuspension, p) = {};
  ranked = RankByEffect(eligible, t, p, true, after_iwo);
  EXPECT_EQ(ranked[0].remedy, Remedy::kPassportDenial);
  EXPECT_EQ(ranked[1].remedy, Remedy::kLicenseSuspension);
  t.After(Remedy::kIncomeWithholding, p) = {100, 71};
  t.After(Remedy::kLicenseSuspension, p) = {50, 40};
  // When similar obligors pay anyway, the gentlest step comes first.
  t.no_enforcement[static_cast<size_t>(p)] = {300, 240};
  ranked = RankByEffect(eligible, t, p, true, {});
  EXPECT_EQ(ranked[0].remedy, Remedy::kReminder);
  // The fail-safe: a remedy switched off is ranked by the ladder, and says so.
  EffectOptions off;
  off.rules_only.insert(Remedy::kIncomeWithholding);
  t.no_enforcement[static_cast<size_t>(p)] = {300, 69};
  ranked = RankByEffect(eligible, t, p, true, off);
  EXPECT_EQ(ranked[0].remedy, Remedy::kLicenseSuspension);
  for (const Candidate& c : ranked) {
    if (c.remedy == Remedy::kIncomeWithholding) {
      EXPECT_LT(c.expected_effect, 0);
      EXPECT_NE(c.rationale.find("switched off"), std::string::npos);
    }
  }
}

TEST_F(NbaTest, TheTableIsStoredAuditedAndReadBack) {
  ASSERT_TRUE(SaveEffectTable(*store_, *clock_, "analyst", *table_).ok());
  auto back = LoadEffectTable(*store_);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(ToJson(**back).dump(), ToJson(*table_).dump());
  Json bad = ToJson(*table_);
  bad["after"]["reminder"][0] = Json::array({1, 5});  // more paid than n
  EXPECT_EQ(EffectTableFromJson(bad).status().reason(), "effect_table_corrupt");
}

TEST_F(NbaTest, RecommendationsCarryTheLearnedNumbers) {
  ASSERT_TRUE(SaveEffectTable(*store_, *clock_, "analyst", *table_).ok());
  EnforcementService svc(*store_, *clock_, "nightly");
  int with_numbers = 0;
  for (int64_t id = 1; id <= 120 && with_numbers < 5; ++id) {
    RecommendOptions o;
    o.as_of = kAsOf;
    o.origin = "nba_test";
    auto r = svc.Recommend(CaseId{id}, o);
    if (!r.ok() || r->actions.empty()) continue;
    const Action& top = r->actions.front();
    if (top.source != "model") continue;
    ++with_numbers;
    EXPECT_GE(top.expected_effect, 0);
    EXPECT_NE(top.rationale.find("%"), std::string::npos);
    EXPECT_NE(top.rationale.find("n="), std::string::npos);
  }
  EXPECT_EQ(with_numbers, 5);
}

TEST_F(NbaTest, IsLessPunitiveThanTheLadderOnHeldOutMonths) {
  EnforcementConfig config;
  config.rule(Remedy::kLicenseSuspension).enabled = true;
  config.rule(Remedy::kLicenseSuspension).arrears_months_at_least = 3;
  auto ev =
      EvaluateRecommender(*store_, config, kAsOf.AddMonths(-24), kAsOf.AddMonths(-6), kAsOf, {});
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_GT(ev->logged_actions, 20);
  EXPECT_GT(ev->nba.decisions, 0);
  EXPECT_GT(ev->ladder.decisions, 0);
  EXPECT_GT(ev->nba.month_choices, 100);
  EXPECT_LE(ev->nba.punitiveness, ev->ladder.punitiveness);
  EXPECT_GE(ev->less_punitive, ev->more_punitive);
  std::cout << "held-out actions " << ev->logged_actions << " paid " << ev->logged_paid
            << "\nNBA matched " << ev->nba.matched << "/" << ev->nba.decisions << " paid "
            << ev->nba.paid_rate() << " step " << ev->nba.punitiveness << "\nladder matched "
            << ev->ladder.matched << "/" << ev->ladder.decisions << " paid "
            << ev->ladder.paid_rate() << " step " << ev->ladder.punitiveness << "\nless "
            << ev->less_punitive << " more " << ev->more_punitive << "\n";
  EXPECT_EQ(
      EvaluateRecommender(*store_, config, kAsOf.AddMonths(-24), kAsOf.AddDays(-10), kAsOf, {})
          .status()
          .reason(),
      "evaluation_window_empty");
}

}  // namespace
}  // namespace cse::enforce
