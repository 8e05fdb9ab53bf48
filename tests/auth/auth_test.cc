// Staff identity without HTTP: argon2id hashing, roles and permissions, lockout, session
// expiry, API tokens and the access log.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "service/json.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using auth::Permission;
using auth::Role;

auth::AuthOptions Cheap() {
  auth::AuthOptions o;
  o.password_cost = auth::PasswordCost::kMinimum;
  return o;
}

TEST(PasswordTest, Argon2idHashesVerifyAndAreSalted) {
  auto a = auth::HashPassword("a long enough secret", auth::PasswordCost::kMinimum);
  auto b = auth::HashPassword("a long enough secret", auth::PasswordCost::kMinimum);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0U);
  EXPECT_NE(*a, *b);  // a fresh salt each time
  EXPECT_TRUE(auth::VerifyPassword(*a, "a long enough secret"));
  EXPECT_FALSE(auth::VerifyPassword(*a, "a long enough secreT"));
  EXPECT_FALSE(auth::VerifyPassword("", "x"));
  EXPECT_EQ(auth::HashPassword("short", auth::PasswordCost::kMinimum).status().reason(),
            "password_too_short");
  EXPECT_EQ(
      auth::HashPassword(std::string(129, 'p'), auth::PasswordCost::kMinimum).status().reason(),
      "password_too_long");
}

// Lengths are counted in characters: four CJK characters are twelve bytes but not a
// twelve-character password, and a 100-character Cyrillic one (200 bytes) is accepted and
// verifies.
TEST(PasswordTest, LengthsAreCountedInCharactersNotBytes) {
  EXPECT_EQ(auth::HashPassword("\u5bc6\u7801\u5bc6\u7801", auth::PasswordCost::kMinimum)
                .status()
                .reason(),
            "password_too_short");
  std::string cyrillic;
  for (int i = 0; i < 100; ++i) cyrillic += "\u0436";
  ASSERT_EQ(cyrillic.size(), 200u);
  auto h = auth::HashPassword(cyrillic, auth::PasswordCost::kMinimum);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(auth::VerifyPassword(*h, cyrillic));
  std::string too_long;
  for (int i = 0; i < 129; ++i) too_long += "\u0436";
  EXPECT_EQ(auth::HashPassword(too_long, auth::PasswordCost::kMinimum).status().reason(),
            "password_too_long");
}

TEST(PasswordTest, InteractiveCostIsArgon2idWithLibsodiumDefaults) {
  auto h = auth::HashPassword("a long enough secret", auth::PasswordCost::kInteractive);
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("m=65536,t=2"), std::string::npos) << *h;
}

TEST(RolesTest, PermissionsFollowTheTable) {
  EXPECT_TRUE(auth::RoleHas(Role::kCaseworker, Permission::kCasesRead));
  EXPECT_FALSE(auth::RoleHas(Role::kCaseworker, Permission::kPaymentsPost));
  EXPECT_FALSE(auth::RoleHas(Role::kCaseworker, Permission::kAuditRead));
  EXPECT_TRUE(auth::RoleHas(Role::kAccountingTechnician, Permission::kPaymentsPost));
  EXPECT_FALSE(auth::RoleHas(Role::kInvestigator, Permission::kLedgerRead));
  EXPECT_TRUE(auth::RoleHas(Role::kInvestigator, Permission::kAddressProtectedRead));
  EXPECT_FALSE(auth::RoleHas(Role::kSupervisor, Permission::kAddressProtectedRead));
  for (int r = 0; r < auth::kRoleCount; ++r) {
    const auto role = static_cast<Role>(r);
    EXPECT_EQ(*auth::ParseRole(auth::Name(role)), role);
    EXPECT_TRUE(auth::RoleHas(role, Permission::kAuthenticated));
    EXPECT_EQ(auth::RoleHas(role, Permission::kUsersAdmin), role == Role::kAdmin);
  }
  EXPECT_EQ(auth::ParseRole("parent").status().reason(), "role_unknown");
  EXPECT_TRUE(auth::IsOfficeScoped(Role::kCaseworker));
  EXPECT_FALSE(auth::IsOfficeScoped(Role::kAttorney));
}

class AuthServiceTest : public ::testing::Test {
 protected:
  testing::World w_;
  auth::AuthService auth_{w_.store(), w_.clock(), Cheap()};
};

