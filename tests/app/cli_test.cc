// The opencse command line, driven in-process: contracts of its JSON, exit codes and help.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "service/json.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = dir_.path("opencse.db"); }
  CliRun Cli(std::vector<std::string> args, bool with_db = true) {
    std::vector<std::string> full{"opencse"};
    if (with_db) {
      full.insert(full.end(), {"--db", db_, "--today", "2024-06-30", "--user", "clerk"});
    }
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  void Seed() {
    ASSERT_EQ(Cli({"init"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Sam", "--last", "Doe"}).out, "PRS-000001\n");
    ASSERT_EQ(Cli({"party", "add", "--first", "Ana", "--last", "Roe"}).out, "PRS-000002\n");
    ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).out,
              "CASE-000001\n");
    ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                   "2024-01-01"})
                  .out,
              "ORD-000001\n");
  }
  testing::ScratchDir dir_{"cli"};
  std::string db_;
};

TEST_F(CliTest, EveryCommandHasHelp) {
  const std::vector<std::vector<std::string>> commands{{},
                                                       {"init"},
                                                       {"party", "add"},
                                                       {"case", "add"},
                                                       {"order", "add"},
                                                       {"assistance", "add"},
                                                       {"assistance", "end"},
                                                       {"employer", "add"},
                                                       {"employment", "add"},
                                                       {"post-payment"},
                                                       {"reverse-payment"},
                                                       {"ledger"},
                                                       {"import", "payments"},
                                                       {"audit", "verify"},
                                                       {"audit", "anchor"},
                                                       {"config", "set"},
                                                       {"config", "list"},
                                                       {"simulate"},
                                                       {"model", "train"},
                                                       {"model", "evaluate"},
                                                       {"model", "list"},
                                                       {"score"}};
  for (std::vector<std::string> c : commands) {
    c.push_back("--help");
    const CliRun r = Cli(c, false);
    EXPECT_EQ(r.code, 0) << c[0];
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << c[0];
    EXPECT_GT(r.out.size(), 100u) << c[0];
  }
}

TEST_F(CliTest, PostPaymentJsonContractAndIdempotency) {
  Seed();
  const std::vector<std::string> post{"--json",   "post-payment", "--case", "CASE-000001",
                                      "--amount", "700.00",       "--date", "2024-03-10",
                                      "--source", "direct",       "--key",  "K-1"};
  CliRun r = Cli(post);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["result"], "created");
  EXPECT_EQ(j["key"], "K-1");
  EXPECT_EQ(j["distribution"]["to_family"], "700.00");
  EXPECT_EQ(j["distribution"]["lines"][0]["applied_as"], "current");
  r = Cli(post);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(Json::parse(r.out)["result"], "exists");
  std::vector<std::string> changed = post;
  changed[5] = "700.01";
  r = Cli(changed);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "exists_with_different_amount");
  r = Cli({"--json", "ledger", "--case", "CASE-000001", "--as-of", "2024-03-31"});
  ASSERT_EQ(r.code, 0);
  j = Json::parse(r.out);
  EXPECT_EQ(j["balance"]["arrears_total"], "800.00");
  EXPECT_EQ(j["balance"]["arrears_by_bucket"]["never_assigned"], "800.00");
  EXPECT_EQ(j["balance"]["delinquent"], true);
  EXPECT_EQ(j["collections"].size(), 1u);
}

