// BulkPoster: the batch transaction runs without the store's foreign-key probes
// (Store::BeginWithoutForeignKeyChecks), so every reference it inserts must come from a case
// it has read; these tests pin the cases where a cached read could be stale.
#include "service/bulk_poster.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "core/limits.h"
#include "ledger/codec.h"
#include "service/audit.h"
#include "service/case_closure.h"
#include "service/json.h"
#include "service/replay.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::ScratchDir;
using testing::World;

PaymentRequest Payment(const std::string& key, CaseId c, int64_t cents, Date date) {
  return PaymentRequest{key, c, Money::FromCents(cents), date, PaymentSource::kDirect};
}

TEST(BulkPosterTest, UnknownCaseIsRejectedAndNothingOrphanedIsStored) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  BulkPoster poster(w.store(), w.clock(), "tester");
  auto r = poster.PostBatch({Payment("u1", c, 1000, Date::Ymd(2024, 2, 1)),
                             Payment("u2", CaseId{c.value + 40}, 1000, Date::Ymd(2024, 2, 1))},
                            BatchMode::kCommitValid, "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->created, 1);
  ASSERT_EQ(r->rejected, 1);
  EXPECT_EQ(r->outcomes[1].error.reason(), "case_not_found");
  EXPECT_EQ(*w.store().CountCollections(), 1);
}

// A case read by a batch nested in a caller's transaction disappears when that transaction
// rolls back; the next (unchecked) batch must read it again rather than trust its cache.
TEST(BulkPosterTest, CaseCachedInsideARolledBackTransactionIsReadAgain) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  BulkPoster poster(w.store(), w.clock(), "tester");
  ASSERT_TRUE(poster
                  .PostBatch({Payment("k1", c, 1000, Date::Ymd(2024, 2, 1))},
                             BatchMode::kCommitValid, "test")
                  ->committed);

  ASSERT_TRUE(w.store().Begin().ok());
  const CaseId gone = w.StoreOnlyCase("Temp");
  // Nested batch: reads (and caches) the temporary case; its only row reuses key k1, so
  // nothing is posted and the ledger generation does not move.
  auto nested = poster.PostBatch({Payment("k1", gone, 1000, Date::Ymd(2024, 2, 1))},
                                 BatchMode::kCommitValid, "test");
  ASSERT_TRUE(nested.ok()) << nested.status().ToString();
  EXPECT_EQ(nested->created, 0);
  w.store().Rollback();  // the temporary case is gone

  auto after = poster.PostBatch({Payment("k2", gone, 1000, Date::Ymd(2024, 2, 2))},
                                BatchMode::kCommitValid, "test");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->created, 0);
  ASSERT_EQ(after->rejected, 1);
  EXPECT_EQ(after->outcomes[0].error.reason(), "case_not_found");
  EXPECT_EQ(*w.store().CountCollections(), 1);
}

// Rows in distribution_history: one per re-distributed collection.
int64_t HistoryRows(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM distribution_history", -1, &s, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW) {
    n = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

// Twelve cases over eight obligors (two obligors hold two cases, one holds three).
std::vector<CaseId> MakeCases(World& w) {
  std::vector<CaseId> cases;
  for (int o = 0; o < 8; ++o) {
    const PersonId obligor = w.Person("Obligor", std::to_string(o));
    const int n = o == 0 ? 3 : (o == 1 || o == 2) ? 2 : 1;
    for (int k = 0; k < n; ++k) {
      cases.push_back(w.SimpleCase(obligor, 20000 + 1000 * (o + k), Date::Ymd(2023, 6, 1)));
    }
  }
  return cases;
}

// Two file-backed worlds built alike, with MakeCases' twelve cases (`cases`), whose files are
// removed when the test ends: one posts the way under test, the other the reference way.
struct TwoWorlds {
  explicit TwoWorlds(const std::string& name)
      : dir("bulk"),
        path_a(dir.path(name + "a.db")),
        path_b(dir.path(name + "b.db")),
        a(path_a),
        b(path_b),
        cases(MakeCases(a)) {
    EXPECT_EQ(MakeCases(b), cases);
  }
  ScratchDir dir;  // removed after the worlds have closed their files
  std::string path_a;
  std::string path_b;
  World a;
  World b;
  std::vector<CaseId> cases;
};

// Compares every obligor's stored collections (ids, keys, distributions) in two worlds built
// alike; returns how many were compared.
int64_t CompareCollections(World& a, World& b) {
  int64_t compared = 0;
  for (int64_t person = 1; person <= 40; ++person) {
    auto in_a = a.store().ListCollectionsByObligor(PersonId{person});
    auto in_b = b.store().ListCollectionsByObligor(PersonId{person});
    EXPECT_TRUE(in_a.ok() && in_b.ok());
    if (!in_a.ok() || !in_b.ok()) return -1;
    EXPECT_EQ(in_a->size(), in_b->size()) << person;
    for (size_t k = 0; k < std::min(in_a->size(), in_b->size()); ++k) {
      const StoredCollection& x = (*in_a)[k];
      const StoredCollection& y = (*in_b)[k];
      EXPECT_EQ(x.collection.id, y.collection.id);
      EXPECT_EQ(x.collection.idempotency_key, y.collection.idempotency_key);
      EXPECT_EQ(x.distribution.to_family, y.distribution.to_family);
      EXPECT_EQ(x.distribution.held, y.distribution.held);
      EXPECT_EQ(EncodeLines(x.distribution.lines), EncodeLines(y.distribution.lines))
          << x.collection.idempotency_key;
      ++compared;
    }
  }
  return compared;
}

// Posts `rows` in committed batches of 100, under kPipelineMinRows, so every row takes the
// one-by-one path and every ledger is read obligor by obligor; the outcomes in row order (a
// batch that fails adds a test failure and ends the posting).
std::vector<RowOutcome> PostInSmallBatches(BulkPoster& poster,
                                           const std::vector<PaymentRequest>& rows) {
  std::vector<RowOutcome> outcomes;
  for (size_t lo = 0; lo < rows.size(); lo += 100) {
    const auto end = static_cast<std::ptrdiff_t>(std::min(rows.size(), lo + 100));
    const std::vector<PaymentRequest> part(rows.begin() + static_cast<std::ptrdiff_t>(lo),
                                           rows.begin() + end);
    auto r = poster.PostBatch(part, BatchMode::kCommitValid, "small");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) break;
    outcomes.insert(outcomes.end(), r->outcomes.begin(), r->outcomes.end());
  }
  return outcomes;
}

