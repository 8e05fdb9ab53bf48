#include "storage/sqlite/sqlite_store.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>

#include "ledger/codec.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/stmt.h"

namespace cse {

namespace {

Status ExecPragmas(sqlite3* db, const std::string& sql) {
  Status s = ExecOn(db, sql);
  if (s.ok()) return s;
  return Unavailable("store_io", "cannot configure database: " + s.message());
}

Result<int64_t> PragmaInt(sqlite3* db, std::string_view name) {
  const std::string sql = "PRAGMA " + std::string(name);
  sqlite3_stmt* stmt = nullptr;
  std::optional<int64_t> value;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  if (!value) return Unavailable("store_io", "cannot read " + sql + ": " + sqlite3_errmsg(db));
  return *value;
}

// The automatic checkpoint's threshold is a size of log; SQLite counts it in pages, whose size
// is that of the file (SqliteStore::kPageSizeBytes for a file created since, 4096 before).
Status SetCheckpointBytes(sqlite3* db, int64_t bytes) {
  ASSIGN_OR_RETURN(const int64_t page, PragmaInt(db, "page_size"));
  if (page <= 0) return Unavailable("store_io", "page size " + std::to_string(page));
  return ExecPragmas(db, "PRAGMA wal_autocheckpoint=" + std::to_string(bytes / page));
}

Status PragmaSetup(sqlite3* db) {
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  // page_size takes effect only on a file without content yet (a new database): an existing
  // file keeps the size it was created with. It comes before journal_mode, whose switch to
  // WAL writes the file's first page.
  RETURN_IF_ERROR(ExecPragmas(
      db, "PRAGMA page_size=" + std::to_string(SqliteStore::kPageSizeBytes) +
              "; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
              "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"));
  return SetCheckpointBytes(db, SqliteStore::kCheckpointBytes);
}

Result<sqlite3*> OpenDb(const std::string& path, SqliteStore::OpenMode mode) {
  if (mode == SqliteStore::OpenMode::kMustExist && path != ":memory:" &&
      !std::filesystem::exists(path)) {
    return NotFound("db_not_found",
                    "database '" + path + "' does not exist; create it with `opencse init`");
  }
  // A file of zero bytes (a failed copy or restore, a full disk) is no database: building a
  // new, empty one in it would let `audit verify` and the nightly batch report success.
  if (mode == SqliteStore::OpenMode::kMustExist && path != ":memory:") {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == 0 &&
        !ec) {
      return NotFound("db_empty", "database '" + path +
                                      "' is an empty file (0 bytes), not a database; restore it "
                                      "from a backup, or remove it and run `opencse init`");
    }
  }
  // A new database never takes over the access log left by a removed one (the record of
  // whose reads of which persons would then be mixed with its own).
  if (path != ":memory:" && !std::filesystem::exists(path)) {
    const auto segments = AccessLogDb::SegmentFiles(path);
    if (!segments.empty()) {
      return FailedPrecondition("access_log_orphaned",
                                "'" + segments.front().second +
                                    "' is the access log of a database that is no longer at '" +
                                    path + "'; move its files (" + path +
                                    "-access*) away (they are that database's record of reads)");
    }
  }
  // Once per process, before the library initializes: no allocation statistics. Keeping
  // them takes one process-wide mutex on every SQLite allocation, which the server's many
  // connections would otherwise contend on; nothing here reads them.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Unavailable("store_io", "cannot open database '" + path + "': " + msg);
  }
  Status s = PragmaSetup(db);
  if (!s.ok()) {
    // Setting WAL writes the file, and WAL readers write '-shm': a database this user may not
    // write cannot be opened, even to read. Named as such (the server's CheckWritable says
    // the same before it starts), not as a storage fault.
    const bool read_only = (sqlite3_extended_errcode(db) & 0xff) == SQLITE_READONLY;
    sqlite3_close(db);
    if (read_only) {
      return FailedPrecondition(
          "store_read_only",
          "database '" + path + "' cannot be written by this user (" + s.message() +
              "); OpenCSE opens it for writing even to read it (SQLite WAL): give this user "
              "write permission on the file, its -wal and -shm files and its directory, or "
              "work on a copy");
    }
    return s;
  }
  return db;
}

constexpr const char* kCollectionColumns =
    "id, idempotency_key, case_id, obligor_id, amount_cents, received_date, source, posted_at, "
    "posted_by, reversed_date, reversal_reason, to_family_cents, to_state_cents, "
    "to_federal_cents, held_cents, lines";

}  // namespace

SqliteStore::SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

SqliteStore::~SqliteStore() {
  statements_.clear();
  sqlite3_close(db_);
}

std::function<Result<std::unique_ptr<Store>>()> SqliteStore::ConnectionOpener(std::string path) {
  return [path = std::move(path)]() -> Result<std::unique_ptr<Store>> {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store, Open(path, OpenMode::kMustExist));
    return std::unique_ptr<Store>(std::move(store));
  };
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, OpenMode mode) {
  ASSIGN_OR_RETURN(sqlite3 * db, OpenDb(path, mode));
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  RETURN_IF_ERROR(store->MoveAccessLogOut());
  RETURN_IF_ERROR(store->Migrate());
  return store;
}

Result<AccessLogDb*> SqliteStore::AccessLog() {
  if (access_log_ == nullptr) {
    ASSIGN_OR_RETURN(std::optional<std::string> rows, GetSetting(kAccessLogSegmentRowsKey));
    int64_t segment_rows = AccessLogDb::kDefaultSegmentRows;
    if (rows) {
      // Checked when set (LedgerService::SetConfig); a value edited by hand is refused here.
      char* end = nullptr;
      segment_rows = std::strtoll(rows->c_str(), &end, 10);
      if (rows->empty() || *end != '\0' || segment_rows < AccessLogDb::kMinSegmentRows ||
          segment_rows > AccessLogDb::kMaxSegmentRows) {
        return InvalidArgument("config_value_invalid",
                               std::string(kAccessLogSegmentRowsKey) + " is '" + *rows +
                                   "'; set it again with `opencse config set`");
      }
    }
    ASSIGN_OR_RETURN(access_log_, AccessLogDb::Open(path_, segment_rows));
  }
  return access_log_.get();
}

Status SqliteStore::MoveAccessLogOut() {
  // Only a file that has the old table and has not yet run migration 103, and has rows.
  Stmt& has = Prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'access_log' AND EXISTS "
      "(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')");
  ASSIGN_OR_RETURN(std::optional<int64_t> table,
                   FirstRow<int64_t>(has, [](Stmt& r) { return Result<int64_t>(r.Int(0)); }));
  if (!table) return Status::Ok();
  Stmt& done = Prepare("SELECT 1 FROM schema_version WHERE version = 103");
  ASSIGN_OR_RETURN(std::optional<int64_t> moved,
                   FirstRow<int64_t>(done, [](Stmt& r) { return Result<int64_t>(r.Int(0)); }));
  if (moved) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<int64_t> rows,
                   FirstRow<int64_t>(Prepare("SELECT 1 FROM main.access_log LIMIT 1"),
                                     [](Stmt& r) { return Result<int64_t>(r.Int(0)); }));
  if (!rows) return Status::Ok();
  RETURN_IF_ERROR(AccessLog().status());  // the file with its schema, filled through ATTACH
  RETURN_IF_ERROR(Prepare("ATTACH DATABASE ? AS access_move")
                      .Bind(1, std::string_view(AccessLogDb::PathFor(path_)))
                      .Run());
  Status s = Exec(
      "BEGIN IMMEDIATE; INSERT OR IGNORE INTO access_move.access_log(id, at, actor, person_id, "
      "case_id, route, request_id) SELECT id, at, actor, person_id, case_id, route, request_id "
      "FROM main.access_log; COMMIT;");
  if (!s.ok()) (void)Exec("ROLLBACK");
  const Status detached = Exec("DETACH DATABASE access_move");
  RETURN_IF_ERROR(s.WithContext("moving the access log to its own file"));
  return detached;
}

Status ExecOn(sqlite3* db, std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errmsg(db);
  sqlite3_free(err);
  if (rc == SQLITE_BUSY) return Aborted("store_busy", msg);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return InvalidArgument("constraint_violation", msg);
  return Unavailable("store_io", msg);
}

Status CheckpointPassiveOn(sqlite3* db) {
  const int rc =
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  if (rc == SQLITE_BUSY) return Aborted("store_busy", sqlite3_errmsg(db));
  return Unavailable("store_io", sqlite3_errmsg(db));
}

Status SqliteStore::Exec(std::string_view sql) {
  EndSnapshot();
  return ExecOn(db_, sql);
}

Status SqliteStore::ExecForTesting(std::string_view sql) { return Exec(sql); }

Result<int64_t> SqliteStore::PragmaForTesting(std::string_view name) {
  EndSnapshot();
  return PragmaInt(db_, name);
}

SqliteStore::Stmt& SqliteStore::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    CSE_CHECK(rc == SQLITE_OK, sqlite3_errmsg(db_));  // our own SQL: a failure is a bug
    it = statements_.emplace(sql, std::make_unique<Stmt>(db_, raw)).first;
  }
  Stmt& s = it->second->Reset();
  // A write on a read snapshot could find the snapshot stale (SQLITE_BUSY_SNAPSHOT): end it.
  if (snapshot_ && !s.ReadOnly()) EndSnapshot();
  return s;
}

Status SqliteStore::BeginSnapshot() {
  CSE_CHECK(depth_ == 0 && !snapshot_, "a snapshot needs no transaction open");
  RETURN_IF_ERROR(Exec("BEGIN DEFERRED"));
  snapshot_ = true;
  return Status::Ok();
}

void SqliteStore::EndSnapshot() {
  if (!snapshot_) return;
  snapshot_ = false;  // first: Exec ends a snapshot itself
  (void)Exec("ROLLBACK");
}

