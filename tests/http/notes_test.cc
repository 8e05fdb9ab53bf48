// Case notes: the API over real HTTP (add and list, CSRF, permission, caseload, validation,
// audit row, access log, paging), the service's text validation, and `opencse case note`.
#include <sstream>

#include "cli/cli.h"
#include "http/api_server.h"
#include "service/case_notes.h"

namespace cse {
namespace {

using testing::ApiServer;
using testing::Body;
using testing::SignIn;

class NotesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(
        std::string("notes_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  httplib::Result Post(httplib::Client& c, const testing::Session& s, const std::string& path,
                       const Json& body, bool csrf = true) {
    return c.Post(path, s.Headers(csrf), body.dump(), "application/json");
  }
  int64_t NoteCount(int64_t case_id = 1) {
    auto store = server_->OpenStore();
    auto notes = store->ListCaseNotes(CaseId{case_id}, 0, 200);
    return notes.ok() ? static_cast<int64_t>(notes->size()) : -1;
  }
  // `opencse` on the server's database as --user `user`: exit code, standard output and error.
  struct CliOut {
    int code = 0;
    std::string out, err;
  };
  CliOut Cli(const std::string& user, std::vector<std::string> args) {
    std::vector<std::string> full{"opencse",    "--db",   server_->db(), "--today",
                                  "2024-06-30", "--user", user};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& a : full) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
  }
  std::unique_ptr<ApiServer> server_;
};

TEST_F(NotesTest, CaseworkerAddsANoteAndSeesItListedAuditedAndLogged) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  auto r = Post(c, s, "/v1/cases/CASE-000001/notes",
                Json{{"text", "  Called the obligor; new employer\nto be verified.  "}});
  ASSERT_EQ(r->status, 201) << r->body;
  const Json note = Body(r);
  EXPECT_EQ(note["case_id"], "CASE-000001");
  EXPECT_EQ(note["author"], "cw_north");
  EXPECT_EQ(note["text"], "Called the obligor; new employer\nto be verified.");  // trimmed
  EXPECT_EQ(note["at"], "2024-06-30T12:00:00.000000Z");
  ASSERT_EQ(Post(c, s, "/v1/cases/CASE-000001/notes", Json{{"text", "Second note"}})->status, 201);
  auto list = c.Get("/v1/cases/CASE-000001/notes", s.Headers(false));
  ASSERT_EQ(list->status, 200) << list->body;
  const Json items = Body(list)["items"];
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0]["text"], "Second note");  // newest first
  EXPECT_EQ(items[1]["id"], note["id"]);
  EXPECT_TRUE(Body(list)["next_before"].is_null());
  // The audit trail has one row per note, without the text.
  auto admin = SignIn(c, "admin");
  const Json audit =
      Body(c.Get("/v1/audit?entity=case&entity_id=CASE-000001", admin.Headers(false)));
  int added = 0;
  for (const Json& row : audit["items"]) {
    if (row["action"] != "case.note_add") continue;
    ++added;
    EXPECT_EQ(row["actor"], "cw_north");
    EXPECT_EQ(row["after"]["case_id"], "CASE-000001");
    EXPECT_EQ(row["after"].count("text"), 0U);
  }
  EXPECT_EQ(added, 2) << audit.dump();
  // Reading the notes was logged for both parties.
  const Json log = Body(c.Get("/v1/access-log", admin.Headers(false)));
  int reads = 0;
  for (const Json& row : log["items"]) {
    if (row["route"] == "GET /v1/cases/{case_id}/notes" && row["actor"] == "cw_north") ++reads;
  }
  EXPECT_EQ(reads, 2) << log.dump();
}

TEST_F(NotesTest, CsrfPermissionCaseloadAndTokensAreEnforced) {
  auto c = server_->Client();
  auto cw = SignIn(c, "cw_north");
  const Json body{{"text", "x"}};
  auto no_csrf = Post(c, cw, "/v1/cases/CASE-000001/notes", body, false);
  EXPECT_EQ(no_csrf->status, 403);
  EXPECT_EQ(Body(no_csrf)["code"], "csrf_invalid");
  auto other_office = Post(c, cw, "/v1/cases/CASE-000003/notes", body);
  EXPECT_EQ(other_office->status, 403);
  EXPECT_EQ(Body(other_office)["code"], "case_not_in_caseload");
  EXPECT_EQ(c.Get("/v1/cases/CASE-000003/notes", cw.Headers(false))->status, 403);
  auto acct = SignIn(c, "acct");
  auto denied = Post(c, acct, "/v1/cases/CASE-000001/notes", body);
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(Body(denied)["code"], "permission_denied");
  const std::string token = server_->Token("system", "admin");
  auto by_token = c.Post("/v1/cases/CASE-000001/notes", {{"Authorization", "Bearer " + token}},
                         body.dump(), "application/json");
  EXPECT_EQ(by_token->status, 403);
  EXPECT_EQ(Body(by_token)["code"], "user_required");
  EXPECT_EQ(c.Get("/v1/cases/CASE-000001/notes")->status, 401);
  auto missing = Post(c, cw, "/v1/cases/CASE-000999/notes", body);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Body(missing)["code"], "case_not_found");
  EXPECT_EQ(NoteCount(), 0);
}