// The audit chain verifies, and replaying it reproduces the `collections` stored collections
// with no mismatch.
void ExpectAuditVerifiesAndReplays(Store& store, int64_t collections) {
  auto verified = VerifyAuditChain(store);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact);
  auto replay = CompareReplayWithStore(store);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->collections, collections);
  EXPECT_EQ(replay->mismatches, 0) << (replay->problems.empty() ? "" : replay->problems[0]);
}

// 1,500 rows (several pipeline chunks) with every kind of outcome in them: resubmissions with
// the same and with different fields (also inside one chunk), a backdated payment, an unknown
// case and an invalid amount.
std::vector<PaymentRequest> MixedRows(const std::vector<CaseId>& cases) {
  std::vector<PaymentRequest> rows;
  for (int i = 0; i < 1500; ++i) {
    const CaseId c = cases[static_cast<size_t>(i * 7 % 12)];
    rows.push_back(Payment("m" + std::to_string(i), c, 1000 + (i * 37 % 5000),
                           Date::Ymd(2024, 1, 1).AddDays(i / 3)));
  }
  rows[1300] = rows[10];  // same fields: exists
  rows[1400] = rows[20];  // different amount: rejected
  rows[1400].amount = Money::FromCents(rows[20].amount.cents() + 1);
  rows[900].date = Date::Ymd(2024, 1, 5);   // backdated: re-distribution
  rows[1000].case_id = CaseId{999};         // unknown case
  rows[1100].amount = Money::FromCents(0);  // invalid amount
  rows[1201] = rows[1198];                  // the same key twice in one chunk
  return rows;
}

// The pipelined batch (checks and distribution on one thread, inserts on another) stores
// exactly what posting the rows one per batch stores, with the same outcomes, and its audit
// row verifies and replays.
TEST(BulkPosterTest, PipelinedBatchMatchesOneRowAtATime) {
  TwoWorlds worlds("");
  auto& [scratch, path_a, path_b, a, b, cases] = worlds;
  const std::vector<PaymentRequest> rows = MixedRows(cases);

  BulkPoster pa(a.store(), a.clock(), "tester");
  auto dry = pa.PostBatch(rows, BatchMode::kDryRun, "dry");
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(*a.store().CountCollections(), 0);
  auto aon = pa.PostBatch(rows, BatchMode::kAllOrNothing, "aon");
  ASSERT_TRUE(aon.ok()) << aon.status().ToString();
  EXPECT_FALSE(aon->committed);
  EXPECT_EQ(*a.store().CountCollections(), 0);
  auto batch = pa.PostBatch(rows, BatchMode::kCommitValid, "all");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->committed);

  BulkPoster pb(b.store(), b.clock(), "tester");
  std::vector<RowOutcome> one_by_one;
  for (const PaymentRequest& r : rows) {
    auto one = pb.PostBatch({r}, BatchMode::kCommitValid, "one");
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    one_by_one.push_back(one->outcomes[0]);
  }

  ASSERT_EQ(batch->outcomes.size(), rows.size());
  EXPECT_EQ(batch->exists, 2);
  EXPECT_EQ(batch->rejected, 3);
  EXPECT_EQ(batch->created, 1495);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(batch->outcomes[i].kind, one_by_one[i].kind) << i;
    EXPECT_EQ(batch->outcomes[i].id, one_by_one[i].id) << i;
    EXPECT_EQ(batch->outcomes[i].error.reason(), one_by_one[i].error.reason()) << i;
    // The dry run answered the same outcomes.
    EXPECT_EQ(dry->outcomes[i].kind, one_by_one[i].kind) << i;
  }
  EXPECT_EQ(batch->outcomes[1400].error.reason(), "exists_with_different_amount");
  EXPECT_EQ(batch->outcomes[1000].error.reason(), "case_not_found");

  EXPECT_EQ(CompareCollections(a, b), 1495);

  // Only the backdated row re-distributed anything (its obligor's later collections), as
  // when posting one row at a time.
  EXPECT_GT(HistoryRows(path_b), 0);
  EXPECT_EQ(HistoryRows(path_a), HistoryRows(path_b));

  ExpectAuditVerifiesAndReplays(a.store(), 1495);
}

