// Conformance of the SQLite adapter, run against a file and against ":memory:".
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "testing/scratch_dir.h"

namespace cse {
namespace {

class StoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    path_ = GetParam() ? dir_.path("store.db") : ":memory:";
    auto s = SqliteStore::Open(path_, SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override { store_.reset(); }
  testing::ScratchDir dir_{"store"};  // the file, its -wal, -shm, -access* and copies
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

// LoadObligorBooks (the ledger's three reads) answers exactly what the per-case reads do:
// cases by id with their children sorted, orders by (case, id) with their terms, an order
// without terms, episodes by (case, start); another obligor's records stay out.
TEST_P(StoreTest, ObligorBooksMatchThePerCaseReads) {
  Person p;
  p.first_name = "Ann";
  p.last_name = "Roe";
  std::vector<PersonId> people;
  for (int i = 0; i < 7; ++i) people.push_back(*store_->InsertPerson(p));
  const PersonId obligor = people[0];
  auto add_case = [&](PersonId who, std::vector<PersonId> children) {
    Case c;
    c.obligor = who;
    c.obligee = people[1];
    c.children = std::move(children);
    c.opened = Date::Ymd(2024, 1, 1);
    return *store_->InsertCase(c);
  };
  // Children inserted out of order: both reads answer them sorted.
  const CaseId a = add_case(obligor, {people[4], people[2], people[3]});
  const CaseId other = add_case(people[5], {people[6]});
  const CaseId b = add_case(obligor, {});
  auto add_order = [&](CaseId c, std::vector<ChildTerm> terms) {
    Order o;
    o.case_id = c;
    o.amount = Money::FromCents(30000);
    o.effective_date = Date::Ymd(2024, 2, 1);
    o.child_terms = std::move(terms);
    return *store_->InsertOrder(o);
  };
  add_order(b, {});
  add_order(a, {{people[3], Money::FromCents(10000), std::nullopt},
                {people[2], Money::FromCents(20000), Date::Ymd(2030, 1, 1)}});
  add_order(a, {});
  add_order(other, {{people[6], Money::FromCents(30000), std::nullopt}});
  ASSERT_TRUE(
      store_->InsertAssistance({b, Date::Ymd(2023, 5, 1), std::nullopt, Money::FromCents(100)})
          .ok());
  ASSERT_TRUE(store_
                  ->InsertAssistance(
                      {a, Date::Ymd(2022, 1, 1), Date::Ymd(2022, 6, 30), Money::FromCents(200)})
                  .ok());
  ASSERT_TRUE(
      store_->InsertAssistance({other, Date::Ymd(2021, 1, 1), std::nullopt, Money::FromCents(1)})
          .ok());

  auto books = store_->LoadObligorBooks(obligor);
  ASSERT_TRUE(books.ok()) << books.status().ToString();
  auto cases = store_->ListCasesByObligor(obligor);
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(books->cases.size(), 2U);
  std::vector<Order> orders;
  std::vector<AssistanceEpisode> episodes;
  for (size_t i = 0; i < cases->size(); ++i) {
    const Case& want = (*cases)[i];
    const Case& got = books->cases[i];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.children, want.children);
    EXPECT_EQ(got.obligee, want.obligee);
    auto case_orders = store_->ListOrdersByCase(want.id);
    ASSERT_TRUE(case_orders.ok());
    for (const Order& o : *case_orders) orders.push_back(o);
    auto case_episodes = store_->ListAssistanceByCase(want.id);
    ASSERT_TRUE(case_episodes.ok());
    for (const AssistanceEpisode& e : *case_episodes) episodes.push_back(e);
  }
  EXPECT_EQ(books->cases[0].children, (std::vector<PersonId>{people[2], people[3], people[4]}));
  EXPECT_TRUE(books->cases[1].children.empty());
  ASSERT_EQ(books->orders.size(), orders.size());
  ASSERT_EQ(orders.size(), 3U);
  for (size_t i = 0; i < orders.size(); ++i) {
    EXPECT_EQ(books->orders[i].id, orders[i].id);
    EXPECT_EQ(books->orders[i].case_id, orders[i].case_id);
    EXPECT_EQ(books->orders[i].amount, orders[i].amount);
    ASSERT_EQ(books->orders[i].child_terms.size(), orders[i].child_terms.size());
    for (size_t t = 0; t < orders[i].child_terms.size(); ++t) {
      EXPECT_EQ(books->orders[i].child_terms[t].child, orders[i].child_terms[t].child);
      EXPECT_EQ(books->orders[i].child_terms[t].amount, orders[i].child_terms[t].amount);
      EXPECT_EQ(books->orders[i].child_terms[t].end_date, orders[i].child_terms[t].end_date);
    }
  }
  EXPECT_EQ(books->orders[0].child_terms.size(), 2U);
  EXPECT_TRUE(books->orders[1].child_terms.empty());
  ASSERT_EQ(books->episodes.size(), 2U);
  for (size_t i = 0; i < episodes.size(); ++i) {
    EXPECT_EQ(books->episodes[i].case_id, episodes[i].case_id);
    EXPECT_EQ(books->episodes[i].start_date, episodes[i].start_date);
    EXPECT_EQ(books->episodes[i].end_date, episodes[i].end_date);
  }
  EXPECT_TRUE(store_->LoadObligorBooks(people[1])->cases.empty());

  // The list reads of bulk posting answer what the per-obligor and per-case reads answer.
  for (int i = 0; i < 3; ++i) {
    StoredCollection row;
    row.collection = Collection{{},
                                "LI-" + std::to_string(i),
                                i == 1 ? other : a,
                                i == 1 ? people[5] : obligor,
                                Money::FromCents(500 + i),
                                Date::Ymd(2024, 3, 3 - i),  // dated out of id order
                                PaymentSource::kDirect,
                                {},
                                {}};
    row.posted_at = "2024-03-03T00:00:00Z";
    row.posted_by = "test";
    ASSERT_TRUE(store_->InsertCollection(row).ok());
  }
  const std::vector<PersonId> wanted{obligor, people[5]};
  auto listed = store_->LoadLedgerInputs(wanted);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<Case> want_cases;
  std::vector<Order> want_orders;
  std::vector<AssistanceEpisode> want_episodes;
  std::vector<Collection> want_collections;
  for (PersonId o : wanted) {
    auto one = store_->LoadObligorBooks(o);
    ASSERT_TRUE(one.ok());
    want_cases.insert(want_cases.end(), one->cases.begin(), one->cases.end());
    want_orders.insert(want_orders.end(), one->orders.begin(), one->orders.end());
    want_episodes.insert(want_episodes.end(), one->episodes.begin(), one->episodes.end());
    auto inputs = store_->ListLedgerInputsByObligor(o);
    ASSERT_TRUE(inputs.ok());
    want_collections.insert(want_collections.end(), inputs->begin(), inputs->end());
  }
  auto by_case = [](auto& v) {
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& x, const auto& y) { return x.case_id < y.case_id; });
  };
  by_case(want_orders);  // the list read orders orders and episodes by case, not by obligor
  by_case(want_episodes);
  ASSERT_EQ(listed->cases.size(), want_cases.size());
  for (size_t i = 0; i < want_cases.size(); ++i) {
    EXPECT_EQ(listed->cases[i].id, want_cases[i].id);
    EXPECT_EQ(listed->cases[i].obligor, want_cases[i].obligor);
    EXPECT_EQ(listed->cases[i].children, want_cases[i].children);
  }
  ASSERT_EQ(listed->orders.size(), want_orders.size());
  for (size_t i = 0; i < want_orders.size(); ++i) {
    EXPECT_EQ(listed->orders[i].id, want_orders[i].id);
    ASSERT_EQ(listed->orders[i].child_terms.size(), want_orders[i].child_terms.size());
    for (size_t t = 0; t < want_orders[i].child_terms.size(); ++t) {
      EXPECT_EQ(listed->orders[i].child_terms[t].child, want_orders[i].child_terms[t].child);
    }
  }
  ASSERT_EQ(listed->episodes.size(), want_episodes.size());
  for (size_t i = 0; i < want_episodes.size(); ++i) {
    EXPECT_EQ(listed->episodes[i].case_id, want_episodes[i].case_id);
    EXPECT_EQ(listed->episodes[i].start_date, want_episodes[i].start_date);
  }
  ASSERT_EQ(listed->collections.size(), 3U);
  ASSERT_EQ(want_collections.size(), 3U);
  for (size_t i = 0; i < want_collections.size(); ++i) {
    EXPECT_EQ(listed->collections[i].id, want_collections[i].id);
    EXPECT_EQ(listed->collections[i].date, want_collections[i].date);
    EXPECT_EQ(listed->collections[i].amount, want_collections[i].amount);
  }
  EXPECT_TRUE(listed->jobs.empty());
  EXPECT_TRUE(store_->LoadLedgerInputs(std::vector<PersonId>{people[1]})->cases.empty());
  EXPECT_TRUE(store_->LoadLedgerInputs(std::vector<PersonId>{})->cases.empty());

