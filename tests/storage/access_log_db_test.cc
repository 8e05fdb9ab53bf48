// The access log's segment files (storage/sqlite/access_log_db.h): rotation by row count, ids
// that keep increasing across files, reads across every segment, sealed segments that refuse
// rows, several writers that rotate at once, and the setting that sizes the segments.
#include "storage/sqlite/access_log_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "service/ledger_service.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

AccessLogRow Read(int64_t person, const std::string& request_id) {
  return AccessLogRow{0,        "2025-06-30T12:00:00Z", "cw",      PersonId{person},
                      CaseId{}, "GET /v1/persons/{id}", request_id};
}

std::vector<int64_t> Ids(const std::vector<AccessLogRow>& rows) {
  std::vector<int64_t> ids;
  for (const AccessLogRow& r : rows) ids.push_back(r.id);
  return ids;
}

class AccessLogDbTest : public ::testing::Test {
 protected:
  void SetUp() override { main_ = dir_.path("cases.db"); }

  std::unique_ptr<AccessLogDb> Open(int64_t rows) {
    auto db = AccessLogDb::Open(main_, rows);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  // Runs `sql` on one segment file directly, as another program would.
  int RawExec(const std::string& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    return rc;
  }

  testing::ScratchDir dir_{"access"};
  std::string main_;
};

TEST_F(AccessLogDbTest, SegmentsRotateByRowCountAndIdsKeepIncreasing) {
  auto log = Open(3);
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 7; ++i) {
    ASSERT_TRUE(log->Append({Read(100 + i % 2, "r" + std::to_string(i))}).ok());
  }
  EXPECT_EQ(log->live_segment(), 3);
  const auto files = AccessLogDb::SegmentFiles(main_);
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[0].second, main_ + "-access");
  EXPECT_EQ(files[1].second, main_ + "-access-000002");
  EXPECT_EQ(files[2].second, main_ + "-access-000003");

  auto segments = log->Segments();
  ASSERT_TRUE(segments.ok()) << segments.status().ToString();
  ASSERT_EQ(segments->size(), 3U);
  EXPECT_EQ((*segments)[0].first_id, 1);
  EXPECT_EQ((*segments)[0].last_id, std::optional<int64_t>(3));
  EXPECT_EQ((*segments)[0].rows, 3);
  EXPECT_EQ((*segments)[1].first_id, 4);
  EXPECT_EQ((*segments)[1].last_id, std::optional<int64_t>(6));
  EXPECT_EQ((*segments)[2].first_id, 7);
  EXPECT_FALSE((*segments)[2].last_id.has_value());  // the live one
  EXPECT_EQ((*segments)[2].rows, 1);
  EXPECT_EQ((*segments)[2].first_at, "2025-06-30T12:00:00Z");

  // Reads span every segment, by id; cursors and limits cross file boundaries.
  EXPECT_EQ(Ids(*log->List(PersonId{}, 0, 100)), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Ids(*log->List(PersonId{}, 2, 3)), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(Ids(*log->List(PersonId{}, 6, 100)), (std::vector<int64_t>{7}));
  EXPECT_EQ(Ids(*log->List(PersonId{101}, 0, 100)), (std::vector<int64_t>{1, 3, 5, 7}));
  EXPECT_EQ(Ids(*log->List(PersonId{100}, 2, 2)), (std::vector<int64_t>{4, 6}));
  EXPECT_EQ(log->List(PersonId{101}, 0, 100)->back().request_id, "r7");
  EXPECT_TRUE(log->List(PersonId{999}, 0, 100)->empty());
}

TEST_F(AccessLogDbTest, ABatchIsNeverSplitAcrossSegments) {
  auto log = Open(2);
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append({Read(1, "a"), Read(1, "b")}).ok());
  // The segment is full: the whole next batch goes to the next one.
  ASSERT_TRUE(log->Append({Read(2, "c"), Read(2, "d"), Read(2, "e")}).ok());
  auto segments = log->Segments();
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 2U);
  EXPECT_EQ((*segments)[0].rows, 2);
  EXPECT_EQ((*segments)[1].rows, 3);
  EXPECT_EQ((*segments)[1].first_id, 3);
  // A bad row fails its batch in the new segment too, and nothing of it is kept.
  EXPECT_EQ(log->Append({Read(3, "f"), Read(0, "g")}).reason(), "constraint_violation");
  EXPECT_EQ(Ids(*log->List(PersonId{}, 0, 100)), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  // The next good batch takes the next id: a failed batch leaves no gap.
  ASSERT_TRUE(log->Append({Read(3, "h")}).ok());
  EXPECT_EQ(log->List(PersonId{}, 5, 10)->front().id, 6);
}

