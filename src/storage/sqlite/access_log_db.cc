// File: storage/sqlite/access_log_db.cc

#include "storage/sqlite/access_log_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

#include "core/check.h"
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

using Stmt = SqliteStore::Stmt;

// The same columns as the main file's former table (migration 100), without the references
// to person and iv_d_case (not possible across files) and with checks in their place; and the
// segment's own record (one row: its number, its first id, its last id once sealed). A sealed
// segment refuses rows even from a program that does not know about segments.
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
CREATE TABLE IF NOT EXISTS access_log_segment (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  first_id INTEGER NOT NULL CHECK (first_id >= 1),
  last_id INTEGER CHECK (last_id IS NULL OR last_id >= first_id)
);
CREATE TRIGGER IF NOT EXISTS access_log_segment_sealed BEFORE UPDATE ON access_log_segment
WHEN OLD.last_id IS NOT NULL OR NEW.seq IS NOT OLD.seq OR NEW.first_id IS NOT OLD.first_id
BEGIN SELECT RAISE(ABORT, 'an access log segment is sealed once, and never changed'); END;
CREATE TRIGGER IF NOT EXISTS access_log_segment_kept BEFORE DELETE ON access_log_segment
BEGIN SELECT RAISE(ABORT, 'an access log segment keeps its record'); END;
CREATE TRIGGER IF NOT EXISTS access_log_sealed_insert BEFORE INSERT ON access_log
WHEN (SELECT last_id FROM access_log_segment) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'this access log segment is sealed; append to the next one'); END;
)sql";

// Prepares `sql` on `db`; our own SQL, so a failure is a bug.
std::unique_ptr<Stmt> PrepareOn(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  CSE_CHECK(rc == SQLITE_OK, sqlite3_errmsg(db));
  return std::make_unique<Stmt>(db, raw);
}

// Prepares `sql` on a segment file that may not be ours to trust (an archived one).
Result<std::unique_ptr<Stmt>> TryPrepareOn(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return Unavailable("store_io",
                       std::string("access log segment unreadable: ") + sqlite3_errmsg(db));
  }
  return std::make_unique<Stmt>(db, raw);
}

// Opens a segment file; `create` for the live one (with its settings), else an existing file
// only to read.
Result<sqlite3*> OpenFile(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Unavailable("store_io", "cannot open the access log '" + path + "': " + msg);
  }
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  if (!create) return raw;
  // 1 KB pages (set only when the file is new): each row lands on a random leaf of the
  // person index, so a commit writes about one page per row to the log and the checkpoint
  // writes it again; with 4 KB pages and 36,000 rows/s under the case load that was about
  // 150 MB/s. bench/http with a 10-million-row log, 3 paired runs: p99 41.7/46.4/41.6 ->
  // 39.0/38.7/41.2 ms, requests/s alike or better.
  // journal_size_limit: a log that grew under a long burst is cut back to 64 MB when it next
  // starts over, instead of keeping its largest size on disk.
  Status s = ExecOn(raw, "PRAGMA page_size=" + std::to_string(AccessLogDb::kPageBytes) +
                             "; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA journal_size_limit=67108864;");
  if (s.ok()) {
    s = ExecOn(raw, std::string("BEGIN IMMEDIATE;") + kSchema + "COMMIT;");
    if (!s.ok()) (void)ExecOn(raw, "ROLLBACK");
  }
  if (!s.ok()) {
    sqlite3_close(raw);
    return s.WithContext("access log '" + path + "'");
  }
  return raw;
}

struct SegmentMeta {
  int64_t seq = 0;
  int64_t first_id = 0;
  std::optional<int64_t> last_id;
};

// The segment's record; nullopt while a new file has none yet (or a file from before segments,
// not yet opened by a writer).
Result<std::optional<SegmentMeta>> ReadMeta(sqlite3* db) {
  ASSIGN_OR_RETURN(std::unique_ptr<Stmt> has,
                   TryPrepareOn(db,
                                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                                "'access_log_segment'"));
  ASSIGN_OR_RETURN(bool exists, has->Step());
  has.reset();
  if (!exists) return std::optional<SegmentMeta>();
  ASSIGN_OR_RETURN(std::unique_ptr<Stmt> s,
                   TryPrepareOn(db, "SELECT seq, first_id, last_id FROM access_log_segment"));
  return FirstRow<SegmentMeta>(*s, [](Stmt& r) -> Result<SegmentMeta> {
    SegmentMeta m{r.Int(0), r.Int(1), {}};
    if (!r.IsNull(2)) m.last_id = r.Int(2);
    return m;
  });
}