Status SqliteStore::Migrate() {
  RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  // Each applied migration has its row, so a migration from a lower range that lands after
  // a higher one is still applied.
  std::set<int> applied;
  {
    Stmt& q = Prepare("SELECT version FROM schema_version");
    ASSIGN_OR_RETURN(std::vector<int> versions, CollectRows<int>(q, [](Stmt& row) {
                       return Result<int>(static_cast<int>(row.Int(0)));
                     }));
    applied.insert(versions.begin(), versions.end());
  }
  const auto& migrations = sqlite::Migrations();
  std::set<int> known;
  for (const sqlite::Migration& m : migrations) known.insert(m.version);
  for (int v : applied) {
    if (known.count(v) == 0) {
      return FailedPrecondition("schema_too_new", "database has schema migration " +
                                                      std::to_string(v) +
                                                      ", which this program does not know");
    }
  }
  schema_version_ = applied.empty() ? 0 : *applied.rbegin();
  for (const sqlite::Migration& m : migrations) {
    if (applied.count(m.version) != 0) continue;
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status s = Exec(m.sql);
    if (s.ok()) {
      s = Exec("INSERT INTO schema_version VALUES (" + std::to_string(m.version) + ")");
    }
    if (!s.ok()) {
      (void)Exec("ROLLBACK");
      return s.WithContext("migration " + std::to_string(m.version));
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    schema_version_ = std::max(schema_version_, m.version);
  }
  return Status::Ok();
}

namespace {

// Savepoint statements by nesting level (1-based), prepared once: a bulk writer opens and
// releases one per service call. Deeper levels fall back to building the text.
constexpr int kPreparedSavepoints = 8;
constexpr const char* kSavepoint[kPreparedSavepoints + 1] = {"",
                                                             "SAVEPOINT cse_1",
                                                             "SAVEPOINT cse_2",
                                                             "SAVEPOINT cse_3",
                                                             "SAVEPOINT cse_4",
                                                             "SAVEPOINT cse_5",
                                                             "SAVEPOINT cse_6",
                                                             "SAVEPOINT cse_7",
                                                             "SAVEPOINT cse_8"};
constexpr const char* kRelease[kPreparedSavepoints + 1] = {"",
                                                           "RELEASE cse_1",
                                                           "RELEASE cse_2",
                                                           "RELEASE cse_3",
                                                           "RELEASE cse_4",
                                                           "RELEASE cse_5",
                                                           "RELEASE cse_6",
                                                           "RELEASE cse_7",
                                                           "RELEASE cse_8"};

}  // namespace

Status SqliteStore::Begin() {
  if (depth_ == 0) {
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));  // ends a read snapshot first (Exec)
  } else if (depth_ <= kPreparedSavepoints) {
    RETURN_IF_ERROR(Prepare(kSavepoint[depth_]).Run());
  } else {
    RETURN_IF_ERROR(Exec("SAVEPOINT cse_" + std::to_string(depth_)));
  }
  ++depth_;
  return Status::Ok();
}

Status SqliteStore::Commit() {
  CSE_CHECK(depth_ > 0, "commit without a transaction");
  const int level = depth_ - 1;
  Status s = depth_ == 1                    ? Exec("COMMIT")
             : level <= kPreparedSavepoints ? Prepare(kRelease[level]).Run()
                                            : Exec("RELEASE cse_" + std::to_string(level));
  if (!s.ok()) {
    Rollback();
    return s;
  }
  --depth_;
  if (depth_ == 0) return RestoreForeignKeys();
  return Status::Ok();
}

Result<bool> SqliteStore::BeginWithoutForeignKeyChecks() {
  if (depth_ != 0) {
    RETURN_IF_ERROR(Begin());
    return false;
  }
  // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched before BEGIN.
  RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=OFF"));
  foreign_keys_off_ = true;
  if (Status s = Begin(); !s.ok()) {
    (void)RestoreForeignKeys();
    return s;
  }
  return true;
}

Status SqliteStore::RestoreForeignKeys() {
  if (!foreign_keys_off_) return Status::Ok();
  foreign_keys_off_ = false;
  return Exec("PRAGMA foreign_keys=ON");
}

Status SqliteStore::SetBulkLoad(bool on) {
  if (depth_ != 0) {
    return FailedPrecondition("bulk_load_in_transaction",
                              "bulk-load mode can only change outside a transaction");
  }
  // WAL with synchronous=NORMAL: a commit appends to the log without waiting for the disk;
  // the log is synced at each checkpoint, which runs less often (256 MB instead of 64 MB).
  // Leaving bulk mode checkpoints the whole log with a sync, so all of it is durable.
  if (on) {
    RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL;"));
    return SetCheckpointBytes(db_, kBulkCheckpointBytes);
  }
  RETURN_IF_ERROR(Exec("PRAGMA synchronous=FULL;"));
  RETURN_IF_ERROR(SetCheckpointBytes(db_, kCheckpointBytes));
  return Exec("PRAGMA wal_checkpoint(FULL);");
}

Status SqliteStore::SetAutoCheckpoint(int64_t pages) {
  if (pages < 0) {
    return InvalidArgument("autocheckpoint_negative", "auto-checkpoint pages: must be 0 or more");
  }
  return Exec("PRAGMA wal_autocheckpoint=" + std::to_string(pages));
}