TEST_F(AuthServiceTest, AddUserValidatesAndAudits) {
  EXPECT_EQ(auth_.AddUser({"Bad Name", "admin", "", "long enough pass"}, "t").status().reason(),
            "username_invalid");
  EXPECT_EQ(auth_.AddUser({"cw", "caseworker", "", "long enough pass"}, "t").status().reason(),
            "office_required");
  EXPECT_EQ(auth_.AddUser({"x", "janitor", "", "long enough pass"}, "t").status().reason(),
            "role_unknown");
  ASSERT_TRUE(auth_.AddUser({"cw", "caseworker", "north", "long enough pass"}, "t").ok());
  EXPECT_EQ(auth_.AddUser({"cw", "admin", "", "long enough pass"}, "t").status().reason(),
            "user_exists");
  auto last = w_.store().LastAudit();
  ASSERT_TRUE(last.ok() && *last);
  EXPECT_EQ((*last)->action, "user.add");
  EXPECT_EQ((*last)->after.find("long enough pass"), std::string::npos);
  EXPECT_EQ((*last)->after.find("argon2"), std::string::npos);
  auto stored = w_.store().FindUserByName("cw");
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_EQ((*stored)->password_hash.rfind("$argon2id$", 0), 0U);
}

TEST_F(AuthServiceTest, SessionTokensAreStoredOnlyAsDigests) {
  ASSERT_TRUE(auth_.AddUser({"sup", "supervisor", "north", "long enough pass"}, "t").ok());
  auto login = auth_.Login("sup", "long enough pass");
  ASSERT_TRUE(login.ok());
  EXPECT_FALSE(w_.store().FindSession(login->session_token)->has_value());
  EXPECT_TRUE(w_.store().FindSession(auth::TokenDigest(login->session_token))->has_value());
  auto who = auth_.AuthenticateSession(login->session_token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kSupervisor);
  EXPECT_EQ(who->office, "north");
}

TEST_F(AuthServiceTest, AbsoluteExpiryEndsEvenAnActiveSession) {
  ASSERT_TRUE(auth_.AddUser({"a", "admin", "", "long enough pass"}, "t").ok());
  auto login = auth_.Login("a", "long enough pass");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 24; ++i) {  // active every 29 minutes for 11.6 hours
    w_.clock().AdvanceMicros(29LL * 60 * 1000000);
    ASSERT_TRUE(auth_.AuthenticateSession(login->session_token).ok()) << i;
  }
  w_.clock().AdvanceMicros(29LL * 60 * 1000000);
  EXPECT_EQ(auth_.AuthenticateSession(login->session_token).status().reason(), "session_expired");
  EXPECT_EQ(auth_.AuthenticateSession(login->session_token).status().reason(), "session_invalid");
}

TEST_F(AuthServiceTest, LockoutCountsConsecutiveFailuresOnly) {
  ASSERT_TRUE(auth_.AddUser({"a", "admin", "", "long enough pass"}, "t").ok());
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(auth_.Login("a", "wrong wrong wrong").ok());
  ASSERT_TRUE(auth_.Login("a", "long enough pass").ok());  // resets the count
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(auth_.Login("a", "wrong wrong wrong").ok());
  EXPECT_TRUE(auth_.Login("a", "long enough pass").ok());
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(auth_.Login("a", "wrong wrong wrong").ok());
  EXPECT_EQ(auth_.Login("a", "long enough pass").status().reason(), "login_failed");
  w_.clock().AdvanceMicros(15LL * 60 * 1000000);  // the lock ends
  EXPECT_TRUE(auth_.Login("a", "long enough pass").ok());
}

