// File: auth/auth_service.h
//
// Staff identity: users with argon2id passwords, sign-in with per-account lockout, sessions
// with idle and absolute expiry and a CSRF token each, API tokens for system-to-system calls,
// and the access log of staff reads of a person's record.
//
// Secrets are never stored: a session's cookie token and an API token are kept as their
// SHA-256 digest; passwords as argon2id hashes. One error answers every refused sign-in
// ("login_failed": a wrong password, an unknown user, a locked or a disabled account, with a
// message that names the lock as a possible cause), each after one hash verification, so the
// answer does not reveal which usernames exist; the audit row keeps the real reason.
//
// Reasons (the HTTP layer maps them): invalid_argument "username_invalid", "role_unknown",
// "office_required", "office_invalid", "password_too_short|long", "token_name_invalid";
// already_exists "user_exists", "token_exists"; failed_precondition "login_failed",
// "session_invalid", "session_expired", "token_invalid" (the HTTP layer answers these with
// 401).
//
// Thread-safety: one AuthService per thread; it borrows `store` and `clock`.
#pragma once

#include <cstdint>
#include <string>

#include "auth/password.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "storage/store.h"

namespace cse::auth {

struct AuthOptions {
  int64_t session_idle_us = 30LL * 60 * 1000000;            // Default: 30 minutes
  int64_t session_absolute_us = 12LL * 3600 * 1000000;      // Default: 12 hours
  int64_t failed_logins_max = 5;                            // Default: 5 in a row lock
  int64_t lockout_us = 15LL * 60 * 1000000;                 // Default: 15 minutes
  int64_t touch_interval_us = 60LL * 1000000;               // Default: last-seen written <= 1/min
  PasswordCost password_cost = PasswordCost::kInteractive;  // Default: interactive
};

// Who is calling: a signed-in user (session) or a system (API token).
struct Principal {
  enum class Kind { kUser, kToken };
  Kind kind = Kind::kUser;
  std::string name;  // username, or "token:NAME"
  Role role = Role::kCaseworker;
  std::string office;        // empty: statewide
  std::string csrf_token;    // sessions only
  std::string session_hash;  // sessions only
};

struct NewUser {
  std::string username;  // 1-64 of [a-z0-9._-]
  std::string role;
  std::string office;  // required for office-scoped roles (caseworker, supervisor)
  std::string password;
};

struct LoginResult {
  std::string session_token;  // the cookie value; shown once
  int64_t expires_us = 0;
  Principal principal;
};

class AuthService {
 public:
  AuthService(Store& store, const Clock& clock, AuthOptions options = {});

  // Adds a user with an audit row "user.add" (no password or hash in it).
  Result<int64_t> AddUser(const NewUser& user, const std::string& actor);
  // Signs in. A wrong password is counted (and may lock the account) before the error
  // returns. Every refusal answers the same failed_precondition "login_failed" (SignInFailed)
  // after one password verification: an unknown user, a wrong password, a locked account
  // (even with the right password) and a disabled one are indistinguishable to the caller.
  // Every attempt is on the audit trail (entity "user", the username as actor and id; never
  // a password or a session token): "auth.login" (role, a 12-hex prefix of the session's
  // digest, expiry), "auth.login_failed" (reason: password_wrong, user_unknown,
  // account_locked, account_disabled), "auth.lockout" (locked_until) when the failure locks
  // the account. The per-address rate limit (throttle.h) refuses before this is called and
  // writes nothing.
  Result<LoginResult> Login(const std::string& username, const std::string& password);
  // The principal of a session cookie token (expired sessions are deleted).
  Result<Principal> AuthenticateSession(const std::string& token);
  // Ends the session (no error when it is already gone), with an audit row "auth.logout".
  Status Logout(const Principal& who);
  // Creates a token and returns it (shown once) with an audit row "token.add".
  Result<std::string> AddApiToken(const std::string& name, const std::string& role,
                                  const std::string& office, const std::string& actor);
  Result<Principal> AuthenticateToken(const std::string& token);
  // Writes one access-log row for a read of `person` (through `case_id`, or 0).
  Status LogAccess(const Principal& who, PersonId person, CaseId case_id, const std::string& route,
                   const std::string& request_id);

 private:
  Status CountFailure(const UserRecord& user, int64_t now_us);
  // The one answer to a refused sign-in: "login_failed", naming the lockout (its length and
  // the failures that cause it) as a possible cause and what to do.
  Status SignInFailed() const;
  // One audit row in its own transaction; `after` is its JSON text.
  Status AuditSignIn(const std::string& action, const std::string& username,
                     const std::string& after);

  Store& store_;
  const Clock& clock_;
  AuthOptions options_;
};

// Assigns `case_id` to `office` (the caseload it belongs to), with an audit row
// "case.assign_office". Errors: case_not_found, office_invalid (empty or malformed).
Status AssignCaseOffice(Store& store, const Clock& clock, const std::string& actor, CaseId case_id,
                        const std::string& office);

// Validates the office text (at most 64 printable characters, no control characters).
Status ValidateOffice(const std::string& office);

// The caseload rule: a role scoped to an office acts only on the cases of that office (the
// office the case was assigned to, else its county); the other roles work statewide. The one
// rule behind the API's routes and the CLI's `--by`.
Result<bool> InCaseload(Store& store, Role role, const std::string& office, CaseId id);
// The caseload rule for a named user acting outside a session (the CLI's `action ... --by`).
// OK when `username` is no user (the role check answers user_unknown). Errors:
// failed_precondition "case_not_in_caseload", case_not_found.
Status CheckUserCaseload(Store& store, const std::string& username, CaseId id);

}  // namespace cse::auth
