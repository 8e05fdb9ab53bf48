// The enforcement queue and recommendation decisions over real HTTP: the signed-in
// caseworker's queue in priority order with its filters, approve with a reason and see it in
// the case's audit trail, dismiss without a reason (400 reason_missing), a role without the
// permission (403), another office (403), CSRF, and one staff identity (a disabled web user
// may not decide).
#include "core/text.h"
#include "enforce/action_service.h"
#include "enforce/workflow.h"
#include "http/api_server.h"
#include "testing/cli_run.h"

namespace cse {
namespace {

using testing::ApiServer;
using testing::Body;
using testing::SignIn;

class QueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(
        std::string("queue_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto store = server_->OpenStore();
    // Rules-only recommendations (no model) for the two north cases, as `opencse recommend`.
    enforce::EnforcementService svc(*store, server_->clock(), "nightly");
    enforce::RecommendOptions o;
    o.as_of = Date::Ymd(2024, 6, 30);
    for (int64_t id : {1, 2, 3}) {
      auto r = svc.Recommend(CaseId{id}, o);
      ASSERT_TRUE(r.ok()) << r.status().message();
      ASSERT_FALSE(r->actions.empty());
    }
    // The nightly batch's review tasks: two for cw_north, one in the south office.
    AddTask(*store, "cw_north", CaseId{1}, PersonId{1}, 40, 300000, Date::Ymd(2024, 7, 20));
    AddTask(*store, "cw_north", CaseId{2}, PersonId{3}, 90, 300000, Date::Ymd(2024, 7, 5));
    AddTask(*store, "cw_south", CaseId{3}, PersonId{5}, 60, 300000, std::nullopt);
  }
  static void AddTask(Store& store, const std::string& worker, CaseId c, PersonId obligor, int risk,
                      int64_t cents, std::optional<Date> deadline) {
    enforce::Task t;
    t.key = "review_recommendations:" + CaseDisplayId(c) + ":2024-06-30";
    t.kind = "review_recommendations";
    t.case_id = c;
    t.obligor = obligor;
    t.worker = worker;
    t.created = Date::Ymd(2024, 6, 30);
    t.risk_score = risk;
    t.amount_at_stake = Money::FromCents(cents);
    t.deadline = deadline;
    t.title = "Review recommendations";
    t.recommended = "outreach_call";
    t.key_factors = R"([{"code":"arrears","text":"Six months unpaid","direction":"up"}])";
    ASSERT_TRUE(store.InsertEnforceTask(t).ok());
  }
  // A proactive outreach task of cw_north on case 1 as the nightly batch writes it
  // (enforce/nightly.cc CreateOutreach): the channel, the message, and `recommended` =
  // "outreach (<the channel's numbers>)".
  static void AddOutreachTask(Store& store, const enforce::ChannelChoice& choice,
                              const std::string& message) {
    enforce::Task t;
    t.key = "outreach:1:2024-06-30";
    t.kind = "proactive_outreach";
    t.case_id = CaseId{1};
    t.obligor = PersonId{1};
    t.worker = "cw_north";
    t.created = Date::Ymd(2024, 6, 30);
    t.follow_up = Date::Ymd(2024, 7, 7);
    t.risk_score = 90;
    t.amount_at_stake = Money::FromCents(50000);
    t.title = "Proactive Outreach";
    t.channel = choice.channel;
    t.message = message;
    t.recommended = "outreach (" + choice.reason + ")";  // no key factors: null in both
    ASSERT_TRUE(store.InsertEnforceTask(t).ok());
  }
  // The first pending recommendation of `case_item` a caseworker may approve.
  static std::string CaseworkerApprovable(const Json& item) {
    for (const Json& a : item["recommendations"]) {
      auto r = enforce::ParseRemedy(a["remedy"].get<std::string>());
      if (r.ok() &&
          enforce::RoleAllows(enforce::Role::kCaseworker, enforce::Transition::kApprove, *r)) {
        return a["id"].get<std::string>();
      }
    }
    return "";
  }
  std::unique_ptr<ApiServer> server_;
};

// A task no caseworker holds (the office has none: worker "") is in the queue of the
// supervisors of the case's office, and in no caseworker's; before 2026-12-04 it was in
// nobody's queue.
TEST_F(QueueTest, ASupervisorsQueueHoldsTheOfficesUnassignedTasks) {
  {
    auto store = server_->OpenStore();
    // Case 3 is in the south office, so its unassigned task is not north's.
    ASSERT_TRUE(store->SetCaseOffice(CaseId{3}, "north").ok());
    enforce::Task t;
    t.key = "review_recommendations:CASE-000003:unassigned";
    t.kind = "review_recommendations";
    t.case_id = CaseId{3};
    t.obligor = PersonId{5};
    t.created = Date::Ymd(2024, 6, 30);
    t.risk_score = 70;
    t.amount_at_stake = Money::FromCents(300000);
    t.title = "Review recommendations";
    t.recommended = "outreach_call";
    t.key_factors = "[]";
    ASSERT_TRUE(store->InsertEnforceTask(t).ok());
  }
  auto c = server_->Client();
  auto sup = SignIn(c, "sup_north");
  const Json q = Body(c.Get("/v1/queue", sup.Headers()));
  ASSERT_EQ(q["items"].size(), 1u) << q.dump();
  EXPECT_EQ(q["items"][0]["case_id"], "CASE-000003");
  auto cw = SignIn(c, "cw_north");
  const Json mine = Body(c.Get("/v1/queue", cw.Headers()));
  for (const Json& item : mine["items"]) {
    EXPECT_NE(item["case_id"], "CASE-000003") << "cw_north holds no task of case 3";
  }
}

TEST_F(QueueTest, CaseworkerSeesTheirQueueInPriorityOrderWithFilters) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  auto r = c.Get("/v1/queue", s.Headers());
  ASSERT_EQ(r->status, 200) << r->body;
  const Json q = Body(r);
  EXPECT_EQ(q["as_of"], "2024-06-30");
  ASSERT_EQ(q["items"].size(), 2U);
  EXPECT_EQ(q["total"], 2);
  // Higher risk and the nearer deadline first: CASE-000002 (90, 5 days) before CASE-000001.
  EXPECT_EQ(q["items"][0]["case_id"], "CASE-000002");
  EXPECT_EQ(q["items"][0]["risk_tier"], "high");
  EXPECT_EQ(q["items"][1]["risk_tier"], "low");
  EXPECT_GT(q["items"][0]["priority"].get<double>(), q["items"][1]["priority"].get<double>());
  EXPECT_EQ(q["items"][0]["key_factors"][0]["text"], "Six months unpaid");
  EXPECT_EQ(q["items"][0]["recommended_action"], "outreach_call");
  EXPECT_EQ(q["items"][0]["deadline"], "2024-07-05");
  ASSERT_FALSE(q["items"][0]["recommendations"].empty());
  EXPECT_EQ(q["items"][0]["recommendations"][0]["state"], "recommended");
  // Filters.
  EXPECT_EQ(Body(c.Get("/v1/queue?tier=high", s.Headers()))["items"].size(), 1U);
  EXPECT_EQ(Body(c.Get("/v1/queue?tier=LOW", s.Headers()))["items"][0]["case_id"], "CASE-000001");
  EXPECT_EQ(Body(c.Get("/v1/queue?deadline_before=2024-07-10", s.Headers()))["items"].size(), 1U);
  EXPECT_EQ(Body(c.Get("/v1/queue?action_type=tax_offset", s.Headers()))["items"].size(), 0U);
  EXPECT_EQ(Body(c.Get("/v1/queue?action_type=outreach_call", s.Headers()))["items"].size(), 2U);
  auto bad = c.Get("/v1/queue?tier=urgent", s.Headers());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Body(bad)["code"], "tier_invalid");
  EXPECT_EQ(Body(c.Get("/v1/queue?action_type=x';--", s.Headers()))["code"], "remedy_unknown");
  EXPECT_EQ(Body(c.Get("/v1/queue?deadline_before=soon", s.Headers()))["code"], "date_malformed");
  // The south caseworker sees only their own task.
  auto south = SignIn(c, "cw_south");
  const Json sq = Body(c.Get("/v1/queue", south.Headers()));
  ASSERT_EQ(sq["items"].size(), 1U);
  EXPECT_EQ(sq["items"][0]["case_id"], "CASE-000003");
  EXPECT_EQ(sq["items"][0]["deadline"], nullptr);
}

