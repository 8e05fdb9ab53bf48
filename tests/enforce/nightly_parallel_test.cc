// The nightly batch with reader threads (each on its own connection to the database file,
// one writer) writes exactly what the single-threaded batch writes: the same score rows,
// obligor states, tasks and recommendations; and a threaded run stopped part way resumes to
// the same result.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <tuple>

#include "enforce/contact.h"
#include "enforce/nightly.h"
#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/scratch_dir.h"

namespace cse::enforce {
namespace {

const Date kAsOf = Date::Ymd(2025, 6, 30);
const FakeClock& Clock() {
  static const FakeClock clock(int64_t{Date::Ymd(2025, 8, 1).days()} * 86'400'000'000LL);
  return clock;
}

// What a run wrote, in a form two runs can be compared by (ids may differ).
struct Written {
  std::map<std::string, std::tuple<std::string, int, std::string, int, std::string>> actions;
  std::map<std::string, std::tuple<std::string, std::string, std::string, int, int64_t>> tasks;
  std::map<int64_t, std::tuple<int, std::string>> scores;  // obligor -> score, features hash
  int64_t audit_rows = 0;
};

Written Read(SqliteStore& store) {
  Written w;
  EXPECT_TRUE(store
                  .ScanEnforceActions([&](const Action& a) {
                    w.actions[a.key] = {std::string(Name(a.remedy)), a.rank, a.rationale,
                                        a.risk_score, a.features_hash};
                    return Status::Ok();
                  })
                  .ok());
  const auto tasks = store.ListOpenEnforceTasks("");
  EXPECT_TRUE(tasks.ok());
  for (const Task& t : *tasks) {
    w.tasks[t.key] = {t.kind, t.message, t.key_factors, t.risk_score, t.amount_at_stake.cents()};
  }
  const auto obligors = store.ListObligorIds();
  EXPECT_TRUE(obligors.ok());
  for (PersonId p : *obligors) {
    const auto scores = store.ListRiskScores(p);
    EXPECT_TRUE(scores.ok());
    for (const RiskScoreRecord& r : *scores) {
      if (r.case_id.value == 0) w.scores[p.value] = {r.score, r.features_hash};
    }
  }
  w.audit_rows = (*store.LastAuditLink())->seq;
  return w;
}

class NightlyParallelTest : public ::testing::Test {
 protected:
  // One simulated caseload with a registered model in a file, copied for each run.
  static void SetUpTestSuite() {
    base_dir_ = new testing::ScratchDir("nightly_par_base");
    base_ = new std::string(base_dir_->path("base.db"));
    auto store = SqliteStore::Open(*base_, SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    sim::SimOptions o;
    o.cases = 400;
    o.months = 24;
    o.seed = 11;
    o.as_of = kAsOf;
    ASSERT_TRUE(sim::Simulate(**store, o, Date::Ymd(2026, 1, 1), {}).ok());
    ai::TrainOptions t;
    t.as_of = kAsOf;
    auto report = ai::TrainRiskModel(**store, t, {});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_TRUE(ai::RegisterRiskModel(**store, Clock(), "analyst", report->model, true).ok());
    EnforcementService admin(**store, Clock(), "root");
    for (const StaffUser& u :
         {StaffUser{"root", Role::kAdmin, true}, StaffUser{"cal", Role::kCaseworker, true}}) {
      ASSERT_TRUE(admin.SetStaffUser(u).ok());
    }
  }
  static void TearDownTestSuite() {
    delete base_;
    delete base_dir_;  // the base file with its -wal and -shm
  }

  // The file of this test's copy `name`.
  std::string Path(const std::string& name) const { return dir_.path(name + ".db"); }

  // A copy of the base file, opened.
  std::unique_ptr<SqliteStore> Copy(const std::string& name) const {
    const std::string path = Path(name);
    std::filesystem::copy_file(*base_, path);
    auto store = SqliteStore::Open(path, SqliteStore::OpenMode::kMustExist);
    EXPECT_TRUE(store.ok());
    return std::move(store).value();
  }

  NightlyOptions Options(const ai::RiskScorer& scorer, const std::string& name, int threads) const {
    NightlyOptions o;
    o.as_of = kAsOf;
    o.scorer = &scorer;
    o.obligors_per_chunk = 37;  // many chunks, the last one short
    o.reader_threads = threads;
    if (threads > 0) {
      o.open_reader = SqliteStore::ConnectionOpener(Path(name));
    }
    return o;
  }

  testing::ScratchDir dir_{"nightly_par"};  // this test's copies
  static testing::ScratchDir* base_dir_;
  static std::string* base_;
};
testing::ScratchDir* NightlyParallelTest::base_dir_ = nullptr;
std::string* NightlyParallelTest::base_ = nullptr;

TEST_F(NightlyParallelTest, ReaderThreadsWriteWhatOneThreadWrites) {
  auto serial = Copy("serial");
  auto scorer = ai::RiskScorer::LoadActive(*serial);
  ASSERT_TRUE(scorer.ok());
  auto one = RunNightly(*serial, Clock(), "nightly", Options(*scorer, "serial", 0));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(one->finished);

  auto parallel = Copy("parallel");
  auto two = RunNightly(*parallel, Clock(), "nightly", Options(*scorer, "parallel", 2));
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  ASSERT_TRUE(two->finished);
  EXPECT_EQ(two->counts, one->counts);
  EXPECT_GT(one->counts.at("recommendations"), 0);
  EXPECT_GT(one->counts.at("outreach_tasks"), 0);
  EXPECT_GT(two->seconds.at("read_and_features"), 0);

  const Written a = Read(*serial);
  const Written b = Read(*parallel);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_EQ(a.tasks, b.tasks);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.audit_rows, b.audit_rows);
  EXPECT_EQ(static_cast<int64_t>(a.scores.size()), one->counts.at("scored"));
}

TEST_F(NightlyParallelTest, AThreadedRunStoppedPartWayResumesToTheSameResult) {
  auto whole = Copy("whole");
  auto scorer = ai::RiskScorer::LoadActive(*whole);
  ASSERT_TRUE(scorer.ok());
  auto full = RunNightly(*whole, Clock(), "nightly", Options(*scorer, "whole", 2));
  ASSERT_TRUE(full.ok()) << full.status().ToString();

  auto parts = Copy("parts");
  NightlyOptions stop = Options(*scorer, "parts", 2);
  stop.max_chunks = 3;  // the readers have prepared chunks beyond it: they are dropped
  auto first = RunNightly(*parts, Clock(), "nightly", stop);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->finished);
  EXPECT_EQ(first->counts.at("obligors"), 3 * 37);
  auto rest = RunNightly(*parts, Clock(), "nightly", Options(*scorer, "parts", 2));
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_TRUE(rest->resumed);
  EXPECT_TRUE(rest->finished);
  EXPECT_EQ(rest->counts, full->counts);
  const Written a = Read(*whole);
  const Written b = Read(*parts);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_EQ(a.tasks, b.tasks);
  EXPECT_EQ(a.scores, b.scores);
}

TEST_F(NightlyParallelTest, OutreachTakesTheChannelFromTheContactHistory) {
  auto store = Copy("contact");
  auto scorer = ai::RiskScorer::LoadActive(*store);
  ASSERT_TRUE(scorer.ok());
  // Even obligors answered email twice; odd ones opted out of email.
  auto obligors = store->ListObligorIds();
  ASSERT_TRUE(obligors.ok());
  ASSERT_TRUE(store->Begin().ok());
  for (PersonId p : *obligors) {
    const bool even = p.value % 2 == 0;
    for (int k = 0; k < (even ? 2 : 1); ++k) {
      ContactLogRequest r{p, "email", even ? "reached" : "opted_out", kAsOf.AddDays(-10 + k), ""};
      ASSERT_TRUE(LogContactAttempt(*store, Clock(), "cal", r).ok());
    }
  }
  ASSERT_TRUE(store->Commit().ok());
  auto run = RunNightly(*store, Clock(), "nightly", Options(*scorer, "contact", 2));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  int email = 0, sms = 0;
  const auto tasks = store->ListOpenEnforceTasks("");
  ASSERT_TRUE(tasks.ok());
  for (const Task& t : *tasks) {
    if (t.kind != "proactive_outreach") continue;
    if (t.obligor.value % 2 == 0) {
      EXPECT_EQ(t.channel, "email");
      EXPECT_NE(t.recommended.find("email 0."), std::string::npos) << t.recommended;
      EXPECT_NE(t.recommended.find("(2 of 2 reached; population"), std::string::npos);
      ++email;
    } else {  // email excluded; sms and phone have no data: the 0.5 prior, sms first
      EXPECT_EQ(t.channel, "sms");
      EXPECT_NE(t.recommended.find("email excluded (opted_out"), std::string::npos);
      ++sms;
    }
  }
  EXPECT_GT(email, 0);
  EXPECT_GT(sms, 0);
}

}  // namespace
}  // namespace cse::enforce
