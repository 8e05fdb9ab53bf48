#include "auth/auth_service.h"

#include <algorithm>
#include <map>

#include "core/text.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/office_spelling.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse::auth {

namespace {

constexpr size_t kUsernameLengthMax = 64;
constexpr std::string_view kTokenPrefix = "ocse_";

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

Status ValidateName(const std::string& name, const std::string& field, const std::string& reason) {
  if (name.empty() || name.size() > kUsernameLengthMax) {
    return InvalidArgument(reason, field + ": 1 to 64 characters are required");
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return InvalidArgument(reason, field + ": only a-z, 0-9, '.', '_' and '-' are allowed");
    }
  }
  return Status::Ok();
}

Status ValidateScope(Role role, const std::string& office) {
  RETURN_IF_ERROR(ValidateOffice(office));
  if (IsOfficeScoped(role) && IsBlank(office)) {
    return InvalidArgument("office_required", std::string("office: a ") + std::string(Name(role)) +
                                                  " works the caseload of an office; give one");
  }
  return Status::Ok();
}

// The username as given at sign-in, for the audit row of a failed attempt: printable ASCII
// only and at most 64 characters, so a mistyped password or control characters in the field
// are not copied into the audit trail verbatim beyond that.
std::string AttemptedName(const std::string& username) {
  std::string out;
  for (char c : username.substr(0, kUsernameLengthMax)) {
    out += (c >= 0x21 && c <= 0x7e) ? c : '?';
  }
  return out;
}

}  // namespace

Status ValidateOffice(const std::string& office) { return ValidateOfficeName("office", office); }

namespace {

// An office to assign: not blank (office_required), and ValidateOffice.
Status ValidateAssignedOffice(const std::string& office) {
  if (IsBlank(office)) {
    return InvalidArgument("office_required",
                           "office: required (the office whose caseload the case joins)");
  }
  return ValidateOffice(office);
}

// Not a name in use in another letter case (office_case_mismatch), which would put the case
// in a caseload of its own: the rule `case add --county` follows too (service/office_spelling.h).
Status CheckOfficeSpelling(Store& store, const std::string& office) {
  return cse::CheckOfficeSpelling(store, "office", office);
}

// An office-bound supervisor moves the cases of their caseload, or a case in no office; an
// admin (statewide) any case.
Status CheckMayMoveCase(Store& store, const std::string& actor, CaseId case_id,
                        const std::string& before) {
  if (before.empty()) return Status::Ok();
  return CheckUserCaseload(store, actor, case_id);
}

// Whether an active caseworker or supervisor works `office`.
Result<bool> OfficeIsStaffed(Store& store, const std::string& office) {
  ASSIGN_OR_RETURN(std::vector<enforce::StaffUser> staff, store.ListStaffUsers());
  for (const enforce::StaffUser& u : staff) {
    if (!u.active ||
        (u.role != enforce::Role::kCaseworker && u.role != enforce::Role::kSupervisor)) {
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<UserRecord> user, store.FindUserByName(u.user_id));
    if (user && user->office == office) return true;
  }
  return false;
}

}  // namespace

Status AssignCaseOffice(Store& store, const Clock& clock, const std::string& actor, CaseId case_id,
                        const std::string& office, OfficeAssignment* done) {
  RETURN_IF_ERROR(ValidateAssignedOffice(office));
  OfficeAssignment result;
  result.office = office;
  const Status s = InTransaction(store, [&]() -> Result<bool> {
                     // A case's office decides whose caseload it is in: moving one is a
                     // supervisor's or an admin's (a caseworker could otherwise pull any case into
                     // their own).
                     RETURN_IF_ERROR(RequireAdminOnceStaffed(
                         store, actor, {enforce::Role::kAdmin, enforce::Role::kSupervisor},
                         "move a case to another office's caseload"));
                     ASSIGN_OR_RETURN(result.before, store.CaseOffice(case_id));
                     // A supervisor's own caseload only (before 2026-12-05 any office's case).
                     RETURN_IF_ERROR(CheckMayMoveCase(store, actor, case_id, result.before));
                     RETURN_IF_ERROR(CheckOfficeSpelling(store, office));
                     ASSIGN_OR_RETURN(const bool staffed, OfficeIsStaffed(store, office));
                     result.unstaffed = !staffed;
                     RETURN_IF_ERROR(store.SetCaseOffice(case_id, office));
                     RETURN_IF_ERROR(AppendAudit(
                         store, clock, actor, "case.assign_office", "case", CaseDisplayId(case_id),
                         Json{{"office", result.before}}.dump(), Json{{"office", office}}.dump()));
                     return true;
                   }).status();
  if (s.ok() && done != nullptr) *done = result;
  return s;
}