// Each queue item shows its obligor's risk data: one access-log row per item answered, through
// its case, as the recommendations route logs (before 2026-12-05 the queue logged none).
TEST_F(QueueTest, EveryQueueItemAnsweredIsAReadInTheAccessLog) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  auto admin = SignIn(c, "admin");
  ASSERT_EQ(Body(c.Get("/v1/queue?tier=high", s.Headers()))["items"].size(), 1U);
  ASSERT_EQ(Body(c.Get("/v1/queue", s.Headers()))["items"].size(), 2U);
  auto reads = [&](const std::string& person) {
    std::vector<std::string> cases;
    const Json log = Body(c.Get("/v1/access-log?person_id=" + person, admin.Headers()));
    for (const Json& row : log["items"]) {
      if (row["route"] == "GET /v1/queue" && row["actor"] == "cw_north") {
        cases.push_back(row["case_id"].get<std::string>());
      }
    }
    return cases;
  };
  EXPECT_EQ(reads("PRS-000003"), (std::vector<std::string>{"CASE-000002", "CASE-000002"}));
  EXPECT_EQ(reads("PRS-000001"), (std::vector<std::string>{"CASE-000001"}));
  EXPECT_TRUE(reads("PRS-000005").empty());
}

// Queue items are rendered once per loaded queue and then shared by every page and filter:
// the text a filtered page shows is the unfiltered page's, and each pending recommendation
// agrees with the case's full record from GET /v1/cases/{id}/recommendations.
TEST_F(QueueTest, QueueItemsAgreeAcrossFiltersAndWithTheFullRecommendations) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json all = Body(c.Get("/v1/queue", s.Headers()));
  ASSERT_EQ(all["items"].size(), 2U);
  const Json high = Body(c.Get("/v1/queue?tier=high", s.Headers()));
  ASSERT_EQ(high["items"].size(), 1U);
  EXPECT_EQ(high["total"], 1);
  EXPECT_EQ(high["items"][0], all["items"][0]);
  const Json one = Body(c.Get("/v1/queue?limit=1", s.Headers()));
  ASSERT_EQ(one["items"].size(), 1U);
  EXPECT_EQ(one["total"], 2);
  EXPECT_EQ(one["items"][0], all["items"][0]);
  EXPECT_EQ(Body(c.Get("/v1/queue", s.Headers())), all);
  for (const Json& item : all["items"]) {
    const std::string case_id = item["case_id"].get<std::string>();
    const Json full = Body(c.Get("/v1/cases/" + case_id + "/recommendations", s.Headers()));
    size_t pending = 0;
    for (const Json& a : full["items"]) {
      if (a["state"] != "recommended") continue;
      ASSERT_LT(pending, item["recommendations"].size());
      const Json& shown = item["recommendations"][pending++];
      for (const char* field : {"id", "remedy", "state", "rank", "confidence", "rationale",
                                "legal_deadline", "amount_at_stake", "model_version"}) {
        EXPECT_EQ(shown[field], a[field]) << case_id << " " << field;
      }
      EXPECT_FALSE(shown.contains("decided_by"));  // lifecycle fields: the full record only
    }
    EXPECT_EQ(pending, item["recommendations"].size()) << case_id;
    EXPECT_GT(pending, 0U) << case_id;
  }
}

