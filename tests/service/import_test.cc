#include "service/import.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/limits.h"
#include "service/replay.h"
#include "testing/fault_store.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::ScratchDir;
using testing::World;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST(CsvTest, SplitsQuotedFields) {
  EXPECT_EQ(*SplitCsvLine("a,\"b,c\",\"d\"\"e\", f "),
            (std::vector<std::string>{"a", "b,c", "d\"e", "f"}));
  EXPECT_EQ(SplitCsvLine("a,\"b").status().reason(), "csv_quote_unbalanced");
}

TEST(ImportTest, BadRowInTheMiddleIsReportedByLineAndFieldAndGoodRowsPost) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  const ScratchDir dir("import");
  const std::string path = dir.path("mixed.csv");
  WriteFile(path,
            "key,case_id,amount,date,source\n"
            "r1,CASE-000001,100.00,2024-02-01,direct\n"
            "r2,CASE-000001,12.345,2024-02-02,direct\n"
            "r3,CASE-000001,-5,2024-02-03,direct\n"
            "r4,CASE-000001,1e3,2024-02-04,direct\n"
            "r5,CASE-000001,,2024-02-05,direct\n"
            "\n"
            "r6,CASE-000009,10.00,2024-02-06,direct\n"
            "r7,CASE-000001,10.00,2024-13-01,direct\n"
            "r8,CASE-000001,10.00,2024-02-08,cash\n"
            "r9,CASE-000001,10.00\n"
            "r1,CASE-000001,100.01,2024-02-01,direct\n"
            "r10,CASE-000001,200.00,2024-02-10,withholding\n");
  auto rep = ImportPaymentsCsv(w.store(), w.clock(), "tester", path, ImportMode::kCommitValid);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->rows, 11);
  EXPECT_EQ(rep->created, 2);
  EXPECT_EQ(rep->rejected, 9);
  ASSERT_EQ(rep->rejections.size(), 9u);
  struct Expect {
    int64_t line;
    const char* field;
    const char* reason;
  };
  const Expect expected[] = {{3, "amount", "amount_too_many_decimals"},
                             {4, "amount", "amount_negative"},
                             {5, "amount", "amount_malformed"},
                             {6, "amount", "amount_empty"},
                             {8, "case_id", "case_not_found"},
                             {9, "date", "date_malformed"},
                             {10, "source", "source_invalid"},
                             {11, "line", "csv_field_count"},
                             {12, "amount", "exists_with_different_amount"}};
  std::vector<ImportRejection> sorted = rep->rejections;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.line < b.line; });
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(sorted[i].line, expected[i].line);
    EXPECT_EQ(sorted[i].field, expected[i].field) << sorted[i].line;
    EXPECT_EQ(sorted[i].reason, expected[i].reason) << sorted[i].line;
  }
  EXPECT_EQ(*w.store().CountCollections(), 2);
  auto ledger = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 29));
  EXPECT_EQ(ledger->balance.paid.cents(), 30000);
  // Re-running the same file changes nothing: good rows answer exists.
  auto again = ImportPaymentsCsv(w.store(), w.clock(), "tester", path, ImportMode::kCommitValid);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->exists, 2);
  EXPECT_EQ(*w.store().CountCollections(), 2);
}

TEST(ImportTest, AllOrNothingWritesNothingWhenAnyRowIsBad) {
  World w;
  w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  const ScratchDir dir("import");
  const std::string path = dir.path("aon.csv");
  WriteFile(path,
            "source,date,amount,case_id,key\n"
            "direct,2024-02-01,100.00,1,a1\n"
            "direct,2024-02-02,100.00,CASE-000007,a2\n"
            "direct,2024-02-03,100.00,1,a3\n");
  auto rep = ImportPaymentsCsv(w.store(), w.clock(), "tester", path, ImportMode::kAllOrNothing);
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->committed);
  EXPECT_EQ(rep->rejected, 1);
  EXPECT_EQ(rep->rejections[0].line, 3);
  EXPECT_EQ(*w.store().CountCollections(), 0);
  // A parse error in all-or-nothing mode also posts nothing, and rule errors are still reported.
  WriteFile(path,
            "key,case_id,amount,date,source\n"
            "b1,1,100.00,2024-02-01,direct\n"
            "b2,1,abc,2024-02-01,direct\n"
            "b3,CASE-000008,1.00,2024-02-01,direct\n");
  rep = ImportPaymentsCsv(w.store(), w.clock(), "tester", path, ImportMode::kAllOrNothing);
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->committed);
  EXPECT_EQ(rep->rejected, 2);
  EXPECT_EQ(*w.store().CountCollections(), 0);
  // Fixed file: everything posts.
  WriteFile(path, "key,case_id,amount,date,source\nb1,1,100.00,2024-02-01,direct\n");
  rep = ImportPaymentsCsv(w.store(), w.clock(), "tester", path, ImportMode::kAllOrNothing);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->committed);
  EXPECT_EQ(*w.store().CountCollections(), 1);
}