Status SqliteStore::CheckpointPassive() {
  RETURN_IF_ERROR(CheckpointPassiveOn(db_));
  // The access log's file, when this process or another has created it.
  if (access_log_ == nullptr && AccessLogDb::SegmentFiles(path_).empty()) {
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(AccessLogDb * log, AccessLog());
  return log->CheckpointPassive();
}

void SqliteStore::Rollback() {
  if (depth_ == 0) return;
  if (depth_ == 1) {
    (void)Exec("ROLLBACK");
  } else {
    const std::string name = "cse_" + std::to_string(depth_ - 1);
    (void)Exec("ROLLBACK TO " + name);
    (void)Exec("RELEASE " + name);
  }
  --depth_;
  if (depth_ == 0) (void)RestoreForeignKeys();
}

// ---- settings ----

Result<std::optional<std::string>> SqliteStore::GetSetting(std::string_view key) {
  Stmt& s = Prepare("SELECT value FROM settings WHERE key = ?");
  s.Bind(1, key);
  return FirstRow<std::string>(s, [](Stmt& r) -> Result<std::string> { return r.Text(0); });
}

Status SqliteStore::SetSetting(std::string_view key, std::string_view value) {
  return Prepare(
             "INSERT INTO settings(key, value) VALUES (?, ?) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .Bind(1, key)
      .Bind(2, value)
      .Run();
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::ListSettings() {
  Stmt& s = Prepare("SELECT key, value FROM settings ORDER BY key");
  using Pair = std::pair<std::string, std::string>;
  return CollectRows<Pair>(s, [](Stmt& r) -> Result<Pair> { return Pair{r.Text(0), r.Text(1)}; });
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::GetSettings(
    const std::vector<std::string_view>& keys) {
  using Pair = std::pair<std::string, std::string>;
  constexpr size_t kSlots = 8;  // keys per read; unused slots are NULL (matching nothing)
  std::vector<Pair> out;
  for (size_t at = 0; at < keys.size(); at += kSlots) {
    Stmt& s = Prepare("SELECT key, value FROM settings WHERE key IN (?,?,?,?,?,?,?,?)");
    for (size_t i = at; i < keys.size() && i < at + kSlots; ++i) {
      s.Bind(static_cast<int>(i - at + 1), keys[i]);
    }
    ASSIGN_OR_RETURN(std::vector<Pair> part, CollectRows<Pair>(s, [](Stmt& r) -> Result<Pair> {
                       return Pair{r.Text(0), r.Text(1)};
                     }));
    for (Pair& p : part) out.push_back(std::move(p));
  }
  return out;
}

// ---- persons ----

Result<PersonId> SqliteStore::InsertPerson(const Person& p) {
  Stmt& s = Prepare(
      "INSERT INTO person(ssn, first_name, middle_name, last_name, dob, line1, line2, city, "
      "state, zip, county) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, p.ssn).Bind(2, p.first_name).Bind(3, p.middle_name).Bind(4, p.last_name);
  s.Bind(5, p.date_of_birth).Bind(6, p.address.line1).Bind(7, p.address.line2);
  s.Bind(8, p.address.city).Bind(9, p.address.state).Bind(10, p.address.zip);
  s.Bind(11, p.address.county);
  Status st = s.Run();
  if (st.reason() == "unique_violation") {
    return AlreadyExists("ssn_exists", "a person with SSN ending " +
                                           p.ssn.substr(p.ssn.size() >= 4 ? p.ssn.size() - 4 : 0) +
                                           " is already on file");
  }
  RETURN_IF_ERROR(st);
  return PersonId{sqlite3_last_insert_rowid(db_)};
}

namespace {

#define CSE_PERSON_COLUMNS \
  "id, ssn, first_name, middle_name, last_name, dob, line1, line2, city, state, zip, county"

Result<Person> ReadPerson(SqliteStore::Stmt& s) {
  Person p;
  p.id = PersonId{s.Int(0)};
  p.ssn = s.Text(1);
  p.first_name = s.Text(2);
  p.middle_name = s.Text(3);
  p.last_name = s.Text(4);
  ASSIGN_OR_RETURN(p.date_of_birth, s.OptDateAt(5));
  p.address = Address{s.Text(6), s.Text(7), s.Text(8), s.Text(9), s.Text(10), s.Text(11)};
  return p;
}

}  // namespace

Result<Person> SqliteStore::GetPerson(PersonId id) {
  Stmt& s = Prepare("SELECT " CSE_PERSON_COLUMNS " FROM person WHERE id = ?");
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    s.Reset();
    return NotFound("person_not_found", PersonDisplayId(id) + " does not exist");
  }
  Result<Person> p = ReadPerson(s);
  s.Reset();
  return p;
}

Status SqliteStore::ScanPersons(const std::function<Status(const Person&)>& visit) {
  return ScanRows("SELECT " CSE_PERSON_COLUMNS " FROM person ORDER BY id", [&](Stmt& s) {
    ASSIGN_OR_RETURN(Person p, ReadPerson(s));
    return visit(p);
  });
}

Status SqliteStore::ScanRows(const char* sql, const std::function<Status(Stmt&)>& row) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return Unavailable("store_io", sqlite3_errmsg(db_));
  }
  Stmt s(db_, raw);
  while (true) {
    ASSIGN_OR_RETURN(bool more, s.Step());
    if (!more) return Status::Ok();
    RETURN_IF_ERROR(row(s));
  }
}

// ---- cases ----

Result<CaseId> SqliteStore::InsertCase(const Case& c) {
  Stmt& s = Prepare(
      "INSERT INTO iv_d_case(obligor_id, obligee_id, case_type, status, family_violence, "
      "opened, county) VALUES (?,?,?,?,?,?,?)");
  s.Bind(1, c.obligor.value).Bind(2, c.obligee.value).Bind(3, Name(c.type));
  s.Bind(4, Name(c.status)).Bind(5, c.family_violence == FamilyViolence::kIndicated ? 1 : 0);
  s.Bind(6, c.opened).Bind(7, c.county);
  RETURN_IF_ERROR(s.Run());
  const CaseId id{sqlite3_last_insert_rowid(db_)};
  for (PersonId child : c.children) {
    RETURN_IF_ERROR(Prepare("INSERT INTO case_child(case_id, child_id) VALUES (?, ?)")
                        .Bind(1, id.value)
                        .Bind(2, child.value)
                        .Run());
  }
  return id;
}

Result<Case> SqliteStore::ReadCase(Stmt& s) {
  Case c;
  c.id = CaseId{s.Int(0)};
  c.obligor = PersonId{s.Int(1)};
  c.obligee = PersonId{s.Int(2)};
  ASSIGN_OR_RETURN(c.type, ParseCaseType(s.Text(3)));
  ASSIGN_OR_RETURN(c.status, ParseCaseStatus(s.Text(4)));
  c.family_violence = s.Int(5) != 0 ? FamilyViolence::kIndicated : FamilyViolence::kNone;
  ASSIGN_OR_RETURN(c.opened, s.DateAt(6));
  c.county = s.Text(7);
  return c;
}

namespace {

// ReadCaseWithChildren's columns: ReadCase's, then the case's children as one list.
constexpr const char* kCaseWithChildren =
    "SELECT id, obligor_id, obligee_id, case_type, status, family_violence, opened, county, "
    "(SELECT group_concat(child_id) FROM case_child WHERE case_id = c.id) FROM iv_d_case c ";

}  // namespace

Result<Case> SqliteStore::ReadCaseWithChildren(Stmt& s) {
  ASSIGN_OR_RETURN(Case c, ReadCase(s));
  // group_concat's order is unspecified: the list is sorted here.
  const std::string list = s.Text(8);
  for (size_t at = 0; at < list.size();) {
    size_t end = list.find(',', at);
    if (end == std::string::npos) end = list.size();
    int64_t id = 0;
    const auto [p, ec] = std::from_chars(list.data() + at, list.data() + end, id);
    if (ec != std::errc() || p != list.data() + end) {
      return DataLoss("stored_children_corrupt", CaseDisplayId(c.id) + ": children '" + list + "'");
    }
    c.children.push_back(PersonId{id});
    at = end + 1;
  }
  std::sort(c.children.begin(), c.children.end(),
            [](PersonId a, PersonId b) { return a.value < b.value; });
  return c;
}

Result<Case> SqliteStore::GetCase(CaseId id) {
  static const std::string kSql = std::string(kCaseWithChildren) + "WHERE id = ?";
  Stmt& s = Prepare(kSql.c_str());
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(std::optional<Case> c,
                   FirstRow<Case>(s, [this](Stmt& row) { return ReadCaseWithChildren(row); }));
  if (!c) return NotFound("case_not_found", CaseDisplayId(id) + " does not exist");
  return std::move(*c);
}

Result<std::vector<Case>> SqliteStore::ListCasesByObligor(PersonId obligor) {
  Stmt& s = Prepare("SELECT id FROM iv_d_case WHERE obligor_id = ? ORDER BY id");
  s.Bind(1, obligor.value);
  ASSIGN_OR_RETURN(std::vector<CaseId> ids, CollectRows<CaseId>(s, [](Stmt& r) -> Result<CaseId> {
                     return CaseId{r.Int(0)};
                   }));
  std::vector<Case> out;
  for (CaseId id : ids) {
    ASSIGN_OR_RETURN(Case c, GetCase(id));
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<CaseId>> SqliteStore::ListCaseIds(int64_t after, int64_t limit) {
  Stmt& s = Prepare("SELECT id FROM iv_d_case WHERE id > ? ORDER BY id LIMIT ?");
  s.Bind(1, after).Bind(2, limit);
  return CollectRows<CaseId>(s, [](Stmt& r) -> Result<CaseId> { return CaseId{r.Int(0)}; });
}

Status SqliteStore::UpdateCaseType(CaseId id, CaseType type) {
  return Prepare("UPDATE iv_d_case SET case_type = ? WHERE id = ?")
      .Bind(1, Name(type))
      .Bind(2, id.value)
      .Run();
}

// ---- orders ----

Result<OrderId> SqliteStore::InsertOrder(const Order& o) {
  Stmt& s = Prepare(
      "INSERT INTO support_order(case_id, obligation_type, amount_cents, frequency, "
      "effective_date, end_date, judgment_cents, judgment_accrued_from, "
      "judgment_accrued_through) VALUES (?,?,?,?,?,?,?,?,?)");
  s.Bind(1, o.case_id.value).Bind(2, Name(o.type)).Bind(3, o.amount.cents());
  s.Bind(4, Name(o.frequency)).Bind(5, o.effective_date).Bind(6, o.end_date);
  s.Bind(7, o.judgment.cents()).Bind(8, o.judgment_accrued_from);
  s.Bind(9, o.judgment_accrued_through);
  RETURN_IF_ERROR(s.Run());
  const OrderId id{sqlite3_last_insert_rowid(db_)};
  for (const ChildTerm& t : o.child_terms) {
    RETURN_IF_ERROR(Prepare("INSERT INTO order_child_term(order_id, child_id, amount_cents, "
                            "end_date) VALUES (?,?,?,?)")
                        .Bind(1, id.value)
                        .Bind(2, t.child.value)
                        .Bind(3, t.amount.cents())
                        .Bind(4, t.end_date)
                        .Run());
  }
  return id;
}

namespace {

// Columns: id, case_id, obligation_type, amount_cents, frequency, effective_date, end_date,
// judgment_cents, judgment_accrued_from, judgment_accrued_through (child terms are read
// separately).
Result<Order> ReadOrderRow(SqliteStore::Stmt& s) {
  Order o;
  o.id = OrderId{s.Int(0)};
  o.case_id = CaseId{s.Int(1)};
  ASSIGN_OR_RETURN(o.type, ParseObligationType(s.Text(2)));
  o.amount = Money::FromCents(s.Int(3));
  ASSIGN_OR_RETURN(o.frequency, ParseFrequency(s.Text(4)));
  ASSIGN_OR_RETURN(o.effective_date, s.DateAt(5));
  ASSIGN_OR_RETURN(o.end_date, s.OptDateAt(6));
  o.judgment = Money::FromCents(s.Int(7));
  ASSIGN_OR_RETURN(o.judgment_accrued_from, s.OptDateAt(8));
  ASSIGN_OR_RETURN(o.judgment_accrued_through, s.OptDateAt(9));
  return o;
}

// Columns (from `first`): child_id, amount_cents, end_date.
Result<ChildTerm> ReadChildTermRow(SqliteStore::Stmt& s, int first) {
  ChildTerm term{PersonId{s.Int(first)}, Money::FromCents(s.Int(first + 1)), std::nullopt};
  ASSIGN_OR_RETURN(term.end_date, s.OptDateAt(first + 2));
  return term;
}

// Columns: case_id, start_date, end_date, monthly_grant_cents.
Result<AssistanceEpisode> ReadEpisodeRow(SqliteStore::Stmt& s) {
  AssistanceEpisode e;
  e.case_id = CaseId{s.Int(0)};
  ASSIGN_OR_RETURN(e.start_date, s.DateAt(1));
  ASSIGN_OR_RETURN(e.end_date, s.OptDateAt(2));
  e.monthly_grant = Money::FromCents(s.Int(3));
  return e;
}

// Columns: id, person_id, employer_id, start_date, end_date, pay_cycle,
// gross_per_period_cents.
Result<Employment> ReadEmploymentRow(SqliteStore::Stmt& s) {
  Employment e;
  e.id = s.Int(0);
  e.person = PersonId{s.Int(1)};
  e.employer = EmployerId{s.Int(2)};
  ASSIGN_OR_RETURN(e.start_date, s.DateAt(3));
  ASSIGN_OR_RETURN(e.end_date, s.OptDateAt(4));
  ASSIGN_OR_RETURN(e.pay_cycle, ParsePayCycle(s.Text(5)));
  e.gross_per_period = Money::FromCents(s.Int(6));
  return e;
}

// Columns: id, person_id, case_id, event_date, kind, detail.
Result<CaseEvent> ReadEventRow(SqliteStore::Stmt& s) {
  CaseEvent e;
  e.id = s.Int(0);
  e.person = PersonId{s.Int(1)};
  e.case_id = CaseId{s.IsNull(2) ? 0 : s.Int(2)};
  ASSIGN_OR_RETURN(e.date, s.DateAt(3));
  e.kind = s.Text(4);
  e.detail = s.Text(5);
  return e;
}

}  // namespace

Result<std::vector<Order>> SqliteStore::ListOrdersByCase(CaseId id) {
  Stmt& s = Prepare(
      "SELECT id, case_id, obligation_type, amount_cents, frequency, effective_date, end_date, "
      "judgment_cents, judgment_accrued_from, judgment_accrued_through FROM support_order "
      "WHERE case_id = ? ORDER BY id");
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(std::vector<Order> out, CollectRows<Order>(s, ReadOrderRow));
  for (Order& o : out) {
    Stmt& t = Prepare(
        "SELECT child_id, amount_cents, end_date FROM order_child_term WHERE order_id = ? "
        "ORDER BY child_id");
    t.Bind(1, o.id.value);
    ASSIGN_OR_RETURN(o.child_terms,
                     CollectRows<ChildTerm>(t, [](Stmt& r) { return ReadChildTermRow(r, 0); }));
  }
  return out;
}

Result<Order> SqliteStore::GetOrder(OrderId id) {
  Stmt& s = Prepare("SELECT case_id FROM support_order WHERE id = ?");
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    s.Reset();
    return NotFound("order_not_found", OrderDisplayId(id) + " does not exist");
  }
  const CaseId case_id{s.Int(0)};
  s.Reset();
  ASSIGN_OR_RETURN(std::vector<Order> orders, ListOrdersByCase(case_id));
  for (Order& o : orders) {
    if (o.id == id) return std::move(o);
  }
  return Internal("order_vanished", OrderDisplayId(id) + " disappeared while reading");
}

Status SqliteStore::SetOrderEnd(OrderId id, Date end_date) {
  return Prepare("UPDATE support_order SET end_date = ? WHERE id = ?")
      .Bind(1, end_date)
      .Bind(2, id.value)
      .Run();
}

// ---- assistance ----

Status SqliteStore::InsertAssistance(const AssistanceEpisode& e) {
  return Prepare(
             "INSERT INTO assistance_episode(case_id, start_date, end_date, "
             "monthly_grant_cents) VALUES (?,?,?,?)")
      .Bind(1, e.case_id.value)
      .Bind(2, e.start_date)
      .Bind(3, e.end_date)
      .Bind(4, e.monthly_grant.cents())
      .Run();
}

Result<std::vector<AssistanceEpisode>> SqliteStore::ListAssistanceByCase(CaseId id) {
  Stmt& s = Prepare(
      "SELECT case_id, start_date, end_date, monthly_grant_cents FROM assistance_episode "
      "WHERE case_id = ? ORDER BY start_date, id");
  s.Bind(1, id.value);
  return CollectRows<AssistanceEpisode>(s, ReadEpisodeRow);
}

Status SqliteStore::EndAssistance(CaseId id, Date end_date) {
  RETURN_IF_ERROR(Prepare("UPDATE assistance_episode SET end_date = ? WHERE case_id = ? AND "
                          "end_date IS NULL")
                      .Bind(1, end_date)
                      .Bind(2, id.value)
                      .Run());
  if (sqlite3_changes(db_) == 0) {
    return FailedPrecondition("assistance_not_open",
                              CaseDisplayId(id) + " has no open assistance episode to end");
  }
  return Status::Ok();
}

// ---- employers ----

Result<EmployerId> SqliteStore::UpsertEmployer(const Employer& e) {
  RETURN_IF_ERROR(Prepare("INSERT INTO employer(fein, name, line1, line2, city, state, zip) "
                          "VALUES (?,?,?,?,?,?,?) ON CONFLICT(fein) DO UPDATE SET "
                          "name = excluded.name, line1 = excluded.line1, line2 = "
                          "excluded.line2, city = excluded.city, state = excluded.state, "
                          "zip = excluded.zip")
                      .Bind(1, e.fein)
                      .Bind(2, e.name)
                      .Bind(3, e.address.line1)
                      .Bind(4, e.address.line2)
                      .Bind(5, e.address.city)
                      .Bind(6, e.address.state)
                      .Bind(7, e.address.zip)
                      .Run());
  Stmt& s = Prepare("SELECT id FROM employer WHERE fein = ?");
  s.Bind(1, e.fein);
  ASSIGN_OR_RETURN(bool row, s.Step());
  CSE_CHECK(row, "employer vanished after upsert");
  const EmployerId id{s.Int(0)};
  s.Reset();
  return id;
}

Result<int64_t> SqliteStore::InsertEmployment(const Employment& e) {
  RETURN_IF_ERROR(Prepare("INSERT INTO employment(person_id, employer_id, start_date, end_date, "
                          "pay_cycle, gross_per_period_cents) VALUES (?,?,?,?,?,?)")
                      .Bind(1, e.person.value)
                      .Bind(2, e.employer.value)
                      .Bind(3, e.start_date)
                      .Bind(4, e.end_date)
                      .Bind(5, Name(e.pay_cycle))
                      .Bind(6, e.gross_per_period.cents())
                      .Run());
  return sqlite3_last_insert_rowid(db_);
}

namespace {

Result<Employer> ReadEmployerRow(SqliteStore::Stmt& r) {
  Employer e;
  e.id = EmployerId{r.Int(0)};
  e.fein = r.Text(1);
  e.name = r.Text(2);
  e.address = Address{r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7), ""};
  return e;
}

}  // namespace

Result<std::vector<Employer>> SqliteStore::ListEmployers() {
  Stmt& s =
      Prepare("SELECT id, fein, name, line1, line2, city, state, zip FROM employer ORDER BY id");
  return CollectRows<Employer>(s, ReadEmployerRow);
}

Result<Employer> SqliteStore::GetEmployer(EmployerId id) {
  Stmt& s =
      Prepare("SELECT id, fein, name, line1, line2, city, state, zip FROM employer WHERE id = ?");
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(std::vector<Employer> rows, CollectRows<Employer>(s, ReadEmployerRow));
  if (rows.empty()) {
    return NotFound("employer_not_found", "no employer " + FormatDisplayId("EMP", id.value));
  }
  return std::move(rows.front());
}

Result<std::vector<Employment>> SqliteStore::ListEmploymentByPerson(PersonId id) {
  Stmt& s = Prepare(
      "SELECT id, person_id, employer_id, start_date, end_date, pay_cycle, "
      "gross_per_period_cents FROM employment WHERE person_id = ? ORDER BY start_date, id");
  s.Bind(1, id.value);
  return CollectRows<Employment>(s, ReadEmploymentRow);
}

Result<std::vector<Employment>> SqliteStore::ListEmployments() {
  Stmt& s = Prepare(
      "SELECT id, person_id, employer_id, start_date, end_date, pay_cycle, "
      "gross_per_period_cents FROM employment ORDER BY id");
  return CollectRows<Employment>(s, ReadEmploymentRow);
}

// ---- case office assignments (the rest is in auth_store.cc) ----

Result<std::vector<std::pair<CaseId, std::string>>> SqliteStore::ListCaseAssignments() {
  Stmt& s = Prepare("SELECT case_id, office FROM case_assignment ORDER BY case_id");
  return CollectRows<std::pair<CaseId, std::string>>(
      s, [](Stmt& row) -> Result<std::pair<CaseId, std::string>> {
        return std::pair{CaseId{row.Int(0)}, row.Text(1)};
      });
}

// ---- collections ----

namespace {

Result<StoredCollection> ReadCollection(SqliteStore::Stmt& s);

// A row of (id, case_id, obligor_id, amount_cents, received_date, source, reversed_date).
Result<Collection> ReadLedgerInput(SqliteStore::Stmt& row) {
  Collection c;
  c.id = CollectionId{row.Int(0)};
  c.case_id = CaseId{row.Int(1)};
  c.obligor = PersonId{row.Int(2)};
  c.amount = Money::FromCents(row.Int(3));
  ASSIGN_OR_RETURN(c.date, row.DateAt(4));
  ASSIGN_OR_RETURN(c.source, ParsePaymentSource(row.Text(5)));
  ASSIGN_OR_RETURN(c.reversed_date, row.OptDateAt(6));
  return c;
}

}  // namespace

Result<CollectionId> SqliteStore::InsertCollection(const StoredCollection& row) {
  const Collection& c = row.collection;
  const Distribution& d = row.distribution;
  Stmt& s = Prepare(
      "INSERT INTO collection(idempotency_key, case_id, obligor_id, amount_cents, "
      "received_date, source, posted_at, posted_by, reversed_date, reversal_reason, "
      "to_family_cents, to_state_cents, to_federal_cents, held_cents, lines) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, c.idempotency_key).Bind(2, c.case_id.value).Bind(3, c.obligor.value);
  s.Bind(4, c.amount.cents()).Bind(5, c.date).Bind(6, Name(c.source));
  s.Bind(7, row.posted_at).Bind(8, row.posted_by).Bind(9, c.reversed_date);
  s.Bind(10, c.reversal_reason).Bind(11, d.to_family.cents()).Bind(12, d.to_state.cents());
  s.Bind(13, d.to_federal.cents()).Bind(14, d.held.cents());
  s.Bind(15, EncodeLines(d.lines));
  Status st = s.Run();
  if (st.reason() == "unique_violation") {
    return AlreadyExists("key_exists",
                         "idempotency key '" + c.idempotency_key + "' is already used");
  }
  RETURN_IF_ERROR(st);
  return CollectionId{sqlite3_last_insert_rowid(db_)};
}

namespace {

Result<StoredCollection> ReadCollection(SqliteStore::Stmt& s) {
  StoredCollection row;
  Collection& c = row.collection;
  c.id = CollectionId{s.Int(0)};
  c.idempotency_key = s.Text(1);
  c.case_id = CaseId{s.Int(2)};
  c.obligor = PersonId{s.Int(3)};
  c.amount = Money::FromCents(s.Int(4));
  ASSIGN_OR_RETURN(c.date, s.DateAt(5));
  ASSIGN_OR_RETURN(c.source, ParsePaymentSource(s.Text(6)));
  row.posted_at = s.Text(7);
  row.posted_by = s.Text(8);
  ASSIGN_OR_RETURN(c.reversed_date, s.OptDateAt(9));
  c.reversal_reason = s.Text(10);
  Distribution& d = row.distribution;
  d.collection_id = c.id;
  d.to_family = Money::FromCents(s.Int(11));
  d.to_state = Money::FromCents(s.Int(12));
  d.to_federal = Money::FromCents(s.Int(13));
  d.held = Money::FromCents(s.Int(14));
  ASSIGN_OR_RETURN(d.lines, DecodeLines(s.Text(15)));
  return row;
}

}  // namespace

Result<std::optional<StoredCollection>> SqliteStore::FindCollectionByKey(std::string_view key) {
  static const std::string sql =
      std::string("SELECT ") + kCollectionColumns + " FROM collection WHERE idempotency_key = ?";
  Stmt& s = Prepare(sql.c_str());
  s.Bind(1, key);
  return FirstRow<StoredCollection>(s, ReadCollection);
}

Result<std::vector<StoredCollection>> SqliteStore::ListCollectionsByObligor(PersonId obligor) {
  static const std::string sql = std::string("SELECT ") + kCollectionColumns +
                                 " FROM collection WHERE obligor_id = ? ORDER BY "
                                 "received_date, id";
  Stmt& s = Prepare(sql.c_str());
  s.Bind(1, obligor.value);
  return CollectRows<StoredCollection>(s, ReadCollection);
}

Result<std::vector<Collection>> SqliteStore::ListLedgerInputsByObligor(PersonId obligor) {
  // Every column is in collection_obligor_history (migration 4), so the payment rows
  // themselves are not read; sorted by (date, id) after the index walk.
  Stmt& s = Prepare(
      "SELECT id, case_id, obligor_id, amount_cents, received_date, source, reversed_date "
      "FROM collection WHERE obligor_id = ? ORDER BY obligor_id, id");
  s.Bind(1, obligor.value);
  ASSIGN_OR_RETURN(std::vector<Collection> out, CollectRows<Collection>(s, ReadLedgerInput));
  std::sort(out.begin(), out.end(), [](const Collection& a, const Collection& b) {
    return std::tie(a.date, a.id.value) < std::tie(b.date, b.id.value);
  });
  return out;
}

Status SqliteStore::UpdateDistribution(CollectionId id, const Distribution& d) {
  return Prepare(
             "UPDATE collection SET to_family_cents = ?, to_state_cents = ?, "
             "to_federal_cents = ?, held_cents = ?, lines = ? WHERE id = ?")
      .Bind(1, d.to_family.cents())
      .Bind(2, d.to_state.cents())
      .Bind(3, d.to_federal.cents())
      .Bind(4, d.held.cents())
      .Bind(5, EncodeLines(d.lines))
      .Bind(6, id.value)
      .Run();
}

Status SqliteStore::InsertDistributionHistory(CollectionId id, const Distribution& d,
                                              std::string_view at, std::string_view reason) {
  return Prepare(
             "INSERT INTO distribution_history(collection_id, superseded_at, reason, "
             "to_family_cents, to_state_cents, to_federal_cents, held_cents, lines) "
             "VALUES (?,?,?,?,?,?,?,?)")
      .Bind(1, id.value)
      .Bind(2, at)
      .Bind(3, reason)
      .Bind(4, d.to_family.cents())
      .Bind(5, d.to_state.cents())
      .Bind(6, d.to_federal.cents())
      .Bind(7, d.held.cents())
      .Bind(8, EncodeLines(d.lines))
      .Run();
}

Status SqliteStore::MarkReversed(CollectionId id, Date reversed_date, std::string_view reason) {
  return Prepare("UPDATE collection SET reversed_date = ?, reversal_reason = ? WHERE id = ?")
      .Bind(1, reversed_date)
      .Bind(2, reason)
      .Bind(3, id.value)
      .Run();
}

Result<int64_t> SqliteStore::CountCollections() {
  Stmt& s = Prepare("SELECT COUNT(*) FROM collection");
  ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t n = row ? s.Int(0) : 0;
  s.Reset();
  return n;
}

// ---- audit ----

namespace {

AuditRow ReadAudit(SqliteStore::Stmt& s) {
  return AuditRow{s.Int(0),  s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                  s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9)};
}

}  // namespace

Result<std::optional<AuditRow>> SqliteStore::LastAudit() {
  Stmt& s = Prepare(
      "SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash "
      "FROM audit ORDER BY seq DESC LIMIT 1");
  return FirstRow<AuditRow>(s, [](Stmt& r) -> Result<AuditRow> { return ReadAudit(r); });
}

Result<std::optional<Store::AuditLink>> SqliteStore::LastAuditLink() {
  Stmt& s = Prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  return FirstRow<AuditLink>(s, [](Stmt& r) -> Result<AuditLink> {
    return AuditLink{r.Int(0), r.Text(1)};
  });
}

Status SqliteStore::InsertAudit(const AuditRow& r) {
  return Prepare(
             "INSERT INTO audit(seq, at, actor, action, entity, entity_id, before, after, "
             "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)")
      .Bind(1, r.seq)
      .Bind(2, r.at)
      .Bind(3, r.actor)
      .Bind(4, r.action)
      .Bind(5, r.entity)
      .Bind(6, r.entity_id)
      .Bind(7, r.before)
      .Bind(8, r.after)
      .Bind(9, r.prev_hash)
      .Bind(10, r.hash)
      .Run();
}

Status SqliteStore::ScanCollections(const std::function<Status(const StoredCollection&)>& visit) {
  // A dedicated statement: `visit` may use the store's cached ones.
  static const std::string sql =
      std::string("SELECT ") + kCollectionColumns + " FROM collection ORDER BY id";
  return ScanRows(sql.c_str(), [&](Stmt& s) {
    ASSIGN_OR_RETURN(StoredCollection c, ReadCollection(s));
    return visit(c);
  });
}

// ---- case events, county economy ----

Result<int64_t> SqliteStore::InsertCaseEvent(const CaseEvent& e) {
  Stmt& s = Prepare(
      "INSERT INTO case_event(person_id, case_id, event_date, kind, detail) VALUES (?,?,?,?,?)");
  s.Bind(1, e.person.value);
  if (e.case_id.valid()) s.Bind(2, e.case_id.value);
  s.Bind(3, e.date).Bind(4, e.kind).Bind(5, e.detail);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<CaseEvent>> SqliteStore::ListCaseEventsByPerson(PersonId id) {
  Stmt& s = Prepare(
      "SELECT id, person_id, case_id, event_date, kind, detail FROM case_event WHERE "
      "person_id = ? ORDER BY event_date, id");
  s.Bind(1, id.value);
  return CollectRows<CaseEvent>(s, ReadEventRow);
}

// ---- batch reads ----

Result<std::vector<PersonId>> SqliteStore::ListObligorIds() {
  Stmt& s = Prepare("SELECT DISTINCT obligor_id FROM iv_d_case ORDER BY obligor_id");
  return CollectRows<PersonId>(s, [](Stmt& row) { return Result<PersonId>(PersonId{row.Int(0)}); });
}

// The statements of SqliteStore::LoadLedgerTables, selecting obligors by a range
// (LoadObligorRange: `BETWEEN ?1 AND ?2`) or by a list (LoadLedgerInputs, LoadObligorsListed:
// a JSON array in ?1).
struct LedgerTablesSql {
  const char* cases;
  const char* children;
  const char* orders;
  const char* terms;
  const char* episodes;
  const char* collections;
  const char* jobs;    // LoadPersonTables
  const char* events;  // LoadPersonTables
  const char* closures;
};

namespace {

#define CSE_LEDGER_TABLES_SQL(WHERE_OBLIGOR, WHERE_C_OBLIGOR, WHERE_PERSON)                    \
  LedgerTablesSql {                                                                            \
    "SELECT id, obligor_id, obligee_id, case_type, status, family_violence, opened, county "   \
    "FROM iv_d_case WHERE " WHERE_OBLIGOR " ORDER BY obligor_id, id",                          \
        "SELECT k.case_id, k.child_id FROM case_child k JOIN iv_d_case c ON c.id = k.case_id " \
        "WHERE " WHERE_C_OBLIGOR " ORDER BY k.case_id, k.child_id",                            \
        "SELECT o.id, o.case_id, o.obligation_type, o.amount_cents, o.frequency, "             \
        "o.effective_date, o.end_date, o.judgment_cents, o.judgment_accrued_from, "            \
        "o.judgment_accrued_through FROM support_order o JOIN iv_d_case c "                    \
        "ON c.id = o.case_id WHERE " WHERE_C_OBLIGOR " ORDER BY o.case_id, o.id",              \
        "SELECT t.order_id, t.child_id, t.amount_cents, t.end_date FROM order_child_term t "   \
        "JOIN support_order o ON o.id = t.order_id JOIN iv_d_case c ON c.id = o.case_id "      \
        "WHERE " WHERE_C_OBLIGOR " ORDER BY t.order_id, t.child_id",                           \
        "SELECT a.case_id, a.start_date, a.end_date, a.monthly_grant_cents FROM "              \
        "assistance_episode a JOIN iv_d_case c ON c.id = a.case_id WHERE " WHERE_C_OBLIGOR     \
        " ORDER BY a.case_id, a.start_date, a.id",                                             \
        "SELECT id, case_id, obligor_id, amount_cents, received_date, source, reversed_date "  \
        "FROM collection WHERE " WHERE_OBLIGOR " ORDER BY obligor_id, id",                     \
        "SELECT id, person_id, employer_id, start_date, end_date, pay_cycle, "                 \
        "gross_per_period_cents FROM employment WHERE " WHERE_PERSON                           \
        " ORDER BY "                                                                           \
        "person_id, start_date, id",                                                           \
        "SELECT id, person_id, case_id, event_date, kind, detail FROM case_event "             \
        "WHERE " WHERE_PERSON " ORDER BY person_id, id",                                       \
        "SELECT id, person_id, case_id, event_date, kind, detail FROM case_event "             \
        "WHERE " WHERE_PERSON                                                                  \
        " AND case_id IS NOT NULL AND kind IN ('case_closed', 'case_reopened') "               \
        "ORDER BY case_id, event_date, id"                                                     \
  }

constexpr LedgerTablesSql kLedgerTablesByRange =
    CSE_LEDGER_TABLES_SQL("obligor_id BETWEEN ?1 AND ?2", "c.obligor_id BETWEEN ?1 AND ?2",
                          "person_id BETWEEN ?1 AND ?2");
constexpr LedgerTablesSql kLedgerTablesByList =
    CSE_LEDGER_TABLES_SQL("obligor_id IN (SELECT value FROM json_each(?1))",
                          "c.obligor_id IN (SELECT value FROM json_each(?1))",
                          "person_id IN (SELECT value FROM json_each(?1))");
#undef CSE_LEDGER_TABLES_SQL

// "[1,2,3]": a list of ids for json_each.
template <typename Id>
std::string JsonIdList(std::span<const Id> ids) {
  std::string out = "[";
  for (const Id& id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id.value);
  }
  out += ']';
  return out;
}

}  // namespace

Result<std::vector<PersonId>> SqliteStore::PartiesOfFamilyViolenceCases(
    std::span<const PersonId> persons) {
  if (persons.empty()) return std::vector<PersonId>{};
  // One EXISTS per role so that each uses its index (iv_d_case_obligor, iv_d_case_obligee,
  // case_child_child: migrations 1 and 6).
  Stmt& s = Prepare(
      "SELECT DISTINCT j.value FROM json_each(?) j WHERE "
      "EXISTS (SELECT 1 FROM iv_d_case c WHERE c.obligor_id = j.value AND c.family_violence <> 0)"
      " OR EXISTS (SELECT 1 FROM iv_d_case c WHERE c.obligee_id = j.value AND "
      "c.family_violence <> 0)"
      " OR EXISTS (SELECT 1 FROM case_child k JOIN iv_d_case c ON c.id = k.case_id "
      "WHERE k.child_id = j.value AND c.family_violence <> 0) ORDER BY j.value");
  s.Bind(1, JsonIdList(persons));
  return CollectRows<PersonId>(s, [](Stmt& r) -> Result<PersonId> { return PersonId{r.Int(0)}; });
}

// Cases (with children), orders (with child terms), episodes and ledger inputs of the
// obligors `select` chooses: it prepares one of the statements of `sql` and binds it.
template <typename Select>
Status SqliteStore::LoadLedgerTables(const LedgerTablesSql& sql, const Select& select,
                                     ObligorRange& r) {
  ASSIGN_OR_RETURN(
      r.cases, CollectRows<Case>(select(sql.cases), [this](Stmt& row) { return ReadCase(row); }));
  std::unordered_map<int64_t, size_t> case_at;
  for (size_t i = 0; i < r.cases.size(); ++i) case_at[r.cases[i].id.value] = i;

  Stmt& children = select(sql.children);
  ASSIGN_OR_RETURN(auto kids, (CollectRows<std::pair<int64_t, PersonId>>(children, [](Stmt& row) {
                     return Result<std::pair<int64_t, PersonId>>(
                         std::make_pair(row.Int(0), PersonId{row.Int(1)}));
                   })));
  for (const auto& [case_id, child] : kids) r.cases[case_at.at(case_id)].children.push_back(child);

  ASSIGN_OR_RETURN(r.orders, CollectRows<Order>(select(sql.orders), ReadOrderRow));
  std::unordered_map<int64_t, size_t> order_at;
  for (size_t i = 0; i < r.orders.size(); ++i) order_at[r.orders[i].id.value] = i;
  Stmt& terms = select(sql.terms);
  ASSIGN_OR_RETURN(auto child_terms,
                   (CollectRows<std::pair<int64_t, ChildTerm>>(
                       terms, [](Stmt& row) -> Result<std::pair<int64_t, ChildTerm>> {
                         ASSIGN_OR_RETURN(ChildTerm t, ReadChildTermRow(row, 1));
                         return std::make_pair(row.Int(0), t);
                       })));
  for (auto& [order_id, term] : child_terms) {
    r.orders[order_at.at(order_id)].child_terms.push_back(term);
  }

  ASSIGN_OR_RETURN(r.episodes,
                   CollectRows<AssistanceEpisode>(select(sql.episodes), ReadEpisodeRow));
  ASSIGN_OR_RETURN(r.closures, CollectRows<CaseEvent>(select(sql.closures), ReadEventRow));

  // In index order (obligor, id), without a sorter; sorted by (obligor, date, id) below.
  ASSIGN_OR_RETURN(r.collections,
                   CollectRows<Collection>(select(sql.collections), ReadLedgerInput));
  std::sort(r.collections.begin(), r.collections.end(),
            [](const Collection& a, const Collection& b) {
              return std::tie(a.obligor.value, a.date, a.id.value) <
                     std::tie(b.obligor.value, b.date, b.id.value);
            });
  return Status::Ok();
}

// The jobs and case events of the persons `select` chooses with the statements of `sql` (as in
// LoadLedgerTables), by (person, start, id) and (person, date, id).
template <typename Select>
Status SqliteStore::LoadPersonTables(const LedgerTablesSql& sql, const Select& select,
                                     ObligorRange& r) {
  ASSIGN_OR_RETURN(r.jobs, CollectRows<Employment>(select(sql.jobs), ReadEmploymentRow));
  ASSIGN_OR_RETURN(r.events, CollectRows<CaseEvent>(select(sql.events), ReadEventRow));
  std::sort(r.events.begin(), r.events.end(), [](const CaseEvent& a, const CaseEvent& b) {
    return std::tie(a.person.value, a.date, a.id) < std::tie(b.person.value, b.date, b.id);
  });
  return Status::Ok();
}

Result<ObligorRange> SqliteStore::LoadObligorsListed(std::span<const PersonId> obligors) {
  ObligorRange r;
  if (obligors.empty()) return r;
  const std::string list = JsonIdList(obligors);
  auto select = [&](const char* sql) -> Stmt& {
    return Prepare(sql).Bind(1, std::string_view(list));
  };
  RETURN_IF_ERROR(LoadLedgerTables(kLedgerTablesByList, select, r));
  RETURN_IF_ERROR(LoadPersonTables(kLedgerTablesByList, select, r));
  return r;
}

Result<ObligorRange> SqliteStore::LoadLedgerInputs(std::span<const PersonId> obligors) {
  ObligorRange r;
  if (obligors.empty()) return r;
  const std::string list = JsonIdList(obligors);
  RETURN_IF_ERROR(LoadLedgerTables(
      kLedgerTablesByList,
      [&](const char* sql) -> Stmt& { return Prepare(sql).Bind(1, std::string_view(list)); }, r));
  return r;
}

Result<std::vector<Case>> SqliteStore::GetCases(std::span<const CaseId> ids) {
  if (ids.empty()) return std::vector<Case>{};
  static const std::string kSql =
      std::string(kCaseWithChildren) + "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id";
  Stmt& s = Prepare(kSql.c_str());
  const std::string list = JsonIdList(ids);
  s.Bind(1, std::string_view(list));
  return CollectRows<Case>(s, [this](Stmt& row) { return ReadCaseWithChildren(row); });
}

Result<ObligorRange> SqliteStore::LoadObligorRange(PersonId first, PersonId last) {
  ObligorRange r;
  auto select = [&](const char* sql) -> Stmt& {
    return Prepare(sql).Bind(1, first.value).Bind(2, last.value);
  };
  RETURN_IF_ERROR(LoadLedgerTables(kLedgerTablesByRange, select, r));
  RETURN_IF_ERROR(LoadPersonTables(kLedgerTablesByRange, select, r));
  return r;
}

Result<ObligorBooks> SqliteStore::LoadObligorBooks(PersonId obligor) {
  ObligorBooks b;
  static const std::string kSql =
      std::string(kCaseWithChildren) + "WHERE obligor_id = ? ORDER BY id";
  Stmt& cases = Prepare(kSql.c_str());
  cases.Bind(1, obligor.value);
  ASSIGN_OR_RETURN(
      b.cases, CollectRows<Case>(cases, [this](Stmt& row) { return ReadCaseWithChildren(row); }));
  // One row per (order, child term), or one with NULL terms for an order without any.
  Stmt& orders = Prepare(
      "SELECT o.id, o.case_id, o.obligation_type, o.amount_cents, o.frequency, "
      "o.effective_date, o.end_date, o.judgment_cents, o.judgment_accrued_from, "
      "o.judgment_accrued_through, t.child_id, t.amount_cents, t.end_date "
      "FROM iv_d_case c JOIN support_order o ON o.case_id = c.id LEFT JOIN order_child_term t "
      "ON t.order_id = o.id WHERE c.obligor_id = ? ORDER BY o.case_id, o.id, t.child_id");
  orders.Bind(1, obligor.value);
  using Row = std::pair<Order, std::optional<ChildTerm>>;
  ASSIGN_OR_RETURN(std::vector<Row> rows, CollectRows<Row>(orders, [](Stmt& row) -> Result<Row> {
                     ASSIGN_OR_RETURN(Order o, ReadOrderRow(row));
                     if (row.IsNull(10)) return Row{std::move(o), std::nullopt};
                     ASSIGN_OR_RETURN(ChildTerm t, ReadChildTermRow(row, 10));
                     return Row{std::move(o), t};
                   }));
  for (Row& r : rows) {
    if (b.orders.empty() || b.orders.back().id != r.first.id)
      b.orders.push_back(std::move(r.first));
    if (r.second) b.orders.back().child_terms.push_back(*r.second);
  }
  Stmt& episodes = Prepare(
      "SELECT a.case_id, a.start_date, a.end_date, a.monthly_grant_cents FROM iv_d_case c JOIN "
      "assistance_episode a ON a.case_id = c.id WHERE c.obligor_id = ? ORDER BY a.case_id, "
      "a.start_date, a.id");
  episodes.Bind(1, obligor.value);
  ASSIGN_OR_RETURN(b.episodes, CollectRows<AssistanceEpisode>(episodes, ReadEpisodeRow));
  // A case's closing and reopening events are the obligor's (service/case_closure.cc).
  Stmt& closures = Prepare(
      "SELECT id, person_id, case_id, event_date, kind, detail FROM case_event WHERE "
      "person_id = ? AND case_id IS NOT NULL AND kind IN ('case_closed', 'case_reopened') "
      "ORDER BY case_id, event_date, id");
  closures.Bind(1, obligor.value);
  ASSIGN_OR_RETURN(b.closures, CollectRows<CaseEvent>(closures, ReadEventRow));
  return b;
}

Status SqliteStore::PutCountyEconomy(const CountyEconomy& r) {
  return Prepare(
             "INSERT OR REPLACE INTO county_economy(county, month, economic_index, "
             "unemployment_bps) VALUES (?,?,?,?)")
      .Bind(1, r.county)
      .Bind(2, r.month)
      .Bind(3, int64_t{r.economic_index})
      .Bind(4, int64_t{r.unemployment_bps})
      .Run();
}

Result<std::vector<CountyEconomy>> SqliteStore::ListCountyEconomy() {
  Stmt& s = Prepare(
      "SELECT county, month, economic_index, unemployment_bps FROM county_economy ORDER BY "
      "county, month");
  return CollectRows<CountyEconomy>(s, [](Stmt& row) -> Result<CountyEconomy> {
    CountyEconomy r;
    r.county = row.Text(0);
    ASSIGN_OR_RETURN(r.month, row.DateAt(1));
    r.economic_index = static_cast<int32_t>(row.Int(2));
    r.unemployment_bps = static_cast<int32_t>(row.Int(3));
    return r;
  });
}

// ---- simulation runs and ground truth ----

Status SqliteStore::InsertSimRun(std::string_view at, std::string_view params_json) {
  return Prepare("INSERT INTO sim_run(at, params) VALUES (?,?)")
      .Bind(1, at)
      .Bind(2, params_json)
      .Run();
}

Result<std::optional<std::string>> SqliteStore::LastSimRun() {
  Stmt& s = Prepare("SELECT params FROM sim_run ORDER BY id DESC LIMIT 1");
  return FirstRow<std::string>(s, [](Stmt& r) -> Result<std::string> { return r.Text(0); });
}

Status SqliteStore::InsertTruthMonth(const TruthMonth& r) {
  return Prepare(
             "INSERT INTO sim_truth_month(obligor_id, month_end, employed, incarcerated, "
             "propensity_bps, wage_monthly_cents, monthly_support_cents, arrears_cents, "
             "due_next_cents, paid_next_cents, delinquent_next_30) VALUES "
             "(?,?,?,?,?,?,?,?,?,?,?)")
      .Bind(1, r.obligor.value)
      .Bind(2, r.month_end)
      .Bind(3, int64_t{r.employed ? 1 : 0})
      .Bind(4, int64_t{r.incarcerated ? 1 : 0})
      .Bind(5, int64_t{r.propensity_bps})
      .Bind(6, r.wage_monthly.cents())
      .Bind(7, r.monthly_support.cents())
      .Bind(8, r.arrears.cents())
      .Bind(9, r.due_next.cents())
      .Bind(10, r.paid_next.cents())
      .Bind(11, int64_t{r.delinquent_next_30 ? 1 : 0})
      .Run();
}

Status SqliteStore::InsertTruthPerson(const TruthPerson& r) {
  return Prepare("INSERT INTO sim_truth_person(person_id, role, demographic_group) VALUES (?,?,?)")
      .Bind(1, r.person.value)
      .Bind(2, r.role)
      .Bind(3, r.group)
      .Run();
}

Status SqliteStore::ScanTruthMonths(const std::function<Status(const TruthMonth&)>& visit) {
  return ScanRows(
      "SELECT obligor_id, month_end, employed, incarcerated, propensity_bps, "
      "wage_monthly_cents, monthly_support_cents, arrears_cents, due_next_cents, "
      "paid_next_cents, delinquent_next_30 FROM sim_truth_month ORDER BY obligor_id, month_end",
      [&](Stmt& s) -> Status {
        TruthMonth r;
        r.obligor = PersonId{s.Int(0)};
        ASSIGN_OR_RETURN(r.month_end, s.DateAt(1));
        r.employed = s.Int(2) != 0;
        r.incarcerated = s.Int(3) != 0;
        r.propensity_bps = static_cast<int32_t>(s.Int(4));
        r.wage_monthly = Money::FromCents(s.Int(5));
        r.monthly_support = Money::FromCents(s.Int(6));
        r.arrears = Money::FromCents(s.Int(7));
        r.due_next = Money::FromCents(s.Int(8));
        r.paid_next = Money::FromCents(s.Int(9));
        r.delinquent_next_30 = s.Int(10) != 0;
        return visit(r);
      });
}

Result<std::vector<TruthPerson>> SqliteStore::ListTruthPersons() {
  Stmt& s =
      Prepare("SELECT person_id, role, demographic_group FROM sim_truth_person ORDER BY person_id");
  return CollectRows<TruthPerson>(s, [](Stmt& r) -> Result<TruthPerson> {
    return TruthPerson{PersonId{r.Int(0)}, r.Text(1), r.Text(2)};
  });
}

// ---- risk model registry and scores ----

namespace {

constexpr const char* kRiskModelColumns =
    "version, created_at, created_by, data_as_of, train_from, train_to, calibration_from, "
    "calibration_to, test_from, test_to, data_hash, params, metrics, features, booster, "
    "calibrator, tiers, active";

Result<RiskModelRecord> ReadRiskModel(SqliteStore::Stmt& s) {
  RiskModelRecord m;
  m.version = s.Text(0);
  m.created_at = s.Text(1);
  m.created_by = s.Text(2);
  ASSIGN_OR_RETURN(m.data_as_of, s.DateAt(3));
  ASSIGN_OR_RETURN(m.train_from, s.DateAt(4));
  ASSIGN_OR_RETURN(m.train_to, s.DateAt(5));
  ASSIGN_OR_RETURN(m.calibration_from, s.DateAt(6));
  ASSIGN_OR_RETURN(m.calibration_to, s.DateAt(7));
  ASSIGN_OR_RETURN(m.test_from, s.DateAt(8));
  ASSIGN_OR_RETURN(m.test_to, s.DateAt(9));
  m.data_hash = s.Text(10);
  m.params_json = s.Text(11);
  m.metrics_json = s.Text(12);
  m.features_json = s.Text(13);
  m.booster_json = s.Text(14);
  m.calibrator_json = s.Text(15);
  m.tiers_json = s.Text(16);
  m.active = s.Int(17) != 0;
  return m;
}

}  // namespace

Status SqliteStore::InsertRiskModel(const RiskModelRecord& m) {
  // Static: the statement cache is keyed by the SQL text pointer.
  static const std::string sql = std::string("INSERT INTO risk_model(") + kRiskModelColumns +
                                 ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  Stmt& s = Prepare(sql.c_str());
  s.Bind(1, m.version).Bind(2, m.created_at).Bind(3, m.created_by).Bind(4, m.data_as_of);
  s.Bind(5, m.train_from).Bind(6, m.train_to).Bind(7, m.calibration_from);
  s.Bind(8, m.calibration_to).Bind(9, m.test_from).Bind(10, m.test_to).Bind(11, m.data_hash);
  s.Bind(12, m.params_json).Bind(13, m.metrics_json).Bind(14, m.features_json);
  s.Bind(15, m.booster_json).Bind(16, m.calibrator_json).Bind(17, m.tiers_json);
  s.Bind(18, int64_t{m.active ? 1 : 0});
  return s.Run();
}

Result<RiskModelRecord> SqliteStore::GetRiskModel(std::string_view version) {
  // Static: the statement cache is keyed by the SQL text pointer.
  static const std::string sql =
      std::string("SELECT ") + kRiskModelColumns + " FROM risk_model WHERE version = ?";
  Stmt& s = Prepare(sql.c_str());
  s.Bind(1, version);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    s.Reset();
    return NotFound("model_not_found", "no risk model version '" + std::string(version) + "'");
  }
  auto m = ReadRiskModel(s);
  s.Reset();
  return m;
}

Result<std::optional<RiskModelRecord>> SqliteStore::GetActiveRiskModel() {
  // Static: the statement cache is keyed by the SQL text pointer.
  static const std::string sql =
      std::string("SELECT ") + kRiskModelColumns + " FROM risk_model WHERE active = 1";
  Stmt& s = Prepare(sql.c_str());
  return FirstRow<RiskModelRecord>(s, ReadRiskModel);
}

Result<std::vector<RiskModelRecord>> SqliteStore::ListRiskModels() {
  Stmt& s = Prepare(
      "SELECT version, created_at, created_by, data_as_of, train_from, train_to, "
      "calibration_from, calibration_to, test_from, test_to, data_hash, params, metrics, "
      "features, '', '', tiers, active FROM risk_model ORDER BY created_at DESC, version DESC");
  return CollectRows<RiskModelRecord>(s, ReadRiskModel);
}

Status SqliteStore::ActivateRiskModel(std::string_view version) {
  RETURN_IF_ERROR(GetRiskModel(version).status());
  RETURN_IF_ERROR(Prepare("UPDATE risk_model SET active = 0 WHERE active = 1").Run());
  return Prepare("UPDATE risk_model SET active = 1 WHERE version = ?").Bind(1, version).Run();
}

Result<int64_t> SqliteStore::InsertRiskScore(const RiskScoreRecord& r) {
  Stmt& s = Prepare(
      "INSERT INTO risk_score(obligor_id, case_id, as_of, model_version, features_hash, "
      "probability, score, tier, confidence, features, key_factors, scored_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.obligor.value);
  if (r.case_id.valid()) s.Bind(2, r.case_id.value);
  s.Bind(3, r.as_of).Bind(4, r.model_version).Bind(5, r.features_hash);
  s.BindDouble(6, r.probability).Bind(7, int64_t{r.score}).Bind(8, r.tier);
  s.BindDouble(9, r.confidence).Bind(10, r.features_json).Bind(11, r.key_factors_json);
  s.Bind(12, r.scored_at);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<RiskScoreRecord>> SqliteStore::ListRiskScores(PersonId obligor) {
  Stmt& s = Prepare(
      "SELECT id, obligor_id, case_id, as_of, model_version, features_hash, probability, score, "
      "tier, confidence, features, key_factors, scored_at FROM risk_score WHERE obligor_id = ? "
      "ORDER BY as_of DESC, id DESC");
  s.Bind(1, obligor.value);
  return CollectRows<RiskScoreRecord>(s, [](Stmt& row) -> Result<RiskScoreRecord> {
    RiskScoreRecord r;
    r.id = row.Int(0);
    r.obligor = PersonId{row.Int(1)};
    r.case_id = CaseId{row.IsNull(2) ? 0 : row.Int(2)};
    ASSIGN_OR_RETURN(r.as_of, row.DateAt(3));
    r.model_version = row.Text(4);
    r.features_hash = row.Text(5);
    r.probability = row.Double(6);
    r.score = static_cast<int32_t>(row.Int(7));
    r.tier = row.Text(8);
    r.confidence = row.Double(9);
    r.features_json = row.Text(10);
    r.key_factors_json = row.Text(11);
    r.scored_at = row.Text(12);
    return r;
  });
}

namespace {

// Runs `sql` (the audit columns, in ReadAudit's order) on a dedicated statement, since `visit`
// may use the store's cached ones, binding `action` to its one parameter when given.
Status ScanAuditRows(sqlite3* db, const char* sql, std::optional<std::string_view> action,
                     const std::function<Status(const AuditRow&)>& visit) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return Unavailable("store_io", sqlite3_errmsg(db));
  }
  SqliteStore::Stmt s(db, raw);
  if (action) s.Bind(1, *action);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    RETURN_IF_ERROR(visit(ReadAudit(s)));
  }
  return Status::Ok();
}

}  // namespace