// A resubmitted key early in a long batch: its conflict stops the inserts while later chunks
// are already checked, distributed and queued for the inserting thread. Those chunks are
// dropped, their obligors' ledgers (which applied rows never stored) are forgotten, and the
// rows from the conflict on are posted one by one: the result is that of posting the rows in
// small batches that never take the pipelined path.
TEST(BulkPosterTest, KeyConflictWithChunksQueuedBehindItMatchesSmallBatches) {
  TwoWorlds worlds("q");
  auto& [scratch, path_a, path_b, a, b, cases] = worlds;
  std::vector<PaymentRequest> rows;
  for (int i = 0; i < 4000; ++i) {
    rows.push_back(Payment("q" + std::to_string(i), cases[static_cast<size_t>(i * 5 % 12)],
                           1500 + (i * 53 % 4000), Date::Ymd(2024, 1, 1).AddDays(i / 8)));
  }
  // The same fields as the row before it (same date, so not backdated): its key conflicts in
  // the inserting thread, with later chunks queued. Answers exists.
  rows[601] = rows[600];

  BulkPoster pa(a.store(), a.clock(), "tester");
  auto batch = pa.PostBatch(rows, BatchMode::kCommitValid, "all");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->created, 3999);
  EXPECT_EQ(batch->exists, 1);
  EXPECT_EQ(batch->rejected, 0);

  BulkPoster pb(b.store(), b.clock(), "tester");
  const std::vector<RowOutcome> small = PostInSmallBatches(pb, rows);
  ASSERT_EQ(small.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(batch->outcomes[i].kind, small[i].kind) << i;
    EXPECT_EQ(batch->outcomes[i].id, small[i].id) << i;
  }
  EXPECT_EQ(batch->outcomes[601].kind, RowOutcome::Kind::kExists);
  EXPECT_EQ(batch->outcomes[601].id, batch->outcomes[600].id);
  EXPECT_EQ(CompareCollections(a, b), 3999);
  // As in the small batches, no stored collection was re-distributed.
  EXPECT_EQ(HistoryRows(path_b), 0);
  EXPECT_EQ(HistoryRows(path_a), 0);

  ExpectAuditVerifiesAndReplays(a.store(), 3999);
}

// A file posted again (an interrupted import re-run), with rows changed and added, in three
// batches of one poster. The first meets a stored key on its first row; from there PostOne
// looks each key up before applying the row to its obligor's ledger (Prepare's
// key_lookup_first). The batches after it decide the rows whose keys are stored first, one
// lookup each, and post the others pipelined (PostPipelinedAfterStoredKeys): the second
// leaves one new row, the third 299 new rows with a key repeated and a backdated payment
// among them. Every row gets the outcome it gets from a fresh poster that posts it alone, the
// stored collections are the same, and a key stored with other fields still fails the row's
// own checks first.
TEST(BulkPosterTest, ARerunFileLooksKeysUpFirstAndAnswersAsAFreshPosterPerRow) {
  TwoWorlds worlds("r");
  auto& [scratch, path_a, path_b, a, b, cases] = worlds;
  const std::vector<PaymentRequest> history = MixedRows(cases);
  for (World* w : {&a, &b}) {
    BulkPoster first(w->store(), w->clock(), "tester");
    auto posted = first.PostBatch(history, BatchMode::kCommitValid, "history");
    ASSERT_TRUE(posted.ok()) << posted.status().ToString();
    ASSERT_EQ(posted->created, 1495);
  }
  std::vector<PaymentRequest> rerun(history.begin(), history.begin() + 1200);
  for (size_t at : {size_t{300}, size_t{800}}) {  // in the first batch and in the second
    rerun[at].amount = Money::FromCents(rerun[at].amount.cents() + 5);  // stored, other amount
    rerun[at + 1].source = PaymentSource::kTaxOffset;                   // stored, other source
    rerun[at + 2].amount = Money::FromCents(0);  // stored key, invalid amount: its own error
    rerun[at + 3].case_id = CaseId{999};         // stored key, unknown case: case_not_found
    rerun[at + 4].date = Date::Ymd(2099, 1, 1);  // stored key, date after today
    rerun[at + 5].key = "rerun-new-" + std::to_string(at + 5);  // a new payment among them,
    rerun[at + 5].date = rerun[at - 1].date;                    // not backdated
  }
  // The third batch: 40 stored keys, then 300 new payments after the history's last date, one
  // of them a resubmission of the row before it and one backdated.
  for (size_t k = 0; k < 40; ++k) rerun.push_back(history[k * 7]);
  for (int i = 0; i < 300; ++i) {
    rerun.push_back(Payment("rerun-tail-" + std::to_string(i), cases[static_cast<size_t>(i % 12)],
                            2000 + i, Date::Ymd(2025, 6, 1).AddDays(i / 3)));
  }
  rerun[1200 + 40 + 150] = rerun[1200 + 40 + 149];
  rerun[1200 + 40 + 200].date = Date::Ymd(2025, 1, 1);
  const size_t kBatch1 = 600, kBatch2 = 1200;

  BulkPoster pa(a.store(), a.clock(), "tester");
  std::vector<RowOutcome> batched;
  int64_t created = 0;
  for (auto [from, to] :
       {std::pair<size_t, size_t>{0, kBatch1}, {kBatch1, kBatch2}, {kBatch2, rerun.size()}}) {
    const std::vector<PaymentRequest> rows(rerun.begin() + static_cast<ptrdiff_t>(from),
                                           rerun.begin() + static_cast<ptrdiff_t>(to));
    auto batch = pa.PostBatch(rows, BatchMode::kCommitValid, "rerun");
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_EQ(batch->outcomes.size(), rows.size());
    batched.insert(batched.end(), batch->outcomes.begin(), batch->outcomes.end());
    created += batch->created;
  }

  std::vector<RowOutcome> alone;
  for (const PaymentRequest& r : rerun) {
    BulkPoster fresh(b.store(), b.clock(), "tester");  // has met no stored key
    auto one = fresh.PostBatch({r}, BatchMode::kCommitValid, "one");
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    alone.push_back(one->outcomes[0]);
  }
  for (size_t i = 0; i < rerun.size(); ++i) {
    EXPECT_EQ(batched[i].kind, alone[i].kind) << i;
    EXPECT_EQ(batched[i].id, alone[i].id) << i;
    EXPECT_EQ(batched[i].error.reason(), alone[i].error.reason()) << i;
  }
  EXPECT_EQ(created, 2 + 299);
  EXPECT_EQ(batched[0].kind, RowOutcome::Kind::kExists);
  for (size_t at : {size_t{300}, size_t{800}}) {
    EXPECT_EQ(batched[at].error.reason(), "exists_with_different_amount") << at;
    EXPECT_EQ(batched[at + 1].error.reason(), "exists_with_different_source") << at;
    EXPECT_FALSE(batched[at + 2].error.reason().empty()) << at;
    EXPECT_NE(batched[at + 2].error.reason().rfind("exists", 0), 0U) << at;
    EXPECT_EQ(batched[at + 3].error.reason(), "case_not_found") << at;
    EXPECT_FALSE(batched[at + 4].error.reason().empty()) << at;
    EXPECT_NE(batched[at + 4].error.reason().rfind("exists", 0), 0U) << at;
    EXPECT_EQ(batched[at + 5].kind, RowOutcome::Kind::kCreated) << at;
  }
  EXPECT_EQ(batched[1000].error.reason(), "case_not_found");  // as in the history
  EXPECT_EQ(batched[kBatch2].kind, RowOutcome::Kind::kExists);
  EXPECT_EQ(batched[kBatch2 + 40 + 150].kind, RowOutcome::Kind::kExists);
  EXPECT_EQ(batched[kBatch2 + 40 + 150].id, batched[kBatch2 + 40 + 149].id);
  EXPECT_EQ(batched[kBatch2 + 40 + 200].kind, RowOutcome::Kind::kCreated);

  EXPECT_EQ(CompareCollections(a, b), 1495 + 2 + 299);
  EXPECT_GT(HistoryRows(path_a), 0);  // the backdated payment re-distributed later ones
  EXPECT_EQ(HistoryRows(path_a), HistoryRows(path_b));
  ExpectAuditVerifiesAndReplays(a.store(), 1495 + 2 + 299);
}

