// The enforcement commands driven in-process: help, the recommend/action contracts of the
// issue (`opencse recommend --case ID`, `opencse action approve|dismiss|modify ID --by USER
// --reason TEXT`), their JSON, and the exit code and message of each bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "enforce/action_service.h"
#include "enforce/workflow.h"
#include "service/json.h"
#include "storage/sqlite/sqlite_store.h"
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
  // The same on another day.
  CliRun CliOn(const std::string& today, std::vector<std::string> args,
               const std::string& user = "root") {
    std::vector<std::string> full{"opencse", "--db", db_, "--today", today, "--user", user};
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  // An obligor with an SSN, an obligee and a child born `dob`, on one case of the office
  // North (caseworker cw.ann) with support of 600.00 a month from 2024-01-01, unpaid;
  // `child_term` ("PRS-000003:600.00:2024-03-31") gives the order a child term.
  void SeedFamily(const std::string& dob, const std::string& child_term = "") {
    ASSERT_EQ(Cli({"init"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Ad", "--last", "Ult", "--ssn", "900451398", "--dob",
                   "1970-01-01"})
                  .code,
              0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Ob", "--last", "Ult"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Kid", "--last", "Ult", "--dob", dob}).code, 0);
    ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002", "--child",
                   "PRS-000003", "--opened", "2023-12-01"})
                  .code,
              0);
    std::vector<std::string> order{"order",    "add",    "--case",      "CASE-000001",
                                   "--amount", "600.00", "--effective", "2024-01-01"};
    if (!child_term.empty()) order.insert(order.end(), {"--child", child_term});
    const CliRun o = Cli(order);
    ASSERT_EQ(o.code, 0) << o.err;
    ASSERT_EQ(Cli({"staff", "add", "root", "--role", "admin"}).code, 0);
    ASSERT_EQ(
        Cli({"user", "add", "--username", "cw.ann", "--role", "caseworker", "--office", "North"})
            .code,
        0);
    ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000001", "--office", "North"}).code, 0);
  }
  // Whether `recommend` finds tax_offset eligible (ranked) and `offset certify` certifies
  // the obligor, as of today.
  std::pair<bool, bool> TaxOffsetRecommendedAndCertified() {
    const CliRun rec = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
    EXPECT_EQ(rec.code, 0) << rec.err;
    const Json j = Json::parse(rec.out);
    bool ranked = false;
    for (const Json& c : j["ranked"]) ranked = ranked || c["remedy"] == "tax_offset";
    for (const Json& c : j["ineligible"]) {
      if (c["remedy"] == "tax_offset") {
        EXPECT_EQ(c["reason"], "below_threshold") << c.dump();
      }
    }
    const CliRun cert = Cli({"--json", "offset", "certify"});
    EXPECT_EQ(cert.code, 0) << cert.err;
    return {ranked, !Json::parse(cert.out)["certified"].empty()};
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
  // `queue --worker WORKER` on `today`, as JSON.
  Json Queue(const std::string& today, const std::string& worker) {
    const CliRun q = CliOn(today, {"--json", "queue", "--worker", worker, "--limit", "10000"});
    EXPECT_EQ(q.code, 0) << q.err;
    return Json::parse(q.out, nullptr, false);
  }
  // The nightly run for `day` (run as of that day); its counts.
  Json Nightly(const std::string& day) {
    const CliRun r = CliOn(day, {"--json", "batch", "nightly", "--as-of", day}, "nightly");
    EXPECT_EQ(r.code, 0) << r.err;
    return Json::parse(r.out, nullptr, false)["counts"];
  }
  // Every task of PRS-000001 (SeedFamily's obligor).
  // CASE-000001's outreach task as the nightly batch writes it with a model (CreateOutreach):
  // 600.00 asked by sms on 2024-06-30, risk 88, for cw.ann.
  static enforce::Task OutreachTask() {
    enforce::Task t;
    t.key = "outreach:1:2024-06-30";
    t.kind = "proactive_outreach";
    t.case_id = CaseId{1};
    t.obligor = PersonId{1};
    t.worker = "cw.ann";
    t.created = Date::Ymd(2024, 6, 30);
    t.follow_up = Date::Ymd(2024, 7, 7);
    t.risk_score = 88;
    t.amount_at_stake = Money::FromCents(60'000);
    t.title = "Proactive Outreach";
    t.channel = "sms";
    return t;
  }
  std::vector<enforce::Task> ObligorTasks() {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    EXPECT_TRUE(store.ok());
    auto tasks = (*store)->ListEnforceTasksByObligor(PersonId{1});
    EXPECT_TRUE(tasks.ok());
    return tasks.ok() ? *tasks : std::vector<enforce::Task>{};
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

// After an upgrade that changes the feature list the active model cannot score
// (model_features_mismatch) until it is retrained; the nightly batch still raises deadlines,
// tasks and recommendations, rules-only, and says why (before, it stopped with the error).
TEST_F(EnforceCliTest, AnUnusableActiveModelLeavesTheNightlyRulesOnly) {
  SeedFamily("2015-01-01");
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    RiskModelRecord m;
    m.version = "risk-old-37-features";
    m.created_at = "2024-06-01T00:00:00Z";
    m.created_by = "root";
    for (Date* d : {&m.data_as_of, &m.train_from, &m.train_to, &m.calibration_from,
                    &m.calibration_to, &m.test_from, &m.test_to}) {
      *d = Date::Ymd(2024, 5, 31);
    }
    m.params_json = "{}";
    m.metrics_json = "{}";
    m.features_json = R"(["arrears_total"])";
    m.booster_json = "{}";
    m.calibrator_json = "{}";
    ASSERT_TRUE((*store)->InsertRiskModel(m).ok());
    ASSERT_TRUE((*store)->ActivateRiskModel(m.version).ok());
  }
  const CliRun score = Cli({"score", "--case", "CASE-000001"});
  EXPECT_EQ(score.code, 1);
  EXPECT_NE(score.err.find("model_features_mismatch"), std::string::npos) << score.err;
  const CliRun text = Cli({"batch", "nightly", "--as-of", "2024-06-30"}, "nightly");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("[active model unusable: rules only, no scores]"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("warning: the active model cannot be used, so no scores were written "
                          "(rules only): model_features_mismatch: model risk-old-37-features"),
            std::string::npos)
      << text.out;
  EXPECT_FALSE(ObligorTasks().empty());  // the delinquent case's review task
  const CliRun again =
      CliOn("2024-07-01", {"--json", "batch", "nightly", "--as-of", "2024-07-01"}, "nightly");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(Json::parse(again.out)["model_unusable"]["code"], "model_features_mismatch");
  // `recommend` and the payment event run rules-only too (QA: the payment event failed, and a
  // paid-off case's recommendations stayed in the queue).
  const CliRun rec = CliOn("2024-07-01", {"--json", "recommend", "--case", "CASE-000001"});
  ASSERT_EQ(rec.code, 0) << rec.out << rec.err;
  EXPECT_NE(
      Json::parse(rec.out)["model_unusable"].get<std::string>().find("model_features_mismatch"),
      std::string::npos);
  const CliRun pay =
      CliOn("2024-07-01", {"post-payment", "--case", "CASE-000001", "--amount", "4200.00", "--date",
                           "2024-07-01", "--source", "direct", "--key", "PAYOFF"});
  ASSERT_EQ(pay.code, 0) << pay.err;
  EXPECT_EQ(pay.out.find("enforcement events failed"), std::string::npos) << pay.out;
  EXPECT_NE(pay.out.find("warning: the active model cannot be used"), std::string::npos) << pay.out;
  EXPECT_NE(pay.out.find("withdrawn ACT-"), std::string::npos) << pay.out;
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
  // `staff add` without --inactive does not bring a disabled user back (QA: it re-enabled a
  // departed user's sign-in, as a supervisor, with no user.enable row).
  r = Cli({"staff", "add", "cw.ann", "--role", "supervisor"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("user_disabled"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("opencse user enable cw.ann"), std::string::npos) << r.err;
  EXPECT_EQ(Cli({"staff", "add", "cw.ann", "--role", "supervisor", "--inactive"}).code, 0);
  r = Cli({"action", "dismiss", "ACT-000002", "--by", "cw.ann", "--reason", "x"});
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

// QA 2026-12-05: `recommend` and `offset certify` disagreed on who is a qualified child
// (FACTS §5): an adult child's arrears were recommended for a tax offset that certify refused,
// and a 10-year-old whose child term had ended (emancipated) was certified while recommend
// refused. Both now use iwo::QualifiedChild.
TEST_F(EnforceCliTest, TaxOffsetRecommendAndCertifyAgreeOnTheQualifiedChild) {
  SeedFamily("2003-01-01");  // 21 on 2024-06-30, no child term
  EXPECT_EQ(TaxOffsetRecommendedAndCertified(), std::make_pair(false, false));
}

TEST_F(EnforceCliTest, TaxOffsetRecommendAndCertifyAgreeOnAnEmancipatedMinor) {
  SeedFamily("2014-01-01", "PRS-000003:600.00:2024-03-31");  // 10, the term ended
  EXPECT_EQ(TaxOffsetRecommendedAndCertified(), std::make_pair(false, false));
}

TEST_F(EnforceCliTest, TaxOffsetRecommendAndCertifyAgreeOnAMinor) {
  SeedFamily("2014-01-01", "PRS-000003:600.00");  // 10, the term runs
  EXPECT_EQ(TaxOffsetRecommendedAndCertified(), std::make_pair(true, true));
}

// QA 2026-12-05: a set dismissed a month after it was recommended came back the same day
// with new ids (the cooling-off measured growth from the recommendation's arrears, and a
// month of support had accrued since), and its legal deadline moved a month later.
TEST_F(EnforceCliTest, ADismissalHoldsFromItsOwnDayAndTheDeadlineStays) {
  SeedFamily("2014-01-01");
  const CliRun rec = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  ASSERT_EQ(rec.code, 0) << rec.err;
  const Json first = Json::parse(rec.out);
  ASSERT_EQ(first["actions"].size(), 3u) << rec.out;
  EXPECT_EQ(first["actions"][0]["legal_deadline"], "2024-07-30");
  std::set<std::string> dismissed;
  for (const Json& a : first["actions"]) {
    dismissed.insert(a["remedy"].get<std::string>());
    const CliRun d = CliOn("2024-08-01", {"action", "dismiss", a["id"].get<std::string>(), "--by",
                                          "cw.ann", "--reason", "obligor hospitalized"});
    ASSERT_EQ(d.code, 0) << d.err;
  }
  const CliRun again =
      CliOn("2024-08-01", {"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  ASSERT_EQ(again.code, 0) << again.err;
  const Json j = Json::parse(again.out);
  int held = 0;
  for (const Json& e : j["ineligible"]) {
    if (e["reason"] != "dismissed_recently") continue;
    ++held;
    EXPECT_EQ(e["held_through"], "2024-10-29") << e.dump();
  }
  EXPECT_EQ(held, 3) << again.out;
  for (const Json& a : j["actions"]) {
    EXPECT_FALSE(dismissed.count(a["remedy"].get<std::string>())) << again.out;
    // The delinquency began 2024-06-30: its 45 CFR 303.6 deadline stays missed.
    EXPECT_EQ(a["legal_deadline"], "2024-07-30") << again.out;
  }
}

// QA 2026-12-05: with a known employer and no IWO, withholding waited behind three gentler
// steps (max_recommendations 3). It is immediate (45 CFR 303.100): first in the set.
TEST_F(EnforceCliTest, ImmediateWithholdingIsRecommendedFirst) {
  SeedFamily("2014-01-01");
  ASSERT_EQ(Cli({"employer", "add", "--fein", "900112233", "--name", "Acme"}).code, 0);
  ASSERT_EQ(Cli({"employment", "add", "--person", "PRS-000001", "--employer", "1", "--start",
                 "2023-01-01", "--gross", "2000"})
                .code,
            0);
  const CliRun rec = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  ASSERT_EQ(rec.code, 0) << rec.err;
  const Json j = Json::parse(rec.out);
  ASSERT_EQ(j["actions"].size(), 3u) << rec.out;
  EXPECT_EQ(j["actions"][0]["remedy"], "income_withholding") << rec.out;
  EXPECT_EQ(j["actions"][0]["rank"], 1);
}

// QA 2026-12-05: an overdue case showed four times in the queue (one review task, one
// "Legal deadline passed" alert per remedy), and the alerts stayed after every decision.
TEST_F(EnforceCliTest, TheQueueHasOneDeadlineAlertPerCaseAndDropsItOnceDecided) {
  SeedFamily("2014-01-01");
  ASSERT_EQ(CliOn("2024-06-30", {"batch", "nightly", "--as-of", "2024-06-30"}, "nightly").code, 0);
  const CliRun late = CliOn("2024-08-05", {"batch", "nightly", "--as-of", "2024-08-05"}, "nightly");
  ASSERT_EQ(late.code, 0) << late.err;
  const auto queue = [&]() {
    const CliRun q = CliOn("2024-08-05", {"--json", "queue", "--worker", "cw.ann"});
    EXPECT_EQ(q.code, 0) << q.err;
    std::map<std::string, int> kinds;
    for (const Json& t : Json::parse(q.out)) ++kinds[t["kind"].get<std::string>()];
    return kinds;
  };
  std::map<std::string, int> kinds = queue();
  EXPECT_EQ(kinds["deadline_alert"], 1);
  EXPECT_EQ(kinds["review_recommendations"], 1);
  const CliRun shown = CliOn("2024-08-05", {"--json", "action", "show", "CASE-000001"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  for (const Json& a : Json::parse(shown.out)) {
    const CliRun d = CliOn("2024-08-05", {"action", "dismiss", a["id"].get<std::string>(), "--by",
                                          "cw.ann", "--reason", "obligor hospitalized"});
    ASSERT_EQ(d.code, 0) << d.err;
  }
  kinds = queue();
  EXPECT_EQ(kinds["deadline_alert"], 0);
  EXPECT_EQ(kinds["review_recommendations"], 0);
}

// QA 2026-12-05: a decision's reason took any length, line breaks and terminal escapes (a
// forged "FAKE: approved by sup1" line in `action show`). Printable UTF-8 of at most 200
// characters, as the API.
TEST_F(EnforceCliTest, ADecisionReasonIsOnePrintableLineOfAtMost200Characters) {
  SeedFamily("2014-01-01");
  ASSERT_EQ(Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly").code, 0);
  const struct {
    std::string reason;
    const char* code;
  } bad[] = {{"ok\nFAKE: approved by sup1", "text_invalid_char"},
             {"red \x1b[31malert", "text_invalid_char"},
             {"tab\there", "text_invalid_char"},
             {std::string(201, 'x'), "text_too_long"},
             {"bad \xff byte", "text_invalid_utf8"}};
  for (const auto& b : bad) {
    const CliRun r =
        Cli({"--json", "action", "dismiss", "ACT-000001", "--by", "cw.ann", "--reason", b.reason});
    EXPECT_EQ(r.code, 1) << b.reason;
    EXPECT_EQ(Json::parse(r.out)["code"], b.code) << r.out;
  }
  CliRun show = Cli({"--json", "action", "show", "ACT-000001"});
  EXPECT_EQ(Json::parse(show.out)[0]["state"], "recommended") << "nothing written";
  const CliRun ok =
      Cli({"action", "dismiss", "ACT-000001", "--by", "cw.ann", "--reason", std::string(200, 'y')});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

// QA 2026-12-05: the text of a withdrawn action left out why; a ranking of more than five
// listed five without saying so.
TEST_F(EnforceCliTest, TheTextSaysWhyAnActionWasWithdrawnAndHowManyAreRanked) {
  SeedFamily("2014-01-01");
  ASSERT_EQ(Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly").code, 0);
  const CliRun again = Cli({"--json", "recommend", "--case", "CASE-000001"}, "nightly");
  const size_t ranked = Json::parse(again.out)["ranked"].size();
  ASSERT_GT(ranked, 5u) << again.out;
  const CliRun text = Cli({"recommend", "--case", "CASE-000001"}, "nightly");
  EXPECT_NE(text.out.find("(" + std::to_string(ranked) + " eligible, showing 5 of " +
                          std::to_string(ranked)),
            std::string::npos)
      << text.out;
  ASSERT_EQ(Cli({"action", "approve", "ACT-000001", "--by", "cw.ann", "--reason", "go"}).code, 0);
  const CliRun w = Cli({"action", "withdraw", "ACT-000001", "--by", "cw.ann", "--reason",
                        "obligor moved out of state"});
  ASSERT_EQ(w.code, 0) << w.err;
  const CliRun show = Cli({"action", "show", "ACT-000001"});
  EXPECT_NE(show.out.find("withdrawn on 2024-06-30: obligor moved out of state"), std::string::npos)
      << show.out;
}

// QA 2026-12-05: a deadline alert's key stopped it for good once a closed alert held it: a
// case closed (its alert closed as moot) and reopened with new recommendations racing the same
// missed deadline showed no alert again. A closed case's work is closed with it even though
// its obligor, with every case closed, is no longer active.
TEST_F(EnforceCliTest, AReopenedCaseRaisesItsMissedDeadlineAgain) {
  SeedFamily("2014-01-01");
  Nightly("2024-06-30");
  EXPECT_EQ(Nightly("2024-08-05")["deadline_alerts"], 1);
  ASSERT_EQ(
      CliOn("2024-08-05",
            {"case", "close-notice", "--case", "CASE-000001", "--reason", "recipient_requested"},
            "cw.ann")
          .code,
      0);
  ASSERT_EQ(CliOn("2024-10-04", {"case", "close", "--case", "CASE-000001"}, "cw.ann").code, 0);
  const Json closed = Nightly("2024-10-05");
  EXPECT_EQ(closed["withdrawn_ineligible"], 3) << closed.dump();
  EXPECT_EQ(closed["alerts_closed"], 1) << closed.dump();
  EXPECT_TRUE(Queue("2024-10-05", "cw.ann").empty()) << "the closed case's work is closed";
  ASSERT_EQ(CliOn("2024-10-06",
                  {"case", "reopen", "--case", "CASE-000001", "--reason", "recipient reapplied"},
                  "cw.ann")
                .code,
            0);
  const Json reopened = Nightly("2024-10-06");
  EXPECT_EQ(reopened["recommendations"], 3) << reopened.dump();
  EXPECT_EQ(reopened["alerts_raised_again"], 1) << reopened.dump();
  int alerts = 0;
  for (const Json& t : Queue("2024-10-06", "cw.ann")) {
    if (t["kind"] != "deadline_alert") continue;
    ++alerts;
    EXPECT_EQ(t["title"], "Legal deadline passed");
    EXPECT_EQ(t["deadline"], "2024-07-30");
    EXPECT_EQ(t["created"], "2024-10-06");
  }
  EXPECT_EQ(alerts, 1);
  // The next day raises nothing more: the open alert stands for the situation.
  EXPECT_FALSE(Nightly("2024-10-07").contains("deadline_alerts"));
}

// QA 2026-12-05: a second contest of an action raised no "Administrative review" alert (the
// first contest's key, deadline:<action>:review_near, was taken), and the first contest's alert
// stayed with its old deadline. The key carries the review deadline now.
TEST_F(EnforceCliTest, ASecondContestOfAnActionGetsItsOwnReviewAlert) {
  SeedFamily("2014-01-01");
  ASSERT_EQ(
      Cli({"user", "add", "--username", "sup.n", "--role", "supervisor", "--office", "North"}).code,
      0);
  Nightly("2024-06-30");
  ASSERT_EQ(
      CliOn("2024-07-01", {"action", "approve", "ACT-000001", "--by", "cw.ann", "--reason", "ok"})
          .code,
      0);
  ASSERT_EQ(CliOn("2024-07-01", {"action", "issue", "ACT-000001", "--by", "cw.ann"}).code, 0);
  ASSERT_EQ(CliOn("2024-07-02", {"action", "contest", "ACT-000001", "--by", "cw.ann", "--reason",
                                 "disputes the amount"})
                .code,
            0);  // review due 2024-08-16
  Nightly("2024-08-13");
  ASSERT_EQ(CliOn("2024-08-14", {"action", "decide-contest", "ACT-000001", "--by", "sup.n",
                                 "--outcome", "upheld", "--reason", "ok"})
                .code,
            0);
  ASSERT_EQ(CliOn("2024-08-15",
                  {"action", "contest", "ACT-000001", "--by", "cw.ann", "--reason", "new evidence"})
                .code,
            0);  // review due 2024-09-29
  Nightly("2024-09-27");
  std::vector<std::string> reviews;
  for (const Json& t : Queue("2024-09-27", "cw.ann")) {
    if (t["title"] == "Administrative review due")
      reviews.push_back(t["deadline"].get<std::string>());
  }
  EXPECT_EQ(reviews, std::vector<std::string>{"2024-09-29"});
  bool superseded = false;
  for (const enforce::Task& t : ObligorTasks()) {
    if (t.kind != "deadline_alert" || t.deadline != Date::Ymd(2024, 8, 16)) continue;
    EXPECT_FALSE(t.open);
    superseded = t.closed_reason == "ACT-000001's review deadline is now 2024-09-29: superseded";
  }
  EXPECT_TRUE(superseded);
}

// QA 2026-12-05: "Legal deadline near" stayed open beside "Legal deadline passed" for the same
// deadline.
TEST_F(EnforceCliTest, ThePassedAlertClosesTheNearOne) {
  SeedFamily("2014-01-01");
  Nightly("2024-06-30");
  Nightly("2024-07-27");  // 3 days before the 2024-07-30 deadline
  std::vector<std::string> titles;
  for (const Json& t : Queue("2024-07-27", "cw.ann")) {
    if (t["kind"] == "deadline_alert") titles.push_back(t["title"].get<std::string>());
  }
  EXPECT_EQ(titles, std::vector<std::string>{"Legal deadline near"});
  EXPECT_EQ(Nightly("2024-08-01")["alerts_closed"], 1);
  titles.clear();
  for (const Json& t : Queue("2024-08-01", "cw.ann")) {
    if (t["kind"] == "deadline_alert") titles.push_back(t["title"].get<std::string>());
  }
  EXPECT_EQ(titles, std::vector<std::string>{"Legal deadline passed"});
  for (const enforce::Task& t : ObligorTasks()) {
    if (t.title != "Legal deadline near") continue;
    EXPECT_FALSE(t.open);
    EXPECT_EQ(t.closed_reason,
              "the deadline 2024-07-30 passed: superseded by \"Legal deadline passed\"");
  }
}

// QA 2026-12-05: an open outreach task kept the channel it was written with after the person
// opted out of it, and stayed open (and was flagged) after its case closed.
TEST_F(EnforceCliTest, OutreachFollowsAnOptOutAndClosesWithItsCase) {
  SeedFamily("2014-01-01");
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    enforce::Task t = OutreachTask();
    t.message = enforce::OutreachMessage(
        {"Ad", Money::FromCents(60'000), Money::FromCents(300'000), 88, "sms"});
    t.recommended = "outreach (sms: sms 0.50 (...))";
    t.key_factors = "[]";
    ASSERT_TRUE((*store)->InsertEnforceTask(t).ok());
  }
  const auto log = [&](const char* channel, const char* outcome, const char* date) {
    const CliRun r = Cli({"contact", "log", "--person", "PRS-000001", "--channel", channel,
                          "--outcome", outcome, "--date", date},
                         "cw.ann");
    ASSERT_EQ(r.code, 0) << r.err;
  };
  log("sms", "opted_out", "2024-06-01");
  log("sms", "no_answer", "2024-06-10");  // a later unanswered attempt does not lift it
  log("email", "bounced", "2024-06-01");
  const CliRun list = Cli({"--json", "contact", "list", "--person", "PRS-000001"});
  EXPECT_EQ(Json::parse(list.out)["channel"], "phone") << list.out;
  EXPECT_EQ(Nightly("2024-06-30")["outreach_rechanneled"], 1);
  const auto outreach = [&]() {
    for (const enforce::Task& t : ObligorTasks()) {
      if (t.kind == "proactive_outreach") return t;
    }
    ADD_FAILURE() << "no outreach task";
    return enforce::Task{};
  };
  enforce::Task t = outreach();
  EXPECT_TRUE(t.open);
  EXPECT_EQ(t.channel, "phone");
  EXPECT_EQ(t.follow_up, Date::Ymd(2024, 7, 7));  // the same task
  EXPECT_TRUE(t.message.starts_with("Call script: Hello Ad")) << t.message;
  EXPECT_NE(t.recommended.find("sms excluded (opted_out 2024-06-01)"), std::string::npos)
      << t.recommended;
  ASSERT_EQ(
      CliOn("2024-07-01",
            {"case", "close-notice", "--case", "CASE-000001", "--reason", "recipient_requested"},
            "cw.ann")
          .code,
      0);
  ASSERT_FALSE(Queue("2024-08-29", "cw.ann").empty());  // the case's tasks while it is open
  ASSERT_EQ(CliOn("2024-08-30", {"case", "close", "--case", "CASE-000001"}, "cw.ann").code, 0);
  // The queue leaves a closed case's tasks out at once, before the nightly closes them (QA:
  // its review task stayed first, its approvals refused as case_closed).
  EXPECT_TRUE(Queue("2024-08-30", "cw.ann").empty()) << Queue("2024-08-30", "cw.ann").dump();
  EXPECT_EQ(Nightly("2024-08-30")["outreach_closed"], 1);
  t = outreach();
  EXPECT_FALSE(t.open);
  EXPECT_FALSE(t.flagged);
  EXPECT_EQ(t.closed_reason, "the case is closed (CASE-000001)");
}

// The counts of the last `enforce.payment_event` audit row.
Json LastPaymentEventCounts(const std::string& db) {
  auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
  EXPECT_TRUE(store.ok());
  Json last;
  EXPECT_TRUE((*store)
                  ->ScanAuditByAction("enforce.payment_event",
                                      [&](const AuditRow& r) {
                                        last = Json::parse(r.after);
                                        return Status::Ok();
                                      })
                  .ok());
  return last;
}

// ENFORCEMENT §8's known limitation until 2026-12-05: a task's amount at stake (and so its
// priority) stayed as the run that wrote it found the debt, so an old alert could rank below a
// newer one for the same debt. Each nightly run and each payment event now stake the arrears
// as they stand, writing only the tasks that changed.
TEST_F(EnforceCliTest, TaskAmountsFollowTheArrearsAtEachRunAndPayment) {
  SeedFamily("2014-01-01");  // 600.00 a month from 2024-01-01, unpaid
  const auto open_amounts = [&]() {
    std::vector<std::string> out;
    for (const enforce::Task& t : ObligorTasks()) {
      if (t.open) out.push_back(t.kind + " " + t.amount_at_stake.ToString());
    }
    return out;
  };
  Nightly("2024-06-30");
  EXPECT_EQ(open_amounts(), std::vector<std::string>{"review_recommendations 3000.00"});
  // July's support fell due: the next run stakes the arrears as they are now.
  const Json july = Nightly("2024-07-01");
  EXPECT_EQ(july["tasks_refreshed"], 1) << july.dump();
  EXPECT_EQ(open_amounts(), std::vector<std::string>{"review_recommendations 3600.00"});
  // Nothing changed since: no task is written.
  const Json same = Nightly("2024-07-02");
  EXPECT_FALSE(same.contains("tasks_refreshed")) << same.dump();
  // A payment (600.00 to July, 400.00 to arrears): its event stakes the arrears left at once.
  const CliRun paid =
      CliOn("2024-07-02", {"post-payment", "--case", "CASE-000001", "--amount", "1000.00", "--date",
                           "2024-07-02", "--source", "direct", "--key", "pay-1"});
  ASSERT_EQ(paid.code, 0) << paid.err;
  EXPECT_EQ(open_amounts(), std::vector<std::string>{"review_recommendations 3200.00"});
  EXPECT_EQ(LastPaymentEventCounts(db_)["tasks_refreshed"], 1);
  // The alert raised once the deadline passed stakes the arrears of its run, not those the
  // recommendations were made on (3000.00); July was paid, so nothing else changed.
  const Json august = Nightly("2024-08-01");
  EXPECT_EQ(august["deadline_alerts"], 1) << august.dump();
  EXPECT_FALSE(august.contains("tasks_refreshed")) << august.dump();
  EXPECT_EQ(open_amounts(),
            (std::vector<std::string>{"review_recommendations 3200.00", "deadline_alert 3200.00"}));
  for (const Json& t : Queue("2024-08-01", "cw.ann")) {
    EXPECT_EQ(t["amount_at_stake"], "3200.00") << t.dump();
  }
}

// The order of the queue follows the debts as they stand: a payment that leaves the first
// obligor owing less than the second puts the second's tasks first at once (before, the alerts
// kept the arrears of the recommendations, 3000.00 and 2500.00, and the paid debt stayed first).
TEST_F(EnforceCliTest, APaymentReordersTheTasksByTheArrearsLeft) {
  SeedFamily("2014-01-01");  // PRS-000001: 600.00 a month on CASE-000001
  ASSERT_EQ(Cli({"party", "add", "--first", "Bo", "--last", "Vex"}).code, 0);  // PRS-000004
  ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000004", "--obligee", "PRS-000002", "--opened",
                 "2023-12-01"})
                .code,
            0);
  ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000002", "--amount", "500.00", "--effective",
                 "2024-01-01"})
                .code,
            0);
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000002", "--office", "North"}).code, 0);
  Nightly("2024-06-30");
  Nightly("2024-08-01");  // the deadline 2024-07-30 passed: one alert per case
  const auto order = [&](const std::string& day) {
    std::vector<std::string> out;
    for (const Json& t : Queue(day, "cw.ann")) {
      out.push_back(t["case_id"].get<std::string>() + " " + t["kind"].get<std::string>() + " " +
                    t["amount_at_stake"].get<std::string>());
    }
    return out;
  };
  EXPECT_EQ(order("2024-08-01"), (std::vector<std::string>{
                                     "CASE-000001 deadline_alert 4200.00",
                                     "CASE-000002 deadline_alert 3500.00",
                                     "CASE-000001 review_recommendations 4200.00",
                                     "CASE-000002 review_recommendations 3500.00",
                                 }));
  // 600.00 to August, 1400.00 to arrears: 2800.00 left, below the other obligor's 3500.00.
  const CliRun paid =
      CliOn("2024-08-02", {"post-payment", "--case", "CASE-000001", "--amount", "2000.00", "--date",
                           "2024-08-02", "--source", "direct", "--key", "pay-1"});
  ASSERT_EQ(paid.code, 0) << paid.err;
  EXPECT_EQ(order("2024-08-02"), (std::vector<std::string>{
                                     "CASE-000002 deadline_alert 3500.00",
                                     "CASE-000001 deadline_alert 2800.00",
                                     "CASE-000002 review_recommendations 3500.00",
                                     "CASE-000001 review_recommendations 2800.00",
                                 }));
  const Json next = Nightly("2024-08-02");
  EXPECT_FALSE(next.contains("tasks_refreshed")) << next.dump();  // the event did it already
}

// QA 2026-12-05: `reverse-payment` left the obligor's open tasks staked on the reversed payment
// (after a 350,000.00 NSF reversal a task kept staking ~54,089 while the arrears were back above
// 400,000). The reversal now re-stakes them at once, with an `enforce.reversal_event` row; it
// closes no outreach task (no payment was received).
TEST_F(EnforceCliTest, AReversalRestakesTheOpenTasksAndClosesNothing) {
  SeedFamily("2014-01-01");  // 600.00 a month from 2024-01-01, unpaid
  Nightly("2024-06-30");
  Nightly("2024-07-01");
  // 600.00 to July, 400.00 to arrears: the payment event stakes 3200.00.
  ASSERT_EQ(CliOn("2024-07-02", {"post-payment", "--case", "CASE-000001", "--amount", "1000.00",
                                 "--date", "2024-07-02", "--source", "direct", "--key", "pay-1"})
                .code,
            0);
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    enforce::Task t = OutreachTask();  // asked after the payment: it does not satisfy it
    t.key = "outreach:1:2024-07-02";
    t.created = Date::Ymd(2024, 7, 2);
    ASSERT_TRUE((*store)->InsertEnforceTask(t).ok());
  }
  const auto open_tasks = [&]() {
    std::vector<std::string> out;
    for (const enforce::Task& t : ObligorTasks()) {
      if (t.open) out.push_back(t.kind + " " + t.amount_at_stake.ToString());
    }
    return out;
  };
  EXPECT_EQ(open_tasks(), (std::vector<std::string>{"review_recommendations 3200.00",
                                                    "proactive_outreach 600.00"}));
  // Returned NSF: the arrears are 3600.00 again, and so is the review task's stake.
  const CliRun rev = CliOn("2024-07-03", {"--json", "reverse-payment", "--key", "pay-1", "--date",
                                          "2024-07-03", "--reason", "NSF"});
  ASSERT_EQ(rev.code, 0) << rev.err;
  const Json j = Json::parse(rev.out);
  EXPECT_EQ(j["enforcement"]["tasks_refreshed"], 1) << j.dump();
  EXPECT_TRUE(j["enforcement"]["risk_score_100"].is_null()) << j.dump();  // no model
  EXPECT_EQ(open_tasks(), (std::vector<std::string>{"review_recommendations 3600.00",
                                                    "proactive_outreach 600.00"}));
  auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  std::vector<Json> rows;
  ASSERT_TRUE((*store)
                  ->ScanAuditByAction("enforce.reversal_event",
                                      [&](const AuditRow& r) {
                                        EXPECT_EQ(r.entity_id, "PRS-000001");
                                        rows.push_back(Json::parse(r.after));
                                        return Status::Ok();
                                      })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["tasks_refreshed"], 1);
  EXPECT_EQ(rows[0]["case_id"], "CASE-000001");
  // A second reversal is refused and raises no event.
  const CliRun again = CliOn("2024-07-03", {"reverse-payment", "--key", "pay-1", "--date",
                                            "2024-07-03", "--reason", "NSF"});
  EXPECT_NE(again.code, 0);
  rows.clear();
  ASSERT_TRUE((*store)
                  ->ScanAuditByAction("enforce.reversal_event",
                                      [&](const AuditRow& r) {
                                        rows.push_back(Json::parse(r.after));
                                        return Status::Ok();
                                      })
                  .ok());
  EXPECT_EQ(rows.size(), 1u);
}

// What `reverse-payment` undoes of its payment's event, as the tests below set it up: the
// obligor's actions (id remedy state), its delinquency state, and the reversal's
// `enforce.reversal_event` audit rows.
struct ReversalView {
  std::vector<std::string> actions;
  std::optional<enforce::ObligorState> state;
  std::vector<Json> events;
};

// The ledger-level view of SeedFamily's obligor after a reversal (ReversalView).
ReversalView ViewAfterReversal(const std::string& db) {
  ReversalView v;
  auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return v;
  auto actions = (*store)->ListEnforceActionsByObligor(PersonId{1});
  EXPECT_TRUE(actions.ok());
  for (const enforce::Action& a : *actions) {
    v.actions.push_back(enforce::ActionDisplayId(a.id) + " " +
                        std::string(enforce::Name(a.remedy)) + " " +
                        std::string(enforce::Name(a.state)));
  }
  auto state = (*store)->GetObligorState(PersonId{1});
  EXPECT_TRUE(state.ok());
  if (state.ok()) v.state = *state;
  EXPECT_TRUE((*store)
                  ->ScanAuditByAction("enforce.reversal_event",
                                      [&](const AuditRow& r) {
                                        v.events.push_back(Json::parse(r.after));
                                        return Status::Ok();
                                      })
                  .ok());
  return v;
}

// Known limitation until 2026-12-05 (ENFORCEMENT §9): what the reversed payment's own event
// closed or withdrew stayed so until the next nightly run, and the obligor stayed "current".
// Now the reversal reopens the outreach task the payment had satisfied, sets the delinquency
// state again from the day it began (so the legal deadline and a dismissal's hold are as if the
// payment had never come), and records fresh recommendations by the nightly run's step: the
// withdrawn ones stay withdrawn, and the remedy a supervisor dismissed is still held back.
TEST_F(EnforceCliTest, AReversalReopensWhatItsPaymentClosedAndRecommendsAgain) {
  SeedFamily("2014-01-01");  // 600.00 a month from 2024-01-01, unpaid
  ASSERT_EQ(
      Cli({"user", "add", "--username", "sup.north", "--role", "supervisor", "--office", "North"})
          .code,
      0);
  Nightly("2024-06-30");  // delinquent: ACT-000001 reminder, -000002, -000003, a review task
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->InsertEnforceTask(OutreachTask()).ok());  // 600.00 asked on 06-30
  }
  const CliRun dismissed = CliOn("2024-07-01", {"action", "dismiss", "ACT-000001", "--by",
                                                "sup.north", "--reason", "reminder sent by hand"});
  ASSERT_EQ(dismissed.code, 0) << dismissed.err;
  // Everything owed through July: the event closes the outreach task, clears the delinquency
  // and withdraws the two undecided recommendations.
  const CliRun paid =
      CliOn("2024-07-02", {"--json", "post-payment", "--case", "CASE-000001", "--amount", "4200.00",
                           "--date", "2024-07-02", "--source", "direct", "--key", "pay-1"});
  ASSERT_EQ(paid.code, 0) << paid.err;
  const Json pe = Json::parse(paid.out)["enforcement"];
  EXPECT_EQ(pe["outreach_tasks_closed"], 1) << pe.dump();
  EXPECT_EQ(pe["withdrawn"], Json::array({"ACT-000002", "ACT-000003"})) << pe.dump();
  // The same actions in detail, for a poster who may not read the queue (the web app's post
  // page lists them).
  ASSERT_EQ(pe["withdrawn_actions"].size(), 2u) << pe.dump();
  for (size_t i = 0; i < 2; ++i) {
    const Json& w = pe["withdrawn_actions"][i];
    EXPECT_EQ(w["id"], pe["withdrawn"][i]) << w.dump();
    EXPECT_EQ(w["case_id"], "CASE-000001") << w.dump();
    EXPECT_TRUE(w["remedy"].is_string() && !w["remedy"].get<std::string>().empty()) << w.dump();
    EXPECT_EQ(w["reason"].get<std::string>().rfind("payment posted: ", 0), 0u) << w.dump();
  }
  EXPECT_TRUE(pe["risk_tier"].is_null()) << pe.dump();  // no model: no score, no tier
  EXPECT_EQ(pe["outreach_tasks_reopened"], 0) << pe.dump();
  EXPECT_TRUE(pe["delinquency_restored"].is_null()) << pe.dump();
  EXPECT_EQ(pe["recommended"], Json::array()) << pe.dump();
  const ReversalView before = ViewAfterReversal(db_);
  ASSERT_TRUE(before.state.has_value());
  EXPECT_FALSE(before.state->delinquent);

  // Returned NSF the next day.
  const CliRun rev = CliOn("2024-07-03", {"--json", "reverse-payment", "--key", "pay-1", "--date",
                                          "2024-07-03", "--reason", "NSF"});
  ASSERT_EQ(rev.code, 0) << rev.err;
  const Json e = Json::parse(rev.out)["enforcement"];
  EXPECT_EQ(e["outreach_tasks_reopened"], 1) << e.dump();
  EXPECT_EQ(e["delinquency_restored"], "2024-06-30") << e.dump();
  EXPECT_EQ(e["recommended"], Json::array({"ACT-000004", "ACT-000005", "ACT-000006"})) << e.dump();
  EXPECT_EQ(e["outreach_tasks_closed"], 0) << e.dump();  // the shared fields keep their meaning
  EXPECT_EQ(e["withdrawn"], Json::array()) << e.dump();
  const ReversalView after = ViewAfterReversal(db_);
  ASSERT_TRUE(after.state.has_value());
  EXPECT_TRUE(after.state->delinquent);
  EXPECT_EQ(after.state->delinquent_since, Date::Ymd(2024, 6, 30));  // the same delinquency
  // The withdrawn and the dismissed stay as they are; the dismissed reminder is held back.
  ASSERT_EQ(after.actions.size(), 6u);
  EXPECT_EQ(after.actions[0], "ACT-000001 reminder dismissed");
  EXPECT_EQ(after.actions[1], "ACT-000002 outreach_call withdrawn");
  EXPECT_EQ(after.actions[2], "ACT-000003 payment_plan_offer withdrawn");
  for (size_t i = 3; i < after.actions.size(); ++i) {
    EXPECT_NE(after.actions[i].find(" recommended"), std::string::npos) << after.actions[i];
    EXPECT_EQ(after.actions[i].find("reminder"), std::string::npos) << after.actions[i];
  }
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    auto fresh = (*store)->GetEnforceAction(4);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(fresh->key.rfind("reversal:2024-07-03:1:", 0), 0u) << fresh->key;
    EXPECT_EQ(fresh->legal_deadline, Date::Ymd(2024, 7, 30));  // 30 days from 2024-06-30
  }
  // The caseworker's queue: the reopened outreach task and a review task for the new set.
  std::vector<std::string> open;
  for (const enforce::Task& t : ObligorTasks()) {
    if (!t.open) continue;
    open.push_back(t.kind + " " + t.key + " " + t.closed_reason + std::to_string(t.action_id));
  }
  EXPECT_EQ(open,
            (std::vector<std::string>{"proactive_outreach outreach:1:2024-06-30 0",
                                      "review_recommendations review:1:2024-07-03:reversal 4"}));
  ASSERT_EQ(after.events.size(), 1u);
  const Json& row = after.events[0];
  EXPECT_EQ(row["key"], "pay-1");
  EXPECT_EQ(row["tasks_reopened"], 1);
  EXPECT_EQ(row["reopen_reason"], "payment reversed: pay-1");
  ASSERT_EQ(row["reopened"].size(), 1u) << row.dump();
  EXPECT_EQ(row["reopened"][0]["key"], "outreach:1:2024-06-30");
  EXPECT_EQ(row["reopened"][0]["was_closed_reason"], "payment received");
  EXPECT_EQ(row["reopened"][0]["was_closed"], "2024-07-02");
  EXPECT_EQ(row["delinquency_restored"], "2024-06-30");
  EXPECT_EQ(row["recommended"].size(), 3u);
  EXPECT_EQ(Cli({"audit", "verify"}).code, 0);
  // The next run finds it all done: no new delinquency, nothing recommended twice.
  const Json next = Nightly("2024-07-04");
  EXPECT_FALSE(next.contains("new_delinquent")) << next.dump();
  EXPECT_EQ(next.value("recommendations", 0), 0) << next.dump();
  EXPECT_FALSE(next.contains("review_tasks")) << next.dump();
}

// A reversal of a payment whose event closed and withdrew nothing changes nothing: a small
// payment leaves the obligor delinquent, and an outreach task closed "payment received" before
// the payment came stays closed (the reversed payment did not satisfy it).
TEST_F(EnforceCliTest, AReversalOfAPaymentWhoseEventClosedNothingChangesNothing) {
  SeedFamily("2014-01-01");
  Nightly("2024-06-30");
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    enforce::Task t = OutreachTask();
    t.key = "outreach:1:2024-06-01";
    t.created = Date::Ymd(2024, 6, 1);
    t.open = false;
    t.closed_date = Date::Ymd(2024, 6, 15);
    t.closed_reason = "payment received";
    ASSERT_TRUE((*store)->InsertEnforceTask(t).ok());
  }
  const CliRun paid =
      CliOn("2024-07-02", {"--json", "post-payment", "--case", "CASE-000001", "--amount", "100.00",
                           "--date", "2024-07-02", "--source", "direct", "--key", "pay-1"});
  ASSERT_EQ(paid.code, 0) << paid.err;
  const Json pe = Json::parse(paid.out)["enforcement"];
  ASSERT_EQ(pe["outreach_tasks_closed"], 0) << pe.dump();
  ASSERT_EQ(pe["withdrawn"], Json::array()) << pe.dump();
  const auto tasks = [&] {
    std::vector<std::string> out;
    for (const enforce::Task& t : ObligorTasks()) {
      out.push_back(t.key + (t.open ? " open " : " closed ") + t.closed_reason + " " +
                    t.amount_at_stake.ToString());
    }
    return out;
  };
  const std::vector<std::string> tasks_before = tasks();
  const ReversalView before = ViewAfterReversal(db_);
  const CliRun rev = CliOn("2024-07-03", {"--json", "reverse-payment", "--key", "pay-1", "--date",
                                          "2024-07-03", "--reason", "NSF"});
  ASSERT_EQ(rev.code, 0) << rev.err;
  const Json e = Json::parse(rev.out)["enforcement"];
  EXPECT_EQ(e["outreach_tasks_reopened"], 0) << e.dump();
  EXPECT_TRUE(e["delinquency_restored"].is_null()) << e.dump();
  EXPECT_EQ(e["recommended"], Json::array()) << e.dump();
  EXPECT_EQ(tasks(), tasks_before);
  const ReversalView after = ViewAfterReversal(db_);
  EXPECT_EQ(after.actions, before.actions);
  ASSERT_TRUE(after.state.has_value() && before.state.has_value());
  EXPECT_EQ(after.state->delinquent, before.state->delinquent);
  EXPECT_EQ(after.state->delinquent_since, before.state->delinquent_since);
  ASSERT_EQ(after.events.size(), 1u);
  EXPECT_EQ(after.events[0]["tasks_reopened"], 0);
  EXPECT_EQ(after.events[0]["reopened"], Json::array());
  EXPECT_EQ(Cli({"audit", "verify"}).code, 0);
}