  auto got = store_->GetCases(std::vector<CaseId>{b, CaseId{9999}, a});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2U);  // the unknown id is left out; by id
  EXPECT_EQ((*got)[0].id, a);
  EXPECT_EQ((*got)[0].children, store_->GetCase(a)->children);
  EXPECT_EQ((*got)[1].id, b);
  EXPECT_EQ((*got)[1].status, store_->GetCase(b)->status);
}

TEST_P(StoreTest, GetSettingsReadsOnlyTheKeysAskedThatAreSet) {
  std::vector<std::string> names;
  for (size_t i = 0; i < 11; ++i) {
    names.push_back("k" + std::to_string(i));
    if (i % 3 != 1) {
      ASSERT_TRUE(store_->SetSetting(names.back(), "v" + std::to_string(i)).ok());
    }
  }
  ASSERT_TRUE(store_->SetSetting("unasked", "x").ok());
  const std::vector<std::string_view> keys(names.begin(), names.end());  // 11: two reads
  auto got = store_->GetSettings(keys);
  ASSERT_TRUE(got.ok());
  std::sort(got->begin(), got->end());
  std::vector<std::pair<std::string, std::string>> want;
  for (size_t i = 0; i < 11; ++i) {
    if (i % 3 != 1) want.emplace_back(names[i], "v" + std::to_string(i));
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*got, want);
  EXPECT_TRUE(store_->GetSettings({})->empty());
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

TEST_P(StoreTest, RoundTripsEventsEconomyAndGroundTruth) {
  Person p;
  p.first_name = "Ann";
  p.last_name = "Lee";
  const PersonId pid = *store_->InsertPerson(p);
  CaseEvent later{0, pid, CaseId{}, Date::Ymd(2025, 3, 2), "iwo_issued", "employer=7"};
  CaseEvent earlier{0, pid, CaseId{}, Date::Ymd(2025, 2, 20), "new_hire", "employer=7"};
  ASSERT_TRUE(store_->InsertCaseEvent(later).ok());
  ASSERT_TRUE(store_->InsertCaseEvent(earlier).ok());
  EXPECT_EQ(store_->InsertCaseEvent(CaseEvent{0, PersonId{999}, CaseId{}, Date(), "x", ""})
                .status()
                .reason(),
            "reference_not_found");
  auto events = store_->ListCaseEventsByPerson(pid);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "new_hire");  // by date
  EXPECT_EQ((*events)[1].detail, "employer=7");
  EXPECT_FALSE((*events)[1].case_id.valid());

  ASSERT_TRUE(store_->PutCountyEconomy({"Adams", Date::Ymd(2025, 1, 1), 9'850, 610}).ok());
  ASSERT_TRUE(store_->PutCountyEconomy({"Adams", Date::Ymd(2025, 1, 1), 9'700, 700}).ok());
  auto economy = store_->ListCountyEconomy();
  ASSERT_TRUE(economy.ok());
  ASSERT_EQ(economy->size(), 1u);  // replaced, not duplicated
  EXPECT_EQ((*economy)[0].economic_index, 9'700);
  EXPECT_EQ(store_->PutCountyEconomy({"Adams", Date::Ymd(2025, 2, 1), 1, 20'000}).reason(),
            "constraint_violation");

  EXPECT_FALSE(store_->LastSimRun()->has_value());
  ASSERT_TRUE(store_->InsertSimRun("2026-01-01T00:00:00Z", R"({"seed":1})").ok());
  ASSERT_TRUE(store_->InsertSimRun("2026-01-02T00:00:00Z", R"({"seed":2})").ok());
  EXPECT_EQ(store_->LastSimRun()->value(), R"({"seed":2})");

  TruthMonth t;
  t.obligor = pid;
  t.month_end = Date::Ymd(2025, 1, 31);
  t.employed = true;
  t.propensity_bps = 6'500;
  t.monthly_support = Money::FromCents(40'000);
  t.due_next = Money::FromCents(40'000);
  t.delinquent_next_30 = true;
  ASSERT_TRUE(store_->InsertTruthMonth(t).ok());
  ASSERT_TRUE(store_->InsertTruthPerson({pid, "obligor", "group_b"}).ok());
  std::vector<TruthMonth> rows;
  ASSERT_TRUE(store_
                  ->ScanTruthMonths([&](const TruthMonth& r) {
                    rows.push_back(r);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].month_end, Date::Ymd(2025, 1, 31));
  EXPECT_TRUE(rows[0].employed);
  EXPECT_TRUE(rows[0].delinquent_next_30);
  EXPECT_EQ(rows[0].due_next, Money::FromCents(40'000));
  EXPECT_EQ(store_->ListTruthPersons()->at(0).group, "group_b");
}

TEST_P(StoreTest, RiskModelRegistryKeepsOneActiveModelAndItsScores) {
  RiskModelRecord m;
  m.version = "risk-1";
  m.created_at = "2026-01-01T00:00:00Z";
  m.created_by = "analyst";
  m.data_as_of = Date::Ymd(2025, 6, 30);
  m.train_from = m.train_to = m.calibration_from = m.calibration_to = m.test_from = m.test_to =
      Date::Ymd(2025, 1, 31);
  m.booster_json = "{\"learner\":{}}";
  m.features_json = "[\"a\"]";
  ASSERT_TRUE(store_->InsertRiskModel(m).ok());
  EXPECT_EQ(store_->InsertRiskModel(m).reason(), "unique_violation");
  RiskModelRecord m2 = m;
  m2.version = "risk-2";
  m2.created_at = "2026-01-02T00:00:00Z";
  ASSERT_TRUE(store_->InsertRiskModel(m2).ok());
  EXPECT_FALSE(store_->GetActiveRiskModel()->has_value());
  ASSERT_TRUE(store_->ActivateRiskModel("risk-1").ok());
  ASSERT_TRUE(store_->ActivateRiskModel("risk-2").ok());
  EXPECT_EQ(store_->ActivateRiskModel("risk-9").reason(), "model_not_found");
  auto active = store_->GetActiveRiskModel();
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->version, "risk-2");
  EXPECT_EQ((*active)->booster_json, "{\"learner\":{}}");
  auto all = store_->ListRiskModels();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().version, "risk-2");  // newest first
  EXPECT_TRUE(all->front().booster_json.empty());
  EXPECT_FALSE(all->back().active);
  EXPECT_EQ(store_->GetRiskModel("nope").status().reason(), "model_not_found");

  Person p;
  p.first_name = "Ann";
  p.last_name = "Lee";
  const PersonId pid = *store_->InsertPerson(p);
  RiskScoreRecord r;
  r.obligor = pid;
  r.as_of = Date::Ymd(2025, 6, 30);
  r.model_version = "risk-2";
  r.probability = 0.8125;
  r.score = 82;
  r.tier = "HIGH";
  r.confidence = 0.5;
  r.key_factors_json = "[]";
  ASSERT_TRUE(store_->InsertRiskScore(r).ok());
  auto scores = store_->ListRiskScores(pid);
  ASSERT_EQ(scores->size(), 1u);
  EXPECT_DOUBLE_EQ(scores->front().probability, 0.8125);
  EXPECT_EQ(scores->front().score, 82);
  EXPECT_FALSE(scores->front().case_id.valid());
  r.score = 0;
  EXPECT_EQ(store_->InsertRiskScore(r).status().reason(), "constraint_violation");
  r.score = 50;
  r.model_version = "risk-9";
  EXPECT_EQ(store_->InsertRiskScore(r).status().reason(), "reference_not_found");
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

TEST_P(StoreTest, AuditRowsOfOneActionAreReadInSequenceOrder) {
  const char* actions[] = {"payment.post", "enforce.score_override",
                           "payment.post", "enforce.score_override",
                           "import.batch", "enforce.score_override"};
  int64_t seq = 0;
  for (const char* action : actions) {
    ++seq;
    AuditRow row;
    row.seq = seq;
    row.at = "2025-06-30T12:00:00.000000Z";
    row.actor = "t";
    row.action = action;
    row.entity = "x";
    row.entity_id = std::to_string(seq);
    row.prev_hash = "p";
    row.hash = "h" + std::to_string(seq);
    ASSERT_TRUE(store_->InsertAudit(row).ok());
  }
  std::vector<int64_t> seen;
  ASSERT_TRUE(store_
                  ->ScanAuditByAction("enforce.score_override",
                                      [&](const AuditRow& r) {
                                        EXPECT_EQ(r.action, "enforce.score_override");
                                        seen.push_back(r.seq);
                                        return Status::Ok();
                                      })
                  .ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 4, 6}));
  int visited = 0;
  EXPECT_TRUE(store_
                  ->ScanAuditByAction("no.such.action",
                                      [&](const AuditRow&) {
                                        ++visited;
                                        return Status::Ok();
                                      })
                  .ok());
  EXPECT_EQ(visited, 0);
  // A visitor's error stops the scan and is returned.
  EXPECT_EQ(
      store_
          ->ScanAuditByAction("payment.post",
                              [](const AuditRow&) { return InvalidArgument("stop_here", "stop"); })
          .reason(),
      "stop_here");
}

TEST_P(StoreTest, ASnapshotReadsOneMomentAndEndsBeforeAnyWrite) {
  if (!GetParam()) GTEST_SKIP() << "a second connection needs a file";
  auto other = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(store_->SetSetting("k", "1").ok());
  ASSERT_TRUE(store_->BeginSnapshot().ok());
  EXPECT_EQ(store_->GetSetting("k")->value(), "1");
  ASSERT_TRUE((*other)->SetSetting("k", "2").ok());  // committed by another connection
  EXPECT_EQ(store_->GetSetting("k")->value(), "1");  // the snapshot still reads its moment
  // A write on the now stale snapshot would fail (SQLITE_BUSY_SNAPSHOT); it ends it instead.
  ASSERT_TRUE(store_->SetSetting("mine", "x").ok());
  EXPECT_EQ(store_->GetSetting("k")->value(), "2");
  EXPECT_EQ((*other)->GetSetting("mine")->value(), "x");
  store_->EndSnapshot();  // already ended: nothing happens

  // Begin() on a snapshot ends it and opens the usual write transaction.
  ASSERT_TRUE(store_->BeginSnapshot().ok());
  EXPECT_EQ(store_->GetSetting("k")->value(), "2");
  ASSERT_TRUE((*other)->SetSetting("k", "3").ok());
  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_EQ(store_->GetSetting("k")->value(), "3");
  ASSERT_TRUE(store_->SetSetting("k", "4").ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ((*other)->GetSetting("k")->value(), "4");

  // The moment is that of the snapshot's first read; once ended, reads see the latest commit.
  ASSERT_TRUE(store_->BeginSnapshot().ok());
  ASSERT_TRUE((*other)->SetSetting("k", "4b").ok());
  EXPECT_EQ(store_->GetSetting("k")->value(), "4b");
  ASSERT_TRUE((*other)->SetSetting("k", "5").ok());
  EXPECT_EQ(store_->GetSetting("k")->value(), "4b");
  store_->EndSnapshot();
  EXPECT_EQ(store_->GetSetting("k")->value(), "5");
}

TEST_P(StoreTest, ReopeningKeepsDataAndSchema) {
  if (!GetParam()) GTEST_SKIP() << "a memory database does not survive reopening";
  ASSERT_TRUE(store_->SetSetting("k", "v").ok());
  store_.reset();
  auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->schema_version(), sqlite::Migrations().back().version);
  EXPECT_EQ((*again)->GetSetting("k")->value(), "v");
  store_ = std::move(again).value();
}

// BeginWithoutForeignKeyChecks: the probes are off in that transaction only, and stay on
// when it is nested in an open one.
TEST_P(StoreTest, ForeignKeyChecksAreOffOnlyInTheUncheckedTransaction) {
  StoredCollection orphan;  // case 77 and person 78 do not exist
  orphan.collection = Collection{{},
                                 "FK-1",
                                 CaseId{77},
                                 PersonId{78},
                                 Money::FromCents(100),
                                 Date::Ymd(2024, 1, 2),
                                 PaymentSource::kDirect,
                                 {},
                                 {}};
  orphan.posted_at = "2024-01-02T00:00:00Z";
  orphan.posted_by = "test";
  auto is_fk_violation = [](const Status& s) { return s.reason() == "reference_not_found"; };

  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_TRUE(is_fk_violation(store_->InsertCollection(orphan).status()));
  auto nested = store_->BeginWithoutForeignKeyChecks();
  ASSERT_TRUE(nested.ok());
  EXPECT_FALSE(*nested);  // inside an open transaction the probes stay on
  EXPECT_TRUE(is_fk_violation(store_->InsertCollection(orphan).status()));
  ASSERT_TRUE(store_->Commit().ok());
  store_->Rollback();

  auto unchecked = store_->BeginWithoutForeignKeyChecks();
  ASSERT_TRUE(unchecked.ok());
  EXPECT_TRUE(*unchecked);
  EXPECT_TRUE(store_->InsertCollection(orphan).ok());  // no probe: the caller vouches
  store_->Rollback();
  EXPECT_EQ(*store_->CountCollections(), 0);

  // Rollback turned the probes back on, and so does Commit.
  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_TRUE(is_fk_violation(store_->InsertCollection(orphan).status()));
  store_->Rollback();
  ASSERT_TRUE(*store_->BeginWithoutForeignKeyChecks());
  ASSERT_TRUE(store_->SetSetting("k", "v").ok());
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_TRUE(is_fk_violation(store_->InsertCollection(orphan).status()));
  store_->Rollback();
  EXPECT_EQ(*store_->CountCollections(), 0);
}

TEST_P(StoreTest, BulkLoadModeChangesOnlyOutsideTransactionsAndKeepsEverything) {
  ASSERT_TRUE(store_->Begin().ok());
  Status inside = store_->SetBulkLoad(true);
  EXPECT_EQ(inside.reason(), "bulk_load_in_transaction");
  store_->Rollback();

  ASSERT_TRUE(store_->SetBulkLoad(true).ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store_->Begin().ok());
    ASSERT_TRUE(store_->SetSetting("bulk." + std::to_string(i), std::to_string(i)).ok());
    ASSERT_TRUE(store_->Commit().ok());
  }
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->SetSetting("bulk.undone", "x").ok());
  store_->Rollback();  // rollback still works in bulk mode
  ASSERT_TRUE(store_->SetBulkLoad(false).ok());
  EXPECT_FALSE(store_->GetSetting("bulk.undone")->has_value());
  if (!GetParam()) {
    EXPECT_EQ(store_->GetSetting("bulk.49")->value(), "49");
    return;
  }
  store_.reset();
  auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(again.ok());
  store_ = std::move(again).value();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(store_->GetSetting("bulk." + std::to_string(i))->value(), std::to_string(i));
  }
}

// A new database has 16 KiB pages, and the automatic checkpoint's threshold stays a size of
// log (64 MiB, 256 MiB in bulk-load mode) whatever the page size.
TEST_P(StoreTest, NewDatabasesHave16KiBPagesAndCheckpointBySizeOfLog) {
  EXPECT_EQ(*store_->PragmaForTesting("page_size"), 16384);
  EXPECT_EQ(*store_->PragmaForTesting("wal_autocheckpoint"), 4096);
  ASSERT_TRUE(store_->SetBulkLoad(true).ok());
  EXPECT_EQ(*store_->PragmaForTesting("wal_autocheckpoint"), 16384);
  EXPECT_EQ(*store_->PragmaForTesting("synchronous"), 1);  // NORMAL
  ASSERT_TRUE(store_->SetBulkLoad(false).ok());
  EXPECT_EQ(*store_->PragmaForTesting("wal_autocheckpoint"), 4096);
  EXPECT_EQ(*store_->PragmaForTesting("synchronous"), 2);  // FULL
}

// With automatic checkpoints off, commits leave the write-ahead log growing until the
// WalCheckpointer's thread copies it into the database file; everything committed stays
// readable throughout and after, and a negative page count is refused.
TEST_P(StoreTest, BackgroundCheckpointerCopiesTheLogWhileCommitsDoNot) {
  if (!GetParam()) return;  // an in-memory database has no write-ahead log
  EXPECT_EQ(store_->SetAutoCheckpoint(-1).reason(), "autocheckpoint_negative");
  ASSERT_TRUE(store_->SetAutoCheckpoint(0).ok());
  auto checkpointer = WalCheckpointer::Start(path_, std::chrono::milliseconds(20));
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().message();
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(store_->SetSetting("wal." + std::to_string(i), std::string(500, 'x')).ok());
  }
  for (int waited = 0; (*checkpointer)->runs() < 3 && waited < 500; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE((*checkpointer)->runs(), 3);
  EXPECT_EQ((*checkpointer)->failures(), 0);
  checkpointer->reset();  // one last checkpoint, then the thread stops
  // Every page is now in the database file: a copy of the file alone, without its log,
  // holds every row.
  const std::string copy = path_ + ".copy";
  std::filesystem::copy_file(path_, copy, std::filesystem::copy_options::overwrite_existing);
  auto alone = SqliteStore::Open(copy, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ((*alone)->GetSetting("wal.199")->value(), std::string(500, 'x'));
  EXPECT_EQ(store_->GetSetting("wal.0")->value(), std::string(500, 'x'));
  alone->reset();
}

INSTANTIATE_TEST_SUITE_P(FileAndMemory, StoreTest, ::testing::Values(true, false));

TEST_P(StoreTest, MigrationsAreSortedUniqueAndTrackedOneByOne) {
  const auto& all = sqlite::Migrations();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].version, all[i].version);
  if (!GetParam()) GTEST_SKIP() << "reopening needs a file";
  // A migration that is missing (a lower range landing after a higher one) is applied on
  // the next open; an applied migration the program does not know refuses to open.
  ASSERT_TRUE(store_->ExecForTesting("DELETE FROM schema_version WHERE version = 1").ok());
  store_.reset();
  // Migration 1 creates tables that exist: re-running it fails and changes nothing.
  auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("migration 1"), std::string::npos);
  // Put it back, then add a version from the future.
  std::string sql =
      "INSERT INTO schema_version VALUES (1); INSERT INTO schema_version VALUES (99999)";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto newer = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().reason(), "schema_too_new");
  EXPECT_NE(newer.status().message().find("99999"), std::string::npos);
}

// A database from before migration 7 has no judgment accrual period columns: opening it adds
// them, NULL on every existing order, which then loads with no period (classified by its
// effective date as before); new orders keep theirs, and the CHECK refuses half a period.
TEST_P(StoreTest, AnOldDatabasesOrdersLoadWithoutAJudgmentPeriod) {
  if (!GetParam()) GTEST_SKIP() << "reopening needs a file";
  Person p;
  p.first_name = "Sam";
  p.last_name = "Doe";
  Case c;
  c.obligor = *store_->InsertPerson(p);
  c.obligee = *store_->InsertPerson(p);
  c.opened = Date::Ymd(2024, 1, 1);
  const CaseId cid = *store_->InsertCase(c);
  // The database as migration 6 left it, with an arrears judgment in it.
  ASSERT_TRUE(
      store_
          ->ExecForTesting("ALTER TABLE support_order DROP COLUMN judgment_accrued_through; "
                           "ALTER TABLE support_order DROP COLUMN judgment_accrued_from; "
                           "DELETE FROM schema_version WHERE version = 7; "
                           "INSERT INTO support_order(case_id, obligation_type, amount_cents, "
                           "frequency, effective_date, judgment_cents) VALUES (" +
                           std::to_string(cid.value) +
                           ", 'arrears_payback', 5000, 'monthly', '2024-03-01', 240000)")
          .ok());
  store_.reset();
  auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  store_ = std::move(again).value();
  EXPECT_EQ(store_->schema_version(), sqlite::Migrations().back().version);
  auto old = store_->ListOrdersByCase(cid);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ(old->at(0).judgment, Money::FromCents(240000));
  EXPECT_FALSE(old->at(0).judgment_accrued_from.has_value());
  EXPECT_FALSE(old->at(0).judgment_accrued_through.has_value());

  Order o = old->at(0);
  o.judgment_accrued_from = Date::Ymd(2023, 1, 1);
  o.judgment_accrued_through = Date::Ymd(2023, 12, 31);
  const OrderId with_period = *store_->InsertOrder(o);
  // Every read path: by id, by case, the obligor's books, a range of obligors.
  EXPECT_EQ(store_->GetOrder(with_period)->judgment_accrued_from, Date::Ymd(2023, 1, 1));
  auto books = store_->LoadObligorBooks(c.obligor);
  ASSERT_TRUE(books.ok()) << books.status().ToString();
  ASSERT_EQ(books->orders.size(), 2u);
  EXPECT_FALSE(books->orders[0].judgment_accrued_through.has_value());
  EXPECT_EQ(books->orders[1].judgment_accrued_through, Date::Ymd(2023, 12, 31));
  auto range = store_->LoadObligorRange(c.obligor, c.obligor);
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->orders.size(), 2u);
  EXPECT_EQ(range->orders[1].judgment_accrued_from, Date::Ymd(2023, 1, 1));
  EXPECT_FALSE(store_
                   ->ExecForTesting("UPDATE support_order SET judgment_accrued_through = NULL "
                                    "WHERE id = " +
                                    std::to_string(with_period.value))
                   .ok());
  EXPECT_FALSE(store_
                   ->ExecForTesting("UPDATE support_order SET judgment_accrued_through = "
                                    "'2024-03-02' WHERE id = " +
                                    std::to_string(with_period.value))
                   .ok());
}

AccessLogRow ReadRow(PersonId p, const std::string& request_id) {
  return AccessLogRow{0,        "2025-06-30T12:00:00Z", "cw",      p,
                      CaseId{}, "GET /v1/persons/{id}", request_id};
}

// The access log lives in `<db>-access`: its commits leave the main file (and so the page
// caches of its readers) alone, and it is there for every connection of the database.
TEST_P(StoreTest, TheAccessLogHasItsOwnFileSharedByEveryConnection) {
  ASSERT_TRUE(store_->InsertAccessLog(ReadRow(PersonId{7}, "r1")).ok());
  EXPECT_EQ(store_->ListAccessLog(PersonId{7}, 0, 10)->size(), 1U);
  // A row without a person is refused, and nothing of its batch is kept.
  auto log = store_->AccessLog();
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->Append({ReadRow(PersonId{8}, "r2"), ReadRow(PersonId{}, "r3")}).reason(),
            "constraint_violation");
  EXPECT_EQ(store_->ListAccessLog(PersonId{}, 0, 10)->size(), 1U);
  if (!GetParam()) return;
  EXPECT_TRUE(std::filesystem::exists(path_ + "-access"));
  auto other = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ((*other)->ListAccessLog(PersonId{}, 0, 10)->size(), 1U);
  EXPECT_EQ((*other)->ListAccessLog(PersonId{}, 0, 10)->front().request_id, "r1");
  // The main file has no access_log table any more (migration 103).
  EXPECT_FALSE(store_->ExecForTesting("SELECT 1 FROM main.access_log").ok());
}

// A database from before migration 103 had its access log in the main file: opening it moves
// every row, ids kept, to the new file, and a move interrupted after the copy (the table not
// yet dropped) neither loses nor duplicates a row when it runs again.
TEST_P(StoreTest, AnOldDatabasesAccessLogMovesToItsOwnFileOnce) {
  if (!GetParam()) GTEST_SKIP() << "reopening needs a file";
  const char* kOldTable =
      "CREATE TABLE access_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
      "person_id INTEGER NOT NULL, case_id INTEGER, route TEXT NOT NULL, request_id TEXT NOT "
      "NULL); DELETE FROM schema_version WHERE version = 103;";
  const char* kOldRows =
      "INSERT INTO access_log VALUES (5, '2025-01-02T00:00:00Z', 'cw', 11, NULL, 'GET /a', 'x'); "
      "INSERT INTO access_log VALUES (9, '2025-01-03T00:00:00Z', 'sup', 12, 3, 'GET /b', 'y');";
  auto reopen = [&]() {
    store_.reset();
    auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist);
    EXPECT_TRUE(again.ok()) << again.status().ToString();
    if (again.ok()) store_ = std::move(again).value();
    return again.ok();
  };
  // An old database: the table in the main file, no access-log file yet.
  ASSERT_TRUE(store_->ExecForTesting(kOldTable).ok());
  ASSERT_TRUE(store_->ExecForTesting(kOldRows).ok());
  store_.reset();
  for (const char* suffix : {"-access", "-access-wal", "-access-shm"}) {
    std::filesystem::remove(path_ + suffix);
  }
  ASSERT_TRUE(reopen());
  auto rows = store_->ListAccessLog(PersonId{}, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ((*rows)[0].id, 5);
  EXPECT_EQ((*rows)[1].id, 9);
  EXPECT_EQ((*rows)[1].case_id, CaseId{3});
  EXPECT_EQ((*rows)[1].actor, "sup");
  EXPECT_FALSE(store_->ExecForTesting("SELECT 1 FROM main.access_log").ok());
  // Interrupted after the copy: the old table is back, 103 not recorded. Nothing doubles.
  ASSERT_TRUE(store_->ExecForTesting(kOldTable).ok());
  ASSERT_TRUE(store_->ExecForTesting(kOldRows).ok());
  ASSERT_TRUE(reopen());
  EXPECT_EQ(store_->ListAccessLog(PersonId{}, 0, 10)->size(), 2U);
  EXPECT_EQ(store_->schema_version(), sqlite::Migrations().back().version);
}

// A database created again at the same path does not take over the old one's access log.
TEST_P(StoreTest, ANewDatabaseBesideAnOrphanedAccessLogIsRefused) {
  if (!GetParam()) GTEST_SKIP() << "needs files";
  ASSERT_TRUE(store_->InsertAccessLog(ReadRow(PersonId{7}, "old")).ok());
  store_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  auto fresh = SqliteStore::Open(path_, SqliteStore::OpenMode::kCreate);
  EXPECT_EQ(fresh.status().reason(), "access_log_orphaned");
  EXPECT_NE(fresh.status().message().find(path_ + "-access"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path_));  // nothing created
  std::filesystem::rename(path_ + "-access", path_ + "-access.kept");
  auto again = SqliteStore::Open(path_, SqliteStore::OpenMode::kCreate);
  ASSERT_TRUE(again.ok());
  store_ = std::move(again).value();
  EXPECT_TRUE(store_->ListAccessLog(PersonId{}, 0, 10)->empty());
}

// bench/post_payments' comparison phases: the same rows into a bare table, and into one with
// the collection table's own indexes (read from the source, so they follow the migrations).
TEST_P(StoreTest, RawInsertTimingCopiesEveryRowIntoABareOrAnIndexedTable) {
  if (!GetParam()) GTEST_SKIP() << "the timing reads the store's file";
  ASSERT_TRUE(*store_->BeginWithoutForeignKeyChecks());
  for (int i = 0; i < 5; ++i) {
    StoredCollection row;  // no case or person: the unchecked transaction lets the rows in
    row.collection = Collection{{},
                                "RAW-" + std::to_string(i),
                                CaseId{7},
                                PersonId{8 + i % 2},
                                Money::FromCents(100 + i),
                                Date::Ymd(2024, 1, 2 + i),
                                PaymentSource::kWithholding,
                                {},
                                {}};
    row.posted_at = "2024-01-09T00:00:00Z";
    row.posted_by = "test";
    ASSERT_TRUE(store_->InsertCollection(row).ok());
  }
  ASSERT_TRUE(store_->Commit().ok());

  auto statements = CollectionIndexStatements(path_);
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  ASSERT_EQ(statements->size(), 1u);  // the covering obligor index (migration 4)
  EXPECT_NE(statements->front().find("CREATE INDEX collection_obligor_history ON "
                                     "raw_collection(obligor_id, id,"),
            std::string::npos)
      << statements->front();

  const std::string raw_path = path_ + ".raw";
  for (RawTable table : {RawTable::kBare, RawTable::kCollectionIndexes}) {
    std::filesystem::remove(raw_path);
    auto timing = TimeRawCollectionInserts(path_, raw_path, 2, table);
    ASSERT_TRUE(timing.ok()) << timing.status().ToString();
    EXPECT_EQ(timing->rows, 5);
    EXPECT_GT(timing->seconds, 0.0);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(raw_path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT (SELECT count(*) FROM raw_collection), "
                                 "(SELECT group_concat(name, ',') FROM (SELECT name FROM "
                                 "sqlite_schema WHERE type = 'index' ORDER BY name))",
                                 -1, &q, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(q, 0), 5);
    const unsigned char* names = sqlite3_column_text(q, 1);
    EXPECT_EQ(names ? std::string(reinterpret_cast<const char*>(names)) : std::string(),
              table == RawTable::kBare
                  ? ""
                  : "collection_obligor_history,sqlite_autoindex_raw_collection_1");
    sqlite3_finalize(q);
    sqlite3_close(db);
  }

  // A missing source is a clear error.
  EXPECT_EQ(CollectionIndexStatements("/nonexistent-dir/x.db").status().reason(), "db_not_found");
}

// A database created with 4 KiB pages (before 16 KiB became the default) keeps them, its data
// and the same checkpoint thresholds in bytes: 16384 pages (64 MiB), 65536 in bulk-load mode.
TEST(StoreOpenTest, AnExistingFileKeepsItsPageSize) {
  const testing::ScratchDir dir("page4k");
  const std::string path = dir.path("page4k.db");
  {
    auto created = SqliteStore::Open(path, SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE((*created)->SetSetting("kept", "yes").ok());
    // Rewrite the file with 4 KiB pages, as an older OpenCSE created it.
    ASSERT_TRUE((*created)->ExecForTesting("PRAGMA journal_mode=DELETE").ok());
    ASSERT_TRUE((*created)->ExecForTesting("PRAGMA page_size=4096").ok());
    ASSERT_TRUE((*created)->ExecForTesting("VACUUM").ok());
    ASSERT_TRUE((*created)->ExecForTesting("PRAGMA journal_mode=WAL").ok());
    ASSERT_EQ(*(*created)->PragmaForTesting("page_size"), 4096);
  }
  auto store = SqliteStore::Open(path, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->PragmaForTesting("page_size"), 4096);
  EXPECT_EQ((*store)->GetSetting("kept")->value_or(""), "yes");
  EXPECT_EQ(*(*store)->PragmaForTesting("wal_autocheckpoint"), 16384);
  ASSERT_TRUE((*store)->SetBulkLoad(true).ok());
  EXPECT_EQ(*(*store)->PragmaForTesting("wal_autocheckpoint"), 65536);
  ASSERT_TRUE((*store)->SetBulkLoad(false).ok());
  EXPECT_EQ(*(*store)->PragmaForTesting("wal_autocheckpoint"), 16384);
}

TEST(StoreOpenTest, MissingDatabaseIsAClearError) {
  auto s = SqliteStore::Open("/nonexistent-dir/x.db", SqliteStore::OpenMode::kMustExist);
  EXPECT_EQ(s.status().reason(), "db_not_found");
}

// Opens `db` in a child as nobody when run as root (root may write any file), else as this
// user; exits 3 when the store answers store_read_only, after printing the error.
[[noreturn]] void OpenAsAnotherUser(const std::string& db) {
  if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) std::_Exit(99);
  auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
  std::fprintf(stderr, "%s\n", store.ok() ? "opened" : store.status().ToString().c_str());
  std::_Exit(store.ok() ? 0 : store.status().reason() == "store_read_only" ? 3 : 1);
}

// A database this user cannot write cannot be opened even to read (WAL writes the file and
// '-shm'): store_read_only naming the path and what to do. Before, every command said
// "store_io: cannot configure database: attempt to write a readonly database".
TEST(StoreOpenTest, ADatabaseThisUserCannotWriteIsNamedAsReadOnly) {
  GTEST_FLAG_SET(death_test_style, "fast");
  const testing::ScratchDir dir("readonly_open");
  const std::string db = dir.path("ro.db");
  ASSERT_TRUE(SqliteStore::Open(db, SqliteStore::OpenMode::kCreate).ok());
  ASSERT_EQ(chmod(dir.dir().string().c_str(), 0755), 0);
  ASSERT_EQ(chmod(db.c_str(), 0444), 0);  // root's file, or read-only to this user
  EXPECT_EXIT(OpenAsAnotherUser(db), ::testing::ExitedWithCode(3),
              "store_read_only: database '.*ro\\.db' cannot be written by this user.*write "
              "permission");
}

}  // namespace
}  // namespace cse