// A locked account, a disabled one, a wrong password and an unknown username answer the same
// status, reason and message, right password or not: the caller cannot learn which usernames
// exist (before 2026-12-05 a locked account answered "account_locked" and a disabled one
// "account_disabled"). The message names the lock, so a locked-out person knows to wait; the
// audit trail keeps the real reasons and the lockout row.
TEST_F(AuthServiceTest, LockedDisabledAndUnknownAccountsAnswerTheSame) {
  ASSERT_TRUE(auth_.AddUser({"a", "admin", "", "long enough pass"}, "t").ok());
  ASSERT_TRUE(auth_.AddUser({"d", "admin", "", "long enough pass"}, "a").ok());
  ASSERT_TRUE(
      w_.store().ExecForTesting("UPDATE app_user SET disabled = 1 WHERE username = 'd'").ok());
  const Status unknown = auth_.Login("nobody", "wrong wrong wrong").status();
  EXPECT_EQ(unknown.reason(), "login_failed");
  EXPECT_NE(unknown.message().find("locked for 15 minutes after 5 failed sign-ins"),
            std::string::npos)
      << unknown.message();
  auto same = [&](const Status& s) {
    EXPECT_EQ(s.code(), unknown.code());
    EXPECT_EQ(s.reason(), unknown.reason());
    EXPECT_EQ(s.message(), unknown.message());
  };
  for (int i = 0; i < 5; ++i) same(auth_.Login("a", "wrong wrong wrong").status());
  same(auth_.Login("a", "long enough pass").status());  // locked, right password
  same(auth_.Login("a", "wrong wrong wrong").status());
  same(auth_.Login("nobody", "long enough pass").status());
  same(auth_.Login("d", "long enough pass").status());  // disabled, right password
  same(auth_.Login("d", "wrong wrong wrong").status());
  std::vector<std::string> reasons;
  int lockouts = 0;
  ASSERT_TRUE(w_.store()
                  .ScanAudit([&](const AuditRow& r) -> Status {
                    if (r.action == "auth.lockout" && r.entity_id == "a") ++lockouts;
                    if (r.action == "auth.login_failed" && r.entity_id != "nobody") {
                      reasons.push_back(r.entity_id + ":" +
                                        Json::parse(r.after).value("reason", ""));
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(lockouts, 1);
  const std::vector<std::string> want{
      "a:password_wrong", "a:password_wrong",   "a:password_wrong",
      "a:password_wrong", "a:password_wrong",   "a:account_locked",
      "a:account_locked", "d:account_disabled", "d:account_disabled"};
  EXPECT_EQ(reasons, want);
}

TEST_F(AuthServiceTest, ApiTokensCarryTheirRoleAndAreShownOnce) {
  auto t = auth_.AddApiToken("sdu", "accounting_technician", "", "admin");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rfind("ocse_", 0), 0U);
  auto who = auth_.AuthenticateToken(*t);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->name, "token:sdu");
  EXPECT_EQ(who->role, Role::kAccountingTechnician);
  EXPECT_EQ(auth_.AuthenticateToken(*t + "0").status().reason(), "token_invalid");
  EXPECT_EQ(auth_.AddApiToken("sdu", "admin", "", "admin").status().reason(), "token_exists");
  EXPECT_FALSE(w_.store().FindApiToken(*t)->has_value());
}

// NIST SP 800-63B §5.1.1.2 context-specific words: twelve spaces (ASCII or Unicode) and the
// username, whole or inside, ignoring letter case, are refused (before 2026-12-05 both were
// accepted); a one-letter username is not searched for inside a password.
TEST(PasswordTest, BlankPasswordsAndTheUsernameAreRefused) {
  EXPECT_EQ(auth::CheckPasswordPolicy(std::string(12, ' '), "ann").reason(), "password_blank");
  EXPECT_EQ(auth::CheckPasswordPolicy(" \t\u3000\u00a0        ", "ann").reason(), "password_blank");
  EXPECT_EQ(auth::CheckPasswordPolicy("cw.ann.smith1", "cw.ann.smith1").reason(),
            "password_contains_username");
  EXPECT_EQ(auth::CheckPasswordPolicy("CW.Ann.Smith1", "cw.ann.smith1").reason(),
            "password_contains_username");
  EXPECT_EQ(auth::CheckPasswordPolicy("my name is ADMIN ok", "admin").reason(),
            "password_contains_username");
  EXPECT_TRUE(auth::CheckPasswordPolicy("long enough pass", "a").ok());
  EXPECT_TRUE(auth::CheckPasswordPolicy("  spaced out words  ", "admin").ok());
  EXPECT_EQ(auth::CheckPasswordPolicy("short", "x").reason(), "password_too_short");
  testing::World w;
  auth::AuthService auth(w.store(), w.clock(), Cheap());
  EXPECT_EQ(auth.AddUser({"ann", "admin", "", std::string(12, ' ')}, "t").status().reason(),
            "password_blank");
  EXPECT_EQ(auth.AddUser({"annabel", "admin", "", "Annabel12345"}, "t").status().reason(),
            "password_contains_username");
  EXPECT_FALSE(w.store().FindUserByName("ann")->has_value());  // nothing written
}

// Only an active admin adds users and tokens once one exists, as `staff add` (before
// 2026-12-05 a caseworker, an investigator or an unknown --user could add an admin); the
// first admin is added by anyone.
TEST_F(AuthServiceTest, OnlyAnAdminAddsUsersAndTokensOnceOneExists) {
  ASSERT_TRUE(auth_.AddUser({"cw", "caseworker", "north", "long enough pass"}, "setup").ok());
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "setup").ok());
  ASSERT_TRUE(auth_.AddUser({"inv", "investigator", "", "long enough pass"}, "root").ok());
  for (const char* actor : {"cw", "inv", "nobody"}) {
    const Status s = auth_.AddUser({"evil", "admin", "", "long enough pass"}, actor).status();
    EXPECT_EQ(s.reason(), std::string(actor) == "nobody" ? "user_unknown" : "role_not_allowed")
        << actor;
    EXPECT_EQ(auth_.AddApiToken("evil", "admin", "", actor).status().reason(), s.reason()) << actor;
  }
  EXPECT_FALSE(w_.store().FindUserByName("evil")->has_value());
  ASSERT_TRUE(auth_.AddApiToken("sdu", "accounting_technician", "", "root").ok());
}