// An outreach task a caseworker closed stays closed when the payment is reversed, though the
// payment came in its window; the withdrawn recommendations are still recommended afresh.
TEST_F(EnforceCliTest, AReversalLeavesATaskACaseworkerClosedClosed) {
  SeedFamily("2014-01-01");
  Nightly("2024-06-30");
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    enforce::Task t = OutreachTask();
    t.open = false;
    t.closed_date = Date::Ymd(2024, 7, 2);
    t.closed_reason = "reached by phone: payment plan agreed";
    ASSERT_TRUE((*store)->InsertEnforceTask(t).ok());
  }
  ASSERT_EQ(CliOn("2024-07-02", {"post-payment", "--case", "CASE-000001", "--amount", "4200.00",
                                 "--date", "2024-07-02", "--source", "direct", "--key", "pay-1"})
                .code,
            0);
  const CliRun rev = CliOn("2024-07-03", {"--json", "reverse-payment", "--key", "pay-1", "--date",
                                          "2024-07-03", "--reason", "NSF"});
  ASSERT_EQ(rev.code, 0) << rev.err;
  const Json e = Json::parse(rev.out)["enforcement"];
  EXPECT_EQ(e["outreach_tasks_reopened"], 0) << e.dump();
  EXPECT_EQ(e["recommended"].size(), 3u) << e.dump();
  bool seen = false;
  for (const enforce::Task& t : ObligorTasks()) {
    if (t.kind != "proactive_outreach") continue;
    seen = true;
    EXPECT_FALSE(t.open);
    EXPECT_EQ(t.closed_reason, "reached by phone: payment plan agreed");
    EXPECT_EQ(t.closed_date, Date::Ymd(2024, 7, 2));
  }
  EXPECT_TRUE(seen);
}