// A large batch into stored history: its cases and ledgers are read up front with list reads
// (BulkPoster::Prefetch), from collections already stored, one of them reversed. The result is
// that of 100-row batches, whose ledgers are read obligor by obligor (LedgerFor).
TEST(BulkPosterTest, PrefetchedLedgersOverStoredHistoryMatchPerObligorReads) {
  TwoWorlds worlds("p");
  auto& [scratch, path_a, path_b, a, b, cases] = worlds;
  std::vector<PaymentRequest> rows;
  for (int i = 0; i < 3000; ++i) {
    rows.push_back(Payment("h" + std::to_string(i), cases[static_cast<size_t>(i * 7 % 12)],
                           900 + (i * 71 % 6000), Date::Ymd(2024, 1, 1).AddDays(i / 6)));
  }
  const std::vector<PaymentRequest> history(rows.begin(), rows.begin() + 1000);
  const std::vector<PaymentRequest> file(rows.begin() + 1000, rows.end());
  for (World* w : {&a, &b}) {
    BulkPoster first(w->store(), w->clock(), "tester");
    const std::vector<RowOutcome> posted = PostInSmallBatches(first, history);
    ASSERT_EQ(posted.size(), history.size());
    for (const RowOutcome& o : posted) ASSERT_EQ(o.kind, RowOutcome::Kind::kCreated);
    ASSERT_TRUE(w->service().ReversePayment("h500", Date::Ymd(2024, 4, 1), "NSF").ok());
  }

  BulkPoster pa(a.store(), a.clock(), "tester");  // cold caches: everything is prefetched
  auto big = pa.PostBatch(file, BatchMode::kCommitValid, "file");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->created, 2000);
  BulkPoster pb(b.store(), b.clock(), "tester");
  const std::vector<RowOutcome> small = PostInSmallBatches(pb, file);
  ASSERT_EQ(small.size(), file.size());
  for (size_t i = 0; i < file.size(); ++i) EXPECT_EQ(small[i].id, big->outcomes[i].id) << i;
  EXPECT_EQ(CompareCollections(a, b), 3000);
  auto replay = CompareReplayWithStore(a.store());
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->mismatches, 0) << (replay->problems.empty() ? "" : replay->problems[0]);
}

