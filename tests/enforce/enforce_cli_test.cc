// The enforcement commands driven in-process: help, the recommend/action contracts of the
// issue (`opencse recommend --case ID`, `opencse action approve|dismiss|modify ID --by USER
// --reason TEXT`), their JSON, and the exit code and message of each bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "service/json.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

class EnforceCliTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = dir_.path("opencse.db"); }
  CliRun Cli(std::vector<std::string> args, const std::string& user = "root", bool with_db = true) {
    std::vector<std::string> full{"opencse"};
    if (with_db) full.insert(full.end(), {"--db", db_, "--today", "2024-06-30", "--user", user});
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  void Seed() {
    ASSERT_EQ(Cli({"init"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Sam", "--last", "Doe"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
    ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).code, 0);
    ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                   "2024-01-01"})
                  .code,
              0);
    ASSERT_EQ(Cli({"staff", "add", "root", "--role", "admin"}).code, 0);
    ASSERT_EQ(Cli({"staff", "add", "sue", "--role", "supervisor"}).code, 0);
    ASSERT_EQ(Cli({"staff", "add", "ivy", "--role", "investigator"}).code, 0);
  }
  testing::ScratchDir dir_{"enforce_cli"};
  std::string db_;
};

TEST_F(EnforceCliTest, EveryCommandHasHelp) {
  for (std::vector<std::string> c :
       std::vector<std::vector<std::string>>{{"recommend"},          {"action", "approve"},
                                             {"action", "modify"},   {"action", "dismiss"},
                                             {"action", "notice"},   {"action", "issue"},
                                             {"action", "comply"},   {"action", "end"},
                                             {"action", "withdraw"}, {"action", "show"},
                                             {"action", "contest"},  {"action", "decide-contest"},
                                             {"batch", "nightly"},   {"queue"},
                                             {"enforce", "learn"},   {"enforce", "report"},
                                             {"staff", "add"},       {"staff", "list"},
                                             {"enforce", "config"},  {"enforce", "switch"}}) {
    c.push_back("--help");
    const CliRun r = Cli(c, "root", false);
    EXPECT_EQ(r.code, 0) << c[0];
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << c[0];
  }
}

