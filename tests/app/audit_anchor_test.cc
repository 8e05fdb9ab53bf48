// `opencse audit anchor` and `audit verify --anchor`: an anchor kept outside the database
// catches what the hash chain alone cannot (docs/ARCHITECTURE.md §7.1): a trail whose newest
// rows were deleted, and a trail rewritten with every hash recomputed.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "service/audit.h"
#include "service/json.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

class AuditAnchorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path("opencse.db");
    ASSERT_EQ(Cli({"init"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Sam", "--last", "Doe"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
    ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).code, 0);
    ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                   "2024-01-01"})
                  .code,
              0);
  }
  CliRun Cli(std::vector<std::string> args) {
    std::vector<std::string> full{"opencse",    "--db",   db_,    "--today",
                                  "2024-06-30", "--user", "clerk"};
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  void Post(const std::string& key, const std::string& amount) {
    ASSERT_EQ(Cli({"post-payment", "--case", "CASE-000001", "--amount", amount, "--date",
                   "2024-02-10", "--source", "direct", "--key", key})
                  .code,
              0);
  }
  // What someone with write access to the file can do: drop the append-only triggers.
  void Exec(const std::string& sql) {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->ExecForTesting(sql).ok()) << sql;
  }
  Json Verify(const std::vector<std::string>& anchors, int expected_code) {
    std::vector<std::string> args{"--json", "audit", "verify"};
    for (const std::string& a : anchors) args.insert(args.end(), {"--anchor", a});
    CliRun r = Cli(args);
    EXPECT_EQ(r.code, expected_code) << r.out << r.err;
    return Json::parse(r.out);
  }
  testing::ScratchDir dir_{"anchor"};
  std::string db_;
};

TEST_F(AuditAnchorTest, AnchorNamesTheNewestRowAndHoldsWhileTheTrailOnlyGrows) {
  const std::string file = dir_.path("a1.json");
  CliRun r = Cli({"--json", "audit", "anchor", "--out", file});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json printed = Json::parse(r.out);
  EXPECT_EQ(printed["kind"], "opencse-audit-anchor");
  EXPECT_EQ(printed["seq"], 5);  // init's config.set, party, party, case, order
  EXPECT_EQ(printed["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(printed["out"], file);
  std::ifstream in(file);
  const Json written = Json::parse(in);
  EXPECT_EQ(written["seq"], printed["seq"]);
  EXPECT_EQ(written["hash"], printed["hash"]);
  EXPECT_FALSE(std::filesystem::exists(file + ".partial"));

  Post("k1", "100.00");
  Post("k2", "50.00");
  const Json v = Verify({file}, 0);
  EXPECT_EQ(v["intact"], true);
  EXPECT_EQ(v["anchors_hold"], true);
  ASSERT_EQ(v["anchors"].size(), 1u);
  EXPECT_EQ(v["anchors"][0]["result"], "holds");
  EXPECT_EQ(v["anchors"][0]["seq"], 5);
  EXPECT_EQ(v["replay"]["mismatches"], 0);
}

TEST_F(AuditAnchorTest, DeletingTheNewestRowsPassesTheChainButNotTheAnchor) {
  Post("k1", "100.00");
  const std::string file = dir_.path("a.json");
  CliRun r = Cli({"--json", "audit", "anchor", "--out", file});
  ASSERT_EQ(r.code, 0) << r.out;
  const int64_t anchored = Json::parse(r.out)["seq"].get<int64_t>();
  ASSERT_GT(anchored, 5);
  Post("k2", "50.00");
  // Remove every audit row after the order (the payments' rows, the anchored one among them)
  // and the payments they recorded: a shorter chain that is still intact.
  Exec(
      "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 5; "
      "DELETE FROM collection WHERE idempotency_key = 'k2';"
      "DELETE FROM collection WHERE idempotency_key = 'k1';");
  Json v = Verify({}, 0);
  EXPECT_EQ(v["intact"], true) << "the chain alone cannot see a deleted tail";
  v = Verify({file}, 1);
  EXPECT_EQ(v["intact"], true);
  EXPECT_EQ(v["anchors_hold"], false);
  EXPECT_EQ(v["anchors"][0]["result"], "truncated");
  EXPECT_NE(v["anchors"][0]["detail"].get<std::string>().find("row " + std::to_string(anchored) +
                                                              " is gone: the trail ends at row 5"),
            std::string::npos)
      << v.dump();
}

TEST_F(AuditAnchorTest, ARewrittenTrailWithRecomputedHashesFailsTheAnchor) {
  Post("k1", "100.00");
  const std::string file = dir_.path("a.json");
  ASSERT_EQ(Cli({"audit", "anchor", "--out", file}).code, 0);
  // Rewrite row 3 (the obligee's name; row 1 is init's config.set) and recompute every hash from
  // there on, as an attacker with the file can: the chain verifies again.
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->ExecForTesting("DROP TRIGGER audit_no_update").ok());
    std::vector<AuditRow> rows;
    ASSERT_TRUE((*store)
                    ->ScanAudit([&](const AuditRow& row) {
                      rows.push_back(row);
                      return Status::Ok();
                    })
                    .ok());
    ASSERT_GE(rows.size(), 6u);
    std::string prev(kGenesisHash);
    for (AuditRow& row : rows) {
      if (row.seq == 3) row.after += " ";
      row.prev_hash = prev;
      row.hash = AuditHash(row);
      prev = row.hash;
      ASSERT_TRUE((*store)
                      ->ExecForTesting("UPDATE audit SET after = '" + row.after +
                                       "', prev_hash = '" + row.prev_hash + "', hash = '" +
                                       row.hash + "' WHERE seq = " + std::to_string(row.seq))
                      .ok());
    }
  }
  Json v = Verify({}, 0);
  EXPECT_EQ(v["intact"], true) << "a rewritten chain with recomputed hashes verifies";
  v = Verify({file}, 1);
  EXPECT_EQ(v["anchors"][0]["result"], "rewritten") << v.dump();
  EXPECT_NE(v["anchors"][0]["detail"].get<std::string>().find("rewritten at or before"),
            std::string::npos);
}