// Closes the connections opened for one call.
struct Closer {
  std::vector<sqlite3*> dbs;
  ~Closer() {
    for (sqlite3* db : dbs) sqlite3_close(db);
  }
};

Result<std::vector<AccessLogRow>> ListIn(sqlite3* db, PersonId person, int64_t after_id,
                                         int64_t limit) {
  // Two statements, so that one person's reads are found through access_log_person
  // (person_id, id) rather than by scanning the whole segment from `after_id`.
  ASSIGN_OR_RETURN(
      std::unique_ptr<Stmt> s,
      TryPrepareOn(db, person.valid()
                           ? "SELECT id, at, actor, person_id, case_id, route, request_id FROM "
                             "access_log WHERE id > ? AND person_id = ? ORDER BY person_id, id "
                             "LIMIT ?"
                           : "SELECT id, at, actor, person_id, case_id, route, request_id FROM "
                             "access_log WHERE id > ? ORDER BY id LIMIT ?"));
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

// The `at` of the row with the smallest (`last` false) or largest id; "" when none.
Result<std::string> EdgeAt(sqlite3* db, bool last) {
  ASSIGN_OR_RETURN(std::unique_ptr<Stmt> s,
                   TryPrepareOn(db, last ? "SELECT at FROM access_log ORDER BY id DESC LIMIT 1"
                                         : "SELECT at FROM access_log ORDER BY id LIMIT 1"));
  ASSIGN_OR_RETURN(
      std::optional<std::string> at,
      FirstRow<std::string>(*s, [](Stmt& r) -> Result<std::string> { return r.Text(0); }));
  return at.value_or("");
}

}  // namespace

std::string AccessLogDb::PathFor(const std::string& main_path) {
  if (main_path.empty() || main_path == ":memory:") return ":memory:";
  return main_path + "-access";
}

std::string AccessLogDb::SegmentPath(const std::string& main_path, int64_t seq) {
  CSE_CHECK(seq >= 1, "access log segments are numbered from 1");
  if (seq == 1 || PathFor(main_path) == ":memory:") return PathFor(main_path);
  std::string digits = std::to_string(seq);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return main_path + "-access-" + digits;
}

std::vector<std::pair<int64_t, std::string>> AccessLogDb::SegmentFiles(
    const std::string& main_path) {
  std::vector<std::pair<int64_t, std::string>> out;
  if (PathFor(main_path) == ":memory:") return out;
  const std::filesystem::path main(main_path);
  const std::filesystem::path dir =
      main.parent_path().empty() ? std::filesystem::path(".") : main.parent_path();
  const std::string first = main.filename().string() + "-access";
  const std::string prefix = first + "-";
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    int64_t seq = 0;
    if (name == first) {
      seq = 1;
    } else if (name.size() > prefix.size() && name.size() <= prefix.size() + 12 &&
               name.compare(0, prefix.size(), prefix) == 0 &&
               std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                           [](char c) { return c >= '0' && c <= '9'; })) {
      seq = std::stoll(name.substr(prefix.size()));
      // Only the spelling SegmentPath gives (not "-access-2" or "-access-000001").
      if (seq < 2 ||
          std::filesystem::path(SegmentPath(main_path, seq)).filename().string() != name) {
        continue;
      }
    } else {
      continue;
    }
    out.emplace_back(seq, SegmentPath(main_path, seq));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::unique_ptr<AccessLogDb>> AccessLogDb::Open(const std::string& main_path,
                                                       int64_t segment_rows) {
  if (segment_rows < 1) {
    return InvalidArgument("config_value_invalid", "access log segment rows: must be 1 or more");
  }
  std::unique_ptr<AccessLogDb> db(new AccessLogDb(main_path, segment_rows));
  const auto files = SegmentFiles(main_path);
  RETURN_IF_ERROR(db->OpenLive(files.empty() ? 1 : files.back().first, std::nullopt));
  return db;
}

AccessLogDb::~AccessLogDb() {
  for (Segment& s : retired_) sqlite3_close(s.db);
  sqlite3_close(live_.db);
}

bool AccessLogDb::in_memory() const { return PathFor(main_path_) == ":memory:"; }