// A batch that posts more than limits::kAuditPostingsPerRowMax payments (an all-or-nothing
// file is one batch) lists them in several import.batch audit rows of at most that many, in
// posting order, in the batch's transaction; the chain verifies and replays.
TEST(BulkPosterTest, LargeBatchSplitsItsAuditIntoRowsOfAtMostTheLimit) {
  World w;
  const std::vector<CaseId> cases = MakeCases(w);
  const int64_t per_row = limits::kAuditPostingsPerRowMax;
  const int64_t total = 2 * per_row + per_row / 2;
  std::vector<PaymentRequest> rows;
  for (int64_t i = 0; i < total; ++i) {
    rows.push_back(Payment("big" + std::to_string(i), cases[static_cast<size_t>(i % 12)],
                           500 + i % 300,
                           Date::Ymd(2024, 1, 1).AddDays(static_cast<int32_t>(i / 60))));
  }
  BulkPoster poster(w.store(), w.clock(), "tester");
  auto r = poster.PostBatch(rows, BatchMode::kAllOrNothing, "big.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->committed);
  EXPECT_EQ(r->created, total);

  std::vector<int64_t> counts;
  std::vector<int64_t> first_ids;
  ASSERT_TRUE(w.store()
                  .ScanAuditByAction("import.batch",
                                     [&](const AuditRow& row) -> Status {
                                       const Json after = Json::parse(row.after);
                                       EXPECT_EQ(after["source"], "big.csv");
                                       EXPECT_EQ(row.entity_id, "big.csv");
                                       counts.push_back(after["count"].get<int64_t>());
                                       EXPECT_EQ(after["columns"], PostingColumns());
                                       EXPECT_EQ(after["rows"].size(),
                                                 after["count"].get<size_t>());
                                       first_ids.push_back(after["rows"][0][0].get<int64_t>());
                                       return Status::Ok();
                                     })
                  .ok());
  EXPECT_EQ(counts, (std::vector<int64_t>{per_row, per_row, per_row / 2}));
  ASSERT_EQ(first_ids.size(), 3u);
  EXPECT_EQ(first_ids[1] - first_ids[0], per_row);
  EXPECT_EQ(first_ids[2] - first_ids[1], per_row);

  ExpectAuditVerifiesAndReplays(w.store(), total);
}

// A second connection that counts how often it was opened (UseReader).
BulkPoster::StoreOpener CountingReader(const std::string& path, int* opens) {
  return [open = SqliteStore::ConnectionOpener(path), opens]() {
    ++*opens;
    return open();
  };
}

// With a reader connection, a batch's cases and ledgers are read on a third thread, a stretch
// of rows ahead of the checks, over stored history (one collection reversed). Obligors first
// appear in later stretches; a backdated row drops its obligor's ledger, which the writer then
// reads again; an unknown case and a resubmitted key sit in later stretches; a second batch
// reuses the connection and the ledgers of the first. The result is that of 100-row batches
// whose ledgers are read obligor by obligor.
TEST(BulkPosterTest, ReaderConnectionStretchesMatchSmallBatches) {
  TwoWorlds worlds("r");
  auto& [scratch, path_a, path_b, a, b, cases] = worlds;
  // Cases 0-4 are obligors 0-2's; 5-11 belong to obligors 3-7.
  std::vector<PaymentRequest> history;
  for (int i = 0; i < 600; ++i) {
    history.push_back(Payment("h" + std::to_string(i), cases[static_cast<size_t>(i % 5)],
                              900 + (i * 71 % 6000), Date::Ymd(2024, 1, 1).AddDays(i / 5)));
  }
  for (World* w : {&a, &b}) {
    BulkPoster first(w->store(), w->clock(), "tester");
    const std::vector<RowOutcome> posted = PostInSmallBatches(first, history);
    ASSERT_EQ(posted.size(), history.size());
    ASSERT_TRUE(w->service().ReversePayment("h300", Date::Ymd(2024, 6, 1), "NSF").ok());
  }
  const size_t stretch = 10'000;
  std::vector<PaymentRequest> file;
  for (size_t i = 0; i < 2 * stretch + 4000; ++i) {
    // The first stretch pays only obligors 0-2 (cases 0-4, with history); the others pay all.
    const size_t c = i < stretch ? i % 5 : i * 7 % 12;
    file.push_back(Payment("f" + std::to_string(i), cases[c], 500 + static_cast<int64_t>(i % 900),
                           Date::Ymd(2024, 5, 1).AddDays(static_cast<int32_t>(i / 60))));
  }
  file[4000].date = Date::Ymd(2024, 5, 2);  // backdated in the first stretch
  file[12345].case_id = CaseId{999};        // unknown, in the second
  file[21000] = file[20999];                // resubmitted (same fields), in the third
  const std::vector<PaymentRequest> second(file.begin() + 20000, file.end());
  std::vector<PaymentRequest> second_keys = second;
  for (PaymentRequest& r : second_keys) r.key = "s" + r.key;
  for (PaymentRequest& r : second_keys) r.date = r.date.AddDays(100);

  int opens = 0;
  BulkPoster pa(a.store(), a.clock(), "tester");
  pa.UseReader(CountingReader(path_a, &opens));
  auto one = pa.PostBatch(file, BatchMode::kCommitValid, "file");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->created, static_cast<int64_t>(file.size()) - 2);
  EXPECT_EQ(one->exists, 1);
  EXPECT_EQ(one->rejected, 1);
  EXPECT_EQ(one->outcomes[12345].error.reason(), "case_not_found");
  auto two = pa.PostBatch(second_keys, BatchMode::kCommitValid, "file2");
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->created, static_cast<int64_t>(second_keys.size()) - 1);
  EXPECT_EQ(two->rejected, 0);
  EXPECT_EQ(opens, 1);  // both batches read through the one connection

  BulkPoster pb(b.store(), b.clock(), "tester");
  const std::vector<RowOutcome> small = PostInSmallBatches(pb, file);
  const std::vector<RowOutcome> small_two = PostInSmallBatches(pb, second_keys);
  ASSERT_EQ(small.size(), file.size());
  ASSERT_EQ(small_two.size(), second_keys.size());
  for (size_t i = 0; i < file.size(); ++i) {
    EXPECT_EQ(one->outcomes[i].kind, small[i].kind) << i;
    EXPECT_EQ(one->outcomes[i].id, small[i].id) << i;
  }
  for (size_t i = 0; i < second_keys.size(); ++i) {
    EXPECT_EQ(two->outcomes[i].id, small_two[i].id) << i;
  }
  const int64_t stored =
      static_cast<int64_t>(history.size() + file.size() - 2 + second_keys.size() - 1);
  EXPECT_EQ(CompareCollections(a, b), stored);
  EXPECT_GT(HistoryRows(path_b), 0);  // the backdated row re-distributed
  EXPECT_EQ(HistoryRows(path_a), HistoryRows(path_b));
  ExpectAuditVerifiesAndReplays(a.store(), stored);
}