TEST_F(NotesTest, BadTextIsRefusedNamingTheFieldAndNothingIsWritten) {
  auto c = server_->Client();
  auto s = SignIn(c, "cw_north");
  auto expect = [&](const Json& body, const std::string& code) {
    auto r = Post(c, s, "/v1/cases/CASE-000001/notes", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body.dump().substr(0, 80);
    EXPECT_EQ(Body(r)["code"], code) << r->body;
    EXPECT_NE(
        Body(r)["message"].get<std::string>().find(code == "field_unknown" ? "extra" : "text"),
        std::string::npos)
        << r->body;
  };
  expect(Json::object(), "field_missing");
  expect(Json{{"text", " \n\t "}}, "note_empty");
  expect(Json{{"text", std::string(2001, 'a')}}, "note_too_long");
  // However long: note_too_long, as docs/API.md says (before 2026-12-04 over 4,000 bytes
  // answered field_too_long "text: at most 4000 characters").
  expect(Json{{"text", std::string(5000, 'a')}}, "note_too_long");
  expect(Json{{"text", std::string(60000, 'a')}}, "note_too_long");
  expect(Json{{"text", "bell\x07"}}, "note_invalid_char");
  expect(Json{{"text", "innocent text\rFORGED"}}, "note_invalid_char");
  expect(Json{{"text", "looks \u202e reversed"}}, "note_invalid_char");
  expect(Json{{"text", 42}}, "field_invalid");
  expect(Json{{"text", "ok"}, {"extra", 1}}, "field_unknown");
  EXPECT_EQ(NoteCount(), 0);
  // SQL metacharacters are text like any other.
  const std::string sql = "'); DROP TABLE case_note; -- \"quoted\" 100% _x_";
  auto r = Post(c, s, "/v1/cases/CASE-000001/notes", Json{{"text", sql}});
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Body(c.Get("/v1/cases/CASE-000001/notes", s.Headers(false)))["items"][0]["text"], sql);
  // Exactly the limit is accepted.
  EXPECT_EQ(
      Post(c, s, "/v1/cases/CASE-000001/notes", Json{{"text", std::string(2000, 'b')}})->status,
      201);
  // The limit counts characters, as the table's CHECK does: 2,000 accented letters (4,000
  // bytes) are a note, 2,001 are not (until 2026-12-04 the server counted bytes).
  std::string accented;
  for (int i = 0; i < 2000; ++i) accented += "\u00e9";
  EXPECT_EQ(Post(c, s, "/v1/cases/CASE-000001/notes", Json{{"text", accented}})->status, 201);
  expect(Json{{"text", accented + "\u00e9"}}, "note_too_long");
  EXPECT_EQ(NoteCount(), 3);
}

TEST_F(NotesTest, NotesPageBackwardsWithBefore) {
  auto c = server_->Client();
  auto s = SignIn(c, "sup_north");
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(
        Post(c, s, "/v1/cases/CASE-000002/notes", Json{{"text", "n" + std::to_string(i)}})->status,
        201);
  }
  const Json first = Body(c.Get("/v1/cases/CASE-000002/notes?limit=2", s.Headers(false)));
  ASSERT_EQ(first["items"].size(), 2U);
  EXPECT_EQ(first["items"][0]["text"], "n3");
  ASSERT_FALSE(first["next_before"].is_null());
  const Json rest = Body(c.Get("/v1/cases/CASE-000002/notes?limit=2&before=" +
                                   std::to_string(first["next_before"].get<int64_t>()),
                               s.Headers(false)));
  ASSERT_EQ(rest["items"].size(), 1U);
  EXPECT_EQ(rest["items"][0]["text"], "n1");
  EXPECT_TRUE(rest["next_before"].is_null());
  // An exactly full last page has no cursor (before 2026-12-05 it pointed to an empty page).
  const Json all = Body(c.Get("/v1/cases/CASE-000002/notes?limit=3", s.Headers(false)));
  ASSERT_EQ(all["items"].size(), 3U);
  EXPECT_TRUE(all["next_before"].is_null()) << all.dump();
  const Json last = Body(c.Get("/v1/cases/CASE-000002/notes?limit=1&before=" +
                                   std::to_string(first["next_before"].get<int64_t>()),
                               s.Headers(false)));
  ASSERT_EQ(last["items"].size(), 1U);
  EXPECT_EQ(last["items"][0]["text"], "n1");
  EXPECT_TRUE(last["next_before"].is_null()) << last.dump();
  EXPECT_EQ(c.Get("/v1/cases/CASE-000002/notes?limit=0", s.Headers(false))->status, 400);
}