AuthService::AuthService(Store& store, const Clock& clock, AuthOptions options)
    : store_(store), clock_(clock), options_(options) {}

Result<int64_t> AuthService::AddUser(const NewUser& user, const std::string& actor) {
  RETURN_IF_ERROR(ValidateName(user.username, "username", "username_invalid"));
  ASSIGN_OR_RETURN(Role role, ParseRole(user.role));
  RETURN_IF_ERROR(ValidateScope(role, user.office));
  RETURN_IF_ERROR(CheckPasswordPolicy(user.password, user.username));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(user.password, options_.password_cost));
  UserRecord row;
  row.username = user.username;
  row.role = std::string(Name(role));
  row.office = user.office;
  row.password_hash = hash;
  row.created_at = clock_.NowIso();
  return InTransaction(store_, [&]() -> Result<int64_t> {
    // Inside the transaction: the rule and the write see the same staff (before 2026-12-05
    // any --user could add an admin).
    RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
    // An office in use in another letter case would be a caseload of its own (QA: a user of
    // "alder" beside the office "Alder" then let assign-office split the caseload).
    if (!IsBlank(row.office)) RETURN_IF_ERROR(CheckOfficeSpelling(store_, row.office));
    auto id = store_.InsertUser(row);
    if (!id.ok() && id.status().reason() == "unique_violation") {
      return AlreadyExists("user_exists", "username '" + user.username + "' is taken");
    }
    if (!id.ok()) return id.status();
    const Json after{
        {"id", *id}, {"username", row.username}, {"role", row.role}, {"office", row.office}};
    RETURN_IF_ERROR(
        AppendAudit(store_, clock_, actor, "user.add", "user", row.username, "", after.dump()));
    return id;
  });
}

Status AuthService::AuditSignIn(const std::string& action, const std::string& username,
                                const std::string& after) {
  return InTransaction(store_,
                       [&]() -> Result<bool> {
                         RETURN_IF_ERROR(AppendAudit(store_, clock_, username, action, "user",
                                                     username, "", after));
                         return true;
                       })
      .status();
}

Status AuthService::CountFailure(const UserRecord& user, int64_t now_us) {
  return InTransaction(
             store_,
             [&]() -> Result<bool> {
               // Read again under the write lock (Begin is BEGIN IMMEDIATE): the count read
               // before the password check may be stale by now.
               ASSIGN_OR_RETURN(std::optional<UserRecord> fresh, store_.GetUser(user.id));
               if (!fresh) return true;
               if (fresh->locked_until_us > now_us) {
                 // Locked by a concurrent failure meanwhile: recorded, not counted again.
                 RETURN_IF_ERROR(AppendAudit(
                     store_, clock_, user.username, "auth.login_failed", "user", user.username, "",
                     Json{{"reason", "account_locked"},
                          {"locked_until", FormatIsoMicros(fresh->locked_until_us)}}
                         .dump()));
                 return true;
               }
               int64_t failed = fresh->failed_logins + 1;
               int64_t locked_until = 0;
               if (failed >= options_.failed_logins_max) {
                 locked_until = now_us + options_.lockout_us;
                 failed = 0;
               }
               RETURN_IF_ERROR(store_.SetUserLoginState(user.id, failed, locked_until));
               RETURN_IF_ERROR(AppendAudit(
                   store_, clock_, user.username, "auth.login_failed", "user", user.username, "",
                   Json{
                       {"reason", "password_wrong"},
                       {"failed_in_a_row", locked_until != 0 ? options_.failed_logins_max : failed}}
                       .dump()));
               if (locked_until != 0) {
                 RETURN_IF_ERROR(AppendAudit(store_, clock_, user.username, "auth.lockout", "user",
                                             user.username, "",
                                             Json{{"locked_until", FormatIsoMicros(locked_until)},
                                                  {"failed_in_a_row", options_.failed_logins_max}}
                                                 .dump()));
               }
               return true;
             })
      .status();
}

Status AuthService::SignInFailed() const {
  const int64_t minutes = options_.lockout_us / (60LL * 1000000);
  return FailedPrecondition(
      "login_failed",
      "sign-in failed: the username or password is wrong, or the account is locked for " +
          std::to_string(minutes) + " minutes after " + std::to_string(options_.failed_logins_max) +
          " failed sign-ins in a row; check both and try again in " + std::to_string(minutes) +
          " minutes, or ask an administrator");
}

