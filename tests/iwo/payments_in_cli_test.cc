// `opencse import ded`, `opencse import sdu` end to end on a database file: exit codes, JSON
// reports, re-import idempotency, a refused file names the record and field.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "service/json.h"
#include "testing/ach_builder.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

CliRun Cli(const std::vector<std::string>& args) { return testing::RunOpencse(args); }

class PaymentsInCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path("opencse.db");
    ASSERT_EQ(Run({"init"}).code, 0);
    ASSERT_EQ(Run({"party", "add", "--first", "Sam", "--last", "Doe", "--ssn", "123456789"}).code,
              0);
    ASSERT_EQ(Run({"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
    ASSERT_EQ(Run({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).code, 0);
    ASSERT_EQ(Run({"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                   "2024-01-01"})
                  .code,
              0);
  }
  CliRun Run(std::vector<std::string> args, const std::string& today = "2024-06-14") {
    args.insert(args.begin(), {"--db", db_, "--today", today, "--user", "clerk"});
    return Cli(args);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  testing::ScratchDir dir_{"payin_cli"};  // the database and every file Write() makes
  std::string db_;
};

TEST_F(PaymentsInCliTest, ImportDedPostsHoldsAndIsIdempotent) {
  const std::string ach =
      Write("a.ach", testing::AchBuilder()
                         .Batch("111111111", "240610")
                         .Entry(25'000, 1, {"DED*CS*CASE-000001*240607*0000025000*123456789\\"})
                         .Entry(7'525, 2, {"DED*CS*ST-9*240607*0000007525*999887777\\"})
                         .EndBatch()
                         .Build());
  CliRun r = Run({"--json", "import", "ded", ach});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["committed"], true);
  EXPECT_EQ(j["posted"], 1);
  EXPECT_EQ(j["posted_amount"], "250.00");
  EXPECT_EQ(j["held"], 1);
  EXPECT_EQ(j["held_amount"], "75.25");
  r = Run({"--json", "import", "ded", ach});
  ASSERT_EQ(r.code, 0) << r.out;
  j = Json::parse(r.out);
  EXPECT_EQ(j["posted"], 0);
  EXPECT_EQ(j["already_posted"], 1);
  EXPECT_EQ(j["already_held"], 1);
  r = Run({"import", "ded", ach});
  EXPECT_NE(r.out.find("import ded " + ach), std::string::npos) << r.out;
}

TEST_F(PaymentsInCliTest, ImportDedRefusedFileNamesRecordAndField) {
  std::string text = testing::AchBuilder()
                         .Batch("111111111", "240610")
                         .Entry(25'000, 1, {"DED*CS*CASE-000001*240607*0000025000*12345678\\"})
                         .EndBatch()
                         .Build();
  CliRun r = Run({"--json", "import", "ded", Write("bad.ach", text)});
  EXPECT_EQ(r.code, 1);
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["committed"], false);
  ASSERT_EQ(j["rejections"].size(), 1u);
  EXPECT_EQ(j["rejections"][0]["line"], 4);
  EXPECT_EQ(j["rejections"][0]["field"], "DED05");
  EXPECT_EQ(j["rejections"][0]["code"], "ssn_malformed");
  r = Run({"import", "ded", Write("bad.ach", text)});
  EXPECT_NE(r.out.find("nothing was written"), std::string::npos) << r.out;
  EXPECT_EQ(Run({"import", "ded", dir_.path("missing.ach")}).code, 1);
  // A value outside --amount-format's list, no FILE, an extra argument: usage errors, exit 2,
  // as the help now says (it said a bad argument exits 1).
  EXPECT_EQ(Run({"import", "ded", "--amount-format", "weird", dir_.path("x.ach")}).code, 2);
  EXPECT_EQ(Run({"import", "ded"}).code, 2);
  EXPECT_EQ(Run({"import", "sdu", dir_.path("x.sdu"), "extra"}).code, 2);
  for (const std::string command : {"ded", "sdu"}) {
    r = Run({"import", command, "--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("2 a usage\nerror (no FILE, an unknown option or option value"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("or a bad argument"), std::string::npos) << r.out;
  }
}

TEST_F(PaymentsInCliTest, ImportSduChecksControlTotals) {
  const std::string good = Write("b.sdu",
                                 "H|B1|2024-06-10|2|325.25\n"
                                 "D|1|111111111|2024-06-07|123456789||250.00\n"
                                 "D|2|111111111|2024-06-07|999887777||75.25\n"
                                 "T|B1|2\n");
  CliRun r = Run({"--json", "import", "sdu", good});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["batch_id"], "B1");
  EXPECT_EQ(j["declared_total"], "325.25");
  EXPECT_EQ(j["posted"], 1);
  EXPECT_EQ(j["held"], 1);
  const std::string bad = Write("c.sdu",
                                "H|B2|2024-06-10|2|300.00\n"
                                "D|1|111111111|2024-06-07|123456789||250.00\n"
                                "D|2|111111111|2024-06-07|999887777||75.25\n"
                                "T|B2|2\n");
  r = Run({"--json", "import", "sdu", bad});
  EXPECT_EQ(r.code, 1);
  j = Json::parse(r.out);
  EXPECT_EQ(j["committed"], false);
  EXPECT_EQ(j["rejections"][0]["field"], "header.total");
  EXPECT_EQ(j["rejections"][0]["code"], "sdu_control_total_mismatch");
  EXPECT_EQ(j["posted"], 0);
  // Nothing from the refused batch is held either.
  r = Run({"--json", "unidentified", "list"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(Json::parse(r.out)["count"], 1);
}

TEST_F(PaymentsInCliTest, UnidentifiedResolveAndReport) {
  const std::string text =
      "H|B1|2024-06-10|2|85.25\n"
      "D|1|111111111|2024-06-07|999887777||75.25\n"
      "D|2|111111111|2024-06-07||CASE-000777|10.00\n"
      "T|B1|2\n";
  ASSERT_EQ(Run({"import", "sdu", Write("r.sdu", text)}).code, 0);
  CliRun r = Run({"--json", "unidentified", "report", "--as-of", "2024-08-01"}, "2024-08-01");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["total"], "85.25");
  EXPECT_EQ(j["buckets"][1]["days"], "31-60");  // 48 days
  EXPECT_EQ(j["buckets"][1]["count"], 2);
  EXPECT_EQ(j["buckets"][0]["count"], 0);
  // The line's SSN is not the obligor's: refused (last four digits only) unless --force.
  r = Run({"--json", "unidentified", "resolve", "1", "--case", "CASE-000001", "--reason",
           "employer confirmed the SSN"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "ssn_case_mismatch");
  EXPECT_EQ(r.out.find("999887777"), std::string::npos);
  EXPECT_NE(r.out.find("7777"), std::string::npos);
  // Resolve to a case: posted, then refused the second time.
  r = Run({"--json", "unidentified", "resolve", "1", "--case", "CASE-000001", "--force", "--reason",
           "employer confirmed the SSN was mistyped"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["resolution"], "posted");
  EXPECT_EQ(j["case_id"], "CASE-000001");
  EXPECT_EQ(j["collection_key"], "SDU-B1-1");
  EXPECT_EQ(j["resolved_by"], "clerk");
  r = Run({"--json", "unidentified", "resolve", "1", "--case", "CASE-000001", "--reason", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "already_resolved");
  // Bad arguments: no reason, two targets.
  EXPECT_NE(Run({"unidentified", "resolve", "2", "--case", "CASE-000001"}).code, 0);
  EXPECT_NE(
      Run({"unidentified", "resolve", "2", "--case", "CASE-000001", "--refund", "--reason", "x"})
          .code,
      0);
  r = Run({"unidentified", "resolve", "2", "--refund", "--reason", "returned to employer"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("refunded, nothing posted"), std::string::npos) << r.out;
  r = Run({"--json", "unidentified", "report", "--as-of", "2024-08-01"}, "2024-08-01");
  EXPECT_EQ(Json::parse(r.out)["count"], 0);
  r = Run({"--json", "ledger", "--case", "CASE-000001", "--as-of", "2024-06-14"});
  EXPECT_NE(r.out.find("75.25"), std::string::npos) << r.out;
}

TEST_F(PaymentsInCliTest, ReviewConfirmAndDismiss) {
  // Two obligors with no SSN on file, known by name and date of birth.
  ASSERT_EQ(Run({"party", "add", "--first", "Eve", "--last", "Roe", "--dob", "1984-02-29"}).code,
            0);
  ASSERT_EQ(Run({"party", "add", "--first", "Ivy", "--last", "Loe", "--dob", "1990-05-05"}).code,
            0);
  ASSERT_EQ(Run({"case", "add", "--obligor", "PRS-000003", "--obligee", "PRS-000002"}).code, 0);
  ASSERT_EQ(Run({"case", "add", "--obligor", "PRS-000004", "--obligee", "PRS-000002"}).code, 0);
  for (const char* c : {"CASE-000002", "CASE-000003"}) {
    ASSERT_EQ(
        Run({"order", "add", "--case", c, "--amount", "200.00", "--effective", "2024-01-01"}).code,
        0);
  }
  auto w4 = [](const std::string& ssn, const std::string& first, const std::string& last,
               const std::string& dob) {
    std::string line(801, ' ');
    line.replace(0, 2, "W4");
    line.replace(2, ssn.size(), ssn);
    line.replace(11, first.size(), first);
    line.replace(43, last.size(), last);
    line.replace(271, dob.size(), dob);
    line.replace(279, 8, "20240614");
    line.replace(289, 9, "222222222");
    return line;
  };
  const std::string nh = Write("nh.txt", "H404         W4 0120240627000001\n" +
                                             w4("456789123", "EVE", "ROE", "19840229") + "\n" +
                                             w4("567891234", "IVY", "LOE", "19900505") + "\n");
  CliRun r = Run({"--json", "import", "newhire", nh}, "2024-06-28");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_EQ(Json::parse(r.out)["review"], 2);
  r = Run({"--json", "iwo", "review", "confirm", "1"}, "2024-06-28");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["status"], "confirmed");
  EXPECT_EQ(j["employments_created"], 1);
  ASSERT_EQ(j["iwos"].size(), 1u);
  EXPECT_EQ(j["iwos"][0]["case_id"], "CASE-000002");
  EXPECT_EQ(j["iwos"][0]["due_date"], "2024-07-02");
  r = Run({"--json", "iwo", "review", "confirm", "1"}, "2024-06-28");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "review_already_decided");
  EXPECT_NE(Run({"iwo", "review", "dismiss", "2"}, "2024-06-28").code, 0);  // --reason required
  r = Run({"--json", "iwo", "review", "dismiss", "2", "--reason", "not the same person"},
          "2024-06-28");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Json::parse(r.out)["status"], "dismissed");
  r = Run({"--json", "iwo", "reviews", "--status", "open"}, "2024-06-28");
  EXPECT_TRUE(Json::parse(r.out)["reviews"].empty());
  r = Run({"--json", "iwo", "list"}, "2024-06-28");
  EXPECT_EQ(Json::parse(r.out)["iwos"].size(), 1u);
}

}  // namespace
}  // namespace cse
