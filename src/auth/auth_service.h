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
// Staff administration (adding, disabling, enabling, unlocking users, resetting passwords,
// adding, listing and revoking tokens) follows the rule of `opencse staff add`
// (docs/ENFORCEMENT.md §4): once an active admin exists only an active admin may do it; until
// then anyone may, so that the first admin can be added (RequireStaffAdmin). Each change is
// on the audit trail with its actor.
//
// Reasons (the HTTP layer maps them): invalid_argument "username_invalid", "role_unknown",
// "office_required", "office_invalid", "password_too_short|long", "password_blank",
// "password_contains_username", "token_name_invalid", "reason_missing"; already_exists
// "user_exists", "token_exists"; not_found "user_not_found", "token_not_found";
// failed_precondition "role_not_allowed", "user_unknown" (RequireStaffAdmin),
// "user_already_disabled", "user_not_disabled", "token_already_revoked", "last_admin",
// "login_failed", "session_invalid", "session_expired", "token_invalid" (the HTTP layer
// answers the last four with 401).
//
// Thread-safety: one AuthService per thread; it borrows `store` and `clock`.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "auth/password.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "enforce/remedy.h"
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

// An API token as `opencse token list` shows it (never its secret or digest).
struct ApiTokenInfo {
  int64_t id = 0;
  std::string name;
  std::string role;
  std::string office;
  std::string created_at;
  std::string created_by;
  bool revoked = false;
  std::string revoked_at;  // empty unless revoked
  std::string revoked_by;
  std::string revoke_reason;
};

struct LoginResult {
  std::string session_token;  // the cookie value; shown once
  int64_t expires_us = 0;
  Principal principal;
};

class AuthService {
 public:
  AuthService(Store& store, const Clock& clock, AuthOptions options = {});

  // Adds a user with an audit row "user.add" (no password or hash in it). `actor` must pass
  // RequireStaffAdmin; the password CheckPasswordPolicy (with the username).
  Result<int64_t> AddUser(const NewUser& user, const std::string& actor);
  // Disables a user: sign-in is refused and every session of theirs ends at once (enabling
  // again does not bring an old cookie back). Audit row "user.disable" with the reason.
  // Errors: reason_missing, user_not_found, user_already_disabled, last_admin (the last
  // active admin: disabling them would hand staff administration to anyone), and
  // RequireStaffAdmin's.
  Status DisableUser(const std::string& username, const std::string& reason,
                     const std::string& actor);
  // Enables a disabled user (audit row "user.enable"). Errors: user_not_found,
  // user_not_disabled, RequireStaffAdmin's.
  Status EnableUser(const std::string& username, const std::string& actor);
  // Replaces a user's password (CheckPasswordPolicy), clears their lockout and ends every
  // session of theirs (audit row "user.reset_password", without the password or hash).
  // Errors: user_not_found, the policy's, RequireStaffAdmin's.
  Status ResetPassword(const std::string& username, const std::string& password,
                       const std::string& actor);
  // Clears a user's lockout and failed sign-in count (audit row "user.unlock" with what it
  // cleared). Errors: user_not_found, RequireStaffAdmin's.
  Status UnlockUser(const std::string& username, const std::string& actor);
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
  // The tokens ever created, by id, with who created and who revoked them (read off the
  // audit trail's "token.add" and "token.revoke" rows). `actor` must pass RequireStaffAdmin.
  Result<std::vector<ApiTokenInfo>> ListApiTokens(const std::string& actor);
  // Revokes the token `name`: it answers token_invalid from then on (audit row
  // "token.revoke" with the reason). Errors: reason_missing, token_not_found,
  // token_already_revoked, RequireStaffAdmin's.
  Status RevokeApiToken(const std::string& name, const std::string& reason,
                        const std::string& actor);
  Result<Principal> AuthenticateToken(const std::string& token);
  // Writes one access-log row for a read of `person` (through `case_id`, or 0).
  Status LogAccess(const Principal& who, PersonId person, CaseId case_id, const std::string& route,
                   const std::string& request_id);