Result<LoginResult> AuthService::Login(const std::string& username, const std::string& password) {
  // One answer for every refusal (wrong password, unknown user, locked or disabled account),
  // after the same hashing work: the caller cannot tell which usernames exist (before
  // 2026-12-05 a locked account answered account_locked, an unknown name login_failed for ever).
  // The audit row records the real reason.
  const Status failed = SignInFailed();
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_.FindUserByName(username));
  if (!user) {
    // Spend the same effort as for a real user, so timing does not reveal who exists.
    static const Result<std::string> dummy =
        HashPassword("not-a-real-password", options_.password_cost);
    if (dummy.ok()) (void)VerifyPassword(*dummy, password);
    const std::string name = AttemptedName(username);
    RETURN_IF_ERROR(
        AuditSignIn("auth.login_failed", name, Json{{"reason", "user_unknown"}}.dump()));
    return failed;
  }
  const int64_t now = clock_.NowMicros();
  if (user->locked_until_us > now) {
    // Verified but never believed: the same work as any attempt, and a right password during
    // the lock is not confirmed (that would let guessing go on through the lock).
    (void)VerifyPassword(user->password_hash, password);
    RETURN_IF_ERROR(AuditSignIn(
        "auth.login_failed", user->username,
        Json{{"reason", "account_locked"}, {"locked_until", FormatIsoMicros(user->locked_until_us)}}
            .dump()));
    return failed;
  }
  if (user->disabled) {
    (void)VerifyPassword(user->password_hash, password);
    RETURN_IF_ERROR(AuditSignIn("auth.login_failed", user->username,
                                Json{{"reason", "account_disabled"}}.dump()));
    return failed;
  }
  if (!VerifyPassword(user->password_hash, password)) {
    RETURN_IF_ERROR(CountFailure(*user, now));
    return failed;
  }
  ASSIGN_OR_RETURN(Role role, ParseRole(user->role));
  LoginResult out;
  out.session_token = RandomHex(32);
  out.expires_us = now + options_.session_absolute_us;
  SessionRecord s{
      TokenDigest(out.session_token), user->id, RandomHex(32), now, out.expires_us, now};
  out.principal = Principal{Principal::Kind::kUser, user->username, role,
                            user->office,           s.csrf_token,   s.token_hash};
  const Status written =
      InTransaction(store_, [&]() -> Result<bool> {
        // A concurrent attempt may have locked the account, or an admin disabled it, since it
        // was read: the right password does not get past either.
        ASSIGN_OR_RETURN(std::optional<UserRecord> fresh, store_.GetUser(user->id));
        if (!fresh || fresh->disabled || fresh->locked_until_us > now) return failed;
        RETURN_IF_ERROR(store_.DeleteExpiredSessions(now));
        RETURN_IF_ERROR(store_.SetUserLoginState(user->id, 0, 0));
        RETURN_IF_ERROR(store_.InsertSession(s));
        // The session is named by a prefix of its digest: enough to match
        // the logout row, useless as a credential.
        RETURN_IF_ERROR(AppendAudit(store_, clock_, user->username, "auth.login", "user",
                                    user->username, "",
                                    Json{{"role", user->role},
                                         {"session", s.token_hash.substr(0, 12)},
                                         {"expires_at", FormatIsoMicros(out.expires_us)}}
                                        .dump()));
        return true;
      }).status();
  if (!written.ok()) return written;
  return out;
}

Result<Principal> AuthService::AuthenticateSession(const std::string& token) {
  const Status invalid = FailedPrecondition("session_invalid", "sign in first");
  if (token.empty() || token.size() > 128) return invalid;
  const std::string hash = TokenDigest(token);
  ASSIGN_OR_RETURN(std::optional<SessionRecord> s, store_.FindSession(hash));
  if (!s) return invalid;
  const int64_t now = clock_.NowMicros();
  if (now >= s->expires_us || now - s->last_seen_us >= options_.session_idle_us) {
    RETURN_IF_ERROR(store_.DeleteSession(hash));
    return FailedPrecondition("session_expired", "the session expired; sign in again");
  }
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_.GetUser(s->user_id));
  if (!user || user->disabled) {
    // Ended for good: enabling the user again does not bring this cookie back.
    RETURN_IF_ERROR(store_.DeleteSession(hash));
    return invalid;
  }
  if (now - s->last_seen_us >= options_.touch_interval_us) {
    RETURN_IF_ERROR(store_.TouchSession(hash, now));
  }
  ASSIGN_OR_RETURN(Role role, ParseRole(user->role));
  return Principal{Principal::Kind::kUser, user->username, role, user->office, s->csrf_token, hash};
}

