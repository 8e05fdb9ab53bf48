// Sign-ins on the hash-chained audit trail: successful and failed sign-ins (wrong password,
// unknown user, locked account), the lockout and the logout are audit rows that an admin or
// a supervisor can read through GET /v1/audit; no row holds a password or a session token;
// the chain still verifies.
#include "http/api_server.h"
#include "service/audit.h"

namespace cse {
namespace {

using testing::ApiServer;
using testing::Body;
using testing::SignIn;

httplib::Result Attempt(httplib::Client& c, const std::string& user, const std::string& pw) {
  return c.Post("/v1/session", Json{{"username", user}, {"password", pw}}.dump(),
                "application/json");
}

TEST(SignInAuditTest, SignInsLockoutAndLogoutAreOnTheAuditTrail) {
  ApiServer server("signin_audit");
  auto c = server.Client();
  const std::string wrong = "wrong-password-0123";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Attempt(c, "cw_north", wrong)->status, 401);
  EXPECT_EQ(Attempt(c, "nobody", wrong)->status, 401);
  // Locked: the answer is an unknown user's (ApiTest), the audit row says why.
  auto locked = Attempt(c, "cw_north", testing::kTestPassword);
  EXPECT_EQ(locked->status, 401);
  EXPECT_EQ(Body(locked)["code"], "login_failed");
  server.clock().AdvanceMicros(16LL * 60 * 1000000);  // past the 15-minute lockout
  auto s = SignIn(c, "cw_north");
  auto out = c.Delete("/v1/session", s.Headers());
  ASSERT_EQ(out->status, 200) << out->body;

  auto sup = SignIn(c, "sup_north");
  auto r = c.Get("/v1/audit?entity=user&entity_id=cw_north&limit=200", sup.Headers(false));
  ASSERT_EQ(r->status, 200) << r->body;
  std::vector<std::string> actions;
  const Json trail = Body(r);
  for (const Json& row : trail["items"]) {
    const std::string action = row["action"];
    if (action.rfind("auth.", 0) != 0) continue;
    actions.push_back(action + ":" + row["after"].value("reason", ""));
    EXPECT_EQ(row["actor"], "cw_north");
  }
  const std::vector<std::string> want{"auth.login_failed:password_wrong",
                                      "auth.login_failed:password_wrong",
                                      "auth.login_failed:password_wrong",
                                      "auth.login_failed:password_wrong",
                                      "auth.login_failed:password_wrong",
                                      "auth.lockout:",
                                      "auth.login_failed:account_locked",
                                      "auth.login:",
                                      "auth.logout:"};
  EXPECT_EQ(actions, want) << r->body;
  // The login and logout rows name the same session by a digest prefix, not the cookie.
  const std::string token = s.cookie.substr(s.cookie.find('=') + 1);
  const std::string body = r->body;
  EXPECT_EQ(body.find(token), std::string::npos);
  EXPECT_EQ(body.find(wrong), std::string::npos);
  EXPECT_EQ(body.find(testing::kTestPassword), std::string::npos);
  EXPECT_EQ(body.find("argon2id"), std::string::npos);

  auto admin = SignIn(c, "admin");
  const Json unknown = Body(c.Get("/v1/audit?entity=user&entity_id=nobody", admin.Headers(false)));
  ASSERT_EQ(unknown["items"].size(), 1U) << unknown.dump();
  EXPECT_EQ(unknown["items"][0]["action"], "auth.login_failed");
  EXPECT_EQ(unknown["items"][0]["after"]["reason"], "user_unknown");
  // Caseworkers cannot read the audit trail.
  auto cw = SignIn(c, "cw_north");
  EXPECT_EQ(c.Get("/v1/audit?entity=user", cw.Headers(false))->status, 403);
  // Every row, sign-ins included, is on the one hash chain.
  auto store = server.OpenStore();
  auto verified = VerifyAuditChain(*store);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
}

TEST(SignInAuditTest, AControlCharacterUsernameIsRecordedSanitized) {
  ApiServer server("signin_audit_name");
  auto c = server.Client();
  EXPECT_EQ(Attempt(c, "eve\x01x", "whatever-password")->status, 401);
  auto store = server.OpenStore();
  auto rows = store->ListAuditAfter(0, "user", "eve?x", 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ((*rows)[0].action, "auth.login_failed");
}

}  // namespace
}  // namespace cse