// A database made by init applies held money as future support (distribution.futures=all,
// recorded with an audit row so replay agrees); the ledger shows what was applied, in text and
// JSON; the rule is locked once payments exist, like the other distribution options.
TEST_F(CliTest, InitRecordsFuturesAndTheLedgerShowsFutureSupportApplied) {
  Seed();
  CliRun r = Cli({"--json", "config", "list"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"distribution.futures\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"all\""), std::string::npos) << r.out;
  // 500.00 a month from Jan 1: 1,000.00 on Jan 5 pays January and holds 500.00 for February.
  ASSERT_EQ(Cli({"post-payment", "--case", "CASE-000001", "--amount", "1000.00", "--date",
                 "2024-01-05", "--source", "withholding", "--key", "F-1"})
                .code,
            0);
  r = Cli({"--json", "ledger", "--case", "CASE-000001", "--as-of", "2024-02-29"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["balance"]["arrears_total"], "0.00");
  EXPECT_EQ(j["balance"]["current_unpaid"], "0.00");
  EXPECT_EQ(j["obligor"]["held_total"], "0.00");
  EXPECT_EQ(j["collections"][0]["distribution"]["held"], "500.00");  // as posted
  ASSERT_EQ(j["futures_applied"].size(), 1u) << j.dump();
  EXPECT_EQ(j["futures_applied"][0]["date"], "2024-02-01");
  EXPECT_EQ(j["futures_applied"][0]["key"], "F-1");
  EXPECT_EQ(j["futures_applied"][0]["received_date"], "2024-01-05");
  EXPECT_EQ(j["futures_applied"][0]["amount"], "500.00");
  EXPECT_EQ(j["futures_applied"][0]["distribution"]["to_family"], "500.00");
  EXPECT_EQ(j["futures_applied"][0]["distribution"]["lines"][0]["due_date"], "2024-02-01");
  r = Cli({"ledger", "--case", "CASE-000001", "--as-of", "2024-02-29"});
  EXPECT_NE(r.out.find("Future support applied"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2024-02-01  F-1"), std::string::npos) << r.out;
  // March: nothing held is left, so March is unpaid.
  j = Json::parse(Cli({"--json", "ledger", "--case", "CASE-000001", "--as-of", "2024-03-31"}).out);
  EXPECT_EQ(j["balance"]["current_unpaid"], "500.00");
  r = Cli({"--json", "config", "set", "distribution.futures", "none"});
  EXPECT_EQ(Json::parse(r.out)["code"], "config_locked_after_postings") << r.out;
  r = Cli({"--json", "audit", "verify"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["replay"]["mismatches"], 0) << r.out;
  // init again changes nothing: the setting is there and payments are on file.
  r = Cli({"--json", "init"});
  ASSERT_EQ(r.code, 0);
  EXPECT_TRUE(Json::parse(r.out)["recorded"].empty()) << r.out;
  EXPECT_EQ(Json::parse(Cli({"--json", "audit", "verify"}).out)["replay"]["mismatches"], 0);
  // Editing the rule in the settings table changes every ledger view without touching a stored
  // distribution: audit verify compares the settings with the trail's config.set rows.
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->ExecForTesting(
                        "UPDATE settings SET value = 'none' WHERE key = 'distribution.futures'")
                    .ok());
  }
  r = Cli({"--json", "audit", "verify"});
  EXPECT_NE(r.code, 0) << r.out;
  j = Json::parse(r.out);
  EXPECT_EQ(j["replay"]["mismatches"], 1) << r.out;
  EXPECT_NE(j.dump().find("settings 'distribution.futures': value is 'none' in the store, "
                          "'all' in the audit trail"),
            std::string::npos)
      << r.out;
}

TEST_F(CliTest, BadInputGetsAClearErrorAndWritesNothing) {
  Seed();
  struct Case {
    std::vector<std::string> args;
    const char* code;
  };
  const std::vector<std::string> base{
      "--json",     "post-payment", "--case", "CASE-000001", "--date",
      "2024-03-10", "--source",     "direct", "--key",       "x"};
  for (const auto& [amount, code] :
       std::vector<std::pair<std::string, std::string>>{{"12.345", "amount_too_many_decimals"},
                                                        {"-5", "amount_negative"},
                                                        {"1e3", "amount_malformed"},
                                                        {"", "amount_empty"}}) {
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--amount", amount});
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, 1) << amount;
    EXPECT_EQ(Json::parse(r.out)["code"], code) << amount;
  }
  for (const Case& c : std::vector<Case>{
           {{"--json", "post-payment", "--case", "CASE-000077", "--amount", "1.00", "--date",
             "2024-03-10", "--source", "direct", "--key", "y"},
            "case_not_found"},
           {{"--json", "post-payment", "--case", "CASE-000001", "--amount", "1.00", "--date",
             "1899-12-31", "--source", "direct", "--key", "y"},
            "date_out_of_range"},
           {{"--json", "post-payment", "--case", "CASE-000001", "--amount", "1.00", "--date",
             "2024-02-30", "--source", "direct", "--key", "y"},
            "date_malformed"},
           {{"--json", "post-payment", "--case", "CASE-000001", "--amount", "1.00", "--date",
             "2024-03-10", "--source", "cash", "--key", "y"},
            "source_invalid"},
           {{"--json", "order", "add", "--case", "CASE-000001", "--amount", "100", "--effective",
             "2024-05-01", "--end", "2024-04-30"},
            "order_end_before_start"},
           {{"--json", "case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000001"},
            "case_same_party"},
           {{"--json", "party", "add", "--first", "A", "--last", "B", "--ssn", "123"},
            "ssn_malformed"}}) {
    const CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, 1) << c.code;
    EXPECT_EQ(Json::parse(r.out)["code"], c.code) << r.out;
  }
  const CliRun ledger = Cli({"--json", "ledger", "--case", "CASE-000001"});
  EXPECT_EQ(Json::parse(ledger.out)["collections"].size(), 0u);
}