Status AuthService::Logout(const Principal& who) {
  return InTransaction(store_,
                       [&]() -> Result<bool> {
                         RETURN_IF_ERROR(store_.DeleteSession(who.session_hash));
                         RETURN_IF_ERROR(AppendAudit(
                             store_, clock_, who.name, "auth.logout", "user", who.name, "",
                             Json{{"session", who.session_hash.substr(0, 12)}}.dump()));
                         return true;
                       })
      .status();
}

Result<std::string> AuthService::AddApiToken(const std::string& name, const std::string& role_text,
                                             const std::string& office, const std::string& actor) {
  RETURN_IF_ERROR(ValidateName(name, "name", "token_name_invalid"));
  ASSIGN_OR_RETURN(Role role, ParseRole(role_text));
  RETURN_IF_ERROR(ValidateScope(role, office));
  const std::string token = std::string(kTokenPrefix) + RandomHex(32);
  ApiTokenRecord row;
  row.name = name;
  row.token_hash = TokenDigest(token);
  row.role = std::string(Name(role));
  row.office = office;
  row.created_at = clock_.NowIso();
  row.created_by = actor;
  const Status written =
      InTransaction(store_, [&]() -> Result<int64_t> {
        RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
        if (!IsBlank(row.office)) RETURN_IF_ERROR(CheckOfficeSpelling(store_, row.office));
        auto id = store_.InsertApiToken(row);
        if (!id.ok() && id.status().reason() == "unique_violation") {
          return AlreadyExists("token_exists", "a token named '" + name + "' exists");
        }
        if (!id.ok()) return id.status();
        const Json after{{"id", *id}, {"name", name}, {"role", row.role}, {"office", office}};
        RETURN_IF_ERROR(
            AppendAudit(store_, clock_, actor, "token.add", "api_token", name, "", after.dump()));
        return id;
      }).status();
  if (!written.ok()) return written;
  return token;
}

Result<UserRecord> AuthService::UserNamed(const std::string& username) {
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_.FindUserByName(username));
  if (!user) {
    return NotFound("user_not_found", "no user named '" + std::string(TruncateUtf8(username, 64)) +
                                          "'; `opencse staff list` lists them");
  }
  return *user;
}

Status AuthService::RewriteUserEndingSessions(const UserRecord& user) {
  RETURN_IF_ERROR(store_.UpdateUser(user));
  return store_.DeleteSessionsOfUser(user.id);
}

Status AuthService::DisableUser(const std::string& username, const std::string& reason,
                                const std::string& actor) {
  RETURN_IF_ERROR(ValidateReason(reason, "disable a user"));
  return InTransaction(
             store_,
             [&]() -> Result<bool> {
               RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
               ASSIGN_OR_RETURN(UserRecord user, UserNamed(username));
               if (user.disabled) {
                 return FailedPrecondition("user_already_disabled",
                                           "'" + username + "' is disabled already");
               }
               if (user.role == Name(Role::kAdmin)) {
                 RETURN_IF_ERROR(KeepAnotherActiveAdmin(store_, username));
               }
               user.disabled = true;
               RETURN_IF_ERROR(RewriteUserEndingSessions(user));
               RETURN_IF_ERROR(AppendAudit(store_, clock_, actor, "user.disable", "user", username,
                                           Json{{"disabled", false}}.dump(),
                                           Json{{"disabled", true}, {"reason", reason}}.dump()));
               return true;
             })
      .status();
}

Status AuthService::EnableUser(const std::string& username, const std::string& actor) {
  return InTransaction(store_,
                       [&]() -> Result<bool> {
                         RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
                         ASSIGN_OR_RETURN(UserRecord user, UserNamed(username));
                         if (!user.disabled) {
                           return FailedPrecondition("user_not_disabled",
                                                     "'" + username + "' is not disabled");
                         }
                         user.disabled = false;
                         RETURN_IF_ERROR(store_.UpdateUser(user));
                         RETURN_IF_ERROR(AppendAudit(store_, clock_, actor, "user.enable", "user",
                                                     username, Json{{"disabled", true}}.dump(),
                                                     Json{{"disabled", false}}.dump()));
                         return true;
                       })
      .status();
}

