// `opencse iwo ...` driven in-process: the JSON contract of issue 7, errors and help.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "service/json.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

CliRun Cli(const std::vector<std::string>& args) { return testing::RunOpencse(args); }

const std::vector<std::string> kTexas{"iwo",
                                      "allocate",
                                      "--disposable",
                                      "850.00",
                                      "--supports-second-family",
                                      "yes",
                                      "--arrears-over-12-weeks",
                                      "no",
                                      "--method",
                                      "equal",
                                      "--order",
                                      "100.00:50.00",
                                      "--order",
                                      "200.00:50.00",
                                      "--order",
                                      "50.00:25.00"};

TEST(IwoCliTest, AllocateJsonContract) {
  std::vector<std::string> args = kTexas;
  args.push_back("--json");
  // No database is needed: point --db at a path that does not exist.
  args.insert(args.begin(), {"--db", "/nonexistent/dir/x.db"});
  const CliRun r = Cli(args);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j, Json::parse(R"({"limit": "425.00", "total": "425.00", "orders": [
      {"current": "100.00", "arrears": "25.00"},
      {"current": "200.00", "arrears": "25.00"},
      {"current": "50.00", "arrears": "25.00"}]})"));
  EXPECT_FALSE(std::filesystem::exists("/nonexistent/dir/x.db"));
}

TEST(IwoCliTest, AllocateGlobalJsonFlagAndText) {
  std::vector<std::string> args = kTexas;
  args.insert(args.begin(), "--json");
  CliRun r = Cli(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["total"], "425.00");
  r = Cli(kTexas);
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("limit 425.00  withheld 425.00"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not withheld (the employee's responsibility): 50.00"), std::string::npos);
}

TEST(IwoCliTest, AllocateProrateWithAgedArrears) {
  const CliRun r = Cli({"iwo", "allocate", "--disposable", "1000", "--supports-second-family", "no",
                        "--arrears-over-12-weeks", "yes", "--method", "prorate", "--order",
                        "300:200", "--order", "100:200", "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  // Limit 65% = 650: current 400 paid, 250 over arrears 200:200 = 125 each.
  EXPECT_EQ(Json::parse(r.out), Json::parse(R"({"limit": "650.00", "total": "650.00", "orders": [
      {"current": "300.00", "arrears": "125.00"}, {"current": "100.00", "arrears": "125.00"}]})"));
}

TEST(IwoCliTest, AllocateBadInputNamesTheFlag) {
  struct Bad {
    std::vector<std::string> replace;  // flag, new value
    std::string reason;
    std::string mentions;
  };
  const Bad cases[] = {
      {{"--disposable", "85O.00"}, "amount_malformed", "--disposable"},
      {{"--disposable", "-1"}, "amount_negative", "--disposable"},
      {{"--supports-second-family", "maybe"}, "yes_no_invalid", "--supports-second-family"},
      {{"--arrears-over-12-weeks", "Y"}, "yes_no_invalid", "--arrears-over-12-weeks"},
      {{"--method", "first-come"}, "allocation_method_invalid", "--method"},
      {{"--order", "100.00"}, "order_malformed", "--order #1"},
      {{"--order", "100.00:5.001"}, "amount_too_many_decimals", "--order #1 arrears"},
      {{"--order", "0:0"}, "order_amount_zero", "order 1"},
  };
  for (const Bad& b : cases) {
    std::vector<std::string> args = kTexas;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == b.replace[0]) {
        args[i + 1] = b.replace[1];
        break;
      }
    }
    args.insert(args.begin(), "--json");
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, 1) << b.reason;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["code"], b.reason);
    EXPECT_NE(j["message"].get<std::string>().find(b.mentions), std::string::npos) << j["message"];
  }
  // A missing required flag is a usage error.
  EXPECT_EQ(Cli({"iwo", "allocate", "--disposable", "1"}).code, 2);
}