Status AccessLogDb::OpenLive(int64_t seq, std::optional<int64_t> first_id) {
  while (true) {
    const std::string path = SegmentPath(main_path_, seq);
    ASSIGN_OR_RETURN(sqlite3 * raw, OpenFile(path, /*create=*/true));
    Segment seg{seq, 0, raw};
    // Closes `raw` on every early return; released once it becomes the live segment.
    Closer closer{{raw}};
    ASSIGN_OR_RETURN(std::optional<SegmentMeta> meta, ReadMeta(raw));
    if (!meta) {
      // A new file (or segment 1 from before segments): its first id follows the sealed
      // segment before it. Two processes creating it at once compute the same record.
      int64_t first = 1;
      if (first_id) {
        first = *first_id;
      } else if (seq > 1) {
        const std::string before = SegmentPath(main_path_, seq - 1);
        std::optional<SegmentMeta> prev;
        if (std::filesystem::exists(before)) {
          ASSIGN_OR_RETURN(sqlite3 * p, OpenFile(before, /*create=*/false));
          Closer prev_closer{{p}};
          ASSIGN_OR_RETURN(prev, ReadMeta(p));
        }
        if (!prev || !prev->last_id) {
          return FailedPrecondition(
              "access_log_segment_missing",
              "'" + path + "' has no record and '" + before +
                  "' is missing or not sealed: restore the segment files of the access log");
        }
        first = *prev->last_id + 1;
      }
      std::unique_ptr<Stmt> insert = PrepareOn(
          raw, "INSERT OR IGNORE INTO access_log_segment(only, seq, first_id) VALUES (1, ?, ?)");
      RETURN_IF_ERROR(insert->Bind(1, seq).Bind(2, first).Run().WithContext(path));
      insert.reset();
      ASSIGN_OR_RETURN(meta, ReadMeta(raw));
      if (!meta) return Unavailable("store_io", "'" + path + "': its record was not written");
    }
    if (meta->seq != seq) {
      return DataLoss("access_log_segment_mismatch",
                      "'" + path + "' records itself as segment " + std::to_string(meta->seq));
    }
    if (meta->last_id) {  // sealed: the next one
      first_id = *meta->last_id + 1;
      ++seq;
      continue;
    }
    if (autocheckpoint_ >= 0) {
      RETURN_IF_ERROR(ExecOn(raw, "PRAGMA wal_autocheckpoint=" + std::to_string(autocheckpoint_)));
    }
    closer.dbs.clear();
    seg.first_id = meta->first_id;
    live_ = seg;
    return Status::Ok();
  }
}

Status AccessLogDb::Advance(int64_t last_id) {
  const Segment old = live_;
  if (in_memory()) {
    retired_.push_back(old);
  } else {
    sqlite3_close(old.db);
  }
  // Until the next one opens, Append and CheckpointPassive retry it (EnsureLive).
  live_ = Segment{old.seq + 1, last_id + 1, nullptr};
  return OpenLive(old.seq + 1, last_id + 1);
}

Status AccessLogDb::EnsureLive() {
  if (live_.db != nullptr) return Status::Ok();
  return OpenLive(live_.seq, live_.first_id);
}

Status AccessLogDb::ExecForTesting(std::string_view sql) {
  RETURN_IF_ERROR(EnsureLive());
  return ExecOn(live_.db, sql);
}

Status AccessLogDb::Append(const std::vector<AccessLogRow>& rows) {
  if (rows.empty()) return Status::Ok();
  // Each pass either appends or moves to the next segment (sealed here or elsewhere).
  for (int pass = 0; pass < 4; ++pass) {
    RETURN_IF_ERROR(EnsureLive());
    sqlite3* db = live_.db;
    RETURN_IF_ERROR(ExecOn(db, "BEGIN IMMEDIATE"));
    auto rollback = [db](Status s) {
      (void)ExecOn(db, "ROLLBACK");
      return s;
    };
    std::optional<int64_t> sealed_at, max_id;
    {
      std::unique_ptr<Stmt> state =
          PrepareOn(db, "SELECT last_id, (SELECT max(id) FROM access_log) FROM access_log_segment");
      Result<bool> row = state->Step();
      if (!row.ok()) return rollback(row.status());
      if (!*row) return rollback(DataLoss("access_log_segment_mismatch", "segment record gone"));
      if (!state->IsNull(0)) sealed_at = state->Int(0);
      if (!state->IsNull(1)) max_id = state->Int(1);
    }
    if (sealed_at) {  // another process sealed it
      (void)rollback(Status::Ok());
      RETURN_IF_ERROR(Advance(*sealed_at));
      continue;
    }
    const int64_t next = max_id ? *max_id + 1 : live_.first_id;
    if (next - live_.first_id >= segment_rows_) {  // full: seal it, then the next one
      Status s = ExecOn(
          db, "UPDATE access_log_segment SET last_id = " + std::to_string(next - 1) + "; COMMIT;");
      if (!s.ok()) return rollback(s);
      RETURN_IF_ERROR(Advance(next - 1));
      continue;
    }
    std::unique_ptr<Stmt> insert = PrepareOn(
        db,
        "INSERT INTO access_log(id, at, actor, person_id, case_id, route, request_id) VALUES "
        "(?,?,?,?,?,?,?)");
    int64_t id = next;
    for (const AccessLogRow& r : rows) {
      insert->Reset();
      insert->Bind(1, id++).Bind(2, r.at).Bind(3, r.actor).Bind(4, r.person.value);
      if (r.case_id.valid()) insert->Bind(5, r.case_id.value);
      Status s = insert->Bind(6, r.route).Bind(7, r.request_id).Run();
      if (!s.ok()) {
        insert.reset();
        return rollback(s);
      }
    }
    insert.reset();
    Status committed = ExecOn(db, "COMMIT");
    if (!committed.ok()) return rollback(committed);
    return Status::Ok();
  }
  return Aborted("store_busy", "the access log kept moving to new segments; retry");
}