// order add --judgment-accrued-from/--judgment-accrued-through: each mistake has its own code
// and a message naming it, and writes nothing; the period is shown with the judgment, and
// `audit verify` replays it from the trail and names the column when the store's is edited.
TEST_F(CliTest, JudgmentAccrualPeriodFlags) {
  Seed();
  const CliRun help = Cli({"order", "add", "--help"}, false);
  EXPECT_NE(help.out.find("--judgment-accrued-from"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--judgment-accrued-through"), std::string::npos) << help.out;
  auto add = [&](std::vector<std::string> extra, bool judgment = true) {
    std::vector<std::string> args{
        "--json",          "order",    "add",   "--case",      "CASE-000001", "--type",
        "arrears_payback", "--amount", "50.00", "--effective", "2024-03-01"};
    if (judgment) args.insert(args.end(), {"--judgment", "2400.00"});
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  };
  struct Bad {
    std::vector<std::string> flags;
    bool judgment;
    const char* code;
    const char* says;
  };
  const std::vector<Bad> bad{
      {{"--judgment-accrued-from", "2023-01-01"},
       true,
       "order_judgment_period_incomplete",
       "has no accrued_through"},
      {{"--judgment-accrued-from", "2023-13-01", "--judgment-accrued-through", "2023-12-31"},
       true,
       "date_malformed",
       "--judgment-accrued-from"},
      {{"--judgment-accrued-from", "2023-01-01", "--judgment-accrued-through", "31/12/2023"},
       true,
       "date_malformed",
       "--judgment-accrued-through"},
      {{"--judgment-accrued-from", "2023-12-31", "--judgment-accrued-through", "2023-01-01"},
       true,
       "order_judgment_period_reversed",
       "is after accrued_through"},
      {{"--judgment-accrued-from", "2023-01-01", "--judgment-accrued-through", "2024-03-02"},
       true,
       "order_judgment_period_after_effective",
       "effective date 2024-03-01"},
      {{"--judgment-accrued-from", "2023-01-01", "--judgment-accrued-through", "2023-12-31"},
       false,
       "order_judgment_period_without_judgment",
       "needs a judgment amount"},
  };
  for (const Bad& b : bad) {
    const CliRun r = add(b.flags, b.judgment);
    EXPECT_EQ(r.code, 1) << b.code;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["code"], b.code) << r.out;
    EXPECT_NE(j["message"].get<std::string>().find(b.says), std::string::npos) << r.out;
  }
  EXPECT_EQ(Cli({"--json", "ledger", "--case", "CASE-000001"}).out.find("arrears_payback"),
            std::string::npos)
      << "a refused order is not written";

  CliRun r =
      add({"--judgment-accrued-from", "2023-01-01", "--judgment-accrued-through", "2023-12-31"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Json::parse(r.out)["id"], "ORD-000002");
  r = Cli({"ledger", "--case", "CASE-000001"});
  EXPECT_NE(r.out.find("judgment 2400.00 (accrued 2023-01-01 to 2023-12-31)"), std::string::npos)
      << r.out;
  r = Cli({"--json", "audit", "verify"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["replay"]["mismatches"], 0);
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->ExecForTesting("UPDATE support_order SET judgment_accrued_from = "
                                     "'2023-02-01' WHERE id = 2")
                    .ok());
  }
  r = Cli({"--json", "audit", "verify"});
  EXPECT_EQ(r.code, 1) << r.out;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["intact"], true);
  EXPECT_EQ(j["replay"]["mismatches"], 1);
  EXPECT_EQ(j["replay"]["problems"][0],
            "support_order 2 (CASE-000001): judgment_accrued_from is 2023-02-01 in the store, "
            "2023-01-01 in the audit trail");
}