TEST(ImportTest, FileLevelErrorsPostNothing) {
  World w;
  const ScratchDir dir("import");
  const std::string path = dir.path("header.csv");
  WriteFile(path, "key,case,amount,date,source\nx,1,1.00,2024-01-01,direct\n");
  EXPECT_EQ(ImportPaymentsCsv(w.store(), w.clock(), "t", path, ImportMode::kCommitValid)
                .status()
                .reason(),
            "csv_header_invalid");
  WriteFile(path, "");
  EXPECT_EQ(ImportPaymentsCsv(w.store(), w.clock(), "t", path, ImportMode::kCommitValid)
                .status()
                .reason(),
            "csv_header_invalid");
  // An unclosed quote in the header is a header problem, said as one (it was a bare
  // csv_quote_unbalanced, a per-row code, with no line).
  WriteFile(path, "key,\"case_id,amount,date,source\nX1,1,1,2024-04-01,direct\n");
  auto quoted = ImportPaymentsCsv(w.store(), w.clock(), "t", path, ImportMode::kCommitValid);
  EXPECT_EQ(quoted.status().reason(), "csv_header_invalid");
  EXPECT_NE(quoted.status().message().find("header (line 1)"), std::string::npos)
      << quoted.status().message();
  EXPECT_EQ(ImportPaymentsCsv(w.store(), w.clock(), "t", dir.path("missing.csv"),
                              ImportMode::kCommitValid)
                .status()
                .reason(),
            "file_not_found");
}