Status AuthService::ResetPassword(const std::string& username, const std::string& password,
                                  const std::string& actor) {
  RETURN_IF_ERROR(CheckPasswordPolicy(password, username));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password, options_.password_cost));
  return InTransaction(store_,
                       [&]() -> Result<bool> {
                         RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
                         ASSIGN_OR_RETURN(UserRecord user, UserNamed(username));
                         const bool was_locked = user.locked_until_us > clock_.NowMicros();
                         user.password_hash = hash;
                         user.failed_logins = 0;
                         user.locked_until_us = 0;
                         RETURN_IF_ERROR(RewriteUserEndingSessions(user));
                         RETURN_IF_ERROR(AppendAudit(
                             store_, clock_, actor, "user.reset_password", "user", username, "",
                             Json{{"sessions_ended", true}, {"unlocked", was_locked}}.dump()));
                         return true;
                       })
      .status();
}

Status AuthService::UnlockUser(const std::string& username, const std::string& actor) {
  return InTransaction(store_,
                       [&]() -> Result<bool> {
                         RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
                         ASSIGN_OR_RETURN(UserRecord user, UserNamed(username));
                         const Json before{
                             {"failed_logins", user.failed_logins},
                             {"locked_until", user.locked_until_us > 0
                                                  ? Json(FormatIsoMicros(user.locked_until_us))
                                                  : Json(nullptr)}};
                         RETURN_IF_ERROR(store_.SetUserLoginState(user.id, 0, 0));
                         RETURN_IF_ERROR(AppendAudit(
                             store_, clock_, actor, "user.unlock", "user", username, before.dump(),
                             Json{{"failed_logins", 0}, {"locked_until", nullptr}}.dump()));
                         return true;
                       })
      .status();
}

Result<std::vector<AuditRow>> AuthService::TokenAuditRows(const std::string& name) {
  std::vector<AuditRow> out;
  int64_t after = 0;
  constexpr int64_t kPage = 1000;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditRow> page,
                     store_.ListAuditAfter(after, "api_token", name, kPage));
    out.insert(out.end(), page.begin(), page.end());
    if (static_cast<int64_t>(page.size()) < kPage) return out;
    after = page.back().seq;
  }
}

Result<std::vector<ApiTokenInfo>> AuthService::ListApiTokens(const std::string& actor) {
  RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
  ASSIGN_OR_RETURN(std::vector<ApiTokenRecord> rows, store_.ListApiTokens());
  std::map<std::string, ApiTokenInfo*> by_name;
  std::vector<ApiTokenInfo> out;
  out.reserve(rows.size());
  for (const ApiTokenRecord& r : rows) {
    ApiTokenInfo t;
    t.id = r.id;
    t.name = r.name;
    t.role = r.role;
    t.office = r.office;
    t.created_at = r.created_at;
    t.created_by = r.created_by;
    t.revoked = r.revoked;
    out.push_back(std::move(t));
  }
  for (ApiTokenInfo& t : out) by_name[t.name] = &t;
  // When, by whom and why a token was revoked: its "token.revoke" audit row.
  ASSIGN_OR_RETURN(std::vector<AuditRow> audit, TokenAuditRows(""));
  for (const AuditRow& r : audit) {
    auto it = by_name.find(r.entity_id);
    if (r.action != "token.revoke" || it == by_name.end()) continue;
    const Json after = Json::parse(r.after, nullptr, false);
    it->second->revoked_at = r.at;
    it->second->revoked_by = r.actor;
    it->second->revoke_reason = after.is_object() ? after.value("reason", "") : "";
  }
  return out;
}

Status AuthService::RevokeApiToken(const std::string& name, const std::string& reason,
                                   const std::string& actor) {
  RETURN_IF_ERROR(ValidateReason(reason, "revoke a token"));
  return InTransaction(
             store_,
             [&]() -> Result<bool> {
               RETURN_IF_ERROR(RequireStaffAdmin(store_, actor));
               ASSIGN_OR_RETURN(std::vector<ApiTokenRecord> tokens, store_.ListApiTokens());
               auto it = std::find_if(tokens.begin(), tokens.end(),
                                      [&](const ApiTokenRecord& t) { return t.name == name; });
               if (it == tokens.end()) {
                 return NotFound("token_not_found", "no token named '" +
                                                        std::string(TruncateUtf8(name, 64)) +
                                                        "'; `opencse token list` lists them");
               }
               if (it->revoked) {
                 return FailedPrecondition("token_already_revoked",
                                           "token '" + name + "' is revoked already");
               }
               RETURN_IF_ERROR(store_.RevokeApiToken(it->id));
               RETURN_IF_ERROR(AppendAudit(store_, clock_, actor, "token.revoke", "api_token", name,
                                           Json{{"revoked", false}}.dump(),
                                           Json{{"revoked", true}, {"reason", reason}}.dump()));
               return true;
             })
      .status();
}

