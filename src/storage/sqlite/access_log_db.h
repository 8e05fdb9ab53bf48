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
// The log is kept in numbered segment files so that the one the server appends to stays
// small: `<db>-access` is segment 1 and `<db>-access-000002`, `-000003`, ... follow. Once the
// live (highest) segment holds `segment_rows` rows (the setting access_log.segment_rows,
// default 1,000,000), the next append seals it (its last id recorded in its
// access_log_segment row, in the same write transaction that would have added rows) and
// starts the next file, whose ids continue from there. A sealed segment is never written
// again, so an agency can archive it; List and Segments read every segment file present, in
// order. Why: each row lands at a random place of the person index, so the cost of a commit
// and the tail latency of every read that waits for it grow with the live file (bench/http:
// arrears p99 60-156 ms with a 2.8 GB log, 38 ms with a fresh one, same minutes;
// docs/API.md, Performance). A writer that finds its segment sealed by another process moves
// on to the next; creating a segment is idempotent (its first id is derived from the sealed
// one), so two processes that rotate at once agree.
//
// Thread-safety: one instance per thread, like SqliteStore.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/store.h"

struct sqlite3;

namespace cse {

class AccessLogDb {
 public:
  static constexpr int64_t kDefaultSegmentRows = kAccessLogSegmentRowsDefault;
  static constexpr int64_t kMinSegmentRows = kAccessLogSegmentRowsMin;
  static constexpr int64_t kMaxSegmentRows = kAccessLogSegmentRowsMax;
  // The page size of a segment created from now on (older ones keep theirs).
  static constexpr int64_t kPageBytes = 1024;

  // Segment 1: `<main_path>-access`; ":memory:" for an in-memory main database (the log then
  // lives as long as the connection that opened it).
  static std::string PathFor(const std::string& main_path);
  // Segment `seq` (1 or more): PathFor for 1, else `<main_path>-access-` and at least 6 digits.
  static std::string SegmentPath(const std::string& main_path, int64_t seq);
  // The segment files present beside `main_path`, by number (none for ":memory:").
  static std::vector<std::pair<int64_t, std::string>> SegmentFiles(const std::string& main_path);

  // Opens (creating when missing) the live segment of the access log of the main database at
  // `main_path`. `segment_rows`: see above; tests may pass less than kMinSegmentRows (at
  // least 1). Errors: unavailable "store_io"; failed_precondition "access_log_segment_missing"
  // (a segment file was removed while the one after it was being created).
  static Result<std::unique_ptr<AccessLogDb>> Open(const std::string& main_path,
                                                   int64_t segment_rows = kDefaultSegmentRows);
  ~AccessLogDb();
  AccessLogDb(const AccessLogDb&) = delete;
  AccessLogDb& operator=(const AccessLogDb&) = delete;

  // Appends `rows` in one transaction of the live segment: all of them or none. Ids increase
  // across segments.
  Status Append(const std::vector<AccessLogRow>& rows);
  // Rows with id > `after_id`, by id, at most `limit`, from every segment; `person` 0 = every
  // person.
  Result<std::vector<AccessLogRow>> List(PersonId person, int64_t after_id, int64_t limit);

  struct SegmentInfo {
    int64_t seq = 0;
    std::string path;
    int64_t first_id = 0;
    std::optional<int64_t> last_id;  // set once sealed
    int64_t rows = 0;
    std::string first_at, last_at;  // of its first and last row ("" when empty)
  };
  // Every segment, by number.
  Result<std::vector<SegmentInfo>> Segments();
  // The number of the segment this connection appends to.
  int64_t live_segment() const { return live_.seq; }

  // See SqliteStore::SetAutoCheckpoint (kept for the segments opened later) and
  // CheckpointPassive (of the live segment, following a rotation made elsewhere).
  Status SetAutoCheckpoint(int64_t pages);
  Status CheckpointPassive();
  // Runs `sql` on the live segment.
  Status ExecForTesting(std::string_view sql);

 private:
  struct Segment {
    int64_t seq = 0;
    int64_t first_id = 0;
    sqlite3* db = nullptr;
  };
  AccessLogDb(std::string main_path, int64_t segment_rows)
      : main_path_(std::move(main_path)), segment_rows_(segment_rows) {}
  bool in_memory() const;
  // Opens segment `seq` (or the first unsealed one after it) as the live segment; `first_id`
  // when known (after sealing the one before), else read or derived from the one before.
  Status OpenLive(int64_t seq, std::optional<int64_t> first_id);
  // Leaves the sealed live segment (last id `last_id`) for the next one.
  Status Advance(int64_t last_id);
  // Opens the live segment again after Advance failed to (a full disk, say).
  Status EnsureLive();
  // The segments to read, oldest first, each with its connection: the live one, those kept
  // in memory, and the other files opened for the call (closed by the caller via `opened`).
  Result<std::vector<Segment>> ReadableSegments(std::vector<sqlite3*>& opened);

  std::string main_path_;
  int64_t segment_rows_;
  int64_t autocheckpoint_ = -1;  // -1: SQLite's default
  Segment live_;
  std::vector<Segment> retired_;  // sealed in-memory segments (":memory:" only)
};

}  // namespace cse