 private:
  // Counts a wrong password inside one write transaction that reads the user's count afresh,
  // so concurrent wrong passwords each count and the fifth in a row locks (before
  // 2026-12-05 ten at once left failed_logins at 3 and no lock).
  Status CountFailure(const UserRecord& user, int64_t now_us);
  // The user `username` (not_found "user_not_found"), read inside the caller's transaction.
  Result<UserRecord> UserNamed(const std::string& username);
  // Rewrites `user` (Store::UpdateUser) and ends every session of theirs.
  Status RewriteUserEndingSessions(const UserRecord& user);
  // The audit rows of token `name` (entity "api_token"; every token when empty), by sequence.
  Result<std::vector<AuditRow>> TokenAuditRows(const std::string& name);
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

// The staff-administration rule of `opencse staff add` (docs/ENFORCEMENT.md §4): OK while no
// active admin exists (the first admin's bootstrap) or when `actor` is an active admin.
// Errors: failed_precondition "role_not_allowed" (an active user of another role),
// "user_unknown" (no active user of that name).
Status RequireStaffAdmin(Store& store, const std::string& actor);

// What AssignCaseOffice did, for the caller to show.
struct OfficeAssignment {
  std::string before;  // the case's office before (its assignment, else its county; may be "")
  std::string office;  // the office now
  // No active caseworker or supervisor works `office`: the case is in no one's office
  // caseload (and the nightly batch gives its tasks to no caseworker) until one is added.
  bool unstaffed = false;
};

// Assigns `case_id` to `office` (the caseload it belongs to), with an audit row
// "case.assign_office". Who: an active supervisor or admin (anyone until an active admin
// exists: RequireAdminOnceStaffed). An office-bound supervisor moves only the cases of their
// own caseload, or a case in no office (no assignment and no county); an admin moves any
// (before 2026-12-05 a supervisor could pull another office's case into their own caseload).
// The office is given as it is spelled elsewhere: an office that differs only by ASCII
// letter case from a name in use (a user's office, a county, an assignment) is refused, since
// caseloads compare names exactly. An office no active caseworker or supervisor works may be
// assigned (an office being set up): the result says so (`unstaffed`). Errors:
// invalid_argument "office_required" (empty or blank), "office_invalid" (ValidateOffice),
// "office_case_mismatch" (names the spelling in use); failed_precondition "user_unknown",
// "role_not_allowed", "case_not_in_caseload"; not_found "case_not_found". `done`, when given,
// receives what was done.
Status AssignCaseOffice(Store& store, const Clock& clock, const std::string& actor, CaseId case_id,
                        const std::string& office, OfficeAssignment* done = nullptr);

// Validates the office text: at most 64 characters, no control characters, and no white
// space at either end (" North" would never match "North"). Empty passes (no office).
// Errors: invalid_argument "office_invalid".
Status ValidateOffice(const std::string& office);

// The caseload rule: a role scoped to an office acts only on the cases of that office (the
// office the case was assigned to, else its county); the other roles work statewide. A
// scoped role with no office has no caseload (ENFORCEMENT.md §7): no case is in it (before
// 2026-12-05 the API read "" as statewide). The one rule behind the API's routes and the
// CLI's `--by`.
Result<bool> InCaseload(Store& store, Role role, const std::string& office, CaseId id);
// Whether a principal of `role` and `office` has no caseload at all: an office-scoped role
// without an office.
bool HasNoCaseload(Role role, const std::string& office);
// The caseload rule for a named user acting outside a session (the CLI's `action ... --by`).
// OK when `username` is no user (the role check answers user_unknown). Errors:
// failed_precondition "case_not_in_caseload", case_not_found.
Status CheckUserCaseload(Store& store, const std::string& username, CaseId id);

// The roles that hold notes.write (roles.h): caseworker, supervisor, attorney, investigator,
// admin. Recording a contact attempt takes the same roles: both record what happened on a case.
inline constexpr std::initializer_list<enforce::Role> kNoteWriterRoles = {
    enforce::Role::kCaseworker, enforce::Role::kSupervisor, enforce::Role::kAttorney,
    enforce::Role::kInvestigator, enforce::Role::kAdmin};

// Who may write a note on `id` outside a session (the CLI's `case note add`; the API checks the
// same with the route's notes.write and its caseload): under the bootstrap rule of
// RequireAdminOnceStaffed (anyone until an active admin exists), an active user whose role
// holds notes.write, on a case in their caseload (CheckUserCaseload). Errors:
// failed_precondition "user_unknown" (no such user, or a disabled one), "role_not_allowed",
// "case_not_in_caseload"; not_found "case_not_found"; the store's.
Status CheckNoteWriter(Store& store, const std::string& username, CaseId id);

// Who may record a contact attempt with `person` (`contact log`): the roles and bootstrap rule
// of CheckNoteWriter; an office-scoped user (caseworker, supervisor) only for a person who is
// a party (obligor, obligee or child) of at least one case in their caseload. Errors:
// failed_precondition "user_unknown", "role_not_allowed", "person_not_in_caseload"; not_found
// "person_not_found"; the store's.
Status CheckContactRecorder(Store& store, const std::string& username, PersonId person);

}  // namespace cse::auth
