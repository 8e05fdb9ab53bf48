// File: storage/sqlite/access_log_db.h
//
// The access log in a database file of its own, beside the main one (`<db>-access`). Every
// staff read of a person's record appends rows, and under load the HTTP server commits them
// every 1.5 ms (http/access_log.h). In the main file each of those commits would empty every
// reading connection's page cache (an SQLite connection drops its cache whenever the file's
// write-ahead log changed since its previous read), so each request read its pages again from
// the operating system; with the log in a file of its own the caches of the ledger's readers
// survive (bench/http, arrears, paired runs: 7,148 -> 8,471 and 6,724 -> 7,391 requests/s).
//
// The file is opened on its own connection, never ATTACHed to the main one: BEGIN IMMEDIATE
// takes the write lock of every attached file, so ledger writes and log commits would wait on
// each other. Rows cannot reference `person` across files (the ids come from the records the
// request has just read); CHECK constraints keep malformed rows out. A database is never
// created beside the access log of a removed one (SqliteStore::Open refuses,
// "access_log_orphaned").
//
// Thread-safety: one instance per thread, like SqliteStore.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/store.h"

struct sqlite3;

namespace cse {

class AccessLogDb {
 public:
  // `<main_path>-access`; ":memory:" for an in-memory main database (the log then lives as
  // long as the connection that opened it).
  static std::string PathFor(const std::string& main_path);

  // Opens (creating when missing) the access log of the main database at `main_path`.
  // Errors: unavailable "store_io".
  static Result<std::unique_ptr<AccessLogDb>> Open(const std::string& main_path);
  ~AccessLogDb();
  AccessLogDb(const AccessLogDb&) = delete;
  AccessLogDb& operator=(const AccessLogDb&) = delete;

  // Appends `rows` in one transaction: all of them or none.
  Status Append(const std::vector<AccessLogRow>& rows);
  // Rows with id > `after_id`, by id, at most `limit`; `person` 0 = every person.
  Result<std::vector<AccessLogRow>> List(PersonId person, int64_t after_id, int64_t limit);
  // See SqliteStore::SetAutoCheckpoint and CheckpointPassive.
  Status SetAutoCheckpoint(int64_t pages);
  Status CheckpointPassive();
  Status ExecForTesting(std::string_view sql);

 private:
  explicit AccessLogDb(sqlite3* db) : db_(db) {}
  Status Exec(std::string_view sql);

  sqlite3* db_;
};

}  // namespace cse