// An anchor of another database is a mixed-up file, not tampering (QA probe: the demo's anchor
// on a small database said 55,488 rows had been deleted). An anchor without first_hash (taken
// before it existed) is still checked by its row alone.
TEST_F(AuditAnchorTest, AnAnchorOfAnotherDatabaseIsOtherTrailNotTruncated) {
  const std::string mine = dir_.path("mine.json");
  CliRun r = Cli({"--json", "audit", "anchor", "--out", mine});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["first_hash"].get<std::string>().size(), 64u);
  // Another database with a longer trail: its anchor's seq is past this trail's end.
  const std::string other_db = db_;
  db_ = dir_.path("other.db");
  // Made by someone else on another day, so its first row (init's config.set) differs.
  ASSERT_EQ(testing::RunArgv(
                {"opencse", "--db", db_, "--today", "2024-05-01", "--user", "admin2", "init"})
                .code,
            0);
  for (const char* name : {"A", "B", "C", "D", "E", "F", "G"}) {
    ASSERT_EQ(Cli({"party", "add", "--first", name, "--last", "Other"}).code, 0);
  }
  const std::string theirs = dir_.path("theirs.json");
  ASSERT_EQ(Cli({"audit", "anchor", "--out", theirs}).code, 0);
  db_ = other_db;
  Json v = Verify({mine, theirs}, 1);
  EXPECT_EQ(v["anchors"][0]["result"], "holds");
  EXPECT_EQ(v["anchors"][1]["result"], "other_trail") << v.dump();
  EXPECT_NE(v["anchors"][1]["detail"].get<std::string>().find("an anchor of another database"),
            std::string::npos);
  // The same anchor without first_hash: only its row is checked, and it is past the end.
  Json j = Json::parse(std::ifstream(theirs));
  j.erase("first_hash");
  const std::string old = dir_.path("old.json");
  std::ofstream(old) << j.dump();
  v = Verify({old}, 1);
  EXPECT_EQ(v["anchors"][0]["result"], "truncated");
  std::ofstream(old, std::ios::trunc) << R"({"kind":"opencse-audit-anchor","seq":1,"hash":")"
                                      << std::string(64, 'a') << R"(","first_hash":"xyz"})";
  EXPECT_EQ(Json::parse(Cli({"--json", "audit", "verify", "--anchor", old}).out)["code"],
            "anchor_invalid");
}

TEST_F(AuditAnchorTest, BadAnchorsAndOutputPathsAreRefusedWithClearCodes) {
  const std::string bad = dir_.path("bad.json");
  std::ofstream(bad) << R"({"kind":"opencse-audit-anchor","seq":0,"hash":"abc"})";
  CliRun r = Cli({"--json", "audit", "verify", "--anchor", bad});
  EXPECT_EQ(r.code, 1);
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["code"], "anchor_invalid") << r.out;
  EXPECT_NE(j["message"].get<std::string>().find(bad), std::string::npos) << r.out;

  std::ofstream(bad, std::ios::trunc) << "not json";
  EXPECT_EQ(Json::parse(Cli({"--json", "audit", "verify", "--anchor", bad}).out)["code"],
            "anchor_invalid");
  EXPECT_EQ(Json::parse(
                Cli({"--json", "audit", "verify", "--anchor", dir_.path("none.json")}).out)["code"],
            "file_not_found");
  // --out never replaces the database or an existing file.
  EXPECT_EQ(Json::parse(Cli({"--json", "audit", "anchor", "--out", db_}).out)["code"],
            "out_is_database");
  EXPECT_EQ(Json::parse(Cli({"--json", "audit", "anchor", "--out", bad}).out)["code"],
            "out_exists");
  std::ifstream kept(bad);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "not json");
}

TEST(AuditAnchorFormat, RoundTripsAndRejectsWhatIsNotAnAnchor) {
  const AuditAnchor a{12, std::string(64, 'a'), "2024-06-30T10:00:00Z", "2024-06-30T11:00:00Z",
                      std::string(64, 'b')};
  auto back = ParseAuditAnchor(AuditAnchorJson(a));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seq, 12);
  EXPECT_EQ(back->hash, a.hash);
  EXPECT_EQ(back->at, a.at);
  EXPECT_EQ(back->first_hash, a.first_hash);
  for (
      const char* text :
      {"", "[]", R"({"seq":1,"hash":"")", R"({"kind":"x","seq":1})",
       R"({"kind":"opencse-audit-anchor","seq":1,"hash":"ABCDEF"})",
       R"({"kind":"opencse-audit-anchor","seq":"1","hash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})"}) {
    auto r = ParseAuditAnchor(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().reason(), "anchor_invalid") << text;
  }
}

}  // namespace
}  // namespace cse