TEST_F(QueueTest, ApproveWithAReasonShowsInTheCaseAuditTrail) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json q = Body(c.Get("/v1/queue", s.Headers()));
  ASSERT_EQ(q["items"].size(), 2U);
  const std::string id = CaseworkerApprovable(q["items"][1]);  // CASE-000001
  ASSERT_FALSE(id.empty());
  // CSRF is required.
  auto no_csrf = c.Post("/v1/recommendations/" + id + "/approve", s.Headers(false),
                        Json{{"reason", "x"}}.dump(), "application/json");
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(Body(no_csrf)["code"], "csrf_invalid");
  auto r = c.Post("/v1/recommendations/" + id + "/approve", s.Headers(),
                  Json{{"reason", "Employer confirmed by phone"}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["state"], "approved");
  EXPECT_EQ(Body(r)["decided_by"], "cw_north");
  // Twice: 409.
  auto again = c.Post("/v1/recommendations/" + id + "/approve", s.Headers(),
                      Json{{"reason", "again"}}.dump(), "application/json");
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(Body(again)["code"], "action_already_decided");
  // The case's audit trail (readable by a caseworker) shows who approved and why.
  auto audit = c.Get("/v1/cases/CASE-000001/audit", s.Headers());
  ASSERT_EQ(audit->status, 200) << audit->body;
  bool found = false;
  const Json trail = Body(audit);
  for (const Json& row : trail["items"]) {
    if (row["action"] == "enforce.approve" && row["entity_id"] == id) {
      found = true;
      EXPECT_EQ(row["actor"], "cw_north");
      EXPECT_EQ(row["reason"], "Employer confirmed by phone");
      EXPECT_EQ(row["state"], "approved");
    }
  }
  EXPECT_TRUE(found) << audit->body;
  // The recommendations of the case show the decision; the approved one left the queue item.
  const Json recs = Body(c.Get("/v1/cases/CASE-000001/recommendations", s.Headers()));
  bool approved = false;
  for (const Json& a : recs["items"])
    approved = approved || (a["id"] == id && a["state"] == "approved");
  EXPECT_TRUE(approved);
  // Another office's case: 403.
  EXPECT_EQ(c.Get("/v1/cases/CASE-000003/audit", s.Headers())->status, 403);
  // A role that may not read the queue may not read its decision history either (QA probe
  // 2026-12-05: an accounting technician read the remedies and a dismissal's reason here that
  // the payment event's enforcement object withholds from them).
  auto acct = SignIn(c, "acct");
  auto refused = c.Get("/v1/cases/CASE-000001/audit", acct.Headers());
  EXPECT_EQ(refused->status, 403) << refused->body;
  EXPECT_EQ(refused->body.find("remedy"), std::string::npos) << refused->body;
  EXPECT_EQ(c.Get("/v1/cases/CASE-000003/recommendations", s.Headers())->status, 403);
}

// The server caches the sorted queue (router.h QueueCache); a write through the server makes
// the next queue read reload it, so tasks added meanwhile (here: straight into the database,
// as the nightly batch does) appear after the caseworker's decision, in priority order and
// still only from the caseworker's office.
// A proactive outreach task as the nightly batch writes it (enforce/nightly.cc CreateOutreach:
// the channel, the message, and `recommended` = "outreach (<the channel's numbers>)") is
// answered with the action "outreach", the channel, the message and the numbers apart as
// channel_reason; before 2026-12-05 recommended_action held the numbers and the web queue
// showed them instead of the message and channel.
TEST_F(QueueTest, OutreachTasksAnswerTheirChannelAndMessageApartFromTheChannelNumbers) {
  const enforce::ChannelChoice choice =
      enforce::ChooseChannel({enforce::ContactAttempt{0, PersonId{1}, "sms", Date::Ymd(2024, 6, 1),
                                                      "reached", "", "", ""}},
                             {}, Date::Ymd(2024, 6, 30));
  ASSERT_EQ(choice.channel, "sms");
  const std::string message = enforce::OutreachMessage(
      {"Sam", Money::FromCents(50000), Money::FromCents(250000), 90, choice.channel});
  AddOutreachTask(*server_->OpenStore(), choice, message);
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json q = Body(c.Get("/v1/queue", s.Headers(false)));
  const Json* outreach = nullptr;
  for (const Json& item : q["items"]) {
    if (item["kind"] == "proactive_outreach") outreach = &item;
  }
  ASSERT_NE(outreach, nullptr) << q.dump();
  EXPECT_EQ((*outreach)["recommended_action"], "outreach");
  EXPECT_EQ((*outreach)["channel"], "sms");
  EXPECT_EQ((*outreach)["message"], message);
  EXPECT_NE(message.find("Hello Sam"), std::string::npos);
  EXPECT_EQ((*outreach)["channel_reason"], choice.reason);
  EXPECT_NE(choice.reason.find("reached"), std::string::npos) << choice.reason;
  // Review tasks keep their remedy code and have no channel reason.
  for (const Json& item : q["items"]) {
    if (item["kind"] != "review_recommendations") continue;
    EXPECT_EQ(item["recommended_action"], "outreach_call");
    EXPECT_EQ(item["channel_reason"], "");
  }
}

// QA 2026-12-05: outreach tasks are in the queue, but `action_type=outreach` was refused
// (remedy_unknown: only remedy codes were known), and `opencse queue --json` still answered
// the stored "outreach (<numbers>)" as `recommended_action`. Now the filter selects the
// outreach tasks, and the CLI answers every field the API item has (but the tier and the
// pending recommendations) with the same value: "outreach", the channel, the message, the
// channel's numbers as `channel_reason` and the follow-up date.
TEST_F(QueueTest, OutreachTasksFilterAndTheCliAnswersThemAsTheApiDoes) {
  const enforce::ChannelChoice choice =
      enforce::ChooseChannel({enforce::ContactAttempt{0, PersonId{1}, "sms", Date::Ymd(2024, 6, 1),
                                                      "reached", "", "", ""}},
                             {}, Date::Ymd(2024, 6, 30));
  AddOutreachTask(*server_->OpenStore(), choice, "Hello Sam");
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json outreach = Body(c.Get("/v1/queue?action_type=outreach", s.Headers()));
  ASSERT_EQ(outreach["items"].size(), 1U) << outreach.dump();
  EXPECT_EQ(outreach["total"], 1);
  EXPECT_TRUE(outreach["next_after"].is_null());
  const Json item = outreach["items"][0];
  EXPECT_EQ(item["kind"], "proactive_outreach");
  EXPECT_EQ(item["recommended_action"], "outreach");
  EXPECT_EQ(item["follow_up"], "2024-07-07");
  const Json calls = Body(c.Get("/v1/queue?action_type=outreach_call", s.Headers()));
  ASSERT_EQ(calls["items"].size(), 2U) << calls.dump();
  for (const Json& i : calls["items"]) EXPECT_EQ(i["kind"], "review_recommendations");
  auto bad = c.Get("/v1/queue?action_type=outreach_email", s.Headers());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Body(bad)["code"], "remedy_unknown");
  EXPECT_NE(Body(bad)["message"].get<std::string>().find("or outreach"), std::string::npos)
      << bad->body;
  // The CLI's task: the API item's fields and values.
  const testing::CliRun r = testing::RunOpencse(
      {"--db", server_->db(), "--today", "2024-06-30", "--json", "queue", "--worker", "cw_north"});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json* task = nullptr;
  const Json tasks = Json::parse(r.out);
  for (const Json& t : tasks) {
    if (t["kind"] == "proactive_outreach") task = &t;
  }
  ASSERT_NE(task, nullptr) << r.out;
  for (const auto& [key, value] : item.items()) {
    if (key == "risk_tier" || key == "recommendations") continue;  // the API's own
    ASSERT_TRUE(task->contains(key)) << key;
    EXPECT_EQ((*task)[key], value) << key;
  }
  EXPECT_EQ((*task)["channel_reason"], choice.reason);
  EXPECT_EQ((*task)["id"], item["task_id"]);  // the CLI's older name, kept
  // Other tasks: their remedy code and no reason, in both.
  for (const Json& t : tasks) {
    if (t["kind"] != "review_recommendations") continue;
    EXPECT_EQ(t["recommended_action"], "outreach_call");
    EXPECT_EQ(t["channel_reason"], "");
  }
}

