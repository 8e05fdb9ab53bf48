// Failed commits lose nothing and retries duplicate nothing: a client that retries with the
// same idempotency key after any failure ends with exactly one posting.
#include <gtest/gtest.h>

#include <random>

#include "service/audit.h"
#include "service/bulk_poster.h"
#include "service/ledger_service.h"
#include "service/replay.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/fault_store.h"
#include "testing/fixture.h"

namespace cse {
namespace {

using testing::FaultStore;

TEST(FaultInjectionTest, RetriedPostingsLandExactlyOnce) {
  testing::World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  FaultStore faulty(w.store());
  LedgerService svc(faulty, w.clock(), "retrier");
  std::mt19937_64 rng(99);
  int64_t expected_cents = 0;
  for (int i = 0; i < 200; ++i) {
    const PaymentRequest r{"f" + std::to_string(i), c, Money::FromCents(100 + i),
                           Date::Ymd(2024, 1, 1).AddDays(i), PaymentSource::kDirect};
    expected_cents += 100 + i;
    const int roll = static_cast<int>(rng() % 3);
    faulty.FailNextCommit(roll == 0   ? FaultStore::Fault::kFailBeforeCommit
                          : roll == 1 ? FaultStore::Fault::kFailAfterCommit
                                      : FaultStore::Fault::kNone);
    auto first = svc.PostPayment(r);
    if (roll == 2) {
      ASSERT_TRUE(first.ok());
      continue;
    }
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.status().reason(), "store_io");
    auto retry = svc.PostPayment(r);  // the client retries with the same key
    ASSERT_TRUE(retry.ok()) << retry.status().ToString();
    EXPECT_EQ(retry->outcome, roll == 0 ? PostOutcome::kCreated : PostOutcome::kExists);
  }
  EXPECT_GT(faulty.faults_injected(), 100);
  EXPECT_EQ(*w.store().CountCollections(), 200);
  auto bal = w.service().GetObligorBalance(w.store().GetCase(c)->obligor, Date::Ymd(2025, 12, 31));
  EXPECT_EQ(bal->collections_total.cents(), expected_cents);
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->mismatches, 0);
}

TEST(FaultInjectionTest, FailedBulkBatchRollsBackWholeAndRetryPostsEachOnce) {
  testing::World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  FaultStore faulty(w.store());
  BulkPoster poster(faulty, w.clock(), "bulk");
  std::vector<PaymentRequest> batch;
  for (int i = 0; i < 50; ++i) {
    batch.push_back({"b" + std::to_string(i), c, Money::FromCents(1000), Date::Ymd(2024, 3, 1),
                     PaymentSource::kWithholding});
  }
  faulty.FailNextCommit(FaultStore::Fault::kFailBeforeCommit);
  EXPECT_FALSE(poster.PostBatch(batch, BatchMode::kCommitValid, "f").ok());
  EXPECT_EQ(*w.store().CountCollections(), 0);
  faulty.FailNextCommit(FaultStore::Fault::kFailAfterCommit);
  EXPECT_FALSE(poster.PostBatch(batch, BatchMode::kCommitValid, "f").ok());
  EXPECT_EQ(*w.store().CountCollections(), 50);
  auto again = poster.PostBatch(batch, BatchMode::kCommitValid, "f");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->exists, 50);
  EXPECT_EQ(again->created, 0);
  // The cache was dropped after the failure, so the next payment is distributed against the
  // true state: the 50 postings paid March's current support, so it goes to January arrears.
  auto next = poster.PostBatch(
      {{"b-next", c, Money::FromCents(1000), Date::Ymd(2024, 3, 2), PaymentSource::kDirect}},
      BatchMode::kCommitValid, "f");
  ASSERT_TRUE(next.ok());
  const Distribution d = w.store().FindCollectionByKey("b-next")->value().distribution;
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_EQ(d.lines[0].applied_as, AppliedAs::kArrears);
  EXPECT_EQ(d.lines[0].due_date, Date::Ymd(2024, 1, 1));
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->mismatches, 0);
}

// A store error on one insert while the pipelined batch has more chunks checked and queued:
// the whole batch rolls back, nothing is stored, and the same poster then posts every row.
TEST(FaultInjectionTest, InsertErrorInAPipelinedBatchRollsBackWholeAndRetryPostsEveryRow) {
  testing::World w;
  std::vector<CaseId> cases;
  for (int i = 0; i < 6; ++i) {
    cases.push_back(w.SimpleCase(w.Person("Obligor", std::to_string(i)), 40000 + 1000 * i,
                                 Date::Ymd(2023, 6, 1)));
  }
  FaultStore faulty(w.store());
  BulkPoster poster(faulty, w.clock(), "bulk");
  std::vector<PaymentRequest> batch;
  for (int i = 0; i < 3000; ++i) {
    batch.push_back({"p" + std::to_string(i), cases[static_cast<size_t>(i % 6)],
                     Money::FromCents(2000 + i % 700), Date::Ymd(2024, 1, 1).AddDays(i / 10),
                     PaymentSource::kWithholding});
  }
  faulty.FailCollectionInsertAfter(700);
  auto failed = poster.PostBatch(batch, BatchMode::kCommitValid, "f");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().reason(), "store_io");
  EXPECT_EQ(faulty.faults_injected(), 1);
  EXPECT_EQ(*w.store().CountCollections(), 0);

  auto again = poster.PostBatch(batch, BatchMode::kCommitValid, "f");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->created, 3000);
  EXPECT_EQ(*w.store().CountCollections(), 3000);
  auto verified = VerifyAuditChain(w.store());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact);
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->collections, 3000);
  EXPECT_EQ(cmp->mismatches, 0);
}

}  // namespace
}  // namespace cse