// A closed case's tasks: a payment on the obligor's other case closes the closed case's review
// task with its withdrawn recommendations (keeping the amount it had), stakes its outreach
// task 0 until the next run closes it, and stakes the open case's task the arrears left.
TEST_F(EnforceCliTest, AClosedCasesTasksStakeNothingAndCloseWithIt) {
  SeedFamily("2014-01-01");  // CASE-000001: 600.00 a month
  ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002", "--opened",
                 "2023-12-01"})
                .code,
            0);
  ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000002", "--amount", "400.00", "--effective",
                 "2024-01-01"})
                .code,
            0);
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000002", "--office", "North"}).code, 0);
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    enforce::Task t = OutreachTask();
    t.message = "Hello Ad";
    t.key_factors = "[]";
    ASSERT_TRUE((*store)->InsertEnforceTask(t).ok());
  }
  const auto tasks = [&]() {
    std::vector<std::string> out;
    for (const enforce::Task& t : ObligorTasks()) {
      out.push_back(t.kind + " " + CaseDisplayId(t.case_id) + (t.open ? " open " : " closed ") +
                    t.amount_at_stake.ToString() + " risk " + std::to_string(t.risk_score));
    }
    return out;
  };
  const Json first = Nightly("2024-06-30");
  EXPECT_EQ(first["tasks_refreshed"], 1) << first.dump();  // outreach: both cases' support
  EXPECT_EQ(tasks(), (std::vector<std::string>{
                         "proactive_outreach CASE-000001 open 1000.00 risk 88",  // no model: kept
                         "review_recommendations CASE-000001 open 5000.00 risk 0",
                         "review_recommendations CASE-000002 open 5000.00 risk 0",
                     }));
  ASSERT_EQ(
      CliOn("2024-07-01",
            {"case", "close-notice", "--case", "CASE-000001", "--reason", "recipient_requested"},
            "cw.ann")
          .code,
      0);
  ASSERT_EQ(CliOn("2024-08-30", {"case", "close", "--case", "CASE-000001"}, "cw.ann").code, 0);
  const CliRun paid =
      CliOn("2024-08-30", {"post-payment", "--case", "CASE-000002", "--amount", "100.00", "--date",
                           "2024-08-30", "--source", "direct", "--key", "pay-1"});
  ASSERT_EQ(paid.code, 0) << paid.err;
  EXPECT_EQ(tasks(), (std::vector<std::string>{
                         "proactive_outreach CASE-000001 open 0.00 risk 88",
                         "review_recommendations CASE-000001 closed 5000.00 risk 0",
                         "review_recommendations CASE-000002 open 2800.00 risk 0",
                     }));
  EXPECT_EQ(LastPaymentEventCounts(db_)["tasks_refreshed"], 2);
  const Json closed = Nightly("2024-08-30");
  EXPECT_EQ(closed["outreach_closed"], 1) << closed.dump();
  EXPECT_FALSE(closed.contains("tasks_refreshed")) << closed.dump();
  EXPECT_EQ(tasks(), (std::vector<std::string>{
                         "proactive_outreach CASE-000001 closed 0.00 risk 88",
                         "review_recommendations CASE-000001 closed 5000.00 risk 0",
                         "review_recommendations CASE-000002 open 2800.00 risk 0",
                         "deadline_alert CASE-000002 open 2800.00 risk 0",
                     }));
}