// QA 2026-12-05: `action_type=OUTREACH` (or a remedy code in capitals) was refused with
// remedy_unknown while `tier=HIGH` was read as high. The filter ignores letter case now.
TEST_F(QueueTest, TheActionTypeFilterIgnoresLetterCase) {
  const enforce::ChannelChoice choice = enforce::ChooseChannel({}, {}, Date::Ymd(2024, 6, 30));
  AddOutreachTask(*server_->OpenStore(), choice, "Hello Sam");
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  for (const char* value : {"outreach", "OUTREACH", "Outreach"}) {
    auto r = c.Get(std::string("/v1/queue?action_type=") + value, s.Headers());
    ASSERT_EQ(r->status, 200) << value << ": " << r->body;
    ASSERT_EQ(Body(r)["items"].size(), 1U) << value << ": " << r->body;
    EXPECT_EQ(Body(r)["items"][0]["recommended_action"], "outreach") << value;
  }
  for (const char* value : {"outreach_call", "OUTREACH_CALL", "Outreach_Call"}) {
    const Json q = Body(c.Get(std::string("/v1/queue?action_type=") + value, s.Headers()));
    ASSERT_EQ(q["items"].size(), 2U) << value << ": " << q.dump();
    for (const Json& i : q["items"]) EXPECT_EQ(i["recommended_action"], "outreach_call") << value;
  }
  auto bad = c.Get("/v1/queue?action_type=OUTREACH_EMAIL", s.Headers());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Body(bad)["code"], "remedy_unknown");
}

// QA 2026-12-05: POST /v1/payments skipped the payment event that `opencse post-payment` runs
// (docs/ENFORCEMENT.md §8): the open review task kept staking the arrears as they were before
// the payment, no enforce.payment_event row was written and the reply had no `enforcement`.
// The route runs it once the posting has committed: the task stakes the arrears left (and the
// queue shows it at once), the audit row names the payment, and the reply's `enforcement` has
// the fields of the CLI's.
TEST_F(QueueTest, APaymentThroughTheApiRunsThePaymentEventAsTheCliDoes) {
  auto c = server_->Client();
  auto acct = SignIn(c, "acct");
  auto h = acct.Headers();
  h.emplace("Idempotency-Key", "API-EVENT-1");
  auto r = c.Post("/v1/payments", h,
                  Json{{"case_id", "CASE-000001"},
                       {"amount", "1200.00"},
                       {"date", "2024-06-30"},
                       {"source", "direct"}}
                      .dump(),
                  "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const Json enforcement = Body(r)["enforcement"];
  EXPECT_TRUE(enforcement["risk_score_100"].is_null()) << enforcement.dump();  // no model
  EXPECT_TRUE(enforcement["model_unusable"].is_null()) << enforcement.dump();
  EXPECT_EQ(enforcement["outreach_tasks_closed"], 0) << enforcement.dump();
  EXPECT_EQ(enforcement["tasks_refreshed"], 1) << enforcement.dump();
  EXPECT_TRUE(enforcement["withdrawn"].is_array()) << enforcement.dump();
  // The review task stakes the obligor's arrears after the payment (3,000.00 before).
  auto admin = SignIn(c, "admin");
  const Json ledger = Body(c.Get("/v1/cases/CASE-000001/ledger?as_of=2024-06-30", admin.Headers()));
  const std::string arrears = ledger["balance"]["arrears_total"].get<std::string>();
  EXPECT_NE(arrears, "3000.00");
  auto tasks = server_->OpenStore()->ListEnforceTasksByObligor(PersonId{1});
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1U);
  EXPECT_TRUE((*tasks)[0].open);
  EXPECT_EQ((*tasks)[0].amount_at_stake.ToString(), arrears);
  auto cw = SignIn(c, "cw_north");
  bool shown = false;
  const Json queue = Body(c.Get("/v1/queue", cw.Headers()));
  for (const Json& item : queue["items"]) {
    if (item["case_id"] != "CASE-000001") continue;
    EXPECT_EQ(item["amount_at_stake"], arrears);
    shown = true;
  }
  EXPECT_TRUE(shown) << queue.dump();
  // One enforce.payment_event row, by the person who posted.
  const Json audit =
      Body(c.Get("/v1/audit?entity=person&entity_id=PRS-000001", admin.Headers()))["items"];
  int events = 0;
  for (const Json& row : audit) {
    if (row["action"] != "enforce.payment_event") continue;
    ++events;
    EXPECT_EQ(row["actor"], "acct");
    EXPECT_EQ(row["after"]["case_id"], "CASE-000001");
    EXPECT_EQ(row["after"]["date"], "2024-06-30");
    EXPECT_EQ(row["after"]["tasks_refreshed"], 1);
  }
  EXPECT_EQ(events, 1) << audit.dump();
  // The same payment again: "exists", no second event.
  auto again = c.Post("/v1/payments", h,
                      Json{{"case_id", "CASE-000001"},
                           {"amount", "1200.00"},
                           {"date", "2024-06-30"},
                           {"source", "direct"}}
                          .dump(),
                      "application/json");
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_FALSE(Body(again).contains("enforcement"));
  // `opencse post-payment --json` (another obligor's case) answers an object of the same
  // fields, each of the same JSON type; the API's says the score is withheld from an
  // accounting technician, who may not read scores.
  EXPECT_EQ(enforcement["score_withheld"], true) << enforcement.dump();
  const testing::CliRun cli =
      testing::RunOpencse({"--db", server_->db(), "--today", "2024-06-30", "--json", "post-payment",
                           "--case", "CASE-000002", "--amount", "1200.00", "--date", "2024-06-30",
                           "--source", "direct", "--key", "CLI-EVENT-1"});
  ASSERT_EQ(cli.code, 0) << cli.err;
  const Json theirs = Json::parse(cli.out)["enforcement"];
  ASSERT_EQ(theirs.size() + 1, enforcement.size()) << theirs.dump() << " " << enforcement.dump();
  for (const auto& [key, value] : theirs.items()) {
    ASSERT_TRUE(enforcement.contains(key)) << key;
    EXPECT_EQ(enforcement[key].type(), value.type()) << key;
  }
}

