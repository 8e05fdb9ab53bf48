// Finding a case from a phone call: GET /v1/cases?q= by display id (CASE-000042, case-42,
// 42) or by a party's name (last, first and last, "Last, First"; any letter case; obligor,
// obligee or child), within the caller's caseload, paged like the caseload list, each result
// naming the parties that matched, no address answered, every matched party logged in the
// access log; a blank, too long or malformed q is a 400 of its own.
#include "http/api_server.h"
#include "service/ledger_service.h"

namespace cse {
namespace {

using testing::ApiServer;
using testing::Body;
using testing::SignIn;

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(
        std::string("search_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  Json Get(const testing::Session& s, const std::string& query, httplib::Headers extra = {}) {
    auto c = server_->Client();
    httplib::Headers h = s.Headers(false);
    for (auto& kv : extra) h.insert(kv);
    auto r = c.Get("/v1/cases?" + query, h);
    last_status_ = r ? r->status : 0;
    return Body(r);
  }
  std::vector<std::string> Ids(const Json& page) {
    std::vector<std::string> out;
    for (const Json& item : page["items"]) out.push_back(item["id"].get<std::string>());
    return out;
  }
  // Access-log rows of `person` (PRS-…), read by an admin.
  Json AccessLog(const std::string& person) {
    auto c = server_->Client();
    if (admin_.cookie.empty()) admin_ = SignIn(c, "admin");
    return Body(c.Get("/v1/access-log?limit=200&person_id=" + person, admin_.Headers(false)));
  }
  std::unique_ptr<ApiServer> server_;
  testing::Session admin_;
  int last_status_ = 0;
};

using V = std::vector<std::string>;

TEST_F(SearchTest, EveryDisplayIdFormFindsTheCaseInTheCaseload) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  for (const std::string q : {"CASE-000001", "case-1", "Case-000001", "1", "000001", "%201%20"}) {
    const Json page = Get(cw, "q=" + q);
    ASSERT_EQ(last_status_, 200) << q << ": " << page.dump();
    ASSERT_EQ(Ids(page), V{"CASE-000001"}) << q;
    EXPECT_EQ(page["items"][0]["matched_by"], "case_id");
    EXPECT_TRUE(page["items"][0]["matched_parties"].empty());
    EXPECT_EQ(page["items"][0]["office"], "north");
    EXPECT_EQ(page["items"][0]["case_type"], "never_assistance");
    EXPECT_TRUE(page["next_after"].is_null());
  }
  // Another office's case and a case that does not exist: nothing found (not 403 or 404).
  EXPECT_TRUE(Get(cw, "q=CASE-000003")["items"].empty());
  EXPECT_EQ(last_status_, 200);
  EXPECT_TRUE(Get(cw, "q=99")["items"].empty());
  // A statewide role finds it; an after past it finds nothing.
  auto atty = SignIn(c, "atty");
  EXPECT_EQ(Ids(Get(atty, "q=3")), V{"CASE-000003"});
  EXPECT_TRUE(Get(atty, "q=3&after=3")["items"].empty());
  EXPECT_TRUE(Get(atty, "q=3&office=north")["items"].empty());
  // Text that is meant as an id but is not one names q.
  for (const std::string q : {"CASE-0", "case-x1", "0", "1234567890123456"}) {
    const Json bad = Get(cw, "q=" + q);
    EXPECT_EQ(last_status_, 400) << q;
    EXPECT_EQ(bad["code"], "id_malformed") << q;
    EXPECT_NE(bad["message"].get<std::string>().find("q"), std::string::npos) << bad.dump();
  }
}

TEST_F(SearchTest, APartysNameFindsTheirCasesWithTheMatchedParty) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  for (const std::string q : {"Doe", "doe", "DOE", "Sam%20Doe", "sam%20doe", "Doe,%20Sam",
                              "%20%20Sam%20%20%20Doe%20", "Sam%20J%20Doe"}) {
    const Json page = Get(cw, "q=" + q);
    ASSERT_EQ(last_status_, 200) << q << ": " << page.dump();
    ASSERT_EQ(Ids(page), V{"CASE-000001"}) << q;
    const Json& item = page["items"][0];
    EXPECT_EQ(item["matched_by"], "name");
    EXPECT_EQ(item["office"], "north");
    ASSERT_EQ(item["matched_parties"].size(), 1U) << q;
    EXPECT_EQ(item["matched_parties"][0]["case_role"], "obligor");
    EXPECT_EQ(item["matched_parties"][0]["id"], "PRS-000001");
    EXPECT_EQ(item["matched_parties"][0]["first_name"], "Sam");
    EXPECT_EQ(item["matched_parties"][0]["last_name"], "Doe");
  }
  // The custodial party (obligee) is found too; a wrong first name or part of a name is not.
  const Json roe = Get(cw, "q=ana%20roe");
  ASSERT_EQ(Ids(roe), V{"CASE-000001"});
  EXPECT_EQ(roe["items"][0]["matched_parties"][0]["case_role"], "obligee");
  EXPECT_TRUE(Get(cw, "q=Ana%20Doe")["items"].empty());
  EXPECT_TRUE(Get(cw, "q=Do")["items"].empty());
  // A child is found by name.
  {
    auto store = server_->OpenStore();
    LedgerService svc(*store, server_->clock(), "tester");
    Person kid;
    kid.first_name = "Kit";
    kid.last_name = "Moe";
    auto k = svc.AddPerson(kid);
    ASSERT_TRUE(k.ok());
    NewCase nc;
    nc.obligor = PersonId{1};
    nc.obligee = PersonId{2};
    nc.children = {*k};
    nc.county = "north";
    nc.opened = Date::Ymd(2024, 2, 1);
    ASSERT_TRUE(svc.AddCase(nc).ok());  // CASE-000004
  }
  const Json moe = Get(cw, "q=Moe");
  ASSERT_EQ(Ids(moe), (V{"CASE-000002", "CASE-000004"}));
  EXPECT_EQ(moe["items"][0]["matched_parties"][0]["case_role"], "obligee");  // Kim Moe
  EXPECT_EQ(moe["items"][1]["matched_parties"][0]["case_role"], "child");    // Kit Moe
  EXPECT_EQ(moe["items"][1]["matched_parties"][0]["first_name"], "Kit");
}

