// File: storage/sqlite/stmt.h
//
// Private to the SQLite adapter: the cached prepared statement and the row-collecting helper
// shared by sqlite_store.cc and the per-subsystem store files (auth_store.cc, ...).
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite/sqlite_store.h"

namespace cse {

// A cached prepared statement. Bind* use 1-based indexes; Step answers true while a row is
// available. Reset clears bindings for the next use.
class SqliteStore::Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return *this;
  }
  Stmt& BindDouble(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, Date d) { return Bind(i, std::string_view(d.ToString())); }
  Stmt& Bind(int i, const std::optional<Date>& d) {
    if (d) return Bind(i, *d);
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // True when the statement does not write (sqlite3_stmt_readonly).
  bool ReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }
  Result<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Error(rc);
  }
  Status Run() {
    auto r = Step();
    sqlite3_reset(stmt_);
    return r.status();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  Result<Date> DateAt(int col) const {
    auto d = Date::Parse(Text(col));
    if (!d.ok()) return DataLoss("stored_date_corrupt", d.status().message());
    return d;
  }
  Result<std::optional<Date>> OptDateAt(int col) const {
    if (IsNull(col)) return std::optional<Date>();
    auto d = DateAt(col);
    if (!d.ok()) return d.status();
    return std::optional<Date>(*d);
  }
  Status Error(int rc) const {
    const std::string msg = sqlite3_errmsg(db_);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      return Aborted("store_busy", "the database is locked by another writer; retry: " + msg);
    }
    const int extended = sqlite3_extended_errcode(db_);
    if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return AlreadyExists("unique_violation", msg);
    }
    if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return FailedPrecondition("reference_not_found",
                                "a referenced record (person, case, employer...) does not exist");
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return InvalidArgument("constraint_violation", msg);
    return Unavailable("store_io", "sqlite error " + std::to_string(rc) + ": " + msg);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Runs `sql` (one or more statements) on `db`. Errors: aborted "store_busy", invalid_argument
// "constraint_violation", unavailable "store_io". Shared by SqliteStore and AccessLogDb.
Status ExecOn(sqlite3* db, std::string_view sql);
// PRAGMA wal_checkpoint(PASSIVE) on every file of `db`. Errors: aborted "store_busy" (another
// checkpoint is running), unavailable "store_io".
Status CheckpointPassiveOn(sqlite3* db);

// Steps `s` to its last row, reading each with `read` (returning Result<T>), and resets the
// statement on every exit path, so an error in the middle leaves no read open.
template <typename T, typename Read>
Result<std::vector<T>> CollectRows(SqliteStore::Stmt& s, Read read) {
  std::vector<T> out;
  while (true) {
    Result<bool> row = s.Step();
    if (!row.ok() || !*row) {
      s.Reset();
      if (!row.ok()) return row.status();
      return out;
    }
    Result<T> value = read(s);
    if (!value.ok()) {
      s.Reset();
      return value.status();
    }
    out.push_back(std::move(value).value());
  }
}

// Steps `s` once: nullopt when there is no row, else the row read with `read` (returning
// Result<T>). Resets the statement on every exit path.
template <typename T, typename Read>
Result<std::optional<T>> FirstRow(SqliteStore::Stmt& s, Read read) {
  Result<bool> row = s.Step();
  if (!row.ok() || !*row) {
    s.Reset();
    if (!row.ok()) return row.status();
    return std::optional<T>();
  }
  Result<T> value = read(s);
  s.Reset();
  if (!value.ok()) return value.status();
  return std::optional<T>(std::move(value).value());
}

}  // namespace cse