TEST_F(AccessLogDbTest, ASealedSegmentRefusesRowsAndKeepsItsRecord) {
  auto log = Open(1);
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append({Read(1, "a")}).ok());
  ASSERT_TRUE(log->Append({Read(1, "b")}).ok());  // seals segment 1
  log.reset();
  const std::string first = main_ + "-access";
  // Even a program that knows nothing of segments cannot add to it, nor reopen it.
  EXPECT_EQ(RawExec(first,
                    "INSERT INTO access_log(at, actor, person_id, route, request_id) VALUES "
                    "('2025-07-01T00:00:00Z', 'x', 5, 'GET /', 'z')"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec(first, "UPDATE access_log_segment SET last_id = NULL"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec(first, "UPDATE access_log_segment SET last_id = 5"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec(first, "DELETE FROM access_log_segment"), SQLITE_CONSTRAINT);
  EXPECT_EQ(RawExec(first, "DELETE FROM access_log"), SQLITE_CONSTRAINT);
  // Reopened, the log continues in the live segment with the next id.
  log = Open(1);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->live_segment(), 2);
  ASSERT_TRUE(log->Append({Read(1, "c")}).ok());
  EXPECT_EQ(Ids(*log->List(PersonId{}, 0, 10)), (std::vector<int64_t>{1, 2, 3}));
}

// Two writers (the server and a command, say) share the log: whichever finds the live segment
// full seals it, the other moves on when it next appends, and no id is used twice.
TEST_F(AccessLogDbTest, TwoWritersRotateTogether) {
  auto a = Open(3);
  auto b = Open(3);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(a->Append({Read(1, "a" + std::to_string(i))}).ok());
    ASSERT_TRUE(b->Append({Read(2, "b" + std::to_string(i)), Read(2, "b")}).ok());
  }
  EXPECT_EQ(a->live_segment(), b->live_segment());
  auto reader = Open(3);
  ASSERT_NE(reader, nullptr);
  auto rows = reader->List(PersonId{}, 0, 1000);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 30U);
  for (size_t i = 0; i < rows->size(); ++i) EXPECT_EQ((*rows)[i].id, static_cast<int64_t>(i + 1));
  // Every sealed segment holds at least 3 rows and ids follow on between files.
  auto segments = reader->Segments();
  ASSERT_TRUE(segments.ok());
  int64_t next = 1;
  for (const AccessLogDb::SegmentInfo& s : *segments) {
    EXPECT_EQ(s.first_id, next);
    if (s.last_id) {
      EXPECT_GE(s.rows, 3);
    }
    next = s.first_id + s.rows;
  }
  EXPECT_EQ(next, 31);
}

// The server's checkpointer never appends; it follows the writer to the next segment.
TEST_F(AccessLogDbTest, TheCheckpointerFollowsARotationMadeElsewhere) {
  auto writer = Open(2);
  auto checkpointer = Open(2);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(checkpointer, nullptr);
  ASSERT_TRUE(checkpointer->SetAutoCheckpoint(0).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(writer->Append({Read(1, "x")}).ok());
  EXPECT_EQ(writer->live_segment(), 3);
  EXPECT_EQ(checkpointer->live_segment(), 1);
  ASSERT_TRUE(checkpointer->CheckpointPassive().ok());
  EXPECT_EQ(checkpointer->live_segment(), 3);
}

// A crash after a segment was sealed and before the next one had its record: the next opener
// creates the record from the sealed one. Without that one, it refuses rather than guess.
TEST_F(AccessLogDbTest, ANextSegmentWithoutItsRecordIsCompletedFromTheSealedOne) {
  auto log = Open(5);
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append({Read(1, "a"), Read(1, "b")}).ok());
  log.reset();
  // As if the sealing committed and the process died before creating segment 2.
  ASSERT_EQ(RawExec(main_ + "-access", "UPDATE access_log_segment SET last_id = 2"), SQLITE_OK);
  log = Open(5);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->live_segment(), 2);
  ASSERT_TRUE(log->Append({Read(1, "c")}).ok());
  EXPECT_EQ(Ids(*log->List(PersonId{}, 0, 10)), (std::vector<int64_t>{1, 2, 3}));
  log.reset();

  // Segment 3's file exists with no record, and segment 2 is gone (archived away too soon).
  ASSERT_EQ(RawExec(main_ + "-access-000002", "UPDATE access_log_segment SET last_id = 3"),
            SQLITE_OK);
  ASSERT_EQ(RawExec(main_ + "-access-000003", "CREATE TABLE placeholder(x)"), SQLITE_OK);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(main_ + "-access-000002" + suffix);
  }
  auto refused = AccessLogDb::Open(main_, 5);
  EXPECT_EQ(refused.status().reason(), "access_log_segment_missing");
}