// QA 2026-12-05: `opencse queue --worker <supervisor>` left out the office's unassigned tasks
// that GET /v1/queue shows the supervisor, and a caseworker's CLI queue kept the tasks of a
// case moved to another office. Both queues are one selection now (enforce::LoadTaskQueue).
TEST_F(EnforceCliTest, TheCliQueueHoldsTheWebQueuesTasks) {
  SeedFamily("2014-01-01");
  ASSERT_EQ(
      Cli({"user", "add", "--username", "sup.n", "--role", "supervisor", "--office", "North"}).code,
      0);
  Nightly("2024-06-30");
  EXPECT_EQ(Queue("2024-06-30", "cw.ann").size(), 1u);
  EXPECT_TRUE(Queue("2024-06-30", "sup.n").empty());  // the office's tasks are cw.ann's
  // Moved to an office with no caseworker: out of cw.ann's queue at once.
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000001", "--office", "South"}).code, 0);
  EXPECT_TRUE(Queue("2024-06-30", "cw.ann").empty());
  ASSERT_EQ(Cli({"assign-office", "--case", "CASE-000001", "--office", "North"}).code, 0);
  // cw.ann leaves: the next run unassigns the task, and North's supervisor sees it.
  ASSERT_EQ(Cli({"user", "disable", "cw.ann", "--reason", "left the agency"}).code, 0);
  EXPECT_EQ(Nightly("2024-07-01")["tasks_reassigned"], 1);
  const Json sup = Queue("2024-07-01", "sup.n");
  ASSERT_EQ(sup.size(), 1u) << sup.dump();
  EXPECT_EQ(sup[0]["worker"], "");
  EXPECT_EQ(sup[0]["case_id"], "CASE-000001");
  const CliRun unknown = Cli({"--json", "queue", "--worker", "nobody"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_EQ(Json::parse(unknown.out)["code"], "user_unknown");
}

}  // namespace
}  // namespace cse