Status SqliteStore::ScanAuditByAction(std::string_view action,
                                      const std::function<Status(const AuditRow&)>& visit) {
  // audit_action (migration 5) holds (action, seq).
  return ScanAuditRows(db_,
                       "SELECT seq, at, actor, action, entity, entity_id, before, after, "
                       "prev_hash, hash FROM audit INDEXED BY audit_action WHERE action = ? "
                       "ORDER BY seq",
                       action, visit);
}

Status SqliteStore::ScanAudit(const std::function<Status(const AuditRow&)>& visit) {
  return ScanAuditRows(db_,
                       "SELECT seq, at, actor, action, entity, entity_id, before, after, "
                       "prev_hash, hash FROM audit ORDER BY seq",
                       std::nullopt, visit);
}

Result<int64_t> SqliteStore::LedgerGeneration() {
  Stmt& s = Prepare("SELECT value FROM ledger_generation WHERE id = 1");
  ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t v = row ? s.Int(0) : 0;
  s.Reset();
  return v;
}

Status SqliteStore::SetLedgerGeneration(int64_t value) {
  return Prepare("UPDATE ledger_generation SET value = ? WHERE id = 1").Bind(1, value).Run();
}

// ---- raw insert timing for the benchmark ----

namespace {

// One collection row as stored, column by column (reversed_date may be NULL).
struct RawRow {
  std::string key;
  int64_t case_id = 0;
  int64_t obligor_id = 0;
  int64_t amount_cents = 0;
  std::string received_date;
  std::string source;
  std::string posted_at;
  std::string posted_by;
  std::optional<std::string> reversed_date;
  std::string reversal_reason;
  int64_t cents[4] = {0, 0, 0, 0};
  std::string lines;
};

std::string ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(s, i)))
              : std::string();
}