TEST(CaseNoteTextTest, ValidationRules) {
  EXPECT_EQ(*ValidateCaseNoteText("  hi\n"), "hi");
  EXPECT_EQ(*ValidateCaseNoteText("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(ValidateCaseNoteText("bad \xff byte").status().reason(), "note_invalid_utf8");
  EXPECT_EQ(ValidateCaseNoteText("overlong \xc0\xaf").status().reason(), "note_invalid_utf8");
  EXPECT_EQ(ValidateCaseNoteText("cut \xe2\x82").status().reason(), "note_invalid_utf8");
  EXPECT_EQ(ValidateCaseNoteText("nul\x01").status().reason(), "note_invalid_char");
  EXPECT_EQ(ValidateCaseNoteText("").status().reason(), "note_empty");
  EXPECT_TRUE(ValidateCaseNoteText("tab\tand\nnewline").ok());
}

// QA 2026-12-05: a lone carriage return, C1 controls and U+202E (right-to-left override) were
// taken although the docs allow no control character but newline and tab; a CR LF line end
// is a newline, stored as LF.
TEST(CaseNoteTextTest, NoControlCharacterButNewlineAndTab) {
  for (const std::string bad :
       {"innocent text\rFORGED", "c1 \xc2\x85 next line", "c1 \xc2\x80", "c1 \xc2\x9f",
        "rtl \xe2\x80\xae override", "lre \xe2\x80\xaa", "isolate \xe2\x81\xa6", "pdi \xe2\x81\xa9",
        "line \xe2\x80\xa8 separator", "paragraph \xe2\x80\xa9", "del \x7f"}) {
    const auto r = ValidateCaseNoteText(bad);
    EXPECT_EQ(r.status().reason(), "note_invalid_char") << bad;
  }
  const Status rtl = ValidateCaseNoteText("rtl \xe2\x80\xae").status();
  EXPECT_NE(rtl.message().find("U+202E at byte 4"), std::string::npos) << rtl.message();
  EXPECT_EQ(*ValidateCaseNoteText("first\r\nsecond\r\n"), "first\nsecond");
  // Printable neighbours stay: U+00A0, U+00E9, U+200F (a right-to-left mark, not an override).
  EXPECT_TRUE(ValidateCaseNoteText("nbsp\xc2\xa0 caf\xc3\xa9 \xe2\x80\x8f").ok());
}

TEST_F(NotesTest, CliAddsAndListsNotesWithTheUserAsAuthor) {
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> full{"opencse",    "--db",   server_->db(), "--today",
                                  "2024-06-30", "--user", "cw_north",    "--json"};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& a : full) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return std::make_pair(code, Json::parse(out.str() + err.str(), nullptr, false));
  };
  auto [code, added] = run({"case", "note", "add", "--case", "CASE-000001", "--text", "From CLI"});
  ASSERT_EQ(code, 0) << added.dump();
  EXPECT_EQ(added["author"], "cw_north");
  auto [lcode, list] = run({"case", "note", "list", "--case", "CASE-000001"});
  ASSERT_EQ(lcode, 0);
  ASSERT_EQ(list["items"].size(), 1U);
  EXPECT_EQ(list["items"][0]["text"], "From CLI");
  auto [bad, err] = run({"case", "note", "add", "--case", "CASE-000001", "--text", "  "});
  EXPECT_NE(bad, 0);
  EXPECT_EQ(err["code"], "note_empty") << err.dump();
  auto [missing, err2] = run({"case", "note", "list", "--case", "CASE-000042"});
  EXPECT_NE(missing, 0);
  EXPECT_EQ(NoteCount(), 1);
}