// A line over limits::kCsvLineBytesMax is refused by its length, and only as much of it as
// the check needs is kept in memory: the message gives its whole length in bytes, the rows
// around it post, and an overlong first line is no header.
TEST(ImportTest, AnOverlongLineIsRefusedByItsLengthAndTheRowsAroundItPost) {
  World w;
  w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  const ScratchDir dir("import");
  const std::string path = dir.path("long.csv");
  const std::string long_line = "x1,1,1.00,2024-02-02,direct," + std::string(5'000'000, 'z');
  const std::string spaces(limits::kCsvLineBytesMax + 10, ' ');
  WriteFile(path,
            "key,case_id,amount,date,source\n"
            "a1,1,10.00,2024-02-01,direct\n" +
                long_line + "\n" + spaces + "\n" + std::string(limits::kCsvLineBytesMax - 1, ' ') +
                "\n"                              // blank and within the limit: skipped
                "a2,1,20.00,2024-02-03,direct");  // no final newline
  auto rep = ImportPaymentsCsv(w.store(), w.clock(), "t", path, ImportMode::kCommitValid);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->created, 2);
  ASSERT_EQ(rep->rejections.size(), 2u);
  EXPECT_EQ(rep->rejections[0].line, 3);
  EXPECT_EQ(rep->rejections[0].reason, "csv_line_too_long");
  EXPECT_NE(rep->rejections[0].message.find(std::to_string(long_line.size()) + " bytes"),
            std::string::npos)
      << rep->rejections[0].message;
  EXPECT_EQ(rep->rejections[1].line, 4);
  EXPECT_EQ(rep->rejections[1].reason, "csv_line_too_long");
  EXPECT_EQ(*w.store().CountCollections(), 2);
  // An overlong first line, with a byte-order mark before it: not a header, its length named.
  WriteFile(path, "\xEF\xBB\xBF" + std::string(10'000, 'k') + "\na1,1,1.00,2024-02-01,direct\n");
  auto bad = ImportPaymentsCsv(w.store(), w.clock(), "t", path, ImportMode::kCommitValid);
  EXPECT_EQ(bad.status().reason(), "csv_header_invalid");
  EXPECT_NE(bad.status().message().find("10000 bytes"), std::string::npos)
      << bad.status().message();
}

// A long job's transactions leave other writers a gap of `pause` once they have held the lock
// for `hold` since the last such gap; work between transactions counts towards the gap.
// Before, the import's batches and the payment events' transactions followed each other
// within milliseconds, and a writer waiting in SQLite's busy handler (retrying every 100 ms)
// was refused after its 5 s timeout.
TEST(WritePacerTest, PausesOnceTheLockWasHeldLongEnoughCountingWorkBetween) {
  using std::chrono::milliseconds;
  using Clock = std::chrono::steady_clock;
  WritePacer pacer(milliseconds(60), milliseconds(30));
  const auto transaction = [&](milliseconds held) {
    pacer.BeforeBegin();
    std::this_thread::sleep_for(held);
    pacer.Committed();
  };
  auto start = Clock::now();
  transaction(milliseconds(5));  // the first: no wait
  transaction(milliseconds(5));  // 10 ms held in all: no pause yet
  EXPECT_LT(Clock::now() - start, milliseconds(55));
  EXPECT_EQ(pacer.slept_seconds(), 0.0);
  transaction(milliseconds(25));  // 35 ms held: the next begins 60 ms after this commit
  const auto committed = Clock::now();
  pacer.BeforeBegin();
  EXPECT_GE(Clock::now() - committed, milliseconds(59));
  EXPECT_GT(pacer.slept_seconds(), 0.05);
  pacer.Committed();
  // 40 ms held, then 70 ms of other work: the gap is already there, no sleep.
  transaction(milliseconds(40));
  const double slept = pacer.slept_seconds();
  std::this_thread::sleep_for(milliseconds(70));
  start = Clock::now();
  pacer.BeforeBegin();
  EXPECT_LT(Clock::now() - start, milliseconds(20));
  EXPECT_EQ(pacer.slept_seconds(), slept);
}

// A storage error part way through an import (a full disk, store_busy) says how many rows in
// how many batches were committed before it, and that running the file again posts the rest
// exactly once; `so_far` has the same counts. Before, only the store's error was printed,
// though earlier batches stayed committed (QA: 70,000 of 200,000 rows on a full tmpfs).
TEST(ImportTest, AStoreErrorPartWaySaysWhatWasCommittedAndTheRerunPostsTheRestOnce) {
  World w;
  w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  const ScratchDir dir("import");
  const std::string path = dir.path("fifty.csv");
  std::string text = "key,case_id,amount,date,source\n";
  for (int i = 0; i < 50; ++i) {
    text += "f" + std::to_string(i) + ",1,10.00,2024-02-" + (i % 28 < 9 ? "0" : "") +
            std::to_string(i % 28 + 1) + ",direct\n";
  }
  WriteFile(path, text);
  testing::FaultStore faulty(w.store());
  faulty.FailCollectionInsertAfter(25);  // in the third batch of 10
  ImportReport so_far;
  auto failed =
      ImportPaymentsCsv(faulty, w.clock(), "t", path, ImportMode::kCommitValid, 10, {}, &so_far);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().reason(), "store_io");
  const std::string& message = failed.status().message();
  EXPECT_NE(message.find("20 rows (20 posted, 0 already posted) in 2 batch(es) were committed"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("running the same file again posts the rest exactly once"),
            std::string::npos)
      << message;
  EXPECT_EQ(so_far.batches_committed, 2);
  EXPECT_EQ(so_far.created, 20);
  EXPECT_EQ(so_far.posted.size(), 20u);
  EXPECT_EQ(*w.store().CountCollections(), 20);
  // The rerun posts the other 30 once.
  auto rerun = ImportPaymentsCsv(w.store(), w.clock(), "t", path, ImportMode::kCommitValid, 10);
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->created, 30);
  EXPECT_EQ(rerun->exists, 20);
  EXPECT_EQ(rerun->batches_committed, 5);
  EXPECT_EQ(*w.store().CountCollections(), 50);
  // An error in the first batch: nothing was committed, and the message says so.
  const std::string other = dir.path("other.csv");
  WriteFile(other, "key,case_id,amount,date,source\ng1,1,10.00,2024-03-01,direct\n");
  faulty.FailCollectionInsertAfter(0);
  auto first = ImportPaymentsCsv(faulty, w.clock(), "t", other, ImportMode::kCommitValid, 10);
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("no batch was committed"), std::string::npos)
      << first.status().message();
  EXPECT_EQ(*w.store().CountCollections(), 50);
}

