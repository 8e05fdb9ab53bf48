// POST /v1/child-support/score against a trained model: a small simulated caseload and a
// model trained by the opencse binary, then the API's answer is compared with
// `opencse --json score` for the same case and date, field by field.
#include <sys/wait.h>

#include <cstdio>

#include "http/api_server.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::Body;

std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << command << "\n" << out;
  return out;
}

// A server on the database `db` (written by the opencse binary), its clock at midnight of
// `today`, on a free loopback port; stopped when it goes out of scope.
class ServerOn {
 public:
  ServerOn(const std::string& db, Date today) : clock_(testing::MidnightMicros(today)) {
    http::ServerOptions o;
    o.db = db;
    o.port = 0;
    o.threads = 2;
    auto server = http::Server::Create(o, clock_);
    CSE_CHECK(server.ok(), "server create failed");
    server_ = std::move(server).value();
    auto port = server_->Bind();
    CSE_CHECK(port.ok(), "bind failed");
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~ServerOn() {
    server_->Stop();
    thread_.join();
  }
  ServerOn(const ServerOn&) = delete;
  ServerOn& operator=(const ServerOn&) = delete;

  httplib::Client Client() const { return httplib::Client("127.0.0.1", port_); }

 private:
  FakeClock clock_;
  std::unique_ptr<http::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(ScoreTest, ApiScoreOfAStoredCaseEqualsTheCliScore) {
  // The database, and the -wal, -shm and access-log files the binary and the server write
  // beside it.
  const testing::ScratchDir dir("http_score");
  const std::string db = dir.path("opencse.db");
  const std::string cli =
      std::string(OPENCSE_BINARY) + " --db " + db + " --today 2025-07-01 --user tester ";
  Shell(cli + "init");
  Shell(cli + "simulate --cases 600 --months 16 --seed 5 --as-of 2025-06-30");
  Shell(cli + "model train --as-of 2025-06-30 --rounds 20");
  const Json expected =
      Json::parse(Shell(cli + "--json score --case CASE-000001 --as-of 2025-06-30"));
  // A score as of a day after today is refused by the CLI too (ai::CheckScoreDate), and the
  // API refuses it the same way below.
  {
    FILE* p = popen((cli + "score --case CASE-000001 --as-of 2025-07-02 2>&1").c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    EXPECT_NE(pclose(p), 0) << out;
    EXPECT_NE(out.find("date_in_future"), std::string::npos) << out;
  }
  const std::string office =
      Json::parse(Shell(cli + "--json ledger --case CASE-000001"))["case"]["county"];
  Shell("printf 'correct horse battery\\n' | " + cli +
        "user add --username cw --role caseworker --password-stdin --office " + office);
  Shell("printf 'correct horse battery\\n' | " + cli +
        "user add --username acct --role accounting_technician --password-stdin");
  Shell("printf 'correct horse battery\\n' | " + cli +
        "user add --username boss --role admin --password-stdin");
  // The state's options are an administrator's (or a supervisor's) once staff users exist.
  const std::string boss =
      std::string(OPENCSE_BINARY) + " --db " + db + " --today 2025-07-01 --user boss ";

  const ServerOn server(db, Date::Ymd(2025, 7, 1));
  httplib::Client c = server.Client();
  auto s = testing::SignIn(c, "cw");
  auto r =
      c.Post("/v1/child-support/score", s.Headers(),
             Json{{"case_id", "CASE-000001"}, {"as_of", "2025-06-30"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const Json got = Body(r);
  auto future =
      c.Post("/v1/child-support/score", s.Headers(),
             Json{{"case_id", "CASE-000001"}, {"as_of", "2025-07-02"}}.dump(), "application/json");
  ASSERT_TRUE(future);
  EXPECT_EQ(future->status, 400) << future->body;
  EXPECT_EQ(Body(future)["code"], "date_in_future");
  for (const char* field :
       {"case_id", "obligor_id", "as_of", "risk_score", "risk_score_100", "risk_tier",
        "recommended_action", "confidence", "key_factors", "model_version"}) {
    EXPECT_EQ(got[field], expected[field]) << field;
  }
  EXPECT_FALSE(got["key_factors"].empty());
  // The score was recorded, and the read of the obligor logged.
  const Json history = Body(c.Get("/v1/cases/CASE-000001/scores", s.Headers()));
  EXPECT_GE(history["items"].size(), 2U);  // the CLI's and the API's

  // The state's tier cut-offs label the API's scores too, and a change made while the server
  // runs is seen at once (before, the API kept the model's defaults, 75 and 40).
  const int score = got["risk_score_100"].get<int>();
  std::string want;
  if (score > 40) {  // defaults: MEDIUM or HIGH; with 98/99, LOW
    Shell(boss + "config set risk.tier_high_above 99");
    Shell(boss + "config set risk.tier_medium_above 98");
    want = "LOW";
  } else {  // defaults: LOW; with 0/score-1, HIGH
    ASSERT_GE(score, 2);
    Shell(boss + "config set risk.tier_medium_above 0");
    Shell(boss + "config set risk.tier_high_above " + std::to_string(score - 1));
    want = "HIGH";
  }
  auto again =
      c.Post("/v1/child-support/score", s.Headers(),
             Json{{"case_id", "CASE-000001"}, {"as_of", "2025-06-30"}}.dump(), "application/json");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(Body(again)["risk_tier"], want);
  EXPECT_EQ(
      Json::parse(Shell(cli + "--json score --case CASE-000001 --as-of 2025-06-30"))["risk_tier"],
      want);
  // A payment's event names the new score's tier by the same cut-offs (the web app's "Post a
  // payment" page shows it to a poster who may not read scores).
  const Json paid =
      Json::parse(Shell(cli + "--json post-payment --case CASE-000001 --amount 25.00 "
                              "--date 2025-07-01 --source direct --key tier-1"))["enforcement"];
  ASSERT_TRUE(paid["risk_score_100"].is_number_integer()) << paid.dump();
  const Json rescored =
      Json::parse(Shell(cli + "--json score --case CASE-000001 --as-of 2025-07-01"));
  EXPECT_EQ(paid["risk_score_100"], rescored["risk_score_100"]) << paid.dump();
  EXPECT_EQ(paid["risk_tier"], rescored["risk_tier"]) << paid.dump();
  EXPECT_EQ(paid["risk_tier"], want) << paid.dump();

  // Through the API the object follows the poster's role: an accounting technician (no
  // scores.read) gets no score or tier, an administrator gets both.
  for (const auto& [who, scored] : {std::pair<std::string, bool>{"acct", false}, {"boss", true}}) {
    auto session = testing::SignIn(c, who);
    httplib::Headers h = session.Headers();
    h.emplace("Idempotency-Key", "tier-api-" + who);
    auto posted = c.Post("/v1/payments", h,
                         Json{{"case_id", "CASE-000001"},
                              {"amount", "10.00"},
                              {"date", "2025-07-01"},
                              {"source", "direct"}}
                             .dump(),
                         "application/json");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 201) << posted->body;
    const Json e = Body(posted)["enforcement"];
    if (scored) {
      EXPECT_TRUE(e["risk_score_100"].is_number_integer()) << e.dump();
      EXPECT_EQ(e["risk_tier"], want) << e.dump();
      EXPECT_FALSE(e.contains("score_withheld")) << e.dump();
    } else {
      EXPECT_TRUE(e["risk_score_100"].is_null()) << e.dump();
      EXPECT_TRUE(e["risk_tier"].is_null()) << e.dump();
      EXPECT_EQ(e["score_withheld"], true) << e.dump();
    }
  }
}

// The exit status and output (standard error too) of `command`.
int ShellStatus(const std::string& command, std::string& out) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `score --case` and POST /v1/child-support/score refuse case_closed only when the case is
// closed on the as-of date (docs/ARCHITECTURE.md §5.6): CASE-000001, closed since 2025-08-30,
// is scored as of 2025-06-30, when it was open; CASE-000002, closed 2025-08-30 and reopened
// 2025-09-15, is not scored as of 2025-09-01, and nothing is recorded. Before, both read the
// case's status today: the first was refused and the second scored.
TEST(ScoreTest, ACaseIsScoredByItsStatusOnTheAsOfDate) {
  const testing::ScratchDir dir("http_score_closed");
  const std::string db = dir.path("opencse.db");
  auto cli = [&](const std::string& today) {
    return std::string(OPENCSE_BINARY) + " --db " + db + " --today " + today + " --user tester ";
  };
  Shell(cli("2025-07-01") + "init");
  Shell(cli("2025-07-01") + "simulate --cases 600 --months 16 --seed 5 --as-of 2025-06-30");
  Shell(cli("2025-07-01") + "model train --as-of 2025-06-30 --rounds 20");
  for (const char* c : {"CASE-000001", "CASE-000002"}) {
    Shell(cli("2025-07-01") + "case close-notice --case " + c + " --reason other --note moved");
    Shell(cli("2025-08-30") + "case close --case " + c);
  }
  Shell(cli("2025-09-15") + "case reopen --case CASE-000002 --reason back");
  auto scores_of = [&](int64_t case_id) {
    auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
    EXPECT_TRUE(store.ok());
    auto c = (*store)->GetCase(CaseId{case_id});
    EXPECT_TRUE(c.ok());
    auto rows = (*store)->ListRiskScores(c->obligor);
    EXPECT_TRUE(rows.ok());
    return rows->size();
  };

  const std::string today = cli("2025-09-20");
  const Json open =
      Json::parse(Shell(today + "--json score --case CASE-000001 --as-of 2025-06-30"));
  EXPECT_EQ(open["case_id"], "CASE-000001");
  const size_t recorded = scores_of(2);
  std::string out;
  EXPECT_EQ(ShellStatus(today + "--json score --case CASE-000002 --as-of 2025-09-01", out), 1);
  EXPECT_EQ(Json::parse(out)["code"], "case_closed") << out;
  EXPECT_EQ(Json::parse(out)["message"],
            "CASE-000002 was closed from 2025-08-30 to 2025-09-14: the as-of date 2025-09-01 "
            "falls in that period");
  out.clear();
  EXPECT_EQ(ShellStatus(today + "--json score --case CASE-000001 --as-of 2025-09-01", out), 1);
  EXPECT_EQ(Json::parse(out)["message"],
            "CASE-000001 is closed since 2025-08-30: the as-of date 2025-09-01 is on or after its "
            "closing day");
  EXPECT_EQ(scores_of(2), recorded);
  Shell("printf 'correct horse battery\\n' | " + today +
        "user add --username boss --role admin --password-stdin");

  const ServerOn server(db, Date::Ymd(2025, 9, 20));
  httplib::Client c = server.Client();
  auto s = testing::SignIn(c, "boss");
  auto score = [&](const char* case_id, const char* as_of) {
    return c.Post("/v1/child-support/score", s.Headers(),
                  Json{{"case_id", case_id}, {"as_of", as_of}}.dump(), "application/json");
  };
  auto was_open = score("CASE-000001", "2025-06-30");
  ASSERT_TRUE(was_open);
  EXPECT_EQ(was_open->status, 200) << was_open->body;
  EXPECT_EQ(Body(was_open)["risk_score"], open["risk_score"]);
  auto inside = score("CASE-000002", "2025-09-01");
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->status, 409) << inside->body;
  EXPECT_EQ(Body(inside)["code"], "case_closed");
  EXPECT_EQ(Body(inside)["message"],
            "CASE-000002 was closed from 2025-08-30 to 2025-09-14: the as-of date 2025-09-01 "
            "falls in that period");
  EXPECT_EQ(scores_of(2), recorded);
  auto reopened = score("CASE-000002", "2025-09-15");
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->status, 200) << reopened->body;
  EXPECT_EQ(scores_of(2), recorded + 1);
}

}  // namespace
}  // namespace cse
