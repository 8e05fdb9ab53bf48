// Security properties checked over every route of the routing table: no answer without a
// session or token, CSRF on every state-changing request, permissions by role, and SQL
// metacharacters and oversized values in every field rejected cleanly (a 4xx JSON error,
// nothing written, the database intact).
#include <set>

#include "http/api_server.h"
#include "service/audit.h"

namespace cse {
namespace {

using testing::ApiServer;
using testing::Body;
using testing::SignIn;

std::string Concrete(const std::string& pattern) {
  std::string out = pattern;
  const size_t open = out.find('{');
  if (open != std::string::npos) out.replace(open, out.find('}') - open + 1, "CASE-000001");
  return out;
}

httplib::Result Send(httplib::Client& c, const std::string& method, const std::string& path,
                     const httplib::Headers& h, const std::string& body = "{}") {
  if (method == "GET") return c.Get(path, h);
  if (method == "DELETE") return c.Delete(path, h, body, "application/json");
  return c.Post(path, h, body, "application/json");
}

// Percent-encodes everything but unreserved characters.
std::string Encode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  std::unique_ptr<ApiServer> server_;
};

TEST_F(SecurityTest, NoEndpointAnswersWithoutASessionOrToken) {
  auto c = server_->Client();
  int checked = 0;
  for (const http::Route& r : http::Routes()) {
    if (r.permission == auth::Permission::kPublic) continue;
    for (const httplib::Headers& h :
         {httplib::Headers{}, httplib::Headers{{"Cookie", "opencse_session=forged"}},
          httplib::Headers{{"Authorization", "Bearer ocse_forged"}}}) {
      auto res = Send(c, r.method, Concrete(r.pattern), h);
      ASSERT_TRUE(res) << r.pattern;
      EXPECT_EQ(res->status, 401) << r.method << " " << r.pattern;
      const std::string code = Body(res)["code"];
      EXPECT_TRUE(code == "auth_required" || code == "session_invalid" || code == "token_invalid")
          << code;
    }
    ++checked;
  }
  EXPECT_GE(checked, 12);
  // Only health and sign-in are public.
  int public_routes = 0;
  for (const http::Route& r : http::Routes()) {
    public_routes += r.permission == auth::Permission::kPublic ? 1 : 0;
  }
  EXPECT_EQ(public_routes, 2);
}

TEST_F(SecurityTest, EveryStateChangingRouteRejectsAMissingOrWrongCsrfToken) {
  auto c = server_->Client();
  auto s = SignIn(c, "admin");
  int checked = 0;
  for (const http::Route& r : http::Routes()) {
    if (r.method == "GET" || r.permission == auth::Permission::kPublic) continue;
    for (const std::string& token : {std::string(), std::string(64, '0'), s.csrf + "x"}) {
      httplib::Headers h{{"Cookie", s.cookie}, {"Idempotency-Key", "CSRF-1"}};
      if (!token.empty()) h.emplace("X-CSRF-Token", token);
      auto res = Send(c, r.method, Concrete(r.pattern), h);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << r.method << " " << r.pattern;
      EXPECT_EQ(Body(res)["code"], "csrf_invalid");
    }
    ++checked;
  }
  EXPECT_GE(checked, 3);
  EXPECT_EQ(c.Get("/v1/session", s.Headers())->status, 200);  // the session survived
}

TEST_F(SecurityTest, EveryRouteRefusesRolesWithoutItsPermission) {
  auto c = server_->Client();
  const std::vector<std::pair<std::string, auth::Role>> users{
      {"cw_north", auth::Role::kCaseworker},
      {"sup_north", auth::Role::kSupervisor},
      {"atty", auth::Role::kAttorney},
      {"inv", auth::Role::kInvestigator},
      {"acct", auth::Role::kAccountingTechnician}};
  int refused = 0;
  for (const auto& [user, role] : users) {
    auto s = SignIn(c, user);
    for (const http::Route& r : http::Routes()) {
      if (auth::RoleHas(role, r.permission)) continue;
      auto res = Send(c, r.method, Concrete(r.pattern), s.Headers());
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << user << " " << r.method << " " << r.pattern;
      EXPECT_EQ(Body(res)["code"], "permission_denied");
      ++refused;
    }
  }
  EXPECT_GT(refused, 10);
}

TEST_F(SecurityTest, SqlMetacharactersInPathsQueriesAndEveryFieldAreHarmless) {
  auto c = server_->Client();
  auto s = SignIn(c, "admin");
  const std::vector<std::string> evil{"' OR '1'='1", "1; DROP TABLE iv_d_case;--", "\" OR 1=1 --",
                                      "CASE-000001' --", "%27%3B"};
  for (const std::string& e : evil) {
    auto r = c.Get("/v1/cases/" + Encode(e), s.Headers());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << e;
    EXPECT_EQ(Body(r)["code"], "id_malformed");
    auto q = c.Get("/v1/cases?office=" + Encode(e), s.Headers());
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->status == 200 || q->status == 400) << q->body;
    if (q->status == 200) {
      EXPECT_TRUE(Body(q)["items"].empty());
    }
    EXPECT_EQ(c.Get("/v1/audit?entity=" + Encode(e), s.Headers())->status, 200);
    EXPECT_EQ(Body(c.Get("/v1/access-log?person_id=" + Encode(e), s.Headers()))["code"],
              "id_malformed");
    // Every field of every JSON body.
    const Json payment{{"case_id", "CASE-000001"},
                       {"amount", "10.00"},
                       {"date", "2024-06-01"},
                       {"source", "direct"}};
    for (const auto& [field, value] : payment.items()) {
      Json body = payment;
      body[field] = e;
      auto h = s.Headers();
      h.emplace("Idempotency-Key", "SQL-1");
      auto r2 = c.Post("/v1/payments", h, body.dump(), "application/json");
      ASSERT_TRUE(r2);
      EXPECT_EQ(r2->status, 400) << field << " = " << e << ": " << r2->body;
      EXPECT_NE(Body(r2)["message"].get<std::string>().find(field), std::string::npos);
    }
    auto login =
        c.Post("/v1/session", Json{{"username", e}, {"password", e}}.dump(), "application/json");
    ASSERT_TRUE(login);
    EXPECT_TRUE(login->status == 401 || login->status == 429);
    auto score = c.Post("/v1/child-support/score", s.Headers(), Json{{"case_id", e}}.dump(),
                        "application/json");
    EXPECT_EQ(Body(score)["code"], "id_malformed");
  }
  // A key full of metacharacters (but valid characters) is stored verbatim.
  auto h = s.Headers();
  h.emplace("Idempotency-Key", "K';DROP-TABLE-collection;--");
  auto ok = c.Post("/v1/payments", h,
                   Json{{"case_id", "CASE-000001"},
                        {"amount", "10.00"},
                        {"date", "2024-06-01"},
                        {"source", "direct"}}
                       .dump(),
                   "application/json");
  ASSERT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(Body(ok)["key"], "K';DROP-TABLE-collection;--");
  EXPECT_EQ(Body(c.Get("/v1/cases", s.Headers()))["items"].size(), 3U);  // tables intact
}

