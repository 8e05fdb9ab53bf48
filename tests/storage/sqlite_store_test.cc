// Conformance of the SQLite adapter, run against a file and against ":memory:".
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace cse {
namespace {

class StoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      path_ = (std::filesystem::temp_directory_path() /
               ("opencse_store_" + std::to_string(getpid()) + ".db"))
                  .string();
      std::filesystem::remove(path_);
    } else {
      path_ = ":memory:";
    }
    auto s = SqliteStore::Open(path_, SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    if (path_ != ":memory:") {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }
  }
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_P(StoreTest, RoundTripsEveryEntity) {
  Person p;
  p.first_name = "Sam";
  p.last_name = "Doe";
  p.ssn = "900123456";
  p.date_of_birth = Date::Ymd(1990, 2, 3);
  p.address.state = "OH";
  auto pid = store_->InsertPerson(p);
  ASSERT_TRUE(pid.ok());
  auto back = store_->GetPerson(*pid);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ssn, "900123456");
  EXPECT_EQ(back->date_of_birth, Date::Ymd(1990, 2, 3));
  EXPECT_EQ(store_->InsertPerson(p).status().reason(), "ssn_exists");
  EXPECT_EQ(store_->GetPerson(PersonId{99}).status().reason(), "person_not_found");

  Person q = p;
  q.ssn = "";
  const PersonId obligee = *store_->InsertPerson(q);
  const PersonId child = *store_->InsertPerson(q);  // no SSN: not unique-checked
  Case c;
  c.obligor = *pid;
  c.obligee = obligee;
  c.children = {child};
  c.type = CaseType::kFormerAssistance;
  c.family_violence = FamilyViolence::kIndicated;
  c.opened = Date::Ymd(2024, 1, 1);
  const CaseId cid = *store_->InsertCase(c);
  auto cb = store_->GetCase(cid);
  ASSERT_TRUE(cb.ok());
  EXPECT_EQ(cb->children, std::vector<PersonId>{child});
  EXPECT_EQ(cb->family_violence, FamilyViolence::kIndicated);
  EXPECT_EQ(cb->type, CaseType::kFormerAssistance);
  EXPECT_EQ(store_->ListCasesByObligor(*pid)->size(), 1u);

  Order o;
  o.case_id = cid;
  o.amount = Money::FromCents(45000);
  o.frequency = Frequency::kBiweekly;
  o.effective_date = Date::Ymd(2024, 1, 5);
  o.child_terms = {{child, Money::FromCents(45000), Date::Ymd(2030, 1, 1)}};
  const OrderId oid = *store_->InsertOrder(o);
  ASSERT_TRUE(store_->SetOrderEnd(oid, Date::Ymd(2025, 1, 1)).ok());
  auto ob = store_->GetOrder(oid);
  ASSERT_TRUE(ob.ok());
  EXPECT_EQ(ob->end_date, Date::Ymd(2025, 1, 1));
  EXPECT_EQ(ob->child_terms.size(), 1u);
  EXPECT_EQ(ob->frequency, Frequency::kBiweekly);

  ASSERT_TRUE(
      store_->InsertAssistance({cid, Date::Ymd(2023, 1, 1), std::nullopt, Money::FromCents(30000)})
          .ok());
  ASSERT_TRUE(store_->EndAssistance(cid, Date::Ymd(2023, 12, 31)).ok());
  EXPECT_EQ(store_->EndAssistance(cid, Date::Ymd(2024, 1, 31)).reason(), "assistance_not_open");
  EXPECT_EQ(store_->ListAssistanceByCase(cid)->at(0).end_date, Date::Ymd(2023, 12, 31));

  StoredCollection row;
  row.collection = Collection{{},
                              "key-1",
                              cid,
                              *pid,
                              Money::FromCents(100),
                              Date::Ymd(2024, 2, 1),
                              PaymentSource::kTaxOffset,
                              {},
                              {}};
  row.distribution.to_family = Money::FromCents(100);
  row.distribution.lines = {{cid, AppliedAs::kArrears, ObligationType::kCurrentSupport,
                             Date::Ymd(2024, 1, 5), Bucket::kNeverAssigned, Payee::kFamily,
                             Money::FromCents(100)}};
  row.posted_at = "2026-01-01T00:00:00.000000Z";
  row.posted_by = "t";
  const CollectionId col = *store_->InsertCollection(row);
  EXPECT_EQ(store_->InsertCollection(row).status().reason(), "key_exists");
  auto found = store_->FindCollectionByKey("key-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->distribution.lines, row.distribution.lines);
  EXPECT_EQ((*found)->collection.source, PaymentSource::kTaxOffset);
  ASSERT_TRUE(store_->MarkReversed(col, Date::Ymd(2024, 2, 3), "NSF").ok());
  EXPECT_EQ(store_->ListCollectionsByObligor(*pid)->at(0).collection.reversed_date,
            Date::Ymd(2024, 2, 3));
  ASSERT_TRUE(store_->InsertDistributionHistory(col, row.distribution, "now", "test").ok());
  EXPECT_FALSE(store_->ExecForTesting("DELETE FROM distribution_history").ok());
}

TEST_P(StoreTest, TransactionsRollBackCompletely) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("a", "1").ok());
  store_->Rollback();
  EXPECT_FALSE(store_->GetSetting("a")->has_value());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("a", "2").ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(store_->GetSetting("a")->value(), "2");
  EXPECT_EQ(*store_->LedgerGeneration(), 0);
  ASSERT_TRUE(store_->SetLedgerGeneration(5).ok());
  EXPECT_EQ(*store_->LedgerGeneration(), 5);
}

// A Begin inside a transaction is a savepoint: its rollback undoes only its own changes, its
// commit keeps them for the outer transaction, and the outer rollback undoes everything.
TEST_P(StoreTest, NestedTransactionsAreSavepoints) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("outer", "1").ok());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("undone", "1").ok());
  store_->Rollback();
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("kept", "1").ok());
  ASSERT_TRUE(store_->Begin().ok());  // two levels deep
  ASSERT_TRUE(store_->SetSetting("deep", "1").ok());
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_FALSE(store_->GetSetting("undone")->has_value());
  EXPECT_TRUE(store_->GetSetting("kept")->has_value());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(store_->GetSetting("outer")->value(), "1");
  EXPECT_EQ(store_->GetSetting("deep")->value(), "1");
  EXPECT_FALSE(store_->GetSetting("undone")->has_value());

  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("inner", "1").ok());
  ASSERT_TRUE(store_->Commit().ok());
  store_->Rollback();  // the outer rollback undoes the committed savepoint too
  EXPECT_FALSE(store_->GetSetting("inner")->has_value());
  store_->Rollback();  // no transaction open: harmless
}

TEST_P(StoreTest, ReopeningKeepsDataAndSchema) {
  if (!GetParam()) GTEST_SKIP() << "a memory database does not survive reopening";
  ASSERT_TRUE(store_->SetSetting("k", "v").ok());
  store_.reset();
  auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->schema_version(), 1);
  EXPECT_EQ((*again)->GetSetting("k")->value(), "v");
  store_ = std::move(again).value();
}

INSTANTIATE_TEST_SUITE_P(FileAndMemory, StoreTest, ::testing::Values(true, false));

TEST(StoreOpenTest, MissingDatabaseIsAClearError) {
  auto s = SqliteStore::Open("/nonexistent-dir/x.db", SqliteStore::OpenMode::kMustExist);
  EXPECT_EQ(s.status().reason(), "db_not_found");
}

}  // namespace
}  // namespace cse