// Ten wrong passwords at once, each on its own connection, lock the account: the count is
// read and written in one write transaction (before 2026-12-05 they left failed_logins at 3
// and no lock).
TEST(AuthLockoutTest, ConcurrentWrongPasswordsStillLock) {
  testing::ScratchDir dir("auth_lockout");
  const std::string db = dir.path("opencse.db");
  FakeClock clock(testing::MidnightMicros(Date::Ymd(2026, 1, 1)));
  {
    testing::World w(db);
    auth::AuthService auth(w.store(), clock, Cheap());
    ASSERT_TRUE(auth.AddUser({"a", "admin", "", "long enough pass"}, "t").ok());
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&] {
      auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
      ASSERT_TRUE(store.ok());
      auth::AuthService auth(**store, clock, Cheap());
      ++ready;
      while (ready.load() < 10) std::this_thread::yield();
      EXPECT_EQ(auth.Login("a", "wrong wrong wrong").status().reason(), "login_failed");
    });
  }
  for (std::thread& t : threads) t.join();
  auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  auto user = (*store)->FindUserByName("a");
  ASSERT_TRUE(user.ok() && *user);
  EXPECT_GT((*user)->locked_until_us, clock.NowMicros());
  auth::AuthService auth(**store, clock, Cheap());
  EXPECT_EQ(auth.Login("a", "long enough pass").status().reason(), "login_failed");
  int lockouts = 0;
  ASSERT_TRUE((*store)
                  ->ScanAuditByAction("auth.lockout",
                                      [&](const AuditRow&) -> Status {
                                        ++lockouts;
                                        return Status::Ok();
                                      })
                  .ok());
  EXPECT_EQ(lockouts, 1);
}

// Disabling ends every session at once and enabling does not bring one back (before
// 2026-12-05 an old cookie worked again after `enable`); the last admin stays.
TEST_F(AuthServiceTest, DisableEndsSessionsForGoodAndEnableNeedsANewSignIn) {
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "t").ok());
  ASSERT_TRUE(auth_.AddUser({"cw", "caseworker", "north", "long enough pass"}, "root").ok());
  auto login = auth_.Login("cw", "long enough pass");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(auth_.DisableUser("cw", "  ", "root").reason(), "reason_missing");
  EXPECT_EQ(auth_.DisableUser("cw", "left", "cw").reason(), "role_not_allowed");
  EXPECT_EQ(auth_.DisableUser("zz", "left", "root").reason(), "user_not_found");
  EXPECT_EQ(auth_.DisableUser("root", "oops", "root").reason(), "last_admin");
  ASSERT_TRUE(auth_.DisableUser("cw", "left the agency", "root").ok());
  EXPECT_FALSE(w_.store().FindSession(auth::TokenDigest(login->session_token))->has_value());
  EXPECT_EQ(auth_.DisableUser("cw", "again", "root").reason(), "user_already_disabled");
  EXPECT_EQ(auth_.Login("cw", "long enough pass").status().reason(), "login_failed");
  ASSERT_TRUE(auth_.EnableUser("cw", "root").ok());
  EXPECT_EQ(auth_.EnableUser("cw", "root").reason(), "user_not_disabled");
  EXPECT_EQ(auth_.AuthenticateSession(login->session_token).status().reason(), "session_invalid");
  EXPECT_TRUE(auth_.Login("cw", "long enough pass").ok());
  auto last = w_.store().LastAudit();
  ASSERT_TRUE(last.ok() && *last);
  std::vector<std::string> actions;
  ASSERT_TRUE(w_.store()
                  .ScanAudit([&](const AuditRow& r) -> Status {
                    if (r.action.rfind("user.", 0) == 0) actions.push_back(r.action);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(actions,
            (std::vector<std::string>{"user.add", "user.add", "user.disable", "user.enable"}));
}

TEST_F(AuthServiceTest, ResetPasswordAndUnlock) {
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "t").ok());
  ASSERT_TRUE(auth_.AddUser({"cw", "caseworker", "north", "long enough pass"}, "root").ok());
  auto login = auth_.Login("cw", "long enough pass");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(auth_.Login("cw", "wrong wrong wrong").ok());
  EXPECT_GT((*w_.store().FindUserByName("cw"))->locked_until_us, 0);
  ASSERT_TRUE(auth_.UnlockUser("cw", "root").ok());
  EXPECT_EQ((*w_.store().FindUserByName("cw"))->locked_until_us, 0);
  EXPECT_EQ(auth_.ResetPassword("cw", std::string(12, ' '), "root").reason(), "password_blank");
  EXPECT_EQ(auth_.ResetPassword("cw", "a new secret pass", "cw").reason(), "role_not_allowed");
  ASSERT_TRUE(auth_.ResetPassword("cw", "a new secret pass", "root").ok());
  EXPECT_FALSE(auth_.AuthenticateSession(login->session_token).ok());  // sessions ended
  EXPECT_FALSE(auth_.Login("cw", "long enough pass").ok());
  auto again = auth_.Login("cw", "a new secret pass");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->principal.office, "north");  // the rest of the user is unchanged
  auto last = w_.store().LastAudit();
  ASSERT_TRUE(last.ok() && *last);
}