TEST(IwoCliTest, EveryIwoCommandHasHelp) {
  for (const std::vector<std::string>& c :
       std::vector<std::vector<std::string>>{{"iwo"},
                                             {"iwo", "allocate"},
                                             {"iwo", "list"},
                                             {"iwo", "reviews"},
                                             {"import", "newhire"},
                                             {"import", "payments"},
                                             {"iwo", "config", "set"},
                                             {"iwo", "config", "list"},
                                             {"offset", "certify"}}) {
    std::vector<std::string> args = c;
    args.push_back("--help");
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
}

// A database end to end: a new-hire file issues an IWO visible in `iwo list` with its
// deadline, and the obligor appears on the offset certification list.
TEST(IwoCliTest, NewHireFileToIwoListAndOffsetList) {
  const testing::ScratchDir dir("iwo_cli");
  const std::string db = dir.path("opencse.db");
  const std::string file = dir.path("newhire.w4");
  const std::vector<std::string> base{"--db", db, "--today", "2024-06-28", "--user", "clerk"};
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return Cli(args);
  };
  ASSERT_EQ(run({"init"}).code, 0);
  ASSERT_EQ(run({"party", "add", "--first", "Sam", "--last", "Doe", "--ssn", "123456789"}).code, 0);
  ASSERT_EQ(run({"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
  ASSERT_EQ(run({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).code, 0);
  ASSERT_EQ(run({"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                 "2024-01-01"})
                .code,
            0);
  std::string rec(801, ' ');
  for (const auto& [pos, text] : std::vector<std::pair<int, std::string>>{{1, "W4"},
                                                                          {3, "123456789"},
                                                                          {12, "SAM"},
                                                                          {44, "DOE"},
                                                                          {280, "20240610"},
                                                                          {290, "111111111"}}) {
    rec.replace(static_cast<size_t>(pos - 1), text.size(), text);
  }
  {
    std::ofstream out(file);
    out << "H404         W4 0120240627000001\n" << rec << "\n";
  }
  // State options: a state holiday on Monday 2024-07-01 moves the deadline a day; a state that
  // converts monthly to biweekly as half a month.
  CliRun r = run({"--json", "iwo", "config", "set", "iwo.state_holidays", "2024-07-01"});
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_EQ(run({"iwo", "config", "set", "iwo.conversion.biweekly", "1/2"}).code, 0);
  r = run({"--json", "iwo", "config", "set", "iwo.conversion.weekly", "12/0"});
  EXPECT_EQ(Json::parse(r.out)["code"], "conversion_factor_invalid");
  r = run({"--json", "iwo", "config", "set", "iwo.due_business_days", "31"});
  EXPECT_EQ(Json::parse(r.out)["code"], "due_days_invalid");
  r = run({"--json", "iwo", "config", "set", "iwo.state_holidays", "2024-13-01"});
  EXPECT_EQ(Json::parse(r.out)["code"], "holiday_invalid");
  r = run({"--json", "iwo", "config", "set", "iwo.grace", "1"});
  EXPECT_EQ(Json::parse(r.out)["code"], "iwo_config_key_unknown");
  r = run({"--json", "iwo", "config", "list"});
  EXPECT_EQ(Json::parse(r.out)["iwo.conversion.weekly"], "12/52");
  EXPECT_EQ(Json::parse(r.out)["iwo.conversion.biweekly"], "1/2");
  EXPECT_EQ(Json::parse(r.out)["iwo.due_business_days"], "2");

  r = run({"--json", "import", "newhire", file});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["matched"], 1);
  EXPECT_EQ(j["iwos_issued"], 1);
  EXPECT_EQ(j["iwo_already_active"], 0);
  EXPECT_EQ(j["iwo_previously_ended"], 0);
  EXPECT_EQ(j["due_date"], "2024-07-03");
  EXPECT_EQ(j["iwos"][0]["id"], "IWO-000001");
  EXPECT_EQ(j["iwos"][0]["arrears_over_12_weeks"], true);

  r = run({"--json", "iwo", "list"});
  ASSERT_EQ(r.code, 0) << r.out;
  j = Json::parse(r.out);
  ASSERT_EQ(j["iwos"].size(), 1u);
  EXPECT_EQ(j["iwos"][0]["status"], "pending");
  EXPECT_EQ(j["iwos"][0]["due_date"], "2024-07-03");
  EXPECT_EQ(j["iwos"][0]["overdue"], false);
  EXPECT_EQ(j["iwos"][0]["per_pay_period"]["weekly"]["current"], "115.38");
  EXPECT_EQ(j["iwos"][0]["per_pay_period"]["biweekly"]["current"], "250.00");
  // The day after the deadline it is overdue.
  r = Cli({"--db", db, "--today", "2024-07-04", "--json", "iwo", "list", "--overdue"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["iwos"][0]["overdue"], true);

  // A day after today would certify support not yet due (QA probe 2026-12-05: a demo obligor
  // who owed nothing was certified for 15,298.71 as of a year ahead); so would the other
  // report commands' --as-of.
  for (const std::vector<std::string>& report :
       {std::vector<std::string>{"offset", "certify"},
        std::vector<std::string>{"unidentified", "report"},
        std::vector<std::string>{"unidentified", "list"},
        std::vector<std::string>{"iwo", "export-eiwo", "--out", file + ".eiwo"}}) {
    std::vector<std::string> args{"--json"};
    args.insert(args.end(), report.begin(), report.end());
    args.insert(args.end(), {"--as-of", "2024-06-29"});
    r = run(args);
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_EQ(Json::parse(r.out)["code"], "date_in_future") << r.out;
    EXPECT_FALSE(std::filesystem::exists(file + ".eiwo"));
  }
  r = run({"--json", "offset", "certify", "--as-of", "2024-06-28"});
  ASSERT_EQ(r.code, 0) << r.out;
  j = Json::parse(r.out);
  ASSERT_EQ(j["certified"].size(), 1u);
  EXPECT_EQ(j["certified"][0]["non_assigned"], "2500.00");  // January to May
  EXPECT_EQ(j["certified"][0]["assigned"], "0.00");
  EXPECT_EQ(j["certified"][0]["certify_non_assigned"], true);

  // Its IWO ended: a re-run issues none and counts the hire as previously ended, not as an IWO
  // already active (before, `iwo_already_active` counted both).
  r = run({"iwo", "terminate", "--iwo", "IWO-000001", "--reason", "order_ended", "--date",
           "2024-06-28"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = run({"--json", "import", "newhire", file});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["iwos_issued"], 0);
  EXPECT_EQ(j["iwo_already_active"], 0);
  EXPECT_EQ(j["iwo_previously_ended"], 1);
  r = run({"import", "newhire", file});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("IWO already active 0; IWO previously ended or rejected 1;"),
            std::string::npos)
      << r.out;

  r = run({"--json", "import", "newhire", file, "--layout", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "layout_file_not_found");
}

// No FILE is a usage error, exit 2 as CLI.md "Output and exit codes" says (before 2026-12-05
// exit 1), checked before the other arguments; --print-layout needs none.
TEST(IwoCliTest, ImportNewHireWithoutAFileIsAUsageError) {
  const testing::ScratchDir dir("iwo_cli_usage");
  const std::string db = dir.path("opencse.db");
  ASSERT_EQ(Cli({"--db", db, "init"}).code, 0);
  CliRun r = Cli({"--db", db, "--json", "import", "newhire"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(Json::parse(r.out)["code"], "file_missing");
  r = Cli({"--db", db, "import", "newhire", "--layout", "nope"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("file_missing"), std::string::npos) << r.err;
  EXPECT_EQ(Cli({"import", "newhire", "--print-layout"}).code, 0);
  r = Cli({"import", "newhire", "--help"});
  EXPECT_NE(r.out.find("2 a usage error (no FILE without --print-layout: file_missing)"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace cse