Result<std::vector<RawRow>> ReadRawRows(const std::string& source_path) {
  ASSIGN_OR_RETURN(sqlite3 * db, OpenDb(source_path, SqliteStore::OpenMode::kMustExist));
  sqlite3_stmt* s = nullptr;
  std::vector<RawRow> rows;
  if (sqlite3_prepare_v2(db,
                         "SELECT idempotency_key, case_id, obligor_id, amount_cents, "
                         "received_date, source, posted_at, posted_by, reversed_date, "
                         "reversal_reason, to_family_cents, to_state_cents, to_federal_cents, "
                         "held_cents, lines FROM collection ORDER BY id",
                         -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return Unavailable("store_io", "cannot read collections from " + source_path);
  }
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    RawRow r;
    r.key = ColumnText(s, 0);
    r.case_id = sqlite3_column_int64(s, 1);
    r.obligor_id = sqlite3_column_int64(s, 2);
    r.amount_cents = sqlite3_column_int64(s, 3);
    r.received_date = ColumnText(s, 4);
    r.source = ColumnText(s, 5);
    r.posted_at = ColumnText(s, 6);
    r.posted_by = ColumnText(s, 7);
    if (sqlite3_column_type(s, 8) != SQLITE_NULL) r.reversed_date = ColumnText(s, 8);
    r.reversal_reason = ColumnText(s, 9);
    for (int k = 0; k < 4; ++k) r.cents[k] = sqlite3_column_int64(s, 10 + k);
    r.lines = ColumnText(s, 14);
    rows.push_back(std::move(r));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) return Unavailable("store_io", "reading collections failed");
  return rows;
}

}  // namespace

