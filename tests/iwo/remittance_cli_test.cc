// `opencse import remittance` and `opencse unidentified list` end to end on a database file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "service/json.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

CliRun Cli(const std::vector<std::string>& args) { return testing::RunOpencse(args); }

TEST(RemittanceCliTest, ImportPostsHoldsAndListsHeldPayments) {
  const testing::ScratchDir dir("rem_cli");
  const std::string db = dir.path("opencse.db");
  const auto run = [&](const std::string& today, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--today", today, "--user", "clerk"});
    return Cli(args);
  };
  const std::string day = "2024-06-14";
  ASSERT_EQ(run(day, {"init"}).code, 0);
  ASSERT_EQ(
      run(day, {"party", "add", "--first", "Sam", "--last", "Doe", "--ssn", "123456789"}).code, 0);
  ASSERT_EQ(run(day, {"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
  ASSERT_EQ(run(day, {"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).code,
            0);
  ASSERT_EQ(run(day, {"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                      "2024-01-01"})
                .code,
            0);
  const std::string good = dir.path("good.csv");
  {
    std::ofstream out(good);
    out << "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
           "P1,111111111,2024-06-07,123456789,,250.00\n"
           "P2,111111111,2024-06-07,999887777,,75.25\n";
  }
  CliRun r = run(day, {"--json", "import", "remittance", good});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["posted"], 1);
  EXPECT_EQ(j["posted_amount"], "250.00");
  EXPECT_EQ(j["held"], 1);
  EXPECT_EQ(j["held_amount"], "75.25");
  EXPECT_EQ(j["held_lines"][0]["reason"], "ssn_not_found");
  EXPECT_EQ(j["held_lines"][0]["line"], 3);
  // The posted line reaches the enforcement workflow's payment events, once per obligor.
  ASSERT_TRUE(j.contains("enforcement")) << r.out;
  EXPECT_EQ(j["enforcement"]["obligors"], 1);
  // A resend posts nothing, so no events run.
  r = run(day, {"--json", "import", "remittance", good});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Json::parse(r.out)["already_posted"], 1);
  EXPECT_FALSE(Json::parse(r.out).contains("enforcement")) << r.out;

  r = run("2024-06-24", {"--json", "unidentified", "list", "--as-of", "2024-06-24"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["count"], 1);
  EXPECT_EQ(j["total"], "75.25");
  EXPECT_EQ(j["oldest_days"], 10);
  EXPECT_EQ(j["payments"][0]["key"], "REM-111111111-P2");
  EXPECT_EQ(j["payments"][0]["ssn_last4"], "7777");
  EXPECT_EQ(j["payments"][0]["days_held"], 10);

  const std::string bad = dir.path("bad.csv");
  {
    std::ofstream out(bad);
    out << "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
           "P3,111111111,2024-06-07,123456789,,10.00\n"
           "P4,111111111,2024-06-07,123456789,,ten\n";
  }
  r = run(day, {"import", "remittance", bad});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("nothing was written"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rejected line 3 field amount: amount_malformed"), std::string::npos)
      << r.out;
  // P3 was not written: importing it alone now posts it (not "already posted").
  {
    std::ofstream out(bad);
    out << "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
           "P3,111111111,2024-06-07,123456789,,10.00\n";
  }
  r = run(day, {"--json", "import", "remittance", bad});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["posted"], 1);
  // Resending the first file posts and holds nothing again.
  r = run(day, {"--json", "import", "remittance", good});
  ASSERT_EQ(r.code, 0) << r.out;
  j = Json::parse(r.out);
  EXPECT_EQ(j["posted"], 0);
  EXPECT_EQ(j["already_posted"], 1);
  EXPECT_EQ(j["already_held"], 1);
  r = run(day, {"import", "remittance", good});
  EXPECT_NE(r.out.find("ssn_not_found (already held)"), std::string::npos) << r.out;
  // Once a caseworker resolved the held line, a resend says so, not "already held".
  r = run(day, {"unidentified", "resolve", "1", "--refund", "--reason", "returned"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = run(day, {"import", "remittance", good});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ssn_not_found (already resolved (refunded))"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(already held)"), std::string::npos) << r.out;
  r = run(day, {"--json", "import", "remittance", good});
  EXPECT_EQ(Json::parse(r.out)["held_lines"][0]["resolution"], "refunded") << r.out;

  r = run(day, {"import", "remittance", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("line_ref,employer_fein,pay_date,ssn,case_id,amount"), std::string::npos);
  // The help said a bad argument exits 1; a usage error exits 2, as documented in CLI.md.
  EXPECT_NE(r.out.find("2 a usage\nerror (no FILE"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("or a bad argument"), std::string::npos) << r.out;
  EXPECT_EQ(run(day, {"import", "remittance"}).code, 2);
  EXPECT_EQ(run(day, {"import", "remittance", good, "extra"}).code, 2);
  r = run(day, {"import", "remittance", dir.path("missing.csv")});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("file_not_found"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cse