TEST_F(AccessLogDbTest, SegmentFilesAreOnlyTheLogsOwnSpelling) {
  for (const char* name :
       {"cases.db-access", "cases.db-access-wal", "cases.db-access-shm", "cases.db-access-000002",
        "cases.db-access-000002-wal", "cases.db-access-2", "cases.db-access-000001",
        "other.db-access-000003", "cases.db-access-1234567"}) {
    std::ofstream(dir_.dir() / name) << "";
  }
  const auto files = AccessLogDb::SegmentFiles(main_);
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[0].first, 1);
  EXPECT_EQ(files[1].first, 2);
  EXPECT_EQ(files[2].first, 1234567);
  EXPECT_EQ(AccessLogDb::SegmentPath(main_, 1234567), main_ + "-access-1234567");
  EXPECT_TRUE(AccessLogDb::SegmentFiles(":memory:").empty());
}

TEST_F(AccessLogDbTest, InMemorySegmentsStayReadable) {
  auto db = AccessLogDb::Open(":memory:", 2);
  ASSERT_TRUE(db.ok());
  auto& log = *db;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append({Read(1 + i % 2, "m")}).ok());
  EXPECT_EQ(log->live_segment(), 3);
  EXPECT_EQ(Ids(*log->List(PersonId{}, 0, 10)), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(Ids(*log->List(PersonId{2}, 0, 10)), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(log->Segments()->size(), 3U);
}

TEST_F(AccessLogDbTest, TheSegmentSizeIsAStateSetting) {
  {
    auto store = SqliteStore::Open(main_, SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(store.ok());
    SystemClock clock;
    LedgerService service(**store, clock, "admin");
    EXPECT_EQ(service.SetConfig(kAccessLogSegmentRowsKey, "999").reason(), "config_value_invalid");
    EXPECT_EQ(service.SetConfig(kAccessLogSegmentRowsKey, "1e6").reason(), "config_value_invalid");
    auto before = service.ListConfig();
    ASSERT_TRUE(before.ok());
    EXPECT_NE(
        std::find(before->begin(), before->end(),
                  std::make_pair(std::string(kAccessLogSegmentRowsKey), std::string("1000000"))),
        before->end());
    ASSERT_TRUE(service.SetConfig(kAccessLogSegmentRowsKey, "1000").ok());
  }
  auto store = SqliteStore::Open(main_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  auto log = (*store)->AccessLog();
  ASSERT_TRUE(log.ok());
  std::vector<AccessLogRow> batch(1000, Read(4, "bulk"));
  ASSERT_TRUE((*log)->Append(batch).ok());
  ASSERT_TRUE((*log)->Append({Read(4, "next")}).ok());
  EXPECT_EQ((*log)->live_segment(), 2);
  EXPECT_EQ((*store)->ListAccessLog(PersonId{4}, 999, 10)->size(), 2U);

  // A value edited into the file by hand is refused, not guessed at.
  store->reset();
  ASSERT_EQ(RawExec(main_, "UPDATE settings SET value = 'lots' WHERE key = '" +
                               std::string(kAccessLogSegmentRowsKey) + "'"),
            SQLITE_OK);
  auto again = SqliteStore::Open(main_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->AccessLog().status().reason(), "config_value_invalid");
}

// A database created where only later segments of an old log remain is refused too.
TEST_F(AccessLogDbTest, ANewDatabaseBesideAnyOrphanedSegmentIsRefused) {
  std::ofstream(main_ + "-access-000004") << "";
  auto fresh = SqliteStore::Open(main_, SqliteStore::OpenMode::kCreate);
  EXPECT_EQ(fresh.status().reason(), "access_log_orphaned");
  EXPECT_NE(fresh.status().message().find(main_ + "-access-000004"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(main_));
}

}  // namespace
}  // namespace cse