TEST_F(QueueTest, QueueIsReloadedAfterAWriteThroughTheServer) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json before = Body(c.Get("/v1/queue", s.Headers()));
  ASSERT_EQ(before["items"].size(), 2U) << before.dump();
  {
    auto store = server_->OpenStore();
    enforce::Task t;
    t.key = "outreach:CASE-000001:2024-06-30";
    t.kind = "outreach";
    t.case_id = CaseId{1};
    t.obligor = PersonId{1};
    t.worker = "cw_north";
    t.created = Date::Ymd(2024, 6, 30);
    t.risk_score = 99;
    t.amount_at_stake = Money::FromCents(900000);
    t.deadline = Date::Ymd(2024, 7, 1);
    t.title = "Call the obligor";
    t.recommended = "outreach_call";
    ASSERT_TRUE(store->InsertEnforceTask(t).ok());
    t.key = "outreach:CASE-000003:2024-06-30";  // the south office: never in cw_north's queue
    t.case_id = CaseId{3};
    t.obligor = PersonId{5};
    ASSERT_TRUE(store->InsertEnforceTask(t).ok());
  }
  const std::string id = CaseworkerApprovable(before["items"][1]);
  ASSERT_FALSE(id.empty());
  auto r = c.Post("/v1/recommendations/" + id + "/approve", s.Headers(),
                  Json{{"reason", "Agreed with the obligor"}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  const Json after = Body(c.Get("/v1/queue", s.Headers()));
  ASSERT_EQ(after["items"].size(), 3U) << after.dump();
  EXPECT_EQ(after["total"], 3);
  EXPECT_EQ(after["items"][0]["title"], "Call the obligor");
  EXPECT_EQ(after["items"][0]["case_id"], "CASE-000001");
  for (const Json& item : after["items"]) {
    EXPECT_NE(item["case_id"], "CASE-000003");
    for (const Json& a : item["recommendations"]) EXPECT_NE(a["id"], id);  // decided: gone
  }
}

TEST_F(QueueTest, DismissNeedsAReasonAndWrongRolesAreRefused) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json q = Body(c.Get("/v1/queue", s.Headers()));
  const std::string id = q["items"][1]["recommendations"][0]["id"].get<std::string>();
  // Blank is any white space, line breaks included (before 2026-12-04 "\n\n" and "\r\n" were
  // accepted as reasons).
  for (const Json& body :
       {Json::object(), Json{{"reason", ""}}, Json{{"reason", "   "}}, Json{{"reason", "\n\n"}},
        Json{{"reason", "\r\n"}}, Json{{"reason", " \t\v\f\n"}}}) {
    auto r = c.Post("/v1/recommendations/" + id + "/dismiss", s.Headers(), body.dump(),
                    "application/json");
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(Body(r)["code"], "reason_missing") << body.dump() << " " << r->body;
    EXPECT_NE(Body(r)["message"].get<std::string>().find("reason"), std::string::npos);
  }
  auto blank_modify =
      c.Post("/v1/recommendations/" + id + "/modify", s.Headers(),
             Json{{"reason", "\n"}, {"remedy", "tax_offset"}}.dump(), "application/json");
  EXPECT_EQ(blank_modify->status, 400);
  EXPECT_EQ(Body(blank_modify)["code"], "reason_missing") << blank_modify->body;
  // A reason is a text field: at most 200 characters, as docs/openapi.yaml says.
  auto long_reason = c.Post("/v1/recommendations/" + id + "/dismiss", s.Headers(),
                            Json{{"reason", std::string(201, 'r')}}.dump(), "application/json");
  EXPECT_EQ(long_reason->status, 400);
  EXPECT_EQ(Body(long_reason)["code"], "field_too_long") << long_reason->body;
  EXPECT_NE(Body(long_reason)["message"].get<std::string>().find("200"), std::string::npos);
  auto m = c.Post("/v1/recommendations/" + id + "/modify", s.Headers(),
                  Json{{"reason", "x"}}.dump(), "application/json");
  EXPECT_EQ(m->status, 400);
  EXPECT_EQ(Body(m)["code"], "field_missing");
  // An investigator has no recommendations.decide permission: 403 before anything is read.
  auto inv = SignIn(c, "inv");
  auto r = c.Post("/v1/recommendations/" + id + "/dismiss", inv.Headers(),
                  Json{{"reason", "not mine"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r)["code"], "permission_denied");
  EXPECT_EQ(c.Get("/v1/queue", inv.Headers())->status, 403);
  // Another office's caseworker: 403 case_not_in_caseload.
  auto south = SignIn(c, "cw_south");
  r = c.Post("/v1/recommendations/" + id + "/dismiss", south.Headers(),
             Json{{"reason", "not mine"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r)["code"], "case_not_in_caseload");
  // An API token may read the queue but not decide.
  const std::string token = server_->Token("sys", "supervisor", "north");
  httplib::Headers bearer{{"Authorization", "Bearer " + token}};
  r = c.Post("/v1/recommendations/" + id + "/dismiss", bearer, Json{{"reason", "x"}}.dump(),
             "application/json");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r)["code"], "user_required");
  // Unknown and malformed ids.
  EXPECT_EQ(Body(c.Post("/v1/recommendations/ACT-999999/dismiss", s.Headers(),
                        Json{{"reason", "x"}}.dump(), "application/json"))["code"],
            "action_not_found");
  EXPECT_EQ(Body(c.Post("/v1/recommendations/CASE-1/dismiss", s.Headers(),
                        Json{{"reason", "x"}}.dump(), "application/json"))["code"],
            "id_malformed");
  // With a reason the dismissal is recorded; nothing was written by the refused calls. The
  // limit counts characters: 200 accented letters (400 bytes) are a reason of 200 characters
  // (before 2026-12-04 they were refused as "at most 200 characters").
  std::string accented = "Parent already on a payment plan ";
  while (CharacterCount(accented) < 200) accented += "\u00e9";
  ASSERT_GT(accented.size(), 200u);
  r = c.Post("/v1/recommendations/" + id + "/dismiss", s.Headers(),
             Json{{"reason", accented}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["state"], "dismissed");
  EXPECT_EQ(Body(r)["decision_reason"], accented);
  int decisions = 0;
  const Json trail = Body(c.Get("/v1/cases/CASE-000001/audit", s.Headers()));
  for (const Json& row : trail["items"]) {
    if (row["action"] != "enforce.recommend") ++decisions;
  }
  EXPECT_EQ(decisions, 1);
}

// Decides every pending recommendation of `case_id` as the north supervisor (who may decide
// every remedy).
void DismissAllPending(httplib::Client& c, const std::string& case_id) {
  auto sup = SignIn(c, "sup_north");
  const Json recs = Body(c.Get("/v1/cases/" + case_id + "/recommendations", sup.Headers()));
  ASSERT_FALSE(recs["items"].empty()) << recs.dump();
  for (const Json& a : recs["items"]) {
    if (a["state"] != "recommended") continue;
    auto r = c.Post("/v1/recommendations/" + a["id"].get<std::string>() + "/dismiss", sup.Headers(),
                    Json{{"reason", "handled in court"}}.dump(), "application/json");
    ASSERT_EQ(r->status, 200) << r->body;
  }
}

// A review task whose recommendations have all been decided has nothing left to do: it
// leaves the queue at once (before 2026-12-04 it stayed there for ever, with no form).
TEST_F(QueueTest, ReviewTaskWithEveryRecommendationDecidedLeavesTheQueue) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  ASSERT_EQ(Body(c.Get("/v1/queue", s.Headers()))["total"], 2);
  DismissAllPending(c, "CASE-000001");
  const Json q = Body(c.Get("/v1/queue", s.Headers()));
  EXPECT_EQ(q["total"], 1) << q.dump();
  ASSERT_EQ(q["items"].size(), 1U);
  EXPECT_EQ(q["items"][0]["case_id"], "CASE-000002");
  EXPECT_EQ(Body(c.Get("/v1/queue?tier=low", s.Headers()))["total"], 0);
  // The task itself stays open (the nightly batch reuses it when new recommendations come).
  auto store = server_->OpenStore();
  auto open = store->ListOpenEnforceTasks("cw_north");
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 2U);
}