// Kill -9 in the middle of a real `opencse import payments` run, then run it again: every
// payment is posted exactly once, the totals are right and the audit replay agrees.
void KillNineMidFileThenRerun(int batch_rows) {
  const ScratchDir dir("import_crash");
  const std::string db = dir.path("crash" + std::to_string(batch_rows) + ".db");
  constexpr int kCases = 20;
  constexpr int kRows = 60000;
  {
    World w(db);
    for (int i = 0; i < kCases; ++i) {
      w.SimpleCase(w.Person("Obligor", std::to_string(i)), 40000 + i * 100, Date::Ymd(2020, 1, 1));
    }
  }
  const std::string csv = dir.path("crash" + std::to_string(batch_rows) + ".csv");
  int64_t total_cents = 0;
  {
    std::ofstream out(csv);
    out << "key,case_id,amount,date,source\n";
    for (int i = 0; i < kRows; ++i) {
      const int64_t cents = 1000 + (i * 37) % 50000;
      total_cents += cents;
      const Date d = Date::Ymd(2020, 1, 1).AddDays(i / 30);
      out << "crash-" << i << "," << (1 + i % kCases) << "," << Money::FromCents(cents).ToString()
          << "," << d.ToString() << "," << (i % 3 == 0 ? "withholding" : "direct") << "\n";
    }
  }
  const std::string rows_arg = std::to_string(batch_rows);
  auto run_import = [&]() -> pid_t {
    const pid_t pid = fork();
    if (pid == 0) {
      execl(OPENCSE_BINARY, OPENCSE_BINARY, "--db", db.c_str(), "--today", "2026-01-01", "import",
            "payments", csv.c_str(), "--batch-rows", rows_arg.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  };
  const pid_t victim = run_import();
  ASSERT_GT(victim, 0);
  int64_t seen = 0;
  for (int i = 0; i < 3000 && seen < kRows / 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto probe = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
    if (probe.ok()) {
      auto n = (*probe)->CountCollections();
      if (n.ok()) seen = *n;
    }
  }
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  int status = 0;
  waitpid(victim, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it could be killed";
  {
    auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    const int64_t partial = *(*store)->CountCollections();
    EXPECT_GT(partial, 0);
    EXPECT_LT(partial, kRows) << "killed too late to prove anything";
    EXPECT_EQ(partial % batch_rows, 0) << "a batch was committed in part";
  }
  const pid_t rerun = run_import();
  waitpid(rerun, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->CountCollections(), kRows);
  int64_t posted_cents = 0;
  for (int i = 1; i <= kCases; ++i) {
    auto cs = (*store)->ListCasesByObligor(PersonId{2 * i - 1});
    ASSERT_TRUE(cs.ok());
    auto rows = (*store)->ListCollectionsByObligor(PersonId{2 * i - 1});
    for (const StoredCollection& r : *rows) {
      posted_cents += r.collection.amount.cents();
      const Distribution& d = r.distribution;
      EXPECT_EQ(d.to_family + d.to_state + d.to_federal + d.held, r.collection.amount);
    }
  }
  EXPECT_EQ(posted_cents, total_cents);
  auto cmp = CompareReplayWithStore(**store);
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->mismatches, 0);
  EXPECT_EQ(cmp->collections, kRows);
}

// Batches under BulkPoster::kPipelineMinRows: every row posted one by one.
TEST(ImportCrashTest, KillNineMidFileThenRerunNeitherLosesNorDuplicates) {
  KillNineMidFileThenRerun(200);
}

// Pipelined batches: the inserting thread and the reading thread on the second connection
// are busy when the process dies.
TEST(ImportCrashTest, KillNineMidPipelinedBatchesThenRerunNeitherLosesNorDuplicates) {
  KillNineMidFileThenRerun(2000);
}

}  // namespace
}  // namespace cse