// Revoked tokens answer token_invalid; the list shows who created and revoked them.
TEST_F(AuthServiceTest, RevokedTokensAreInvalidAndListed) {
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "t").ok());
  auto t = auth_.AddApiToken("sdu", "accounting_technician", "", "root");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(auth_.AddApiToken("bank", "accounting_technician", "", "root").ok());
  ASSERT_TRUE(auth_.AuthenticateToken(*t).ok());
  EXPECT_EQ(auth_.RevokeApiToken("sdu", "", "root").reason(), "reason_missing");
  EXPECT_EQ(auth_.RevokeApiToken("nope", "x", "root").reason(), "token_not_found");
  EXPECT_EQ(auth_.RevokeApiToken("sdu", "leaked", "nobody").reason(), "user_unknown");
  ASSERT_TRUE(auth_.RevokeApiToken("sdu", "leaked in a log", "root").ok());
  EXPECT_EQ(auth_.AuthenticateToken(*t).status().reason(), "token_invalid");
  EXPECT_EQ(auth_.RevokeApiToken("sdu", "again", "root").reason(), "token_already_revoked");
  auto list = auth_.ListApiTokens("root");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].name, "sdu");
  EXPECT_TRUE((*list)[0].revoked);
  EXPECT_EQ((*list)[0].revoked_by, "root");
  EXPECT_EQ((*list)[0].revoke_reason, "leaked in a log");
  EXPECT_FALSE((*list)[1].revoked);
  EXPECT_EQ(auth_.ListApiTokens("nobody").status().reason(), "user_unknown");
}

TEST_F(AuthServiceTest, AScopedRoleWithNoOfficeHasNoCaseload) {
  const CaseId c = w_.StoreOnlyCase("Sam");
  ASSERT_TRUE(w_.store().SetCaseOffice(c, "north").ok());
  EXPECT_FALSE(*auth::InCaseload(w_.store(), Role::kCaseworker, "", c));
  EXPECT_FALSE(*auth::InCaseload(w_.store(), Role::kSupervisor, "  ", c));
  EXPECT_TRUE(*auth::InCaseload(w_.store(), Role::kCaseworker, "north", c));
  EXPECT_TRUE(*auth::InCaseload(w_.store(), Role::kAttorney, "", c));
  // A county "" (or an assignment to "") does not make it everybody's.
  ASSERT_TRUE(w_.store().ExecForTesting("UPDATE iv_d_case SET county = ''").ok());
  ASSERT_TRUE(w_.store().ExecForTesting("DELETE FROM case_assignment").ok());
  EXPECT_FALSE(*auth::InCaseload(w_.store(), Role::kCaseworker, "", c));
  EXPECT_EQ(auth_.AddUser({"cw", "caseworker", "   ", "long enough pass"}, "t").status().reason(),
            "office_required");
}