Result<std::vector<AccessLogDb::Segment>> AccessLogDb::ReadableSegments(
    std::vector<sqlite3*>& opened) {
  std::vector<Segment> out;
  if (in_memory()) {
    out = retired_;
    if (live_.db != nullptr) out.push_back(live_);
    return out;
  }
  for (const auto& [seq, path] : SegmentFiles(main_path_)) {
    if (live_.db != nullptr && seq == live_.seq) {
      out.push_back(live_);
      continue;
    }
    ASSIGN_OR_RETURN(sqlite3 * db, OpenFile(path, /*create=*/false));
    opened.push_back(db);
    out.push_back(Segment{seq, 0, db});
  }
  return out;
}

Result<std::vector<AccessLogRow>> AccessLogDb::List(PersonId person, int64_t after_id,
                                                    int64_t limit) {
  Closer closer;
  ASSIGN_OR_RETURN(std::vector<Segment> segments, ReadableSegments(closer.dbs));
  std::vector<AccessLogRow> out;
  for (const Segment& seg : segments) {
    const int64_t want = limit - static_cast<int64_t>(out.size());
    if (want <= 0) break;
    ASSIGN_OR_RETURN(std::optional<SegmentMeta> meta, ReadMeta(seg.db));
    if (!meta) continue;                                        // being created: no rows yet
    if (meta->last_id && *meta->last_id <= after_id) continue;  // all before the cursor
    ASSIGN_OR_RETURN(std::vector<AccessLogRow> rows, ListIn(seg.db, person, after_id, want));
    for (AccessLogRow& r : rows) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<AccessLogDb::SegmentInfo>> AccessLogDb::Segments() {
  Closer closer;
  ASSIGN_OR_RETURN(std::vector<Segment> segments, ReadableSegments(closer.dbs));
  std::vector<SegmentInfo> out;
  for (const Segment& seg : segments) {
    ASSIGN_OR_RETURN(std::optional<SegmentMeta> meta, ReadMeta(seg.db));
    if (!meta) continue;
    SegmentInfo info;
    info.seq = meta->seq;
    info.path = SegmentPath(main_path_, meta->seq);
    info.first_id = meta->first_id;
    info.last_id = meta->last_id;
    int64_t last = meta->first_id - 1;
    if (meta->last_id) {
      last = *meta->last_id;
    } else {
      ASSIGN_OR_RETURN(std::unique_ptr<Stmt> s,
                       TryPrepareOn(seg.db, "SELECT max(id) FROM access_log"));
      ASSIGN_OR_RETURN(std::optional<int64_t> max_id,
                       FirstRow<int64_t>(*s, [](Stmt& r) -> Result<int64_t> {
                         return r.IsNull(0) ? int64_t{0} : r.Int(0);
                       }));
      if (max_id && *max_id > 0) last = *max_id;
    }
    info.rows = last - meta->first_id + 1;
    ASSIGN_OR_RETURN(info.first_at, EdgeAt(seg.db, false));
    ASSIGN_OR_RETURN(info.last_at, EdgeAt(seg.db, true));
    out.push_back(std::move(info));
  }
  return out;
}

Status AccessLogDb::SetAutoCheckpoint(int64_t pages) {
  if (pages < 0) {
    return InvalidArgument("autocheckpoint_negative", "auto-checkpoint pages: must be 0 or more");
  }
  autocheckpoint_ = pages;
  RETURN_IF_ERROR(EnsureLive());
  return ExecOn(live_.db, "PRAGMA wal_autocheckpoint=" + std::to_string(pages));
}

Status AccessLogDb::CheckpointPassive() {
  RETURN_IF_ERROR(EnsureLive());
  // The server's checkpointer never appends: it learns of a rotation from the record.
  ASSIGN_OR_RETURN(std::optional<SegmentMeta> meta, ReadMeta(live_.db));
  if (meta && meta->last_id) RETURN_IF_ERROR(Advance(*meta->last_id));
  return CheckpointPassiveOn(live_.db);
}

}  // namespace cse
