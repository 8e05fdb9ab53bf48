// The SQLite side of staff identity and access (store.h, "Staff identity and access"):
// users, sessions, API tokens, the access log, case office assignment and audit paging.
#include <algorithm>
#include <iterator>
#include <string>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

namespace {

constexpr const char* kUserColumns =
    "SELECT id, username, role, office, password_hash, failed_logins, locked_until_us, disabled, "
    "created_at FROM app_user ";

UserRecord ReadUser(SqliteStore::Stmt& s) {
  return UserRecord{s.Int(0), s.Text(1), s.Text(2),     s.Text(3), s.Text(4),
                    s.Int(5), s.Int(6),  s.Int(7) != 0, s.Text(8)};
}

Result<std::optional<UserRecord>> OneUser(SqliteStore::Stmt& s) {
  return FirstRow<UserRecord>(
      s, [](SqliteStore::Stmt& r) -> Result<UserRecord> { return ReadUser(r); });
}

}  // namespace

Status SqliteStore::UpdateUser(const UserRecord& u) {
  RETURN_IF_ERROR(Prepare("UPDATE app_user SET role = ?, office = ?, password_hash = ?, "
                          "failed_logins = ?, locked_until_us = ?, disabled = ? WHERE id = ?")
                      .Bind(1, u.role)
                      .Bind(2, u.office)
                      .Bind(3, u.password_hash)
                      .Bind(4, u.failed_logins)
                      .Bind(5, u.locked_until_us)
                      .Bind(6, int64_t{u.disabled ? 1 : 0})
                      .Bind(7, u.id)
                      .Run());
  if (sqlite3_changes(db_) == 0) {
    return NotFound("user_not_found", "no user with id " + std::to_string(u.id));
  }
  return Status::Ok();
}

Status SqliteStore::DeleteSessionsOfUser(int64_t user_id) {
  return Prepare("DELETE FROM app_session WHERE user_id = ?").Bind(1, user_id).Run();
}

