// The simulator: argument checks, synthetic identities, scenario shocks, determinism, the
// calibration bands (this test fails when the simulator drifts out of them), consistency of
// what it writes with the audit trail, and the ground-truth firewall.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <sqlite3.h>

#include "crypto/sha256.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/replay.h"
#include "sim/life.h"
#include "sim/report.h"
#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/scratch_dir.h"

namespace cse::sim {
namespace {

const Date kToday = Date::Ymd(2026, 12, 1);

SimOptions Options(int64_t cases, uint64_t seed) {
  SimOptions o;
  o.cases = cases;
  o.months = 24;
  o.seed = seed;
  o.as_of = Date::Ymd(2025, 6, 30);
  return o;
}

std::string FileHash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Sha256Hex(bytes);
}

Result<SimCounts> SimulateInto(const std::string& path, const SimOptions& o) {
  ASSIGN_OR_RETURN(auto store, SqliteStore::Open(path, SqliteStore::OpenMode::kCreate));
  return Simulate(*store, o, kToday, {});
}

TEST(SimOptionsTest, NonsenseArgumentsHaveTheirOwnCodes) {
  EXPECT_TRUE(ValidateOptions(Options(10, 1), kToday).ok());
  SimOptions o = Options(0, 1);
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_cases_invalid");
  o = Options(-5, 1);
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_cases_invalid");
  o = Options(10, 1);
  o.months = 0;
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_months_invalid");
  o.months = 121;
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_months_invalid");
  o = Options(10, 1);
  o.as_of = Date::Ymd(2150, 1, 1);
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_as_of_in_future");
  o.as_of = Date::Ymd(1951, 1, 1);
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_as_of_too_early");
  o = Options(10, 1);
  o.shocks.push_back(*ParseShock("recession@2020-01"));
  EXPECT_EQ(ValidateOptions(o, kToday).reason(), "sim_shock_outside_window");

  EXPECT_EQ(ParseShock("recession@2025-06")->start, Date::Ymd(2025, 6, 1));
  EXPECT_EQ(ParseShock("boom@2024-11")->kind, ShockKind::kBoom);
  EXPECT_EQ(ShockText(*ParseShock("recession@2025-06")), "recession@2025-06");
  for (const char* bad : {"meteor@2025-06", "recession", "recession@2025-13", "recession@2025-6",
                          "recession@2025-06-01", ""}) {
    EXPECT_EQ(ParseShock(bad).status().reason(), "sim_shock_invalid") << bad;
  }
}

TEST(SimIdentityTest, SsnsAreValidButNeverIssuable) {
  std::set<std::string> seen;
  for (int64_t serial : {int64_t{0}, int64_t{1}, int64_t{9'998}, int64_t{9'999}, int64_t{989'900},
                         int64_t{989'901}, int64_t{97'999'999}}) {
    const std::string ssn = SyntheticSsn(serial);
    EXPECT_TRUE(ValidateSsn(ssn).ok()) << ssn;
    EXPECT_GE(ssn.substr(0, 3), "900") << ssn;  // area 900-999 is never issued as an SSN
    EXPECT_TRUE(seen.insert(ssn).second) << ssn;
  }
  for (int64_t serial = 0; serial < 200'000; ++serial) seen.insert(SyntheticSsn(serial));
  EXPECT_GE(seen.size(), 200'000u);
}

TEST(SimWorldTest, RecessionShockLowersTheIndexAndRaisesUnemployment) {
  SimOptions calm = Options(100, 3);
  SimOptions shocked = calm;
  shocked.shocks.push_back(*ParseShock("recession@2024-10"));
  const World a(calm);
  const World b(shocked);
  const int32_t before = 2;  // 2023-09, before the shock
  const int32_t after = 18;  // 2025-01, the shock at full depth
  ASSERT_EQ(a.MonthStart(0), Date::Ymd(2023, 7, 1));
  ASSERT_EQ(a.MonthStart(after), Date::Ymd(2025, 1, 1));
  for (size_t c = 0; c < Counties().size(); ++c) {
    EXPECT_DOUBLE_EQ(a.EconomicIndex(c, before), b.EconomicIndex(c, before));
    EXPECT_LT(b.EconomicIndex(c, after), a.EconomicIndex(c, after) - 8.0);
    EXPECT_GT(b.Unemployment(c, after), a.Unemployment(c, after));
  }
}

TEST(SimulateTest, SameSeedGivesByteIdenticalDatabasesAndAnotherSeedDoesNot) {
  const testing::ScratchDir dir("sim");
  const std::string p1 = dir.path("a.db");
  const std::string p2 = dir.path("b.db");
  const std::string p3 = dir.path("c.db");
  ASSERT_TRUE(SimulateInto(p1, Options(300, 11)).ok());
  ASSERT_TRUE(SimulateInto(p2, Options(300, 11)).ok());
  ASSERT_TRUE(SimulateInto(p3, Options(300, 12)).ok());
  EXPECT_FALSE(std::filesystem::exists(p1 + "-wal"));  // fully checkpointed on close
  EXPECT_EQ(FileHash(p1), FileHash(p2));
  EXPECT_NE(FileHash(p1), FileHash(p3));
}

TEST(SimulateTest, RefusesADatabaseThatAlreadyHasCasesAndChecksArgumentsFirst) {
  const testing::ScratchDir dir("sim");
  const std::string p = dir.path("twice.db");
  ASSERT_TRUE(SimulateInto(p, Options(20, 1)).ok());
  EXPECT_EQ(SimulateInto(p, Options(20, 1)).status().reason(), "sim_db_not_empty");
  auto store = SqliteStore::Open(":memory:", SqliteStore::OpenMode::kCreate);
  SimOptions bad = Options(20, 1);
  bad.months = 0;
  EXPECT_EQ(Simulate(**store, bad, kToday, {}).status().reason(), "sim_months_invalid");
  EXPECT_TRUE((*store)->ListCaseIds(0, 1)->empty());
}

// One mid-sized run shared by the checks below.
class SimulatedCaseload : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir("sim_caseload");
    path_ = new std::string(dir_->path("caseload.db"));
    auto store = SqliteStore::Open(*path_, SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    store_ = store->release();
    auto c = Simulate(*store_, Options(3'000, 20'261'123), kToday, {});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    counts_ = new SimCounts(*c);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete path_;
    delete dir_;  // after the store has closed its files
    delete counts_;
  }
  static testing::ScratchDir* dir_;
  static std::string* path_;
  static SqliteStore* store_;
  static SimCounts* counts_;
};
testing::ScratchDir* SimulatedCaseload::dir_ = nullptr;
std::string* SimulatedCaseload::path_ = nullptr;
SqliteStore* SimulatedCaseload::store_ = nullptr;
SimCounts* SimulatedCaseload::counts_ = nullptr;

TEST_F(SimulatedCaseload, CountsAreWhatWasAskedAndPlausible) {
  EXPECT_EQ(counts_->cases, 3'000);
  EXPECT_LT(counts_->obligors, 3'000);  // some obligors have two cases
  EXPECT_GT(counts_->obligors, 2'600);
  EXPECT_GT(counts_->payments, counts_->cases * 12);  // more than one a case per 2 months
  EXPECT_GT(counts_->reversals, 0);
  EXPECT_GT(counts_->events, counts_->obligors);
  EXPECT_EQ(*store_->CountCollections(), counts_->payments);
}

TEST_F(SimulatedCaseload, CalibrationStaysWithinItsBands) {
  auto report = BuildCalibrationReport(*store_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  int calibrated = 0;
  for (const CalibrationRow& row : report->rows) {
    if (!row.low) continue;
    ++calibrated;
    EXPECT_TRUE(row.within()) << row.measure << ": " << row.simulated << "% not in [" << *row.low
                              << ", " << *row.high << "] (" << row.target << ")";
  }
  EXPECT_GE(calibrated, 15);
  EXPECT_TRUE(report->all_within()) << FormatReportText(*report);
}

TEST_F(SimulatedCaseload, AuditChainVerifiesAndReplayReproducesEveryDistribution) {
  auto chain = VerifyAuditChain(*store_);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->intact) << chain->problem;
  auto replay = CompareReplayWithStore(*store_);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->collections, counts_->payments);
  EXPECT_EQ(replay->mismatches, 0) << (replay->problems.empty() ? "" : replay->problems.front());
}

// Payments are sized on the orders in effect and name a case whose order is in effect on the
// payment's date: no collection precedes its case's opening or first order (before
// 2026-12-05 they named the obligor's first case, even one opened later in the window).
TEST_F(SimulatedCaseload, NoCollectionPrecedesItsCaseOrItsFirstOrder) {
  sqlite3* db = nullptr;
  sqlite3_stmt* s = nullptr;
  int64_t early = -1;
  int64_t total = -1;
  ASSERT_EQ(sqlite3_open_v2(path_->c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_prepare_v2(
                db,
                "SELECT SUM(co.received_date < c.opened OR co.received_date < "
                "(SELECT MIN(o.effective_date) FROM support_order o WHERE o.case_id = c.id)), "
                "COUNT(*) FROM collection co JOIN iv_d_case c ON c.id = co.case_id",
                -1, &s, nullptr),
            SQLITE_OK);
  if (sqlite3_step(s) == SQLITE_ROW) {
    early = sqlite3_column_int64(s, 0);
    total = sqlite3_column_int64(s, 1);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  EXPECT_EQ(total, counts_->payments);
  EXPECT_EQ(early, 0);
}

TEST_F(SimulatedCaseload, GroundTruthCoversEveryObligorMonthWithBothOutcomes) {
  int64_t rows = 0;
  int64_t delinquent = 0;
  std::set<int64_t> obligors;
  ASSERT_TRUE(store_
                  ->ScanTruthMonths([&](const TruthMonth& t) {
                    ++rows;
                    delinquent += t.delinquent_next_30 ? 1 : 0;
                    obligors.insert(t.obligor.value);
                    EXPECT_LE(t.month_end, Date::Ymd(2025, 6, 30));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(static_cast<int64_t>(obligors.size()), counts_->obligors);
  EXPECT_EQ(rows, counts_->obligors * 24);
  EXPECT_EQ(rows, counts_->truth_rows);
  EXPECT_GT(delinquent, rows / 10);
  EXPECT_LT(delinquent, rows * 9 / 10);
  auto persons = store_->ListTruthPersons();
  ASSERT_TRUE(persons.ok());
  EXPECT_EQ(static_cast<int64_t>(persons->size()), counts_->persons);
}

// Production code must never read the ground truth: only src/sim/ (which writes it and
// reports on it) and the storage adapter may name it.
TEST(GroundTruthFirewallTest, OnlyTheSimulatorAndTheStoreTouchTruthTables) {
  const std::filesystem::path src = std::filesystem::path(OPENCSE_SOURCE_DIR) / "src";
  ASSERT_TRUE(std::filesystem::exists(src));
  int scanned = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(entry.path(), src).string();
    if (rel.rfind("sim/", 0) == 0 || rel.rfind("storage/", 0) == 0) continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++scanned;
    for (const char* name : {"ScanTruthMonths", "ListTruthPersons", "sim_truth", "TruthMonth"}) {
      EXPECT_EQ(text.find(name), std::string::npos) << rel << " names " << name;
    }
  }
  EXPECT_GT(scanned, 20);
}

}  // namespace
}  // namespace cse::sim