Result<std::vector<std::string>> CollectionIndexStatements(const std::string& source_path) {
  ASSIGN_OR_RETURN(sqlite3 * db, OpenDb(source_path, SqliteStore::OpenMode::kMustExist));
  sqlite3_stmt* s = nullptr;
  std::vector<std::string> ddl;
  if (sqlite3_prepare_v2(db,
                         "SELECT sql FROM sqlite_schema WHERE type = 'index' AND "
                         "tbl_name = 'collection' AND sql IS NOT NULL ORDER BY name",
                         -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return Unavailable("store_io", "cannot read the collection indexes of " + source_path);
  }
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::string sql = ColumnText(s, 0);
    const size_t on = sql.find(" ON collection(");
    if (on == std::string::npos) {
      rc = SQLITE_ERROR;
      break;
    }
    sql.replace(on, std::string_view(" ON collection(").size(), " ON raw_collection(");
    ddl.push_back(std::move(sql));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) return Unavailable("store_io", "reading the collection indexes failed");
  return ddl;
}

Result<RawInsertTiming> TimeRawCollectionInserts(const std::string& source_path,
                                                 const std::string& raw_path, int64_t batch,
                                                 RawTable table) {
  ASSIGN_OR_RETURN(std::vector<RawRow> rows, ReadRawRows(source_path));
  std::vector<std::string> index_ddl;
  if (table == RawTable::kCollectionIndexes) {
    ASSIGN_OR_RETURN(index_ddl, CollectionIndexStatements(source_path));
  }
  ASSIGN_OR_RETURN(sqlite3 * db, OpenDb(raw_path, SqliteStore::OpenMode::kCreate));
  auto fail = [&](std::string what) -> Result<RawInsertTiming> {
    std::string message = what + ": " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return Unavailable("store_io", message);
  };
  // The collection table's columns, without the foreign keys or the CHECK constraint; kBare
  // also without the key's UNIQUE index and the obligor index.
  const bool indexed = table == RawTable::kCollectionIndexes;
  std::string ddl =
      std::string(
          "DROP TABLE IF EXISTS raw_collection; CREATE TABLE raw_collection (id INTEGER "
          "PRIMARY KEY, idempotency_key TEXT") +
      (indexed ? " UNIQUE" : "") +
      ", case_id INTEGER, obligor_id INTEGER, amount_cents INTEGER, "
      "received_date TEXT, source TEXT, posted_at TEXT, posted_by TEXT, reversed_date TEXT, "
      "reversal_reason TEXT, to_family_cents INTEGER, to_state_cents INTEGER, "
      "to_federal_cents INTEGER, held_cents INTEGER, lines TEXT);";
  for (const std::string& index : index_ddl) ddl += index + ";";
  if (sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cannot create raw table");
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO raw_collection(idempotency_key, case_id, obligor_id, "
                         "amount_cents, received_date, source, posted_at, posted_by, "
                         "reversed_date, reversal_reason, to_family_cents, to_state_cents, "
                         "to_federal_cents, held_cents, lines) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &raw, nullptr) != SQLITE_OK) {
    return fail("cannot prepare raw insert");
  }
  SqliteStore::Stmt s(db, raw);
  const int64_t count = static_cast<int64_t>(rows.size());
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < count; ++i) {
    if (i % batch == 0 && sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr)) {
      return fail("begin");
    }
    const RawRow& r = rows[static_cast<size_t>(i)];
    s.Reset()
        .Bind(1, std::string_view(r.key))
        .Bind(2, r.case_id)
        .Bind(3, r.obligor_id)
        .Bind(4, r.amount_cents)
        .Bind(5, std::string_view(r.received_date))
        .Bind(6, std::string_view(r.source))
        .Bind(7, std::string_view(r.posted_at))
        .Bind(8, std::string_view(r.posted_by));
    if (r.reversed_date) s.Bind(9, std::string_view(*r.reversed_date));
    s.Bind(10, std::string_view(r.reversal_reason));
    for (int k = 0; k < 4; ++k) s.Bind(11 + k, r.cents[k]);
    s.Bind(15, std::string_view(r.lines));
    if (Status st = s.Run(); !st.ok()) {
      sqlite3_close(db);
      return st;
    }
    if (((i + 1) % batch == 0 || i + 1 == count) &&
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return fail("commit");
    }
  }
  RawInsertTiming t;
  t.rows = count;
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_close(db);
  return t;
}

}  // namespace cse