// A case's legal-deadline alert leaves the queue once no action of the case is still to be
// acted on, as its review task does (before 2026-12-05 it stayed, with "recommendations": [],
// until the next nightly run); and a decision's reason is one printable line.
TEST_F(QueueTest, ADeadlineAlertWithEveryActionDecidedLeavesTheQueue) {
  {
    auto store = server_->OpenStore();
    auto actions = store->ListEnforceActionsByCase(CaseId{1});
    ASSERT_TRUE(actions.ok());
    ASSERT_FALSE(actions->empty());
    enforce::Task t;
    t.key = enforce::CaseAlertKey(CaseId{1}, Date::Ymd(2024, 7, 30), "passed");
    t.kind = "deadline_alert";
    t.case_id = CaseId{1};
    t.obligor = PersonId{1};
    t.worker = "cw_north";
    t.created = Date::Ymd(2024, 8, 5);
    t.risk_score = 50;
    t.amount_at_stake = Money::FromCents(300000);
    t.deadline = Date::Ymd(2024, 7, 30);
    t.title = "Legal deadline passed";
    t.action_id = actions->front().id;
    t.key_factors = "[]";
    ASSERT_TRUE(store->InsertEnforceTask(t).ok());
  }
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  ASSERT_EQ(Body(c.Get("/v1/queue", s.Headers()))["total"], 3);
  auto sup = SignIn(c, "sup_north");
  const Json recs = Body(c.Get("/v1/cases/CASE-000001/recommendations", sup.Headers()));
  const std::string first = recs["items"][0]["id"];
  for (const char* bad : {"ok\\nFAKE: approved by sup1", "red \\u001b[31m"}) {
    auto r = c.Post("/v1/recommendations/" + first + "/dismiss", sup.Headers(),
                    std::string(R"({"reason": ")") + bad + "\"}", "application/json");
    ASSERT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(Body(r)["code"], "text_invalid_char") << r->body;
  }
  DismissAllPending(c, "CASE-000001");
  const Json q = Body(c.Get("/v1/queue", s.Headers()));
  EXPECT_EQ(q["total"], 1) << q.dump();
  ASSERT_EQ(q["items"].size(), 1U);
  EXPECT_EQ(q["items"][0]["case_id"], "CASE-000002");
  EXPECT_EQ(q["items"][0]["kind"], "review_recommendations");
}