// Closed periods (docs/ARCHITECTURE.md §5.6) on every path that posts a row: the closed days
// come with the ledgers the reader thread reads, for an obligor in the first stretch (A, closed
// 2024-03-16 to 2024-06-13) and one first seen in the second (B, closed since 2024-05-01); the
// same file again conflicts on its first row and goes one by one with key lookups, and a third
// time takes the stored-keys-first path. Every time a row dated inside a closed period is
// case_closed and one dated while its case was open is taken (or exists).
TEST(BulkPosterTest, ClosedPeriodsHoldOnTheReaderResubmissionAndStoredKeyPaths) {
  const ScratchDir dir("bulk");
  const std::string path = dir.path("closed.db");
  World w(path, Date::Ymd(2024, 6, 14));
  const CaseId a = w.SimpleCase(w.Person("Ann", "A"), 50000, Date::Ymd(2024, 1, 1));
  const CaseId b = w.SimpleCase(w.Person("Bob", "B"), 50000, Date::Ymd(2024, 1, 1));
  const CaseId c = w.SimpleCase(w.Person("Cy", "C"), 50000, Date::Ymd(2024, 1, 1));
  CaseClosureService closing(w.store(), w.clock(), "clerk",
                             [](Store&, const std::string&, CaseId) { return Status::Ok(); });
  for (const auto& [id, day] : {std::pair{a, Date::Ymd(2024, 3, 16)}, {b, Date::Ymd(2024, 5, 1)}}) {
    ASSERT_TRUE(closing.RecordNotice({id, "other", Date::Ymd(2024, 1, 2), "moved"}).ok());
    ASSERT_TRUE(closing.Close(id, day).ok());
  }
  ASSERT_TRUE(closing.Reopen(a, "the obligor came back").ok());
  std::vector<PaymentRequest> file;
  for (int i = 0; i < 10'300; ++i) {
    file.push_back(Payment("c" + std::to_string(i), c, 100, Date::Ymd(2024, 6, 1)));
  }
  file[0] = Payment("a-open", a, 1000, Date::Ymd(2024, 3, 15));
  file[1] = Payment("a-closed", a, 1000, Date::Ymd(2024, 4, 10));
  file[10'000] = Payment("b-open", b, 1000, Date::Ymd(2024, 4, 30));
  file[10'001] = Payment("b-closed", b, 1000, Date::Ymd(2024, 5, 1));
  file[10'002] = Payment("a-reopened", a, 1000, Date::Ymd(2024, 6, 14));
  int opens = 0;
  BulkPoster poster(w.store(), w.clock(), "tester");
  poster.UseReader(CountingReader(path, &opens));
  for (const RowOutcome::Kind taken :
       {RowOutcome::Kind::kCreated, RowOutcome::Kind::kExists, RowOutcome::Kind::kExists}) {
    auto r = poster.PostBatch(file, BatchMode::kCommitValid, "closed.csv");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rejected, 2);
    for (const size_t i : {size_t{1}, size_t{10'001}}) {
      EXPECT_EQ(r->outcomes[i].error.reason(), "case_closed") << i;
    }
    for (const size_t i : {size_t{0}, size_t{2}, size_t{10'000}, size_t{10'002}, size_t{10'299}}) {
      EXPECT_EQ(r->outcomes[i].kind, taken) << i << " " << r->outcomes[i].error.ToString();
    }
  }
  EXPECT_EQ(opens, 1);
  EXPECT_EQ(*w.store().CountCollections(), 10'298);
  for (const char* refused : {"a-closed", "b-closed"}) {
    EXPECT_FALSE(*w.store().FindCollectionByKey(refused)) << refused;
  }
  ExpectAuditVerifiesAndReplays(w.store(), 10'298);
}

// A batch inside a caller's transaction must see what that transaction wrote, which another
// connection cannot: it reads on the store itself and never opens the reader.
TEST(BulkPosterTest, ABatchInsideACallersTransactionDoesNotUseTheReader) {
  const ScratchDir dir("bulk");
  const std::string path = dir.path("rn.db");
  World w(path);
  int opens = 0;
  BulkPoster poster(w.store(), w.clock(), "tester");
  poster.UseReader(CountingReader(path, &opens));
  ASSERT_TRUE(w.store().Begin().ok());
  const CaseId c = w.SimpleCase(w.Person("Uncommitted", "Obligor"), 50000, Date::Ymd(2024, 1, 1));
  std::vector<PaymentRequest> rows;
  for (int i = 0; i < 400; ++i) {
    rows.push_back(Payment("n" + std::to_string(i), c, 1000, Date::Ymd(2024, 2, 1).AddDays(i)));
  }
  auto r = poster.PostBatch(rows, BatchMode::kCommitValid, "nested");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->created, 400);
  EXPECT_EQ(r->rejected, 0);
  EXPECT_EQ(opens, 0);
  ASSERT_TRUE(w.store().Commit().ok());
  EXPECT_EQ(*w.store().CountCollections(), 400);
}

// A reader that cannot be opened fails the batch like any store error: nothing is written,
// and the next batch tries again.
TEST(BulkPosterTest, AReaderThatFailsToOpenFailsTheBatchAndWritesNothing) {
  const ScratchDir dir("bulk");
  const std::string path = dir.path("rf.db");
  World w(path);
  const std::vector<CaseId> cases = MakeCases(w);
  int attempts = 0;
  BulkPoster poster(w.store(), w.clock(), "tester");
  poster.UseReader([&attempts, path]() -> Result<std::unique_ptr<Store>> {
    if (++attempts == 1) return Unavailable("store_io", "injected: cannot open the reader");
    ASSIGN_OR_RETURN(auto reader, SqliteStore::Open(path, SqliteStore::OpenMode::kMustExist));
    return std::unique_ptr<Store>(std::move(reader));
  });
  std::vector<PaymentRequest> rows;
  for (int i = 0; i < 500; ++i) {
    rows.push_back(Payment("o" + std::to_string(i), cases[static_cast<size_t>(i % 12)], 1200,
                           Date::Ymd(2024, 2, 1).AddDays(i / 12)));
  }
  auto failed = poster.PostBatch(rows, BatchMode::kCommitValid, "f");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().reason(), "store_io");
  EXPECT_EQ(*w.store().CountCollections(), 0);
  auto again = poster.PostBatch(rows, BatchMode::kCommitValid, "f");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->created, 500);
  EXPECT_EQ(attempts, 2);
  ExpectAuditVerifiesAndReplays(w.store(), 500);
}

// An import.batch row lists its postings as compact rows; replay still reads the object list
// that rows written before 2026-12-03 carry, and refuses compact rows whose columns or count
// are not the ones the poster writes.
// Four current-assistance cases, one per obligor (the even ones with two children), 400.00 a
// month from 2024-01-01, under pass-through limits 50.00 / 120.00 (42 USC 657(a)(6); limits from
// general knowledge, not FACTS.md) and futures `all`, so held money shares a month's limit.
std::vector<CaseId> PassThroughCases(World& w) {
  EXPECT_TRUE(w.service().SetConfig("distribution.pass_through_one_child", "50.00").ok());
  EXPECT_TRUE(
      w.service().SetConfig("distribution.pass_through_two_or_more_children", "120.00").ok());
  EXPECT_TRUE(w.service().SetConfig("distribution.futures", "all").ok());
  std::vector<CaseId> cases;
  for (int o = 0; o < 4; ++o) {
    NewCase c;
    c.obligor = w.Person("Obligor", std::to_string(o));
    c.obligee = w.Person("Obligee", std::to_string(o));
    c.children = {w.Person("Child", std::to_string(o))};
    if (o % 2 == 0) c.children.push_back(w.Person("Sibling", std::to_string(o)));
    c.type = CaseType::kCurrentAssistance;
    c.opened = Date::Ymd(2024, 1, 1);
    c.assistance =
        AssistanceEpisode{{}, Date::Ymd(2024, 1, 1), {}, Money::FromCents(15000 + 10000 * o)};
    auto id = w.service().AddCase(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    Order order;
    order.case_id = *id;
    order.amount = Money::FromCents(40000);
    order.effective_date = Date::Ymd(2024, 1, 1);
    EXPECT_TRUE(w.service().AddOrder(order, std::nullopt).ok());
    cases.push_back(*id);
  }
  return cases;
}

// The bulk poster's cached ledgers (in-order rows, the pipelined path of a batch of 256 or more,
// a backdated row taking the full path) give the pass-through distributions of posting each
// row alone with PostPayment, and the audit replay reproduces them.
TEST(BulkPosterTest, PassThroughDistributionsMatchPostingOneByOne) {
  World bulk;
  World single;
  const std::vector<CaseId> cases = PassThroughCases(bulk);
  ASSERT_EQ(PassThroughCases(single), cases);
  std::vector<PaymentRequest> rows;  // 24 months x 3 payments x 4 cases = 288, in date order
  for (int m = 0; m < 24; ++m) {
    const Date month = Date::Ymd(2024 + m / 12, m % 12 + 1, 1);
    for (int k = 0; k < 3; ++k) {
      for (size_t i = 0; i < cases.size(); ++i) {
        const int64_t cents = 2000 + 5000 * k + 1500 * static_cast<int64_t>(i) + 700 * (m % 5);
        rows.push_back(
            Payment("pt-" + std::to_string(m) + "-" + std::to_string(k) + "-" + std::to_string(i),
                    cases[i], cents, month.AddDays(2 + 9 * k)));
      }
    }
  }
  const std::vector<PaymentRequest> later{
      Payment("pt-back", cases[0], 2500, Date::Ymd(2024, 2, 2)),
      Payment("pt-last", cases[1], 60000, Date::Ymd(2025, 12, 28))};
  BulkPoster poster(bulk.store(), bulk.clock(), "tester");
  for (const auto& batch : {rows, later}) {
    auto r = poster.PostBatch(batch, BatchMode::kCommitValid, "pass-through.csv");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->created, static_cast<int64_t>(batch.size()));
  }
  for (const auto& batch : {rows, later}) {
    for (const PaymentRequest& row : batch) ASSERT_TRUE(single.service().PostPayment(row).ok());
  }
  EXPECT_EQ(CompareCollections(bulk, single), static_cast<int64_t>(rows.size() + 2));
  Money passed;
  int64_t marked = 0;
  for (const CaseId c : cases) {
    auto stored = bulk.store().ListCollectionsByObligor(bulk.store().GetCase(c)->obligor);
    ASSERT_TRUE(stored.ok());
    for (const StoredCollection& s : *stored) {
      passed += PassedThrough(s.distribution);
      for (const DistributionLine& l : s.distribution.lines) marked += l.pass_through ? 1 : 0;
    }
  }
  // Most case-months pass through on a stored line (a month that held money paid at its start
  // passes through on the application, which is not stored).
  EXPECT_GE(marked, 72) << marked;
  EXPECT_TRUE(passed.is_positive());
  auto cmp = CompareReplayWithStore(bulk.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0) << (cmp->problems.empty() ? "" : cmp->problems.front());
}

TEST(BulkPosterTest, ReplayReadsCompactAndOlderPostingListsAndRefusesMalformedOnes) {
  World w;
  const std::vector<CaseId> cases = MakeCases(w);
  std::vector<PaymentRequest> rows;
  for (int i = 0; i < 40; ++i) {
    rows.push_back(Payment("c" + std::to_string(i), cases[static_cast<size_t>(i % 12)],
                           700 + i * 13, Date::Ymd(2024, 2, 1).AddDays(i)));
  }
  BulkPoster poster(w.store(), w.clock(), "tester");
  auto r = poster.PostBatch(rows, BatchMode::kCommitValid, "compact.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->created, 40);

  std::string after;
  ASSERT_TRUE(w.store()
                  .ScanAuditByAction("import.batch",
                                     [&](const AuditRow& row) -> Status {
                                       after = row.after;
                                       return Status::Ok();
                                     })
                  .ok());
  const Json compact = Json::parse(after);
  ASSERT_EQ(compact["rows"].size(), 40u);
  EXPECT_FALSE(compact.contains("postings"));
  // Each row is the stored collection's own fields.
  for (const Json& row : compact["rows"]) {
    auto listed = PostingFromJsonRow(row);
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    auto stored = w.store().FindCollectionByKey(listed->idempotency_key);
    ASSERT_TRUE(stored.ok() && stored->has_value()) << listed->idempotency_key;
    const Collection& c = (*stored)->collection;
    EXPECT_EQ(listed->id, c.id);
    EXPECT_EQ(listed->case_id, c.case_id);
    EXPECT_EQ(listed->obligor, c.obligor);
    EXPECT_EQ(listed->amount, c.amount);
    EXPECT_EQ(listed->date, c.date);
    EXPECT_EQ(listed->source, c.source);
  }
  ExpectAuditVerifiesAndReplays(w.store(), 40);

  // Rewrites the row's `after` (the chain is not what is tested here: replay does not verify it).
  ASSERT_TRUE(w.store().ExecForTesting("DROP TRIGGER audit_no_update").ok());
  const auto rewrite = [&](const Json& j) {
    std::string sql = "UPDATE audit SET after = '" + j.dump() + "' WHERE action = 'import.batch'";
    return w.store().ExecForTesting(sql);
  };
  Json older{{"source", "compact.csv"}, {"count", 40}, {"postings", Json::array()}};
  for (const Json& row : compact["rows"])
    older["postings"].push_back(ToJson(*PostingFromJsonRow(row)));
  ASSERT_TRUE(rewrite(older).ok());
  auto replay = CompareReplayWithStore(w.store());
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->collections, 40);
  EXPECT_EQ(replay->mismatches, 0);

  Json wrong_columns = compact;
  wrong_columns["columns"][4] = "amount_cents";
  ASSERT_TRUE(rewrite(wrong_columns).ok());
  EXPECT_EQ(CompareReplayWithStore(w.store()).status().reason(), "audit_json_invalid");
  Json wrong_count = compact;
  wrong_count["count"] = 41;
  ASSERT_TRUE(rewrite(wrong_count).ok());
  EXPECT_EQ(CompareReplayWithStore(w.store()).status().reason(), "audit_json_invalid");
  Json short_row = compact;
  short_row["rows"][7].erase(6);
  ASSERT_TRUE(rewrite(short_row).ok());
  EXPECT_EQ(CompareReplayWithStore(w.store()).status().reason(), "audit_json_invalid");
  ASSERT_TRUE(rewrite(compact).ok());
  ExpectAuditVerifiesAndReplays(w.store(), 40);
}

}  // namespace
}  // namespace cse