Result<int64_t> SqliteStore::InsertUser(const UserRecord& u) {
  RETURN_IF_ERROR(Prepare("INSERT INTO app_user(username, role, office, password_hash, "
                          "failed_logins, locked_until_us, disabled, created_at) VALUES "
                          "(?,?,?,?,?,?,?,?)")
                      .Bind(1, u.username)
                      .Bind(2, u.role)
                      .Bind(3, u.office)
                      .Bind(4, u.password_hash)
                      .Bind(5, u.failed_logins)
                      .Bind(6, u.locked_until_us)
                      .Bind(7, int64_t{u.disabled ? 1 : 0})
                      .Bind(8, u.created_at)
                      .Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::optional<UserRecord>> SqliteStore::FindUserByName(std::string_view username) {
  static const std::string sql = std::string(kUserColumns) + "WHERE username = ?";
  return OneUser(Prepare(sql.c_str()).Bind(1, username));
}

Result<std::optional<UserRecord>> SqliteStore::GetUser(int64_t id) {
  static const std::string sql = std::string(kUserColumns) + "WHERE id = ?";
  return OneUser(Prepare(sql.c_str()).Bind(1, id));
}

Status SqliteStore::SetUserLoginState(int64_t id, int64_t failed_logins, int64_t locked_until_us) {
  return Prepare("UPDATE app_user SET failed_logins = ?, locked_until_us = ? WHERE id = ?")
      .Bind(1, failed_logins)
      .Bind(2, locked_until_us)
      .Bind(3, id)
      .Run();
}

Status SqliteStore::InsertSession(const SessionRecord& r) {
  return Prepare(
             "INSERT INTO app_session(token_hash, user_id, csrf_token, created_us, "
             "expires_us, last_seen_us) VALUES (?,?,?,?,?,?)")
      .Bind(1, r.token_hash)
      .Bind(2, r.user_id)
      .Bind(3, r.csrf_token)
      .Bind(4, r.created_us)
      .Bind(5, r.expires_us)
      .Bind(6, r.last_seen_us)
      .Run();
}

Result<std::optional<SessionRecord>> SqliteStore::FindSession(std::string_view token_hash) {
  Stmt& s = Prepare(
      "SELECT token_hash, user_id, csrf_token, created_us, expires_us, last_seen_us FROM "
      "app_session WHERE token_hash = ?");
  s.Bind(1, token_hash);
  return FirstRow<SessionRecord>(s, [](Stmt& r) -> Result<SessionRecord> {
    return SessionRecord{r.Text(0), r.Int(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5)};
  });
}

Status SqliteStore::TouchSession(std::string_view token_hash, int64_t last_seen_us) {
  return Prepare("UPDATE app_session SET last_seen_us = ? WHERE token_hash = ?")
      .Bind(1, last_seen_us)
      .Bind(2, token_hash)
      .Run();
}

Status SqliteStore::DeleteSession(std::string_view token_hash) {
  return Prepare("DELETE FROM app_session WHERE token_hash = ?").Bind(1, token_hash).Run();
}

Status SqliteStore::DeleteExpiredSessions(int64_t now_us) {
  return Prepare("DELETE FROM app_session WHERE expires_us < ?").Bind(1, now_us).Run();
}

Result<std::vector<ApiTokenRecord>> SqliteStore::ListApiTokens() {
  Stmt& s = Prepare(
      "SELECT id, name, token_hash, role, office, created_at, created_by, revoked FROM "
      "api_token ORDER BY id");
  return CollectRows<ApiTokenRecord>(s, [](Stmt& r) -> Result<ApiTokenRecord> {
    return ApiTokenRecord{r.Int(0),  r.Text(1), r.Text(2), r.Text(3),
                          r.Text(4), r.Text(5), r.Text(6), r.Int(7) != 0};
  });
}

Status SqliteStore::RevokeApiToken(int64_t id) {
  RETURN_IF_ERROR(Prepare("UPDATE api_token SET revoked = 1 WHERE id = ?").Bind(1, id).Run());
  if (sqlite3_changes(db_) == 0) {
    return NotFound("token_not_found", "no token with id " + std::to_string(id));
  }
  return Status::Ok();
}

Result<int64_t> SqliteStore::InsertApiToken(const ApiTokenRecord& t) {
  RETURN_IF_ERROR(Prepare("INSERT INTO api_token(name, token_hash, role, office, created_at, "
                          "created_by, revoked) VALUES (?,?,?,?,?,?,?)")
                      .Bind(1, t.name)
                      .Bind(2, t.token_hash)
                      .Bind(3, t.role)
                      .Bind(4, t.office)
                      .Bind(5, t.created_at)
                      .Bind(6, t.created_by)
                      .Bind(7, int64_t{t.revoked ? 1 : 0})
                      .Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::optional<ApiTokenRecord>> SqliteStore::FindApiToken(std::string_view token_hash) {
  Stmt& s = Prepare(
      "SELECT id, name, token_hash, role, office, created_at, created_by, revoked FROM "
      "api_token WHERE token_hash = ?");
  s.Bind(1, token_hash);
  return FirstRow<ApiTokenRecord>(s, [](Stmt& r) -> Result<ApiTokenRecord> {
    return ApiTokenRecord{r.Int(0),  r.Text(1), r.Text(2), r.Text(3),
                          r.Text(4), r.Text(5), r.Text(6), r.Int(7) != 0};
  });
}

Status SqliteStore::InsertAccessLog(const AccessLogRow& r) {
  ASSIGN_OR_RETURN(AccessLogDb * log, AccessLog());
  return log->Append({r});
}

Result<std::vector<AccessLogRow>> SqliteStore::ListAccessLog(PersonId person, int64_t after_id,
                                                             int64_t limit) {
  ASSIGN_OR_RETURN(AccessLogDb * log, AccessLog());
  return log->List(person, after_id, limit);
}

Status SqliteStore::SetCaseOffice(CaseId id, std::string_view office) {
  return Prepare("INSERT OR REPLACE INTO case_assignment(case_id, office) VALUES (?,?)")
      .Bind(1, id.value)
      .Bind(2, office)
      .Run();
}

Result<std::string> SqliteStore::CaseOffice(CaseId id) {
  Stmt& s = Prepare(
      "SELECT COALESCE(a.office, c.county) FROM iv_d_case c LEFT JOIN case_assignment a ON "
      "a.case_id = c.id WHERE c.id = ?");
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.Step());
  std::string office = row ? s.Text(0) : std::string();
  s.Reset();
  if (!row) return NotFound("case_not_found", CaseDisplayId(id) + " does not exist");
  return office;
}

namespace {

// A case's office is its assignment's, else its county (case_assignment overrides). One
// office's cases are read in two index-ordered parts, each at most `limit` rows, merged by id:
// the cases of the county not assigned elsewhere (iv_d_case_county), and the cases assigned
// here from other counties (case_assignment_office). Every part selects `columns` over
// iv_d_case c LEFT JOIN case_assignment a, so one row reader serves them all; for "" (every
// case) one scan by id.
struct OfficeSql {
  explicit OfficeSql(const std::string& columns)
      : all("SELECT " + columns +
            " FROM iv_d_case c LEFT JOIN case_assignment a ON a.case_id = c.id WHERE c.id > ? "
            "ORDER BY c.id LIMIT ?"),
        county("SELECT " + columns +
               " FROM iv_d_case c INDEXED BY iv_d_case_county LEFT JOIN case_assignment a ON "
               "a.case_id = c.id WHERE c.county = ? AND c.id > ? AND (a.office IS NULL OR "
               "a.office = c.county) ORDER BY c.id LIMIT ?"),
        assigned("SELECT " + columns +
                 " FROM case_assignment a INDEXED BY case_assignment_office JOIN iv_d_case c ON "
                 "c.id = a.case_id WHERE a.office = ? AND a.case_id > ? AND c.county <> "
                 "a.office ORDER BY a.case_id LIMIT ?") {}
  const std::string all, county, assigned;
};

template <typename T, typename Prepare, typename Read, typename IdOf>
Result<std::vector<T>> CasesOfOffice(const OfficeSql& sql, Prepare prepare, std::string_view office,
                                     int64_t after, int64_t limit, Read read, IdOf id_of) {
  if (office.empty()) {
    SqliteStore::Stmt& all = prepare(sql.all);
    all.Bind(1, after).Bind(2, limit);
    return CollectRows<T>(all, read);
  }
  SqliteStore::Stmt& county = prepare(sql.county);
  county.Bind(1, office).Bind(2, after).Bind(3, limit);
  ASSIGN_OR_RETURN(std::vector<T> own, CollectRows<T>(county, read));
  SqliteStore::Stmt& assigned = prepare(sql.assigned);
  assigned.Bind(1, office).Bind(2, after).Bind(3, limit);
  ASSIGN_OR_RETURN(std::vector<T> moved_in, CollectRows<T>(assigned, read));
  if (moved_in.empty()) return own;
  std::vector<T> out;
  out.reserve(own.size() + moved_in.size());
  std::merge(std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()),
             std::make_move_iterator(moved_in.begin()), std::make_move_iterator(moved_in.end()),
             std::back_inserter(out),
             [&id_of](const T& x, const T& y) { return id_of(x) < id_of(y); });
  if (static_cast<int64_t>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

}  // namespace

Result<std::vector<CaseId>> SqliteStore::ListCaseIdsInOffice(std::string_view office, int64_t after,
                                                             int64_t limit) {
  static const OfficeSql sql("c.id");
  return CasesOfOffice<CaseId>(
      sql, [this](const std::string& text) -> Stmt& { return Prepare(text.c_str()); }, office,
      after, limit, [](Stmt& row) -> Result<CaseId> { return CaseId{row.Int(0)}; },
      [](const CaseId& c) { return c.value; });
}

Result<std::vector<CaseInOffice>> SqliteStore::ListCasesInOffice(std::string_view office,
                                                                 int64_t after, int64_t limit) {
  static const OfficeSql sql(
      "c.id, c.obligor_id, c.obligee_id, c.case_type, c.status, c.family_violence, c.opened, "
      "c.county, COALESCE(a.office, c.county), (SELECT group_concat(child_id) FROM case_child "
      "k WHERE k.case_id = c.id)");
  return CasesOfOffice<CaseInOffice>(
      sql, [this](const std::string& text) -> Stmt& { return Prepare(text.c_str()); }, office,
      after, limit,
      [this](Stmt& row) -> Result<CaseInOffice> {
        ASSIGN_OR_RETURN(Case c, ReadCase(row));
        const std::string children = row.Text(9);
        size_t i = 0;
        while (i < children.size()) {
          const size_t end = std::min(children.find(',', i), children.size());
          c.children.push_back(PersonId{std::stoll(children.substr(i, end - i))});
          i = end + 1;
        }
        std::sort(c.children.begin(), c.children.end());
        return CaseInOffice{std::move(c), row.Text(8)};
      },
      [](const CaseInOffice& c) { return c.info.id.value; });
}

Result<std::vector<AuditRow>> SqliteStore::ListAuditAfter(int64_t after_seq,
                                                          std::string_view entity,
                                                          std::string_view entity_id,
                                                          int64_t limit) {
  Stmt& s = Prepare(
      "SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash FROM "
      "audit WHERE seq > ? AND (? = '' OR entity = ?) AND (? = '' OR entity_id = ?) ORDER BY "
      "seq LIMIT ?");
  s.Bind(1, after_seq).Bind(2, entity).Bind(3, entity).Bind(4, entity_id).Bind(5, entity_id);
  s.Bind(6, limit);
  return CollectRows<AuditRow>(s, [](Stmt& row) -> Result<AuditRow> {
    return AuditRow{row.Int(0),  row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                    row.Text(5), row.Text(6), row.Text(7), row.Text(8), row.Text(9)};
  });
}

}  // namespace cse