// Pages: `limit` items after the task `after`, with `next_after` (null on the last page), as
// docs/API.md's list convention; `total` counts every match on every page. A cursor naming a
// task whose recommendations were decided meanwhile still finds its place; one naming no open
// task of the queue answers 409 cursor_not_in_queue (before 2026-12-04 the queue had no
// pages: only the first `limit` tasks could be seen).
TEST_F(QueueTest, QueuePagesWithAfterAndNextAfter) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json first = Body(c.Get("/v1/queue?limit=1", s.Headers()));
  ASSERT_EQ(first["items"].size(), 1U) << first.dump();
  EXPECT_EQ(first["total"], 2);
  EXPECT_EQ(first["items"][0]["case_id"], "CASE-000002");
  ASSERT_TRUE(first["next_after"].is_number_integer()) << first.dump();
  EXPECT_EQ(first["next_after"], first["items"][0]["task_id"]);
  const std::string after = std::to_string(first["next_after"].get<int64_t>());
  const Json second = Body(c.Get("/v1/queue?limit=1&after=" + after, s.Headers()));
  ASSERT_EQ(second["items"].size(), 1U) << second.dump();
  EXPECT_EQ(second["total"], 2);
  EXPECT_EQ(second["items"][0]["case_id"], "CASE-000001");
  EXPECT_EQ(second["next_after"], nullptr);
  EXPECT_EQ(Body(c.Get("/v1/queue", s.Headers()))["next_after"], nullptr);
  EXPECT_EQ(Body(c.Get("/v1/queue?limit=2", s.Headers()))["next_after"], nullptr);  // exactly full
  // Filters apply after the cursor too.
  const Json filtered = Body(c.Get("/v1/queue?tier=high&after=" + after, s.Headers()));
  EXPECT_EQ(filtered["items"].size(), 0U);
  EXPECT_EQ(filtered["total"], 1);
  // The first page's task is decided in full: it leaves the list but the cursor still works.
  DismissAllPending(c, "CASE-000002");
  const Json again = Body(c.Get("/v1/queue?limit=1&after=" + after, s.Headers()));
  ASSERT_EQ(again["items"].size(), 1U) << again.dump();
  EXPECT_EQ(again["items"][0]["case_id"], "CASE-000001");
  EXPECT_EQ(again["total"], 1);
  auto gone = c.Get("/v1/queue?after=999999", s.Headers());
  EXPECT_EQ(gone->status, 409);
  EXPECT_EQ(Body(gone)["code"], "cursor_not_in_queue");
  auto bad = c.Get("/v1/queue?after=-1", s.Headers());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Body(bad)["code"], "cursor_invalid");
}

// The session answers the remedies the signed-in person may decide (enforce::RoleAllows), so
// the web app offers supervisors and attorneys their decisions and no others.
TEST_F(QueueTest, SessionListsTheRemediesTheRoleMayDecide) {
  auto c = server_->Client();
  auto remedies = [&](const std::string& user) {
    auto s = SignIn(c, user);
    const Json who = Body(c.Get("/v1/session", s.Headers()));
    std::vector<std::string> out;
    for (const Json& r : who["decidable_remedies"]) out.push_back(r.get<std::string>());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(remedies("cw_north"), (V{"reminder", "outreach_call", "payment_plan_offer",
                                     "order_review_referral", "income_withholding"}));
  EXPECT_EQ(remedies("sup_north").size(), enforce::kRemedyCount);
  EXPECT_EQ(remedies("atty"), (V{"property_lien", "contempt_referral"}));
  EXPECT_EQ(remedies("inv"), V{});    // no recommendations.decide
  EXPECT_EQ(remedies("admin"), V{});  // separation of duties: an admin decides nothing
  // Sign-in answers the same list.
  auto r = c.Post("/v1/session",
                  Json{{"username", "atty"}, {"password", "correct horse battery"}}.dump(),
                  "application/json");
  ASSERT_EQ(r->status, 201);
  EXPECT_EQ(Body(r)["decidable_remedies"], (Json{"property_lien", "contempt_referral"}));
  // An API token decides nothing (user_required), whatever its role.
  const std::string token = server_->Token("sys", "supervisor", "north");
  const Json tok =
      Body(c.Get("/v1/session", httplib::Headers{{"Authorization", "Bearer " + token}}));
  EXPECT_EQ(tok["decidable_remedies"], Json::array());
  // The list agrees with the server's decisions: the attorney may dismiss a lien and not an
  // income withholding.
  auto atty = SignIn(c, "atty");
  const Json recs = Body(c.Get("/v1/cases/CASE-000001/recommendations", atty.Headers()));
  for (const Json& a : recs["items"]) {
    if (a["state"] != "recommended") continue;
    const std::string remedy = a["remedy"].get<std::string>();
    const bool listed = remedy == "property_lien" || remedy == "contempt_referral";
    auto d = c.Post("/v1/recommendations/" + a["id"].get<std::string>() + "/dismiss",
                    atty.Headers(), Json{{"reason", "checked"}}.dump(), "application/json");
    EXPECT_EQ(d->status, listed ? 200 : 403) << remedy << " " << d->body;
  }
}

// One staff identity: the web user is the enforcement staff user, and disabling them (as
// `opencse staff add USER --role ROLE --inactive` does) stops their decisions at once.
TEST_F(QueueTest, TheSignedInUserIsTheStaffUserWhoDecides) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  const Json q = Body(c.Get("/v1/queue", s.Headers()));
  const std::string id = CaseworkerApprovable(q["items"][1]);
  ASSERT_FALSE(id.empty());
  {
    auto store = server_->OpenStore();
    auto u = store->GetStaffUser("cw_north");
    ASSERT_TRUE(u.ok() && u->has_value());
    EXPECT_EQ((*u)->role, enforce::Role::kCaseworker);
    EXPECT_TRUE((*u)->active);
    ASSERT_TRUE(store->UpsertStaffUser({"cw_north", enforce::Role::kCaseworker, false}).ok());
  }
  auto r = c.Post("/v1/recommendations/" + id + "/approve", s.Headers(),
                  Json{{"reason", "x"}}.dump(), "application/json");
  // Disabling the user ends their session at once (401 session_invalid): nothing is decided.
  EXPECT_EQ(r->status, 401) << r->body;
  EXPECT_EQ(Body(r)["code"], "session_invalid");
  auto store = server_->OpenStore();
  EXPECT_EQ(store->GetEnforceAction(*ParseDisplayId("ACT", id))->state,
            enforce::ActionState::kRecommended);
}