TEST_F(SearchTest, ACaseworkerFindsOnlyTheirOfficesCasesAndNoAddressIsAnswered) {
  auto c = server_->Client();
  auto north = SignIn(c, "cw_north");
  auto south = SignIn(c, "cw_south");
  EXPECT_TRUE(Get(north, "q=Fox")["items"].empty());  // CASE-000003 is in the south office
  const Json fox = Get(south, "q=Max%20Fox");
  ASSERT_EQ(Ids(fox), V{"CASE-000003"});
  EXPECT_EQ(fox["items"][0]["family_violence"], true);
  // The party's address is never in a result (family violence or not).
  for (const Json& page : {fox, Get(north, "q=Doe"), Get(north, "q=Poe")}) {
    const std::string text = page.dump();
    EXPECT_EQ(text.find("address"), std::string::npos) << text;
    EXPECT_EQ(text.find("Springfield"), std::string::npos) << text;
    EXPECT_EQ(text.find(" St\""), std::string::npos) << text;
  }
  // The office filter keeps its rule: another office is refused for an office-bound role.
  const Json refused = Get(north, "q=Doe&office=south");
  EXPECT_EQ(last_status_, 403);
  EXPECT_EQ(refused["code"], "case_not_in_caseload");
  // A statewide role narrows by office.
  auto admin = SignIn(c, "admin");
  EXPECT_EQ(Ids(Get(admin, "q=Fox")), V{"CASE-000003"});
  EXPECT_TRUE(Get(admin, "q=Fox&office=north")["items"].empty());
}

TEST_F(SearchTest, ResultsArePagedLikeTheCaseload) {
  {
    auto store = server_->OpenStore();
    LedgerService svc(*store, server_->clock(), "tester");
    for (int i = 0; i < 3; ++i) {  // CASE-000004..6: Sam Doe again, with Ana Roe
      NewCase nc;
      nc.obligor = PersonId{1};
      nc.obligee = PersonId{2};
      nc.county = i == 1 ? "south" : "north";
      nc.opened = Date::Ymd(2024, 3, 1);
      ASSERT_TRUE(svc.AddCase(nc).ok());
    }
  }
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  const Json first = Get(cw, "q=doe&limit=2");
  ASSERT_EQ(Ids(first), (V{"CASE-000001", "CASE-000004"}));
  EXPECT_EQ(first["next_after"], 4);
  const Json second = Get(cw, "q=doe&limit=2&after=4");
  ASSERT_EQ(Ids(second), V{"CASE-000006"});  // CASE-000005 is in the south office
  EXPECT_TRUE(second["next_after"].is_null());
  EXPECT_EQ(Get(cw, "q=doe&limit=201")["code"], "limit_invalid");
  EXPECT_EQ(Get(cw, "q=doe&after=-1")["code"], "cursor_invalid");
}