// QA 2026-12-05: `case note add` took any --user: unknown, disabled, another office's
// caseworker, a role without notes.write. Once staffed, the API's rule holds, and a refusal
// writes nothing (no note, no audit row).
TEST_F(NotesTest, CliNoteAddHoldsTheUserToTheApisRule) {
  ASSERT_EQ(Cli("admin", {"user", "disable", "cw_south", "--reason", "left the agency"}).code, 0);
  auto add = [&](const std::string& user, const std::string& case_id) {
    return Cli(user, {"--json", "case", "note", "add", "--case", case_id, "--text", "note"});
  };
  const struct {
    std::string user, case_id, code;
  } refused[] = {{"no_such_person", "CASE-000003", "user_unknown"},
                 {"cw_south", "CASE-000003", "user_unknown"},  // disabled
                 {"cw_north", "CASE-000003", "case_not_in_caseload"},
                 {"acct", "CASE-000001", "role_not_allowed"}};
  for (const auto& r : refused) {
    const CliOut out = add(r.user, r.case_id);
    EXPECT_EQ(out.code, 1) << r.user;
    EXPECT_EQ(Json::parse(out.out, nullptr, false)["code"], r.code) << r.user << out.out;
  }
  EXPECT_EQ(NoteCount(1), 0);
  EXPECT_EQ(NoteCount(3), 0);
  {
    auto store = server_->OpenStore();
    auto audit = store->ListAuditAfter(0, "case", "", 1000);
    ASSERT_TRUE(audit.ok());
    for (const AuditRow& row : *audit) EXPECT_NE(row.action, "case.note_add");
  }
  // The roles with notes.write, on their caseload: an investigator works statewide.
  EXPECT_EQ(add("cw_north", "CASE-000001").code, 0);
  EXPECT_EQ(add("inv", "CASE-000003").code, 0);
  EXPECT_EQ(add("sup_north", "CASE-000002").code, 0);
  EXPECT_EQ(NoteCount(1), 1);
  EXPECT_EQ(NoteCount(3), 1);
  // The help counts characters, as the rule does (it said "bytes").
  const CliOut help = Cli("admin", {"case", "note", "add", "--help"});
  EXPECT_NE(help.out.find("1-2000 characters"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("bytes"), std::string::npos) << help.out;
}

// QA 2026-12-05: `case note list` printed a note's continuation lines unindented, so a note
// could forge another author's entry; and it could not page past the newest 200.
TEST_F(NotesTest, CliListIndentsEveryLineAndPagesWithBefore) {
  ASSERT_EQ(
      Cli("sup_north", {"case", "note", "add", "--case", "CASE-000001", "--text", "Reviewed file"})
          .code,
      0);
  const std::string forged =
      "Called obligor, no answer\n2024-06-30T00:00:00  sup_north\nApproved: waive the arrears";
  ASSERT_EQ(
      Cli("cw_north", {"case", "note", "add", "--case", "CASE-000001", "--text", forged}).code, 0);
  const CliOut text = Cli("cw_north", {"case", "note", "list", "--case", "CASE-000001"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out,
            "2024-06-30T00:00:00  cw_north\n"
            "  Called obligor, no answer\n"
            "  2024-06-30T00:00:00  sup_north\n"
            "  Approved: waive the arrears\n"
            "2024-06-30T00:00:00  sup_north\n"
            "  Reviewed file\n");
  // Every line that does not start with a space is an entry's own header: two entries.
  int headers = 0;
  std::istringstream lines(text.out);
  for (std::string line; std::getline(lines, line);) headers += !line.empty() && line[0] != ' ';
  EXPECT_EQ(headers, 2);
  // Paging: a full page names the next cursor, as the API's next_before.
  ASSERT_EQ(
      Cli("cw_north", {"case", "note", "add", "--case", "CASE-000001", "--text", "third"}).code, 0);
  const CliOut page1 =
      Cli("cw_north", {"--json", "case", "note", "list", "--case", "CASE-000001", "--limit", "2"});
  ASSERT_EQ(page1.code, 0) << page1.err;
  const Json j1 = Json::parse(page1.out);
  ASSERT_EQ(j1["items"].size(), 2U);
  EXPECT_EQ(j1["items"][0]["text"], "third");
  ASSERT_TRUE(j1["next_before"].is_number()) << page1.out;
  const std::string cursor = std::to_string(j1["next_before"].get<int64_t>());
  const CliOut text1 =
      Cli("cw_north", {"case", "note", "list", "--case", "CASE-000001", "--limit", "2"});
  EXPECT_NE(text1.out.find("more: --before " + cursor + "\n"), std::string::npos) << text1.out;
  const CliOut page2 = Cli("cw_north", {"--json", "case", "note", "list", "--case", "CASE-000001",
                                        "--limit", "2", "--before", cursor});
  ASSERT_EQ(page2.code, 0) << page2.err;
  const Json j2 = Json::parse(page2.out);
  ASSERT_EQ(j2["items"].size(), 1U);
  EXPECT_EQ(j2["items"][0]["text"], "Reviewed file");
  EXPECT_TRUE(j2["next_before"].is_null());
  EXPECT_NE(
      Cli("cw_north", {"case", "note", "list", "--case", "CASE-000001", "--before", "0"}).code, 0);
}

}  // namespace
}  // namespace cse
