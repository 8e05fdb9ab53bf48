// BulkPoster: the batch transaction runs without the store's foreign-key probes
// (Store::BeginWithoutForeignKeyChecks), so every reference it inserts must come from a case
// it has read; these tests pin the cases where a cached read could be stale.
#include "service/bulk_poster.h"

#include <gtest/gtest.h>

#include "testing/fixture.h"

namespace cse {
namespace {

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
  Person p;
  p.first_name = "Temp";
  p.last_name = "Obligor";
  const PersonId obligor = *w.store().InsertPerson(p);
  const PersonId obligee = *w.store().InsertPerson(p);
  Case temp;
  temp.obligor = obligor;
  temp.obligee = obligee;
  temp.type = CaseType::kNeverAssistance;
  temp.opened = Date::Ymd(2024, 1, 1);
  const CaseId gone = *w.store().InsertCase(temp);
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

}  // namespace
}  // namespace cse