TEST_F(SecurityTest, OversizedValuesInEveryFieldAreRejectedCleanly) {
  auto c = server_->Client();
  auto s = SignIn(c, "admin");
  const std::string huge(20000, 'x');
  const Json payment{{"case_id", "CASE-000001"},
                     {"amount", "10.00"},
                     {"date", "2024-06-01"},
                     {"source", "direct"}};
  for (const auto& [field, value] : payment.items()) {
    Json body = payment;
    body[field] = huge;
    auto h = s.Headers();
    h.emplace("Idempotency-Key", "BIG-1");
    auto r = c.Post("/v1/payments", h, body.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << field;
    EXPECT_EQ(Body(r)["code"], "field_too_long") << field;
  }
  auto h = s.Headers();
  h.emplace("Idempotency-Key", std::string(200, 'k'));
  auto key = c.Post("/v1/payments", h, payment.dump(), "application/json");
  EXPECT_EQ(Body(key)["code"], "key_too_long");
  for (const char* field : {"username", "password"}) {
    Json body{{"username", "admin"}, {"password", "x"}};
    body[field] = huge;
    auto r = c.Post("/v1/session", body.dump(), "application/json");
    EXPECT_EQ(Body(r)["code"], "field_too_long") << field;
  }
  auto score = c.Post("/v1/child-support/score", s.Headers(), Json{{"case_id", huge}}.dump(),
                      "application/json");
  EXPECT_EQ(Body(score)["code"], "field_too_long");
  auto q = c.Get("/v1/cases?office=" + std::string(100, 'o'), s.Headers());
  EXPECT_EQ(Body(q)["code"], "office_invalid");
  // Nothing was posted.
  const Json audit = Body(c.Get("/v1/audit?entity=collection", s.Headers()));
  EXPECT_TRUE(audit["items"].empty());
}

// GET /v1/audit answered a person's person.add row in full: the address of a party to a
// family-violence case, and name, date of birth, SSN digits and address of persons in cases
// outside the supervisor's office, which the case routes withhold (403
// case_not_in_caseload); nor was the read in the access log. The audit rows about a person
// now follow the parties route's rules, keep their chain fields, and are logged.
TEST_F(SecurityTest, AuditRowsOfPersonsFollowTheCaseloadAndFamilyViolenceRules) {
  auto c = server_->Client();
  auto sup = SignIn(c, "sup_north");
  auto admin = SignIn(c, "admin");
  auto audit = [&](const testing::Session& s, const std::string& person) {
    auto r = c.Get("/v1/audit?entity=person&entity_id=" + person, s.Headers());
    EXPECT_EQ(r->status, 200) << r->body;
    return Body(r);
  };
  // PRS-000001 (Sam Doe): CASE-000001, north, no indicator: answered in full.
  const Json plain = audit(sup, "PRS-000001");
  ASSERT_EQ(plain["items"].size(), 1U) << plain.dump();
  EXPECT_EQ(plain["items"][0]["after"]["address"]["line1"], "1 Doe St");
  EXPECT_TRUE(plain["items"][0]["redacted"].is_null());
  // PRS-000003 (Lee Poe): CASE-000002, north, family violence: the address is withheld.
  const Json fv = audit(sup, "PRS-000003");
  ASSERT_EQ(fv["items"].size(), 1U) << fv.dump();
  const Json& fv_row = fv["items"][0];
  EXPECT_EQ(fv_row["action"], "person.add");
  EXPECT_EQ(fv_row["after"]["last_name"], "Poe");
  EXPECT_TRUE(fv_row["after"]["address"].is_null());
  EXPECT_EQ(fv_row["after"]["address_protected"], true);
  EXPECT_EQ(fv_row["redacted"], "address_protected");
  EXPECT_EQ(fv.dump().find("Poe St"), std::string::npos);
  // PRS-000005 (Max Fox): CASE-000003, south: nothing of the person is answered.
  const Json other = audit(sup, "PRS-000005");
  ASSERT_EQ(other["items"].size(), 1U) << other.dump();
  EXPECT_TRUE(other["items"][0]["after"].is_null());
  EXPECT_TRUE(other["items"][0]["before"].is_null());
  EXPECT_EQ(other["items"][0]["redacted"], "case_not_in_caseload");
  EXPECT_EQ(other.dump().find("Fox"), std::string::npos);
  // The chain fields are those of the full row.
  const Json full = audit(admin, "PRS-000005");
  ASSERT_EQ(full["items"].size(), 1U);
  EXPECT_EQ(full["items"][0]["after"]["last_name"], "Fox");  // admins need no protection
  EXPECT_EQ(full["items"][0]["after"]["address"]["line1"], "1 Fox St");
  for (const char* field : {"seq", "at", "actor", "action", "entity", "entity_id", "hash"}) {
    EXPECT_EQ(other["items"][0][field], full["items"][0][field]) << field;
  }
  // Without a filter, the same rules row by row.
  const std::string all = c.Get("/v1/audit?limit=200", sup.Headers())->body;
  for (const char* hidden : {"Fox", "Cox", "Poe St", "Moe St", "1291"}) {
    EXPECT_EQ(all.find(hidden), std::string::npos) << hidden;
  }
  EXPECT_NE(all.find("Doe St"), std::string::npos);
  // The reads of the persons answered are in the access log, not those withheld.
  auto logged = [&](const std::string& person) {
    const Json log = Body(c.Get("/v1/access-log?person_id=" + person, admin.Headers()));
    int64_t n = 0;
    for (const Json& row : log["items"]) {
      if (row["route"] == "GET /v1/audit" && row["actor"] == "sup_north") {
        ++n;
        EXPECT_TRUE(row["case_id"].is_null());
      }
    }
    return n;
  };
  EXPECT_EQ(logged("PRS-000001"), 2);  // the filtered read and the page of all rows
  EXPECT_EQ(logged("PRS-000003"), 2);
  EXPECT_EQ(logged("PRS-000005"), 0);
}

// Writes one audit row as `actor`, in its own transaction, beside the running server.
void AddAuditRow(ApiServer& server, const std::string& action, const std::string& entity,
                 const std::string& entity_id, const Json& after) {
  auto store = server.OpenStore();
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(
      AppendAudit(*store, server.clock(), "sim", action, entity, entity_id, "", after.dump()).ok());
  ASSERT_TRUE(store->Commit().ok());
}

int64_t AuditReadsLogged(httplib::Client& c, const testing::Session& admin,
                         const std::string& person, const std::string& actor) {
  const Json log = Body(c.Get("/v1/access-log?limit=200&person_id=" + person, admin.Headers()));
  int64_t n = 0;
  for (const Json& row : log["items"]) {
    n += row["route"] == "GET /v1/audit" && row["actor"] == actor ? 1 : 0;
  }
  return n;
}

// Every audit row answers no more than the case routes would (before 2026-12-05 only entity
// "person" rows were filtered): another office's case.add, case events and batch entries are
// withheld from an office supervisor; a protected person's moves and employers are withheld
// from roles without address.protected.read; the persons named are access-logged.
TEST_F(SecurityTest, AuditRowsOfCasesEventsAndBatchesFollowTheCaseload) {
  // Lee Poe (PRS-000003): CASE-000002, north, family violence. Max Fox (PRS-000005): south.
  AddAuditRow(*server_, "events.add", "case_event", "1-2",
              Json::array({Json{{"event_id", 1},
                                {"person_id", 3},
                                {"case_id", nullptr},
                                {"kind", "moved"},
                                {"detail", "county=Kestrel"}},
                           Json{{"event_id", 2},
                                {"person_id", 3},
                                {"case_id", nullptr},
                                {"kind", "new_hire"},
                                {"detail", "employer_fein=991000035"}}}));
  AddAuditRow(*server_, "events.add", "case_event", "3-3",
              Json::array({Json{{"event_id", 3},
                                {"person_id", 5},
                                {"case_id", nullptr},
                                {"kind", "moved"},
                                {"detail", "county=Juniper"}}}));
  AddAuditRow(*server_, "import.batch", "collection", "test",
              Json{{"source", "test"},
                   {"count", 2},
                   {"columns", {"collection_id", "key", "case_id", "obligor_id", "amount"}},
                   {"rows", {{1, "K-1", 1, 1, "10.00"}, {2, "K-2", 3, 5, "777.77"}}}});
  auto c = server_->Client();
  auto sup = SignIn(c, "sup_north");
  auto admin = SignIn(c, "admin");
  auto audit = [&](const testing::Session& s, const std::string& query) {
    auto r = c.Get("/v1/audit?limit=200&" + query, s.Headers());
    EXPECT_EQ(r->status, 200) << r->body;
    return Body(r);
  };
  // Another office's case: the case route answers 403, the audit row nothing more.
  EXPECT_EQ(c.Get("/v1/cases/CASE-000003", sup.Headers())->status, 403);
  const Json south = audit(sup, "entity=case&entity_id=CASE-000003");
  ASSERT_FALSE(south["items"].empty());
  for (const Json& row : south["items"]) {
    EXPECT_TRUE(row["after"].is_null()) << row.dump();
    EXPECT_EQ(row["redacted"], "case_not_in_caseload");
  }
  const Json north = audit(sup, "entity=case&entity_id=CASE-000001");
  ASSERT_FALSE(north["items"].empty());
  EXPECT_EQ(north["items"][0]["after"]["obligor_id"], 1);
  EXPECT_TRUE(north["items"][0]["redacted"].is_null());
  // Orders follow their case.
  const Json orders = audit(sup, "entity=order");
  ASSERT_EQ(orders["items"].size(), 3U);
  EXPECT_FALSE(orders["items"][0]["after"].is_null());
  EXPECT_TRUE(orders["items"][2]["after"].is_null());  // CASE-000003's
  EXPECT_EQ(orders["items"][2]["redacted"], "case_not_in_caseload");
  // Case events: the protected person's whereabouts go; another office's person entirely.
  const Json events = audit(sup, "entity=case_event");
  ASSERT_EQ(events["items"].size(), 2U) << events.dump();
  const Json& lee = events["items"][0];
  EXPECT_EQ(lee["redacted"], "address_protected");
  EXPECT_EQ(lee["after"][0]["kind"], "moved");
  EXPECT_TRUE(lee["after"][0]["detail"].is_null());
  EXPECT_TRUE(lee["after"][1]["detail"].is_null());
  EXPECT_EQ(events["items"][1]["redacted"], "case_not_in_caseload");
  EXPECT_TRUE(events["items"][1]["after"].is_null());
  for (const char* hidden : {"Kestrel", "991000035", "Juniper"}) {
    EXPECT_EQ(events.dump().find(hidden), std::string::npos) << hidden;
  }
  // A batch: only the entries of the caseload's cases.
  const Json batch = audit(sup, "entity=collection");
  ASSERT_EQ(batch["items"].size(), 1U);
  EXPECT_EQ(batch["items"][0]["after"]["rows"].size(), 1U);
  EXPECT_EQ(batch["items"][0]["after"]["rows"][0][2], 1);
  EXPECT_EQ(batch["items"][0]["after"]["rows_withheld"], 1);
  EXPECT_EQ(batch["items"][0]["redacted"], "case_not_in_caseload");
  EXPECT_EQ(batch.dump().find("777.77"), std::string::npos);
  // Every row of the trail, unfiltered: nothing of the south case or its people.
  const std::string all = c.Get("/v1/audit?limit=200", sup.Headers())->body;
  for (const char* hidden : {"Kestrel", "991000035", "Juniper", "777.77", "\"county\":\"south\""}) {
    EXPECT_EQ(all.find(hidden), std::string::npos) << hidden;
  }
  // An admin sees every row in full.
  const std::string full = c.Get("/v1/audit?limit=200", admin.Headers())->body;
  for (const char* shown : {"Kestrel", "991000035", "Juniper", "777.77"}) {
    EXPECT_NE(full.find(shown), std::string::npos) << shown;
  }
  // The persons named by the rows answered are in the access log (PRS-000002 only ever
  // appears in case rows: before, none of those reads was logged).
  EXPECT_GE(AuditReadsLogged(c, admin, "PRS-000002", "sup_north"), 2);
  EXPECT_GE(AuditReadsLogged(c, admin, "PRS-000003", "sup_north"), 2);
  EXPECT_EQ(AuditReadsLogged(c, admin, "PRS-000005", "sup_north"), 0);
  EXPECT_EQ(AuditReadsLogged(c, admin, "PRS-000006", "sup_north"), 0);
}

// A caseworker or supervisor with no office has no caseload (ENFORCEMENT.md §7): empty lists
// and 403, never the statewide caseload (before 2026-12-05 "" meant every case).
TEST_F(SecurityTest, AScopedUserWithNoOfficeSeesNoCase) {
  {
    auto store = server_->OpenStore();
    auto hash = auth::HashPassword(testing::kTestPassword, auth::PasswordCost::kMinimum);
    ASSERT_TRUE(hash.ok());
    for (const char* role : {"caseworker", "supervisor"}) {
      UserRecord u;
      u.username = std::string("no_office_") + role;
      u.role = role;
      u.password_hash = *hash;
      u.created_at = "2024-06-30T00:00:00Z";
      ASSERT_TRUE(store->InsertUser(u).ok());
    }
  }
  auto c = server_->Client();
  auto cw = SignIn(c, "no_office_caseworker");
  auto sup = SignIn(c, "no_office_supervisor");
  for (const auto* s : {&cw, &sup}) {
    const Json cases = Body(c.Get("/v1/cases", s->Headers()));
    EXPECT_EQ(cases["items"].size(), 0U) << cases.dump();
    EXPECT_EQ(Body(c.Get("/v1/cases?q=Doe", s->Headers()))["items"].size(), 0U);
    EXPECT_EQ(Body(c.Get("/v1/cases?q=1", s->Headers()))["items"].size(), 0U);
    auto one = c.Get("/v1/cases/CASE-000001", s->Headers());
    EXPECT_EQ(one->status, 403);
    EXPECT_EQ(Body(one)["code"], "case_not_in_caseload");
    EXPECT_NE(Body(one)["message"].get<std::string>().find("no office"), std::string::npos);
    const Json queue = Body(c.Get("/v1/queue", s->Headers()));
    EXPECT_EQ(queue["total"], 0) << queue.dump();
  }
  const Json audit = Body(c.Get("/v1/audit?limit=200&entity=case", sup.Headers()));
  ASSERT_EQ(audit["items"].size(), 3U);
  for (const Json& row : audit["items"]) EXPECT_EQ(row["redacted"], "case_not_in_caseload");
  EXPECT_EQ(Body(c.Get("/v1/supervisor", sup.Headers()))["pending_total"], 0);
}

// The ledger of a case shows the obligor's other cases only when they are in the caller's
// caseload (before 2026-12-05 a north caseworker read the obligor's south case in full).
TEST_F(SecurityTest, LedgerWithholdsTheObligorsCasesOfOtherOffices) {
  {
    auto store = server_->OpenStore();
    LedgerService svc(*store, server_->clock(), "tester");
    NewCase k;
    k.obligor = PersonId{1};  // Sam Doe, obligor of CASE-000001 (north)
    k.obligee = PersonId{6};
    k.county = "south";
    k.opened = Date::Ymd(2024, 1, 1);
    auto id = svc.AddCase(k);
    ASSERT_TRUE(id.ok());
    ASSERT_EQ(id->value, 4);
    Order o;
    o.case_id = *id;
    o.amount = Money::FromCents(77700);
    o.effective_date = Date::Ymd(2024, 1, 1);
    ASSERT_TRUE(svc.AddOrder(o, std::nullopt).ok());
    // Two scores of the obligor: one through the north case, one through the south one.
    RiskModelRecord m;
    m.version = "m";
    m.created_at = "2024-06-30T00:00:00Z";
    m.created_by = "analyst";
    m.data_as_of = Date::Ymd(2024, 6, 30);
    m.train_from = m.train_to = m.calibration_from = m.calibration_to = m.test_from = m.test_to =
        Date::Ymd(2024, 1, 31);
    m.booster_json = "{}";
    m.features_json = "[]";
    ASSERT_TRUE(store->InsertRiskModel(m).ok());
    for (int64_t via : {int64_t{1}, int64_t{4}}) {
      RiskScoreRecord r;
      r.obligor = PersonId{1};
      r.case_id = CaseId{via};
      r.as_of = Date::Ymd(2024, 6, 30);
      r.model_version = "m";
      r.features_hash = "h" + std::to_string(via);
      r.score = 50;
      r.tier = "MEDIUM";
      r.features_json = "{}";
      r.key_factors_json = "[]";
      r.scored_at = "2024-06-30T00:00:00Z";
      const auto inserted = store->InsertRiskScore(r);
      ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
    }
  }
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  auto admin = SignIn(c, "admin");
  EXPECT_EQ(c.Get("/v1/cases/CASE-000004/arrears", cw.Headers())->status, 403);
  // The obligor's scores: the one through the south case names no case for the north worker.
  std::multiset<std::string> via_cw, via_admin;
  const Json cw_scores = Body(c.Get("/v1/cases/CASE-000001/scores", cw.Headers()));
  ASSERT_EQ(cw_scores["items"].size(), 2U) << cw_scores.dump();
  for (const Json& r : cw_scores["items"]) {
    via_cw.insert(r["case_id"].is_null() ? "null" : r["case_id"].get<std::string>());
  }
  const Json admin_scores = Body(c.Get("/v1/cases/CASE-000001/scores", admin.Headers()));
  ASSERT_EQ(admin_scores["items"].size(), 2U) << admin_scores.dump();
  for (const Json& r : admin_scores["items"]) {
    via_admin.insert(r["case_id"].is_null() ? "null" : r["case_id"].get<std::string>());
  }
  EXPECT_EQ(via_cw, (std::multiset<std::string>{"CASE-000001", "null"}));
  EXPECT_EQ(via_admin, (std::multiset<std::string>{"CASE-000001", "CASE-000004"}));
  const Json ledger = Body(c.Get("/v1/cases/CASE-000001/ledger?as_of=2024-06-30", cw.Headers()));
  ASSERT_EQ(ledger["obligor"]["cases"].size(), 1U) << ledger.dump();
  EXPECT_EQ(ledger["obligor"]["cases"][0]["case_id"], 1);
  EXPECT_EQ(ledger["obligor"]["cases_withheld"], 1);
  EXPECT_EQ(ledger.dump().find("777.00"), std::string::npos);
  // The obligor's combined totals stay (documented: thresholds are the obligor's).
  EXPECT_EQ(ledger["obligor"]["arrears_total"],
            Body(c.Get("/v1/cases/CASE-000001/ledger?as_of=2024-06-30",
                       admin.Headers()))["obligor"]["arrears_total"]);
  const Json full = Body(c.Get("/v1/cases/CASE-000001/ledger?as_of=2024-06-30", admin.Headers()));
  EXPECT_EQ(full["obligor"]["cases"].size(), 2U);
  EXPECT_FALSE(full["obligor"].contains("cases_withheld"));
}

// An office supervisor's access log holds only the reads of their caseload.
TEST_F(SecurityTest, AnOfficeSupervisorsAccessLogIsTheirCaseloads) {
  auto c = server_->Client();
  auto south = SignIn(c, "cw_south");
  auto north = SignIn(c, "cw_north");
  auto sup = SignIn(c, "sup_north");
  auto admin = SignIn(c, "admin");
  ASSERT_EQ(c.Get("/v1/cases/CASE-000003", south.Headers())->status, 200);
  ASSERT_EQ(c.Get("/v1/cases/CASE-000001", north.Headers())->status, 200);
  const Json mine = Body(c.Get("/v1/access-log?limit=200", sup.Headers()));
  ASSERT_FALSE(mine["items"].empty());
  for (const Json& row : mine["items"]) {
    EXPECT_NE(row["case_id"], "CASE-000003") << row.dump();
    EXPECT_NE(row["actor"], "cw_south") << row.dump();
  }
  const std::string all = c.Get("/v1/access-log?limit=200", admin.Headers())->body;
  EXPECT_NE(all.find("CASE-000003"), std::string::npos);
}

}  // namespace
}  // namespace cse