TEST_F(AuthServiceTest, AccessLogIsAppendOnly) {
  const PersonId p = w_.Person("Sam", "Doe");
  auth::Principal who;
  who.name = "cw";
  ASSERT_TRUE(auth_.LogAccess(who, p, CaseId{}, "GET /x", "r1").ok());
  auto rows = w_.store().ListAccessLog(p, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ((*rows)[0].actor, "cw");
  auto log = w_.store().AccessLog();
  ASSERT_TRUE(log.ok());
  const Status deleted = (*log)->ExecForTesting("DELETE FROM access_log");
  EXPECT_NE(deleted.message().find("append-only"), std::string::npos) << deleted.message();
  const Status updated = (*log)->ExecForTesting("UPDATE access_log SET actor = 'x'");
  EXPECT_NE(updated.message().find("append-only"), std::string::npos) << updated.message();
  EXPECT_EQ(w_.store().ListAccessLog(p, 0, 10)->size(), 1U);
}

TEST_F(AuthServiceTest, CaseOfficeDefaultsToCountyAndCanBeReassigned) {
  const PersonId a = w_.Person("Sam", "Doe");
  const CaseId c = w_.SimpleCase(a, 10000, Date::Ymd(2025, 1, 1));
  EXPECT_EQ(*w_.store().CaseOffice(c), "");
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", c, "east").ok());
  EXPECT_EQ(*w_.store().CaseOffice(c), "east");
  EXPECT_EQ(w_.store().ListCaseIdsInOffice("east", 0, 10)->size(), 1U);
  EXPECT_TRUE(w_.store().ListCaseIdsInOffice("west", 0, 10)->empty());
  NewCase with_kids;
  with_kids.obligor = a;
  with_kids.obligee = w_.Person("Ana", "Roe");
  with_kids.children = {w_.Person("Kid", "One"), w_.Person("Kid", "Two")};
  with_kids.county = "east";
  auto second = w_.service().AddCase(with_kids);
  ASSERT_TRUE(second.ok());
  auto page = w_.store().ListCasesInOffice("east", 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2U);
  EXPECT_EQ((*page)[0].info.id, c);
  EXPECT_EQ((*page)[1].info.children, with_kids.children);
  EXPECT_EQ((*page)[1].info.children, w_.store().GetCase(*second)->children);
  EXPECT_EQ((*page)[1].office, "east");
  EXPECT_EQ(w_.store().ListCasesInOffice("east", c.value, 10)->size(), 1U);
  EXPECT_EQ(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", CaseId{99}, "east").reason(),
            "case_not_found");
  // Once an admin exists, a caseworker may not move a case into a caseload (their own).
  for (const enforce::StaffUser& u :
       {enforce::StaffUser{"root", enforce::Role::kAdmin, true},
        enforce::StaffUser{"cal", enforce::Role::kCaseworker, true},
        enforce::StaffUser{"sup", enforce::Role::kSupervisor, true}}) {
    ASSERT_TRUE(w_.store().UpsertStaffUser(u).ok());
  }
  EXPECT_EQ(auth::AssignCaseOffice(w_.store(), w_.clock(), "cal", c, "west").reason(),
            "role_not_allowed");
  EXPECT_EQ(auth::AssignCaseOffice(w_.store(), w_.clock(), "nobody", c, "west").reason(),
            "user_unknown");
  // A supervisor with no office has no caseload to move a case out of; an admin moves any.
  EXPECT_EQ(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", c, "west").reason(),
            "case_not_in_caseload");
  EXPECT_EQ(*w_.store().CaseOffice(c), "east");
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "root", c, "west").ok());
  EXPECT_EQ(*w_.store().CaseOffice(c), "west");
}

// QA 2026-12-05: a North supervisor pulled a South case into North's caseload (the rule
// checked only the role). An office-bound supervisor moves the cases of their own caseload
// (or a case in no office); an admin moves any; a refusal writes nothing.
TEST_F(AuthServiceTest, ASupervisorMovesOnlyTheCasesOfTheirCaseload) {
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "t").ok());
  ASSERT_TRUE(auth_.AddUser({"sup_n", "supervisor", "north", "long enough pass"}, "root").ok());
  auto add_case = [&](const std::string& county) {
    NewCase nc;
    nc.obligor = w_.Person("Sam", "Doe");
    nc.obligee = w_.Person("Ana", "Roe");
    nc.county = county;
    auto id = w_.service().AddCase(nc);
    EXPECT_TRUE(id.ok());
    return *id;
  };
  const CaseId north = add_case("north"), south = add_case("south"), none = add_case("");
  const int64_t audit_before = (*w_.store().LastAudit())->seq;
  const Status pulled = auth::AssignCaseOffice(w_.store(), w_.clock(), "sup_n", south, "north");
  EXPECT_EQ(pulled.reason(), "case_not_in_caseload") << pulled.message();
  EXPECT_NE(pulled.message().find("'north' of 'sup_n'"), std::string::npos) << pulled.message();
  EXPECT_EQ(*w_.store().CaseOffice(south), "south");
  EXPECT_EQ((*w_.store().LastAudit())->seq, audit_before);  // nothing written
  // Their own case may go to another office; a case in no office may come into theirs.
  auth::OfficeAssignment done;
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup_n", north, "south", &done).ok());
  EXPECT_EQ(done.before, "north");
  EXPECT_EQ(done.office, "south");
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup_n", none, "north").ok());
  EXPECT_EQ(*w_.store().CaseOffice(none), "north");
  // Moved away, the case is no longer theirs to move back.
  EXPECT_EQ(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup_n", north, "north").reason(),
            "case_not_in_caseload");
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "root", south, "north").ok());
  EXPECT_EQ(*w_.store().CaseOffice(south), "north");
}