TEST_F(CliTest, ExitCodesForUsageAndStorageErrors) {
  EXPECT_EQ(Cli({"post-payment", "--case", "CASE-000001"}, false).code, 2);
  EXPECT_EQ(Cli({"no-such-command"}, false).code, 2);
  const CliRun r = Cli({"ledger", "--case", "CASE-000001"});  // database not created yet
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("db_not_found"), std::string::npos);
  // A zero-byte file (a failed copy or restore) is no database: before 2026-12-04 every
  // command built a new, empty one in it, and `audit verify` and `batch nightly` reported
  // success. `init` may still create one there.
  { std::ofstream(db_, std::ios::trunc); }
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"audit", "verify"},
                                             {"batch", "nightly", "--as-of", "2024-06-30"},
                                             {"ledger", "--case", "CASE-000001"}}) {
    const CliRun empty = Cli(args);
    EXPECT_EQ(empty.code, 3) << args[0];
    EXPECT_NE(empty.err.find("db_empty"), std::string::npos) << empty.err;
    EXPECT_EQ(std::filesystem::file_size(db_), 0u) << args[0];
  }
  EXPECT_EQ(Cli({"init"}).code, 0);
  EXPECT_EQ(Cli({"audit", "verify"}).code, 0);
}

// An empty value is never taken for "not given": --db "" would init nothing and report
// success, and --today "" or --as-of "" would silently mean today.
TEST_F(CliTest, EmptyValuesAndABadActingUserAreRefusedBeforeAnyWrite) {
  Seed();
  CliRun r = testing::RunOpencse({"--db", "", "--json", "init"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "db_path_missing") << r.out;
  r = testing::RunOpencse({"--db", db_, "--today", "", "--json", "ledger", "--case", "1"});
  EXPECT_EQ(Json::parse(r.out)["code"], "date_malformed") << r.out;
  r = Cli({"--json", "ledger", "--case", "1", "--as-of", ""});
  EXPECT_EQ(Json::parse(r.out)["code"], "date_malformed") << r.out;
  EXPECT_NE(Json::parse(r.out)["message"].get<std::string>().find("--as-of"), std::string::npos);
  // A day after today would show support not yet due as arrears (QA probe 2026-12-05).
  for (const std::vector<std::string>& who :
       {std::vector<std::string>{"--case", "1"},
        std::vector<std::string>{"--obligor", "PRS-000001"}}) {
    std::vector<std::string> args{"--json", "ledger"};
    args.insert(args.end(), who.begin(), who.end());
    args.insert(args.end(), {"--as-of", "2024-07-01"});
    r = Cli(args);
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_EQ(Json::parse(r.out)["code"], "date_in_future") << r.out;
    args.back() = "2024-06-30";
    EXPECT_EQ(Cli(args).code, 0) << who[0];
  }
  r = Cli({"--json", "case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002",
           "--opened", ""});
  EXPECT_EQ(Json::parse(r.out)["code"], "date_malformed") << r.out;

  const std::vector<std::string> post{"post-payment", "--case", "CASE-000001", "--amount",
                                      "5.00",         "--date", "2024-06-01",  "--source",
                                      "direct",       "--key",  "U-1"};
  for (const std::string& user : {std::string(""), std::string("  "), std::string("q\xFF"),
                                  std::string("q\x1b[31m"), std::string(100000, 'u')}) {
    std::vector<std::string> args{"opencse",    "--db",   db_,  "--today",
                                  "2024-06-30", "--user", user, "--json"};
    args.insert(args.end(), post.begin(), post.end());
    r = testing::RunArgv(args);
    EXPECT_EQ(r.code, 1) << user.substr(0, 10);
    EXPECT_EQ(Json::parse(r.out)["code"], "user_invalid") << r.out;
  }
  r = Cli({"--json", "ledger", "--case", "CASE-000001"});
  EXPECT_TRUE(Json::parse(r.out)["collections"].empty()) << "nothing was posted";
}

TEST_F(CliTest, UsageErrorsNameWhatWasWrong) {
  Seed();
  CliRun r = Cli({"bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown subcommand 'bogus'"), std::string::npos) << r.err;
  r = Cli({"party", "bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown subcommand 'bogus'"), std::string::npos) << r.err;
  r = Cli({"--json", "--json", "ledger", "--case", "1"});
  EXPECT_EQ(r.code, 2) << "an option given twice is a usage error (CLI.md)";
  r = Cli({"unidentified", "resolve", "0", "--case", "1", "--reason", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'0' is not a whole number of at least 1"), std::string::npos) << r.err;
  r = Cli({"--json", "score", "--case", "1", "--all"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "score_target_conflict") << r.out;
  r = Cli({"--json", "score", "--case", "1", "--as-of", "2024-07-01"});
  EXPECT_EQ(Json::parse(r.out)["code"], "date_in_future") << r.out;
}

// A report or error that echoes a malformed byte of its input stays valid JSON: before, the
// serializer threw and the import's report was lost although its good rows were committed.
TEST_F(CliTest, InvalidUtf8InAFileNeverCostsTheReport) {
  Seed();
  const std::string csv = dir_.path("u.csv");
  std::ofstream(csv) << "key,case_id,amount,date,source\n"
                     << "U-OK,CASE-000001,10.00,2024-06-01,direct\n"
                     << "U-BAD,CASE-000001,10\xff,2024-06-01,direct\n";
  CliRun r = Cli({"--json", "import", "payments", csv});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const Json report = Json::parse(r.out);  // throws, failing the test, if not JSON
  EXPECT_EQ(report["created"], 1) << r.out;
  ASSERT_EQ(report["rejections"].size(), 1u) << r.out;
  EXPECT_EQ(report["rejections"][0]["field"], "amount") << r.out;
  r = Cli({"--json", "ledger", "--case", "1\xff"});
  EXPECT_EQ(Json::parse(r.out)["code"], "id_malformed") << r.out;
  r = Cli({"--json", "party", "add", "--first", "A", "--last", "\xff"});
  EXPECT_EQ(Json::parse(r.out)["code"], "text_invalid_utf8") << r.out;

  // A directory or a device is not a payments file; an overlong first line is not echoed.
  r = Cli({"--json", "import", "payments", dir_.dir().string()});
  EXPECT_EQ(Json::parse(r.out)["code"], "file_not_regular") << r.out;
  r = Cli({"--json", "import", "payments", "/dev/zero"});
  EXPECT_EQ(Json::parse(r.out)["code"], "file_not_regular") << r.out;
  r = Cli({"--json", "import", "newhire", dir_.dir().string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "file_not_regular") << r.out;
  const std::string wide = dir_.path("wide.csv");
  std::ofstream(wide) << std::string(100000, 'k') << "\n";
  r = Cli({"--json", "import", "payments", wide});
  EXPECT_EQ(Json::parse(r.out)["code"], "csv_header_invalid") << r.out.substr(0, 300);
  EXPECT_LT(r.out.size(), 400u);
}

// A file a command writes is never the database, and never replaces a file without
// --overwrite: `iwo pdf 1 --out opencse.db` replaced a 132 MB database with a 2.5 KB PDF, and
// a second e-IWO export to the same name replaced a file whose IWOs were marked sent.
TEST_F(CliTest, OutputFilesNeverReplaceTheDatabaseOrAnExistingFile) {
  Seed();
  const std::vector<std::string> pdf{"--json",          "iwo", "pdf", "IWO-000001",
                                     "--issuing-state", "Ohio"};
  auto with_out = [&](std::vector<std::string> args, const std::string& out,
                      bool overwrite = false) {
    args.insert(args.end(), {"--out", out});
    if (overwrite) args.push_back("--overwrite");
    return Cli(args);
  };
  CliRun r = with_out(pdf, db_);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "out_is_database") << r.out;
  EXPECT_EQ(Json::parse(with_out(pdf, db_, true).out)["code"], "out_is_database");
  EXPECT_EQ(Json::parse(with_out(pdf, db_ + "-wal", true).out)["code"], "out_is_database");
  const std::vector<std::string> eiwo{"--json", "iwo",          "export-eiwo", "--issuing-state",
                                      "Ohio",   "--state-fips", "39"};
  EXPECT_EQ(Json::parse(with_out(eiwo, db_, true).out)["code"], "out_is_database");
  // A relative name of one of the database's files, from the database's folder: an anchor
  // written over "<db>-access" broke the access log (QA probe), one over "<db>-wal" was lost.
  {
    const std::filesystem::path before = std::filesystem::current_path();
    std::filesystem::current_path(dir_.dir());
    const std::string name = std::filesystem::path(db_).filename().string();
    for (const std::string suffix : {"-access", "-wal", "-access-000002", ""}) {
      CliRun rel = Cli({"--json", "audit", "anchor", "--out", name + suffix, "--overwrite"});
      EXPECT_EQ(Json::parse(rel.out)["code"], "out_is_database") << suffix << " " << rel.out;
    }
    std::filesystem::current_path(before);
  }
  EXPECT_EQ(Json::parse(with_out(pdf, dir_.dir().string()).out)["code"], "out_is_directory");
  const std::string earlier = dir_.path("earlier.pdf");
  std::ofstream(earlier) << "an earlier document";
  EXPECT_EQ(Json::parse(with_out(pdf, earlier).out)["code"], "out_exists");
  EXPECT_EQ(Json::parse(with_out(eiwo, earlier).out)["code"], "out_exists");
  // With --overwrite the path passes and the command goes on to its own checks.
  EXPECT_EQ(Json::parse(with_out(pdf, earlier, true).out)["code"], "iwo_not_found");
  std::ifstream kept(earlier);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "an earlier document");
  // The database is intact.
  r = Cli({"--json", "ledger", "--case", "CASE-000001"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // A file name that is not UTF-8 cannot be recorded in a report or the audit trail.
  r = Cli({"--json", "import", "payments", dir_.path("pay\xff.csv")});
  EXPECT_EQ(Json::parse(r.out)["code"], "file_name_invalid") << r.out;
}

// Follow-ups 2026-12-05: post-payment's text says how much of the family's money was passed
// through (before, only the JSON's passed_through did), and the payment event's `enforcement`
// object, of post-payment and import payments, counts the open tasks whose stake it refreshed
// (tasks_refreshed), in text too.
TEST_F(CliTest, PostPaymentShowsPassThroughAndRefreshedTasks) {
  ASSERT_EQ(Cli({"init"}).code, 0);
  for (const char* first : {"Sam", "Ana", "Kim"}) {
    ASSERT_EQ(Cli({"party", "add", "--first", first, "--last", "Doe"}).code, 0);
  }
  ASSERT_EQ(Cli({"config", "set", "distribution.pass_through_one_child", "50.00"}).code, 0);
  ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002", "--child",
                 "PRS-000003", "--type", "current_assistance", "--assistance-from", "2024-01-01",
                 "--monthly-grant", "1000.00", "--opened", "2024-01-01"})
                .code,
            0);
  ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000001", "--amount", "400.00", "--effective",
                 "2024-01-01"})
                .code,
            0);
  // January to May unpaid: a review task staking 2,000.00 of arrears.
  ASSERT_EQ(Cli({"batch", "nightly", "--as-of", "2024-06-30"}).code, 0);
  // 400.00 to June (50.00 of it passed through to the family), 600.00 to the arrears.
  CliRun r = Cli({"post-payment", "--case", "CASE-000001", "--amount", "1000.00", "--date",
                  "2024-06-05", "--source", "direct", "--key", "PT-1"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("): family 50.00 (pass-through 50.00), state 475.00, federal 475.00"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  open tasks refreshed: 1\n"), std::string::npos) << r.out;
  // No pass-through: nothing said.
  r = Cli({"--json", "post-payment", "--case", "CASE-000001", "--amount", "100.00", "--date",
           "2024-06-06", "--source", "direct", "--key", "PT-2"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["distribution"]["passed_through"], "0.00");
  EXPECT_EQ(j["enforcement"]["tasks_refreshed"], 1) << r.out;  // 1,400.00 -> 1,300.00
  r = Cli({"post-payment", "--case", "CASE-000001", "--amount", "100.00", "--date", "2024-06-06",
           "--source", "direct", "--key", "PT-2"});
  EXPECT_EQ(r.out.find("pass-through"), std::string::npos) << r.out;
  // An import's event: the same count in its object and its text line.
  const std::string csv = dir_.path("pt.csv");
  std::ofstream(csv) << "key,case_id,amount,date,source\n"
                     << "PT-3,CASE-000001,100.00,2024-06-07,direct\n";
  r = Cli({"--json", "import", "payments", csv});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["enforcement"]["tasks_refreshed"], 1) << r.out;
  const std::string csv2 = dir_.path("pt2.csv");
  std::ofstream(csv2) << "key,case_id,amount,date,source\n"
                      << "PT-4,CASE-000001,100.00,2024-06-08,direct\n";
  r = Cli({"import", "payments", csv2});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("0 outreach task(s) closed, 1 open task(s) refreshed, 0 recommendation"),
            std::string::npos)
      << r.out;
}

TEST_F(CliTest, ReverseAndAuditVerify) {
  Seed();
  ASSERT_EQ(Cli({"post-payment", "--case", "CASE-000001", "--amount", "250.00", "--date",
                 "2024-02-10", "--source", "withholding", "--key", "w1"})
                .code,
            0);
  CliRun r = Cli({"reverse-payment", "--key", "w1", "--date", "2024-02-15", "--reason", "NSF"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = Cli({"--json", "audit", "verify"});
  EXPECT_EQ(r.code, 0);
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["intact"], true);
  EXPECT_EQ(j["replay"]["mismatches"], 0);
  r = Cli({"--json", "config", "list"});
  EXPECT_EQ(Json::parse(r.out)["distribution.assignment_model"], "dra");
}

TEST_F(CliTest, SimulateRejectsNonsenseBeforeWritingAnything) {
  struct Bad {
    std::vector<std::string> args;
    int code;
    std::string reason;  // empty for CLI usage errors
  };
  const std::vector<Bad> cases{
      {{"simulate", "--cases", "-5", "--as-of", "2024-06-30"}, 2, ""},
      {{"simulate", "--cases", "10", "--months", "0", "--as-of", "2024-06-30"}, 2, ""},
      {{"simulate", "--cases", "ten", "--as-of", "2024-06-30"}, 2, ""},
      {{"simulate", "--cases", "10", "--as-of", "2150-01-01"}, 1, "sim_as_of_in_future"},
      {{"simulate", "--cases", "10", "--as-of", "2024-02-30"}, 1, "date_malformed"},
      {{"simulate", "--cases", "10"}, 1, "sim_as_of_missing"},
      {{"simulate", "--cases", "10", "--as-of", "2024-06-30", "--shock", "meteor@2024-03"},
       1,
       "sim_shock_invalid"},
      {{"simulate", "--cases", "10", "--as-of", "2024-06-30", "--shock", "recession@2019-01"},
       1,
       "sim_shock_outside_window"},
      {{"simulate"}, 1, "sim_nothing_to_do"},
  };
  for (const Bad& b : cases) {
    std::vector<std::string> args{"--json"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, b.code) << b.args.back();
    if (!b.reason.empty()) {
      EXPECT_EQ(Json::parse(r.out)["code"], b.reason) << r.out;
    }
    EXPECT_FALSE(std::filesystem::exists(db_)) << "a database was created for " << b.args.back();
  }
  EXPECT_EQ(Cli({"simulate", "--report"}).code, 3);  // no database
  ASSERT_EQ(Cli({"init"}).code, 0);
  const CliRun no_run = Cli({"--json", "simulate", "--report"});
  EXPECT_EQ(no_run.code, 1);
  EXPECT_EQ(Json::parse(no_run.out)["code"], "sim_no_run");
}

TEST_F(CliTest, SimulateJsonContractAndReport) {
  const CliRun r = Cli({"--json", "simulate", "--cases", "40", "--months", "6", "--seed", "3",
                        "--as-of", "2024-06-30"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["cases"], 40);
  for (const char* k : {"obligors", "persons", "orders", "employers", "jobs", "events", "payments",
                        "reversals", "truth_rows", "seconds"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_GT(j["payments"].get<int64_t>(), 40);
  EXPECT_EQ(Cli({"simulate", "--cases", "40", "--as-of", "2024-06-30"}).code, 1);  // not empty

  const std::string md = dir_.path("report.md");
  const CliRun rep = Cli({"--json", "simulate", "--report", "--report-markdown", md});
  // 40 cases are too few to be calibrated: the report says so with exit status 1.
  EXPECT_TRUE(rep.code == 0 || rep.code == 1) << rep.out;
  const Json report = Json::parse(rep.out);
  ASSERT_TRUE(report["calibration"].is_array());
  EXPECT_GE(report["calibration"].size(), 15u);
  EXPECT_EQ(report["all_within"].get<bool>(), rep.code == 0);
  for (const Json& row : report["calibration"]) {
    for (const char* k :
         {"measure", "simulated_percent", "band_low", "band_high", "target", "source", "within"}) {
      EXPECT_TRUE(row.contains(k)) << k;
    }
  }
  std::ifstream f(md);
  std::string first_line;
  std::getline(f, first_line);
  EXPECT_EQ(first_line, "| Measure | National figure | Source | Band | Simulated | Status |");
}

TEST_F(CliTest, ModelTrainScoreContracts) {
  ASSERT_EQ(Cli({"init"}).code, 0);
  // Before any model: clear errors.
  const CliRun none = Cli({"--json", "score", "--case", "CASE-000001"});
  EXPECT_EQ(none.code, 1);
  EXPECT_EQ(Json::parse(none.out)["code"], "model_none_active");
  EXPECT_EQ(Json::parse(Cli({"--json", "score"}).out)["code"], "score_target_missing");
  EXPECT_EQ(Json::parse(Cli({"--json", "model", "evaluate"}).out)["code"], "model_none_active");
  std::filesystem::remove(db_);

  ASSERT_EQ(
      Cli({"simulate", "--cases", "800", "--months", "18", "--seed", "4", "--as-of", "2024-06-30"})
          .code,
      0);
  const CliRun train = Cli({"--json", "model", "train", "--as-of", "2024-06-30", "--rounds", "40"});
  ASSERT_EQ(train.code, 0) << train.out << train.err;
  const Json t = Json::parse(train.out);
  const std::string version = t["version"];
  EXPECT_EQ(version.rfind("risk-2024-06-30-", 0), 0u);
  EXPECT_TRUE(t["active"].get<bool>());
  for (const char* k : {"test", "rule_two_missed_months", "logistic_scorecard", "rule_flag"}) {
    EXPECT_TRUE(t["metrics"].contains(k)) << k;
  }
  EXPECT_GT(t["metrics"]["test"]["roc_auc"].get<double>(), 0.8);
  // The same data and parameters give the same model: registering it again is refused.
  const CliRun again = Cli({"--json", "model", "train", "--as-of", "2024-06-30", "--rounds", "40"});
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(Json::parse(again.out)["code"], "model_exists");

  const Json list = Json::parse(Cli({"--json", "model", "list"}).out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["version"], version);
  EXPECT_TRUE(list[0]["active"].get<bool>());
  const Json eval = Json::parse(Cli({"--json", "model", "evaluate"}).out);
  EXPECT_EQ(eval["version"], version);
  EXPECT_EQ(eval["metrics"]["test"], t["metrics"]["test"]);

  const CliRun one = Cli({"--json", "score", "--case", "CASE-000003", "--as-of", "2024-06-30"});
  ASSERT_EQ(one.code, 0) << one.out;
  const Json j = Json::parse(one.out);
  EXPECT_EQ(j["case_id"], "CASE-000003");
  const double p = j["risk_score"];
  EXPECT_GE(p, 0.0);
  EXPECT_LE(p, 1.0);
  const int s100 = j["risk_score_100"];
  EXPECT_GE(s100, 1);
  EXPECT_LE(s100, 100);
  EXPECT_TRUE(j["risk_tier"] == "LOW" || j["risk_tier"] == "MEDIUM" || j["risk_tier"] == "HIGH");
  EXPECT_TRUE(j["recommended_action"].is_null());
  EXPECT_GE(j["confidence"].get<double>(), 0.5);
  ASSERT_TRUE(j["key_factors"].is_array());
  ASSERT_FALSE(j["key_factors"].empty());
  for (const Json& k : j["key_factors"]) {
    EXPECT_FALSE(k["code"].get<std::string>().empty());
    EXPECT_FALSE(k["text"].get<std::string>().empty());
    EXPECT_TRUE(k["direction"] == "increases_risk" || k["direction"] == "decreases_risk");
  }
  EXPECT_EQ(j["model_version"], version);

  const CliRun unknown = Cli({"--json", "score", "--case", "CASE-999999"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_EQ(Json::parse(unknown.out)["code"], "case_not_found");
  const Json all = Json::parse(Cli({"--json", "score", "--all", "--as-of", "2024-06-30"}).out);
  EXPECT_GT(all["scored"].get<int64_t>(), 600);
  EXPECT_EQ(all["tiers"]["HIGH"].get<int64_t>() + all["tiers"]["MEDIUM"].get<int64_t>() +
                all["tiers"]["LOW"].get<int64_t>(),
            all["scored"].get<int64_t>());
}

}  // namespace
}  // namespace cse