TEST_F(QueueTest, SupervisorSeesWorkloadPendingApprovalsAndAcceptance) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  const Json q = Body(c.Get("/v1/queue", cw.Headers()));
  const std::string id = q["items"][1]["recommendations"][0]["id"].get<std::string>();
  ASSERT_EQ(c.Post("/v1/recommendations/" + id + "/dismiss", cw.Headers(),
                   Json{{"reason", "already paying"}}.dump(), "application/json")
                ->status,
            200);
  server_->clock().AdvanceMicros(3LL * 86400 * 1000000);  // three days later
  auto sup = SignIn(c, "sup_north");
  auto r = c.Get("/v1/supervisor", sup.Headers());
  ASSERT_EQ(r->status, 200) << r->body;
  const Json j = Body(r);
  EXPECT_EQ(j["office"], "north");
  // Workload of the north office only: cw_north's two tasks (cw_south's case is south).
  ASSERT_EQ(j["workload"].size(), 1U);
  EXPECT_EQ(j["workload"][0]["worker"], "cw_north");
  EXPECT_EQ(j["workload"][0]["open_tasks"], 2);
  // Pending approvals of north cases, three days old; the dismissed one is not pending.
  ASSERT_GT(j["pending_total"].get<int64_t>(), 0);
  EXPECT_EQ(j["oldest_pending_days"], 3);
  for (const Json& p : j["pending"]) {
    EXPECT_NE(p["id"], id);
    EXPECT_NE(p["case_id"], "CASE-000003");
    EXPECT_EQ(p["age_days"], 3);
  }
  // Acceptance by month (statewide): June 2024 has one dismissal and no approval: 0%.
  ASSERT_EQ(j["acceptance"].size(), 1U);
  EXPECT_EQ(j["acceptance"][0]["month"], "2024-06");
  EXPECT_EQ(j["acceptance"][0]["dismissed"], 1);
  EXPECT_EQ(j["acceptance"][0]["acceptance_rate"], 0.0);
  // A caseworker may not open it.
  cw = SignIn(c, "cw_north");
  auto denied = c.Get("/v1/supervisor", cw.Headers());
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(Body(denied)["code"], "permission_denied");
}

// QA 2026-12-05: `opencse queue` and GET /v1/queue recomputed the priority without the risk
// floor the nightly batch gives deadline alerts, so without a model a missed legal deadline
// sorted by its creation date, and the CLI left out a supervisor's unassigned tasks. Both are
// one selection and one order now (enforce::LoadTaskQueue): the same tasks, in the same order.
TEST_F(QueueTest, TheCliQueueAndTheApiQueueAgreeAndAMissedDeadlineLeads) {
  {
    auto store = server_->OpenStore();
    const auto alert = [&](const std::string& key, const std::string& worker, CaseId c,
                           PersonId obligor, int64_t action, Date deadline, Date created) {
      enforce::Task t;
      t.key = key;
      t.kind = "deadline_alert";
      t.case_id = c;
      t.obligor = obligor;
      t.worker = worker;
      t.created = created;
      t.risk_score = 0;  // no model
      t.amount_at_stake = Money::FromCents(300000);
      t.deadline = deadline;
      t.title = deadline < Date::Ymd(2024, 6, 30) ? "Legal deadline passed" : "Legal deadline near";
      t.action_id = action;
      t.key_factors = "[]";
      ASSERT_TRUE(store->InsertEnforceTask(t).ok());
    };
    auto first = [&](CaseId c) {
      auto actions = store->ListEnforceActionsByCase(c);
      EXPECT_TRUE(actions.ok() && !actions->empty());
      return actions.ok() && !actions->empty() ? actions->front().id : 0;
    };
    // A missed deadline raised last (the newest task) and a near one, both risk 0.
    alert(enforce::CaseAlertKey(CaseId{1}, Date::Ymd(2024, 6, 20), "passed"), "cw_north", CaseId{1},
          PersonId{1}, first(CaseId{1}), Date::Ymd(2024, 6, 20), Date::Ymd(2024, 6, 30));
    alert(enforce::CaseAlertKey(CaseId{2}, Date::Ymd(2024, 7, 3), "near"), "cw_north", CaseId{2},
          PersonId{3}, first(CaseId{2}), Date::Ymd(2024, 7, 3), Date::Ymd(2024, 6, 1));
    // An unassigned task of the north office: in its supervisor's queue.
    alert(enforce::CaseAlertKey(CaseId{2}, Date::Ymd(2024, 7, 4), "near"), "", CaseId{2},
          PersonId{3}, first(CaseId{2}), Date::Ymd(2024, 7, 4), Date::Ymd(2024, 6, 1));
  }
  auto c = server_->Client();
  const auto api = [&](const std::string& user) {
    auto s = SignIn(c, user);
    std::vector<int64_t> ids;
    const Json q = Body(c.Get("/v1/queue", s.Headers()));
    EXPECT_TRUE(q.contains("items")) << q.dump();
    for (const Json& item : q["items"]) {
      ids.push_back(item["task_id"].get<int64_t>());
    }
    return ids;
  };
  const auto cli = [&](const std::string& user) {
    const testing::CliRun r =
        testing::RunOpencse({"--db", server_->db(), "--today", "2024-06-30", "--user", "admin",
                             "--json", "queue", "--worker", user});
    EXPECT_EQ(r.code, 0) << r.err;
    std::vector<int64_t> ids;
    for (const Json& t : Json::parse(r.out)) ids.push_back(t["id"].get<int64_t>());
    return ids;
  };
  const std::vector<int64_t> north = api("cw_north");
  ASSERT_EQ(north.size(), 4u);
  EXPECT_EQ(cli("cw_north"), north);
  // The missed deadline first; the near one (risk floor 50: 0.5 x 3,000 x 30 / 3 days = 15,000)
  // after CASE-000002's review (0.9 x 3,000 x 30 / 5 = 16,200), before CASE-000001's (1,800).
  EXPECT_EQ(north, (std::vector<int64_t>{4, 2, 5, 1}));
  const std::vector<int64_t> sup = api("sup_north");
  EXPECT_EQ(sup, (std::vector<int64_t>{6}));
  EXPECT_EQ(cli("sup_north"), sup);
  EXPECT_EQ(cli("cw_south"), api("cw_south"));
}

}  // namespace
}  // namespace cse