Result<Principal> AuthService::AuthenticateToken(const std::string& token) {
  const Status invalid = FailedPrecondition("token_invalid", "the API token is not valid");
  if (token.size() < kTokenPrefix.size() || token.size() > 128) return invalid;
  ASSIGN_OR_RETURN(std::optional<ApiTokenRecord> t, store_.FindApiToken(TokenDigest(token)));
  if (!t || t->revoked) return invalid;
  ASSIGN_OR_RETURN(Role role, ParseRole(t->role));
  return Principal{Principal::Kind::kToken, "token:" + t->name, role, t->office, "", ""};
}

Status AuthService::LogAccess(const Principal& who, PersonId person, CaseId case_id,
                              const std::string& route, const std::string& request_id) {
  AccessLogRow row;
  row.at = clock_.NowIso();
  row.actor = who.name;
  row.person = person;
  row.case_id = case_id;
  row.route = route;
  row.request_id = request_id;
  return store_.InsertAccessLog(row);
}

bool HasNoCaseload(Role role, const std::string& office) {
  return IsOfficeScoped(role) && IsBlank(office);
}

Result<bool> InCaseload(Store& store, Role role, const std::string& office, CaseId id) {
  if (!IsOfficeScoped(role)) return true;
  ASSIGN_OR_RETURN(std::string case_office, store.CaseOffice(id));
  if (HasNoCaseload(role, office)) return false;  // after CaseOffice: case_not_found first
  return case_office == office;
}

Status CheckNoteWriter(Store& store, const std::string& username, CaseId id) {
  RETURN_IF_ERROR(RequireAdminOnceStaffed(store, username, kNoteWriterRoles, "write a case note"));
  return CheckUserCaseload(store, username, id);
}

Status CheckContactRecorder(Store& store, const std::string& username, PersonId person) {
  RETURN_IF_ERROR(
      RequireAdminOnceStaffed(store, username, kNoteWriterRoles, "record a contact attempt"));
  RETURN_IF_ERROR(store.GetPerson(person).status());
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store.FindUserByName(username));
  if (!user) return Status::Ok();  // no such user: only while no active admin exists
  auto role = ParseRole(user->role);
  if (!role.ok() || !IsOfficeScoped(*role)) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<CaseId> cases, store.ListCaseIdsOfParty(person));
  for (CaseId c : cases) {
    ASSIGN_OR_RETURN(const bool mine, InCaseload(store, *role, user->office, c));
    if (mine) return Status::Ok();
  }
  const std::string who = PersonDisplayId(person);
  if (HasNoCaseload(*role, user->office)) {
    return FailedPrecondition("person_not_in_caseload",
                              "'" + username + "' has no office, and so no caseload: " + who +
                                  " is a party of no case in it");
  }
  return FailedPrecondition("person_not_in_caseload",
                            who + " is a party of no case in the caseload of office '" +
                                user->office + "' of '" + username + "'");
}

Status RequireStaffAdmin(Store& store, const std::string& actor) {
  return RequireAdminOnceStaffed(store, actor, {enforce::Role::kAdmin},
                                 "administer staff users and tokens");
}

Status CheckUserCaseload(Store& store, const std::string& username, CaseId id) {
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store.FindUserByName(username));
  if (!user) return Status::Ok();
  auto role = ParseRole(user->role);
  if (!role.ok()) return Status::Ok();  // not a role that decides; RequireRole refuses it
  ASSIGN_OR_RETURN(const bool visible, InCaseload(store, *role, user->office, id));
  if (visible) return Status::Ok();
  if (HasNoCaseload(*role, user->office)) {
    return FailedPrecondition("case_not_in_caseload", "'" + username +
                                                          "' has no office, and so no caseload: " +
                                                          CaseDisplayId(id) + " is not in it");
  }
  return FailedPrecondition("case_not_in_caseload", CaseDisplayId(id) +
                                                        " is not in the caseload of office '" +
                                                        user->office + "' of '" + username + "'");
}

}  // namespace cse::auth