// QA 2026-12-05: assign-office took "   ", "" and "north" for an office spelled "North", and
// the case dropped out of every caseload (they compare names exactly).
TEST_F(AuthServiceTest, TheAssignedOfficeIsSpelledAsTheOneInUse) {
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "t").ok());
  ASSERT_TRUE(auth_.AddUser({"cw", "caseworker", "North", "long enough pass"}, "root").ok());
  const CaseId c = w_.SimpleCase(w_.Person("Sam", "Doe"), 10000, Date::Ymd(2025, 1, 1));
  auto assign = [&](const std::string& office) {
    return auth::AssignCaseOffice(w_.store(), w_.clock(), "root", c, office);
  };
  EXPECT_EQ(assign("").reason(), "office_required");
  EXPECT_EQ(assign("   ").reason(), "office_required");
  EXPECT_EQ(assign(" North").reason(), "office_invalid");
  EXPECT_EQ(assign("North ").reason(), "office_invalid");
  const Status lower = assign("north");
  EXPECT_EQ(lower.reason(), "office_case_mismatch");
  EXPECT_NE(lower.message().find("'North'"), std::string::npos) << lower.message();
  EXPECT_EQ(assign("NORTH").reason(), "office_case_mismatch");
  EXPECT_EQ(*w_.store().CaseOffice(c), "");
  // As spelled: staffed (a caseworker works North).
  auth::OfficeAssignment done;
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "root", c, "North", &done).ok());
  EXPECT_FALSE(done.unstaffed);
  // A new office with no staff yet is accepted, and said to be unstaffed; once in use, its
  // spelling is the one to give.
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "root", c, "West Side", &done).ok());
  EXPECT_TRUE(done.unstaffed);
  EXPECT_EQ(*w_.store().CaseOffice(c), "West Side");
  EXPECT_EQ(assign("west side").reason(), "office_case_mismatch");
  // A user's office follows the same text rule.
  EXPECT_EQ(
      auth_.AddUser({"cw2", "caseworker", "North ", "long enough pass"}, "root").status().reason(),
      "office_invalid");
  // And its letter case (QA: a user of "north" made a second caseload beside "North"); a token
  // the same.
  EXPECT_EQ(
      auth_.AddUser({"cw3", "caseworker", "north", "long enough pass"}, "root").status().reason(),
      "office_case_mismatch");
  EXPECT_EQ(auth_.AddApiToken("t1", "supervisor", "NORTH", "root").status().reason(),
            "office_case_mismatch");
  EXPECT_TRUE(auth_.AddUser({"cw4", "caseworker", "North", "long enough pass"}, "root").ok());
  // Nor an invisible or no-break character that prints like the name in use.
  EXPECT_EQ(assign("North\xc2\xa0").reason(), "office_invalid");      // U+00A0
  EXPECT_EQ(assign("North\xe2\x80\x8b").reason(), "office_invalid");  // U+200B
  EXPECT_EQ(auth_.AddUser({"cw5", "caseworker", "Nor\xe2\x80\xaeth", "long enough pass"}, "root")
                .status()
                .reason(),
            "office_invalid");  // U+202E
  EXPECT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "root", c, "Sa\xc3\xb1ta Fe").ok());
}

