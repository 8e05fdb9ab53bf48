// File: storage/sqlite/access_log_db.cc

#include "storage/sqlite/access_log_db.h"

#include <sqlite3.h>

#include "core/check.h"
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

using Stmt = SqliteStore::Stmt;

// The same columns as the main file's former table (migration 100), without the references
// to person and iv_d_case (not possible across files) and with checks in their place.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS access_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL CHECK (length(at) BETWEEN 1 AND 64),
  actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  person_id INTEGER NOT NULL CHECK (person_id > 0),
  case_id INTEGER CHECK (case_id IS NULL OR case_id > 0),
  route TEXT NOT NULL CHECK (length(route) BETWEEN 1 AND 200),
  request_id TEXT NOT NULL CHECK (length(request_id) <= 200)
);
CREATE INDEX IF NOT EXISTS access_log_person ON access_log(person_id, id);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
)sql";

// Prepares `sql` on `db`; our own SQL, so a failure is a bug.
std::unique_ptr<Stmt> PrepareOn(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  CSE_CHECK(rc == SQLITE_OK, sqlite3_errmsg(db));
  return std::make_unique<Stmt>(db, raw);
}

}  // namespace

std::string AccessLogDb::PathFor(const std::string& main_path) {
  if (main_path.empty() || main_path == ":memory:") return ":memory:";
  return main_path + "-access";
}

Result<std::unique_ptr<AccessLogDb>> AccessLogDb::Open(const std::string& main_path) {
  const std::string path = PathFor(main_path);
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Unavailable("store_io", "cannot open the access log '" + path + "': " + msg);
  }
  std::unique_ptr<AccessLogDb> db(new AccessLogDb(raw));
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  // 1 KB pages (set only when the file is new): each row lands on a random leaf of the
  // person index, so a commit writes about one page per row to the log and the checkpoint
  // writes it again; with 4 KB pages and 36,000 rows/s under the case load that was about
  // 150 MB/s. bench/http with a 10-million-row log, 3 paired runs: p99 41.7/46.4/41.6 ->
  // 39.0/38.7/41.2 ms, requests/s alike or better.
  // journal_size_limit: a log that grew under a long burst is cut back to 64 MB when it next
  // starts over, instead of keeping its largest size on disk.
  Status s = db->Exec(
      "PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
      "PRAGMA journal_size_limit=67108864;");
  if (s.ok()) s = db->Exec(std::string("BEGIN IMMEDIATE;") + kSchema + "COMMIT;");
  if (!s.ok()) {
    (void)db->Exec("ROLLBACK");
    return s.WithContext("access log '" + path + "'");
  }
  return db;
}

AccessLogDb::~AccessLogDb() { sqlite3_close(db_); }

Status AccessLogDb::Exec(std::string_view sql) { return ExecOn(db_, sql); }

Status AccessLogDb::ExecForTesting(std::string_view sql) { return Exec(sql); }

Status AccessLogDb::Append(const std::vector<AccessLogRow>& rows) {
  if (rows.empty()) return Status::Ok();
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  std::unique_ptr<Stmt> insert =
      PrepareOn(db_,
                "INSERT INTO access_log(at, actor, person_id, case_id, route, request_id) VALUES "
                "(?,?,?,?,?,?)");
  for (const AccessLogRow& r : rows) {
    insert->Reset();
    insert->Bind(1, r.at).Bind(2, r.actor).Bind(3, r.person.value);
    if (r.case_id.valid()) insert->Bind(4, r.case_id.value);
    Status s = insert->Bind(5, r.route).Bind(6, r.request_id).Run();
    if (!s.ok()) {
      insert.reset();
      (void)Exec("ROLLBACK");
      return s;
    }
  }
  insert.reset();
  Status committed = Exec("COMMIT");
  if (!committed.ok()) (void)Exec("ROLLBACK");
  return committed;
}

Result<std::vector<AccessLogRow>> AccessLogDb::List(PersonId person, int64_t after_id,
                                                    int64_t limit) {
  // Two statements, so that one person's reads are found through access_log_person
  // (person_id, id) rather than by scanning the whole log from `after_id`.
  std::unique_ptr<Stmt> s =
      person.valid()
          ? PrepareOn(db_,
                      "SELECT id, at, actor, person_id, case_id, route, request_id FROM "
                      "access_log WHERE id > ? AND person_id = ? ORDER BY person_id, id LIMIT ?")
          : PrepareOn(db_,
                      "SELECT id, at, actor, person_id, case_id, route, request_id FROM "
                      "access_log WHERE id > ? ORDER BY id LIMIT ?");
  s->Bind(1, after_id);
  if (person.valid()) {
    s->Bind(2, person.value).Bind(3, limit);
  } else {
    s->Bind(2, limit);
  }
  return CollectRows<AccessLogRow>(*s, [](Stmt& row) -> Result<AccessLogRow> {
    return AccessLogRow{row.Int(0),
                        row.Text(1),
                        row.Text(2),
                        PersonId{row.Int(3)},
                        CaseId{row.IsNull(4) ? 0 : row.Int(4)},
                        row.Text(5),
                        row.Text(6)};
  });
}

Status AccessLogDb::SetAutoCheckpoint(int64_t pages) {
  if (pages < 0) {
    return InvalidArgument("autocheckpoint_negative", "auto-checkpoint pages: must be 0 or more");
  }
  return Exec("PRAGMA wal_autocheckpoint=" + std::to_string(pages));
}

Status AccessLogDb::CheckpointPassive() { return CheckpointPassiveOn(db_); }

}  // namespace cse