TEST_F(EnforceCliTest, RecommendThenDecideWithClearErrors) {
  Seed();
  // The deciding supervisor's office holds the case (a supervisor without one has no caseload).
  ASSERT_EQ(
      Cli({"user", "add", "--username", "sup.north", "--role", "supervisor", "--office", "North"})
          .code,
      0);
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000001", "--office", "North"}).code, 0);
  const CliRun rec = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  ASSERT_EQ(rec.code, 0) << rec.err;
  const Json j = Json::parse(rec.out);
  EXPECT_EQ(j["case_id"], "CASE-000001");
  EXPECT_EQ(j["arrears"], "2500.00");
  EXPECT_TRUE(j["delinquent"].get<bool>());
  ASSERT_EQ(j["actions"].size(), 3u);
  EXPECT_EQ(j["actions"][0]["id"], "ACT-000001");
  EXPECT_EQ(j["actions"][0]["state"], "recommended");
  EXPECT_FALSE(j["ineligible"].empty());
  // While they await a decision, a second request writes nothing new and answers them.
  const CliRun again = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  ASSERT_EQ(again.code, 0) << again.err;
  const Json k = Json::parse(again.out);
  EXPECT_EQ(k["created"], 0);
  ASSERT_EQ(k["actions"].size(), 3u);
  EXPECT_EQ(k["actions"][0]["id"], "ACT-000001");
  EXPECT_FALSE(k["ranked"].empty());

  CliRun r = Cli({"action", "approve", "ACT-000001", "--by", "ivy"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("role_not_allowed"), std::string::npos);
  r = Cli({"action", "dismiss", "ACT-000002", "--by", "sup.north"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("reason_missing"), std::string::npos);
  r = Cli({"action", "approve", "ACT-000001", "--by", "sup.north", "--reason", "first step"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = Cli({"action", "approve", "ACT-000001", "--by", "sup.north"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("action_already_decided"), std::string::npos);
  r = Cli(
      {"action", "modify", "ACT-000002", "--by", "sup.north", "--reason", "r", "--remedy", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("remedy_unknown"), std::string::npos);
  r = Cli({"--json", "action", "modify", "ACT-000002", "--by", "sup.north", "--reason",
           "calls go unanswered", "--remedy", "tax_offset"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const Json m = Json::parse(r.out);
  EXPECT_EQ(m["state"], "modified");
  EXPECT_EQ(m["remedy"], "tax_offset");
  EXPECT_EQ(m["original_remedy"], "outreach_call");
  r = Cli({"action", "approve", "ACT-999999", "--by", "sup.north"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("action_not_found"), std::string::npos);
  r = Cli({"action", "approve", "CASE-1", "--by", "sup.north"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("id_malformed"), std::string::npos);
  EXPECT_EQ(Cli({"audit", "verify"}).code, 0);
}

// Facts of a day to come are not known: a recommendation as of a future date would write
// actions whose deadlines lie beyond the dates the store accepts (2200 for --as-of 2199-12-31).
TEST_F(EnforceCliTest, RecommendAndLearnRefuseDaysToComeAndEmptyWindows) {
  Seed();
  const auto audit_rows = [&] {
    const CliRun v = Cli({"--json", "audit", "verify"});
    EXPECT_EQ(v.code, 0) << v.out;
    return Json::parse(v.out)["rows"].get<int64_t>();
  };
  const int64_t rows_before = audit_rows();
  CliRun r = Cli({"--json", "recommend", "--case", "CASE-000001", "--as-of", "2199-12-31"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "date_in_future") << r.out;
  r = Cli({"recommend", "--case", "CASE-000001", "--as-of", "2024-07-01"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("date_in_future"), std::string::npos) << r.err;
  r = Cli({"--json", "action", "show", "CASE-000001"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.find("ACT-"), std::string::npos) << "nothing was recommended: " << r.out;

  // A learning window that ends before it starts, or leaves no day with 60 days after it.
  r = Cli({"--json", "enforce", "learn", "--as-of", "2024-06-30", "--from", "2024-07-01"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "learn_window_empty") << r.out;
  r = Cli({"--json", "enforce", "learn", "--as-of", "2024-06-30", "--from", "2024-05-15"});
  EXPECT_EQ(Json::parse(r.out)["code"], "learn_window_empty") << r.out;
  r = Cli({"--json", "enforce", "learn", "--as-of", "2199-12-31"});
  EXPECT_EQ(Json::parse(r.out)["code"], "date_in_future") << r.out;
  // A window with no action in it teaches nothing, and must not replace a learned table.
  r = Cli({"--json", "enforce", "learn", "--as-of", "2024-06-30", "--from", "2023-01-01"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "learn_no_history") << r.out;
  // Nothing was written: no action, no stored table (each would add an audit row).
  EXPECT_EQ(audit_rows(), rows_before);
}

// One staff identity: a web app user (`opencse user add`) decides on the CLI with the role
// they sign in with; `staff add` creates an app user (listed by `staff list`); a disabled or
// unknown user may not act.
TEST_F(EnforceCliTest, WebUsersAreTheStaffWhoDecide) {
  Seed();
  ASSERT_EQ(
      Cli({"user", "add", "--username", "cw.ann", "--role", "caseworker", "--office", "North"})
          .code,
      0);
  ASSERT_EQ(Cli({"user", "add", "--username", "acct.bo", "--role", "accounting_technician"}).code,
            0);
  // One username is one person: `user add` refuses a name `staff add` already made.
  const CliRun dup =
      Cli({"user", "add", "--username", "sue", "--role", "supervisor", "--office", "North"});
  EXPECT_EQ(dup.code, 1);
  EXPECT_NE(dup.err.find("user_exists"), std::string::npos) << dup.err;
  const CliRun list = Cli({"--json", "staff", "list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("cw.ann"), std::string::npos);
  EXPECT_NE(list.out.find("acct.bo"), std::string::npos);
  ASSERT_EQ(Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly").code, 0);
  CliRun r = Cli({"action", "approve", "ACT-000001", "--by", "acct.bo", "--reason", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("role_not_allowed"), std::string::npos) << r.err;
  r = Cli({"action", "approve", "ACT-000001", "--by", "nobody", "--reason", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("user_unknown"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("opencse user add"), std::string::npos) << r.err;
  // A caseworker decides on the cases of their own office only, as in the web app (before
  // 2026-12-04 the CLI let any office's caseworker decide).
  r = Cli({"action", "approve", "ACT-000001", "--by", "cw.ann", "--reason", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("case_not_in_caseload"), std::string::npos) << r.err;
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000001", "--office", "North"}).code, 0);
  r = Cli({"--json", "action", "approve", "ACT-000001", "--by", "cw.ann", "--reason",
           "employer confirmed"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["decided_by"], "cw.ann");
  // Disabled through `staff add --inactive`: no longer acts.
  ASSERT_EQ(Cli({"staff", "add", "cw.ann", "--role", "caseworker", "--inactive"}).code, 0);
  r = Cli({"action", "dismiss", "ACT-000002", "--by", "cw.ann", "--reason", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("user_unknown"), std::string::npos) << r.err;
}

TEST_F(EnforceCliTest, StateConfigErrorsNameTheKey) {
  Seed();
  const std::string path = dir_.path("state.toml");
  {
    std::ofstream f(path);
    f << "[remedy.passport_denial]\narrears_more_than = \"lots\"\n";
  }
  const CliRun r = Cli({"enforce", "config", "--load", path});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("config_value_invalid"), std::string::npos);
  EXPECT_NE(r.err.find("remedy.passport_denial.arrears_more_than"), std::string::npos);
  const CliRun s = Cli({"enforce", "switch", "bank_levy", "off"});
  EXPECT_EQ(s.code, 1);
  EXPECT_NE(s.err.find("reason_missing"), std::string::npos);
}

// QA 2026-12-05: `enforce learn --user randomguy` replaced the next-best-action table. It
// needs an active admin or supervisor, as `enforce switch` and `enforce config --load` do,
// and is refused before the history is read.
TEST_F(EnforceCliTest, LearningTheTableNeedsAnAdminOrSupervisor) {
  Seed();
  for (const char* who : {"randomguy", "ivy"}) {
    const CliRun r =
        Cli({"--json", "enforce", "learn", "--as-of", "2024-06-30", "--from", "2023-01-01"}, who);
    EXPECT_EQ(r.code, 1) << who;
    const std::string code = Json::parse(r.out)["code"];
    EXPECT_EQ(code, std::string(who) == "ivy" ? "role_not_allowed" : "user_unknown") << r.out;
  }
  // A supervisor passes the check (and learns nothing from this empty history).
  const CliRun sue =
      Cli({"--json", "enforce", "learn", "--as-of", "2024-06-30", "--from", "2023-01-01"}, "sue");
  EXPECT_EQ(Json::parse(sue.out)["code"], "learn_no_history") << sue.out;
}

// QA 2026-12-05: a dismissed recommendation came back at once. `recommend` now holds it back
// and says why, with the last day of the cooling-off period.
TEST_F(EnforceCliTest, RecommendSaysWhichRemediesADismissalHoldsBack) {
  Seed();
  // A caseworker of the case's office decides (their caseload holds it).
  ASSERT_EQ(
      Cli({"user", "add", "--username", "cw.ann", "--role", "caseworker", "--office", "North"})
          .code,
      0);
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000001", "--office", "North"}).code, 0);
  ASSERT_EQ(Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly").code, 0);
  for (const char* id : {"ACT-000001", "ACT-000002", "ACT-000003"}) {
    const CliRun d = Cli(
        {"action", "dismiss", id, "--by", "cw.ann", "--reason", "payment plan agreed by phone"});
    ASSERT_EQ(d.code, 0) << d.err;
  }
  const CliRun r = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  ASSERT_EQ(r.code, 0) << r.err;
  const Json j = Json::parse(r.out);
  int held = 0;
  for (const Json& e : j["ineligible"]) {
    if (e["reason"] != "dismissed_recently") continue;
    ++held;
    EXPECT_EQ(e["held_through"], "2024-09-27") << e.dump();
  }
  EXPECT_EQ(held, 3) << r.out;
  for (const Json& a : j["actions"]) {
    EXPECT_NE(a["remedy"], "reminder") << r.out;
  }
  const CliRun text = Cli({"recommend", "--case", "CASE-000001"}, "nightly");
  EXPECT_NE(text.out.find("dismissed_recently"), std::string::npos) << text.out;
  // A date older than the last week is stale.
  const CliRun old = Cli({"--json", "recommend", "--case", "CASE-000001", "--as-of", "2024-06-01"});
  EXPECT_EQ(old.code, 1);
  EXPECT_EQ(Json::parse(old.out)["code"], "recommend_date_too_old") << old.out;
}

}  // namespace
}  // namespace cse