// The CLI's note and contact writers are held to the API's rule: the roles with notes.write.
TEST_F(AuthServiceTest, NoteWritersAreTheRolesWithNotesWrite) {
  for (int r = 0; r < auth::kRoleCount; ++r) {
    const auto role = static_cast<Role>(r);
    const bool listed =
        std::any_of(auth::kNoteWriterRoles.begin(), auth::kNoteWriterRoles.end(),
                    [&](enforce::Role e) { return enforce::Name(e) == auth::Name(role); });
    EXPECT_EQ(listed, auth::RoleHas(role, Permission::kNotesWrite)) << auth::Name(role);
  }
  const CaseId c = w_.SimpleCase(w_.Person("Sam", "Doe"), 10000, Date::Ymd(2025, 1, 1));
  const PersonId obligor = w_.store().GetCase(c)->obligor;
  // No active admin yet: anyone (the bootstrap), as for the other case work.
  EXPECT_TRUE(auth::CheckNoteWriter(w_.store(), "anyone", c).ok());
  EXPECT_TRUE(auth::CheckContactRecorder(w_.store(), "anyone", obligor).ok());
  ASSERT_TRUE(auth_.AddUser({"root", "admin", "", "long enough pass"}, "t").ok());
  ASSERT_TRUE(
      auth_.AddUser({"acct", "accounting_technician", "", "long enough pass"}, "root").ok());
  ASSERT_TRUE(auth_.AddUser({"cw", "caseworker", "north", "long enough pass"}, "root").ok());
  EXPECT_EQ(auth::CheckNoteWriter(w_.store(), "anyone", c).reason(), "user_unknown");
  EXPECT_EQ(auth::CheckNoteWriter(w_.store(), "acct", c).reason(), "role_not_allowed");
  EXPECT_EQ(auth::CheckNoteWriter(w_.store(), "cw", c).reason(), "case_not_in_caseload");
  EXPECT_EQ(auth::CheckContactRecorder(w_.store(), "cw", obligor).reason(),
            "person_not_in_caseload");
  EXPECT_EQ(auth::CheckContactRecorder(w_.store(), "cw", PersonId{999}).reason(),
            "person_not_found");
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "root", c, "north").ok());
  EXPECT_TRUE(auth::CheckNoteWriter(w_.store(), "cw", c).ok());
  EXPECT_TRUE(auth::CheckContactRecorder(w_.store(), "cw", obligor).ok());
  ASSERT_TRUE(auth_.DisableUser("cw", "left", "root").ok());
  EXPECT_EQ(auth::CheckNoteWriter(w_.store(), "cw", c).reason(), "user_unknown");
  EXPECT_EQ(auth::CheckContactRecorder(w_.store(), "cw", obligor).reason(), "user_unknown");
}

// The caseload is read in two index-ordered parts (county cases not assigned elsewhere, and
// cases assigned in from other counties) merged by id: every page must equal what the
// office of each case says, in id order, across page boundaries.
TEST_F(AuthServiceTest, CaseloadPagesMatchEachCasesOfficeAcrossReassignments) {
  const PersonId a = w_.Person("Sam", "Doe");
  std::vector<CaseId> all;
  const char* counties[] = {"east", "west", "east",  "north", "west", "east",
                            "west", "east", "north", "east",  "west", "west"};
  for (const char* county : counties) {
    NewCase nc;
    nc.obligor = a;
    nc.obligee = w_.Person("Ana", "Roe");
    nc.county = county;
    auto id = w_.service().AddCase(nc);
    ASSERT_TRUE(id.ok());
    all.push_back(*id);
  }
  // Moves out of east, into east from west and north, and one assigned to its own county.
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", all[0], "west").ok());
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", all[1], "east").ok());
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", all[8], "east").ok());
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", all[5], "east").ok());
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", all[6], "north").ok());
  for (const std::string office : {"east", "west", "north", "south", ""}) {
    std::vector<CaseId> expected;
    for (CaseId c : all) {
      if (office.empty() || *w_.store().CaseOffice(c) == office) expected.push_back(c);
    }
    for (int64_t limit : {1, 2, 3, 50}) {
      std::vector<CaseId> ids, paged;
      int64_t after = 0;
      while (true) {
        auto page = w_.store().ListCasesInOffice(office, after, limit);
        ASSERT_TRUE(page.ok());
        ASSERT_LE(static_cast<int64_t>(page->size()), limit);
        for (const CaseInOffice& c : *page) {
          paged.push_back(c.info.id);
          EXPECT_EQ(c.office, office.empty() ? *w_.store().CaseOffice(c.info.id) : office);
        }
        auto just_ids = w_.store().ListCaseIdsInOffice(office, after, limit);
        ASSERT_TRUE(just_ids.ok());
        ids.insert(ids.end(), just_ids->begin(), just_ids->end());
        if (static_cast<int64_t>(page->size()) < limit) break;
        after = page->back().info.id.value;
      }
      EXPECT_EQ(paged, expected) << "office '" << office << "', pages of " << limit;
      EXPECT_EQ(ids, expected) << "office '" << office << "', pages of " << limit;
    }
  }
  EXPECT_EQ(w_.store().ListCasesInOffice("east", 0, 50)->size(), 6U);  // 2,3,6,8,9,10 (1-based)
}

}  // namespace
}  // namespace cse