// An apostrophe typed either way finds the name stored either way: phones and word
// processors put in U+2019 ("O’Brien"), keyboards and court files often the ASCII one.
TEST_F(SearchTest, AnApostropheTypedEitherWayFindsTheName) {
  {
    auto store = server_->OpenStore();
    LedgerService svc(*store, server_->clock(), "tester");
    Person ascii, curly;
    ascii.first_name = "Sean";
    ascii.last_name = "O'Brien";
    curly.first_name = "Maire";
    curly.last_name = "O\xE2\x80\x99Neill";
    for (Person* p : {&ascii, &curly}) {
      auto id = svc.AddPerson(*p);
      ASSERT_TRUE(id.ok());
      NewCase nc;
      nc.obligor = *id;
      nc.obligee = PersonId{2};
      nc.county = "north";
      nc.opened = Date::Ymd(2024, 3, 1);
      ASSERT_TRUE(svc.AddCase(nc).ok());  // CASE-000004, CASE-000005
    }
  }
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  EXPECT_EQ(Ids(Get(cw, "q=O'Brien")), V{"CASE-000004"});
  EXPECT_EQ(Ids(Get(cw, "q=O%E2%80%99Brien")), V{"CASE-000004"});         // typed with U+2019
  EXPECT_EQ(Ids(Get(cw, "q=sean%20o%E2%80%98brien")), V{"CASE-000004"});  // U+2018, any case
  EXPECT_EQ(Ids(Get(cw, "q=O'Neill")), V{"CASE-000005"});
  EXPECT_EQ(Ids(Get(cw, "q=O%E2%80%99Neill")), V{"CASE-000005"});
}

TEST_F(SearchTest, ABlankTooLongOrMalformedQueryIsRefusedAndLogsNothing) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  for (const std::string q : {"", "%20%20%20", "%09"}) {
    const Json r = Get(cw, "q=" + q);
    EXPECT_EQ(last_status_, 400) << q;
    EXPECT_EQ(r["code"], "search_query_blank") << q;
    EXPECT_NE(r["message"].get<std::string>().find("q:"), std::string::npos);
  }
  const std::string hundred(100, 'x');
  EXPECT_TRUE(Get(cw, "q=" + hundred)["items"].empty());
  EXPECT_EQ(last_status_, 200);
  const Json long_q = Get(cw, "q=" + hundred + "x");
  EXPECT_EQ(last_status_, 400);
  EXPECT_EQ(long_q["code"], "search_query_too_long");
  EXPECT_NE(long_q["message"].get<std::string>().find("at most 100 characters, got 101"),
            std::string::npos)
      << long_q.dump();
  // 100 characters of two bytes each are 100 characters.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "%C3%A9";
  Get(cw, "q=" + accented);
  EXPECT_EQ(last_status_, 200);
  EXPECT_EQ(Get(cw, "q=Doe%01")["code"], "search_query_invalid");
  EXPECT_EQ(Get(cw, "q=Doe%FF")["code"], "search_query_invalid");
  // SQL in the text is text.
  EXPECT_TRUE(Get(cw, "q=Doe'%20OR%20'1'%3D'1")["items"].empty());
  EXPECT_EQ(last_status_, 200);
  EXPECT_TRUE(AccessLog("PRS-000001")["items"].empty());
}

TEST_F(SearchTest, EachMatchedPartyIsLoggedAsARead) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  const Json page = Get(cw, "q=Sam%20Doe", {{"X-Request-Id", "find-42"}});
  ASSERT_EQ(Ids(page), V{"CASE-000001"});
  const Json log = AccessLog("PRS-000001");
  ASSERT_EQ(log["items"].size(), 1U) << log.dump();
  EXPECT_EQ(log["items"][0]["actor"], "cw_north");
  EXPECT_EQ(log["items"][0]["case_id"], "CASE-000001");
  EXPECT_EQ(log["items"][0]["route"], "GET /v1/cases");
  EXPECT_EQ(log["items"][0]["request_id"], "find-42");
  // Only the party answered: the obligee's name was not shown, so no read of them.
  EXPECT_TRUE(AccessLog("PRS-000002")["items"].empty());
  // An id search answers no person's name: nothing logged; a search that finds nothing either.
  Get(cw, "q=CASE-000002");
  Get(cw, "q=Nobody");
  EXPECT_TRUE(AccessLog("PRS-000003")["items"].empty());
  EXPECT_TRUE(AccessLog("PRS-000004")["items"].empty());
  EXPECT_EQ(AccessLog("PRS-000001")["items"].size(), 1U);
}

// The list without q is unchanged: the same page as before the search was added.
TEST_F(SearchTest, WithoutQTheCaseloadListIsAsBefore) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  const Json page = Get(cw, "limit=50");
  ASSERT_EQ(Ids(page), (V{"CASE-000001", "CASE-000002"}));
  EXPECT_FALSE(page["items"][0].contains("matched_by"));
  EXPECT_TRUE(page["next_after"].is_null());
}

}  // namespace
}  // namespace cse
