#include <gtest/gtest.h>

#include "core/limits.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/replay.h"
#include "testing/fixture.h"

namespace cse {
namespace {

using testing::World;

TEST(PostingTest, IdempotencyAnswersExistsOrADistinctCodePerField) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c1 = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  const CaseId c2 = w.SimpleCase(obligor, 20000, Date::Ymd(2024, 1, 1));
  auto first = w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 10));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->outcome, PostOutcome::kCreated);
  auto again = w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 10));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, PostOutcome::kExists);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->distribution, first->distribution);
  EXPECT_EQ(w.Pay("k1", c1, 30001, Date::Ymd(2024, 3, 10)).status().reason(),
            "exists_with_different_amount");
  EXPECT_EQ(w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 11)).status().reason(),
            "exists_with_different_date");
  EXPECT_EQ(w.Pay("k1", c2, 30000, Date::Ymd(2024, 3, 10)).status().reason(),
            "exists_with_different_case");
  EXPECT_EQ(
      w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 10), PaymentSource::kWithholding).status().reason(),
      "exists_with_different_source");
  EXPECT_EQ(*w.store().CountCollections(), 1);
}

TEST(PostingTest, EveryValidationRuleHasItsOwnCodeAndWritesNothing) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  const int64_t audit_before = *w.store().LastAudit() ? (*w.store().LastAudit())->seq : 0;
  EXPECT_EQ(w.Pay("", c, 100, Date::Ymd(2024, 3, 1)).status().reason(), "key_missing");
  EXPECT_EQ(w.Pay(std::string(200, 'k'), c, 100, Date::Ymd(2024, 3, 1)).status().reason(),
            "key_too_long");
  EXPECT_EQ(w.Pay("a b", c, 100, Date::Ymd(2024, 3, 1)).status().reason(), "key_invalid_char");
  EXPECT_EQ(w.Pay("k", c, 0, Date::Ymd(2024, 3, 1)).status().reason(), "amount_zero");
  EXPECT_EQ(w.Pay("k", c, 100, Date::Ymd(2026, 1, 2)).status().reason(), "date_in_future");
  EXPECT_EQ(w.Pay("k", CaseId{999}, 100, Date::Ymd(2024, 3, 1)).status().reason(),
            "case_not_found");
  EXPECT_EQ(*w.store().CountCollections(), 0);
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);
}

TEST(PostingTest, OrderRulesAreEnforced) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  Order o;
  o.case_id = c;
  o.amount = Money::FromCents(100);
  o.effective_date = Date::Ymd(2024, 5, 1);
  o.end_date = Date::Ymd(2024, 4, 1);
  EXPECT_EQ(w.service().AddOrder(o, std::nullopt).status().reason(), "order_end_before_start");
  o.end_date.reset();
  o.case_id = CaseId{42};
  EXPECT_EQ(w.service().AddOrder(o, std::nullopt).status().reason(), "case_not_found");
  o.case_id = c;
  EXPECT_EQ(w.service().AddOrder(o, OrderId{77}).status().reason(), "order_not_found");
  o.effective_date = Date::Ymd(2023, 12, 1);
  EXPECT_EQ(w.service().AddOrder(o, OrderId{1}).status().reason(), "order_replaces_not_before");
}

TEST(PostingTest, ModificationEndsTheOldOrderAndRedistributes) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("p1", c, 100000, Date::Ymd(2024, 2, 10)).ok());
  // Retroactive modification down to 300.00 from 2024-01-16: January becomes 500*15/31 +
  // 300*16/31, so less of p1 is needed and more is held.
  Order mod;
  mod.case_id = c;
  mod.amount = Money::FromCents(30000);
  mod.effective_date = Date::Ymd(2024, 1, 16);
  ASSERT_TRUE(w.service().AddOrder(mod, OrderId{1}).ok());
  auto ledger = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 29));
  ASSERT_TRUE(ledger.ok());
  const int64_t january = 24194 + 15484;  // 50000*15/31, 30000*16/31 rounded half up
  EXPECT_EQ(ledger->balance.accrued.cents(), january + 30000);
  EXPECT_EQ(ledger->obligor.held_total.cents(), 100000 - january - 30000);
}

TEST(PostingTest, ReversalRedistributesLaterPaymentsAndKeepsHistory) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("jan", c, 50000, Date::Ymd(2024, 1, 5)).ok());
  auto feb = w.Pay("feb", c, 80000, Date::Ymd(2024, 2, 5));
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->distribution.held.cents(), 30000);  // January was paid: 300 held
  auto rev = w.service().ReversePayment("jan", Date::Ymd(2024, 2, 20), "NSF");
  ASSERT_TRUE(rev.ok()) << rev.status().ToString();
  EXPECT_EQ(rev->redistributed, 1);
  auto stored = w.store().FindCollectionByKey("feb");
  EXPECT_EQ(stored->value().distribution.held.cents(), 0);  // now pays January arrears
  EXPECT_EQ(stored->value().distribution.to_family.cents(), 80000);
  EXPECT_EQ(w.service().ReversePayment("jan", Date::Ymd(2024, 2, 21), "NSF").status().reason(),
            "already_reversed");
  EXPECT_EQ(w.service().ReversePayment("nope", Date::Ymd(2024, 2, 21), "NSF").status().reason(),
            "collection_not_found");
  EXPECT_EQ(w.service().ReversePayment("feb", Date::Ymd(2024, 2, 1), "NSF").status().reason(),
            "reversal_before_receipt");
  // As of a date before the reversal the January payment still counts.
  auto before = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 10));
  EXPECT_EQ(before->balance.arrears_total.cents(), 0);
  auto after = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 29));
  EXPECT_EQ(after->balance.arrears_total.cents(), 20000);
}

TEST(PostingTest, BackdatedPaymentRedistributesLaterOnes) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("mar", c, 150000, Date::Ymd(2024, 3, 5)).ok());
  auto jan = w.Pay("jan", c, 50000, Date::Ymd(2024, 1, 5));
  ASSERT_TRUE(jan.ok());
  EXPECT_EQ(jan->redistributed, 1);
  EXPECT_EQ(w.store().FindCollectionByKey("mar")->value().distribution.held.cents(), 50000);
}

TEST(PostingTest, CaseTypeFollowsAssistanceEpisodes) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const PersonId obligee = w.Person("Ana", "Roe");
  NewCase nc;
  nc.obligor = obligor;
  nc.obligee = obligee;
  nc.type = CaseType::kCurrentAssistance;
  EXPECT_EQ(w.service().AddCase(nc).status().reason(), "case_type_needs_assistance");
  nc.assistance =
      AssistanceEpisode{{}, Date::Ymd(2025, 1, 1), Date::Ymd(2025, 6, 30), Money::FromCents(30000)};
  EXPECT_EQ(w.service().AddCase(nc).status().reason(), "case_type_assistance_mismatch");
  nc.assistance->end_date.reset();
  auto id = w.service().AddCase(nc);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(w.store().GetCase(*id)->type, CaseType::kCurrentAssistance);
  ASSERT_TRUE(w.service().EndAssistance(*id, Date::Ymd(2025, 6, 30)).ok());
  EXPECT_EQ(w.store().GetCase(*id)->type, CaseType::kFormerAssistance);
  EXPECT_EQ(w.service().EndAssistance(*id, Date::Ymd(2025, 7, 30)).reason(), "assistance_not_open");
}

TEST(PostingTest, ConfigIsValidatedAndLockedOncePaymentsExist) {
  World w;
  EXPECT_EQ(w.service().SetConfig("distribution.nope", "x").reason(), "config_key_unknown");
  EXPECT_EQ(w.service().SetConfig("distribution.assignment_model", "x").reason(),
            "config_value_invalid");
  EXPECT_EQ(w.service().SetConfig("distribution.federal_share_bps", "10001").reason(),
            "config_value_invalid");
  ASSERT_TRUE(w.service().SetConfig("distribution.assignment_model", "prwora").ok());
  EXPECT_EQ(LoadPolicy(w.store())->assignment_model, AssignmentModel::kPrwora);
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k", c, 100, Date::Ymd(2024, 1, 2)).ok());
  EXPECT_EQ(w.service().SetConfig("distribution.assignment_model", "dra").reason(),
            "config_locked_after_postings");
}

TEST(AuditTest, ChainDetectsTamperingAndReplayMatches) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k1", c, 70000, Date::Ymd(2024, 3, 1)).ok());
  ASSERT_TRUE(w.Pay("k2", c, 10000, Date::Ymd(2024, 4, 1)).ok());
  ASSERT_TRUE(w.service().ReversePayment("k1", Date::Ymd(2024, 4, 2), "NSF").ok());
  auto v = VerifyAuditChain(w.store());
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact);
  EXPECT_GE(v->rows, 7);
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0);
  EXPECT_EQ(cmp->collections, 2);

  // Updates and deletes are refused outright...
  EXPECT_FALSE(w.store().ExecForTesting("UPDATE audit SET actor = 'x' WHERE seq = 3").ok());
  EXPECT_FALSE(w.store().ExecForTesting("DELETE FROM audit WHERE seq = 3").ok());
  // ...and someone who drops the guard to rewrite history is caught by the chain.
  ASSERT_TRUE(w.store().ExecForTesting("DROP TRIGGER audit_no_update").ok());
  ASSERT_TRUE(w.store()
                  .ExecForTesting("UPDATE audit SET after = replace(after, '700.00', '70.00') "
                                  "WHERE action = 'payment.post'")
                  .ok());
  auto broken = VerifyAuditChain(w.store());
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->intact);
  EXPECT_NE(broken->problem.find("hash mismatch"), std::string::npos);
}

// Payments of an obligor the audit trail has no case for are caught both ways: rows written
// straight into the store for a case the trail never had, and trail rows whose case is
// missing from it.
TEST(AuditTest, ReplayNoticesCollectionsOfObligorsWithNoCaseInTheTrail) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k1", c, 70000, Date::Ymd(2024, 3, 1)).ok());
  auto clean = CompareReplayWithStore(w.store());
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_EQ(clean->mismatches, 0);

  // A person, a case and a payment inserted around the service: no audit row for any of them.
  const CaseId ghost_case = w.StoreOnlyCase("Ghost");
  const PersonId obligor = w.store().GetCase(ghost_case)->obligor;
  StoredCollection row;
  row.collection = Collection{{},
                              "ghost-1",
                              ghost_case,
                              obligor,
                              Money::FromCents(5000),
                              Date::Ymd(2024, 3, 2),
                              PaymentSource::kDirect,
                              {},
                              {}};
  row.distribution.to_family = Money::FromCents(5000);
  row.posted_at = "2026-01-01T00:00:00.000000Z";
  row.posted_by = "someone";
  ASSERT_TRUE(w.store().InsertCollection(row).ok());
  auto around = CompareReplayWithStore(w.store());
  ASSERT_TRUE(around.ok()) << around.status().ToString();
  EXPECT_EQ(around->mismatches, 1);
  ASSERT_EQ(around->problems.size(), 1u);
  EXPECT_NE(around->problems[0].find("1 stored collections belong to obligors with no case"),
            std::string::npos)
      << around->problems[0];

  // A trail row paying that obligor, whose case.add the trail lacks.
  Collection listed = row.collection;
  listed.id = CollectionId{9999};
  ASSERT_TRUE(w.store().Begin().ok());
  ASSERT_TRUE(AppendAudit(w.store(), w.clock(), "someone", "payment.post", "collection", "ghost-1",
                          "", ToJson(listed).dump())
                  .ok());
  ASSERT_TRUE(w.store().Commit().ok());
  auto listed_only = CompareReplayWithStore(w.store());
  ASSERT_TRUE(listed_only.ok()) << listed_only.status().ToString();
  EXPECT_EQ(listed_only->mismatches, 2);
  bool named = false;
  for (const std::string& p : listed_only->problems) {
    named = named || p.find("obligor " + std::to_string(obligor.value) +
                            ": 1 collections in the audit trail, but no case of theirs") !=
                         std::string::npos;
  }
  EXPECT_TRUE(named);
}

TEST(AuditTest, ReplayNoticesAStoredDistributionChangedBehindItsBack) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k1", c, 70000, Date::Ymd(2024, 3, 1)).ok());
  ASSERT_TRUE(w.store()
                  .ExecForTesting("UPDATE collection SET to_family_cents = 1 WHERE "
                                  "idempotency_key = 'k1'")
                  .ok());
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->mismatches, 1);
}

}  // namespace
}  // namespace cse

namespace cse {
namespace {

TEST(LimitsTest, CasesPerObligorAndReferencesAreCheckedNotCrashed) {
  testing::World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  for (int64_t i = 0; i < limits::kCasesPerObligorMax; ++i) {
    w.SimpleCase(obligor, 1000, Date::Ymd(2024, 1, 1));
  }
  NewCase extra;
  extra.obligor = obligor;
  extra.obligee = w.Person("One", "More");
  EXPECT_EQ(w.service().AddCase(extra).status().reason(), "cases_per_obligor_exceeded");
  Employment e;
  e.person = obligor;
  e.employer = EmployerId{404};
  e.start_date = Date::Ymd(2024, 1, 1);
  EXPECT_EQ(w.service().AddEmployment(e).status().reason(), "employer_not_found");
}

TEST(LimitsTest, AnOrderCannotBeReplacedTwice) {
  testing::World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  Order mod;
  mod.case_id = c;
  mod.amount = Money::FromCents(40000);
  mod.effective_date = Date::Ymd(2024, 6, 1);
  ASSERT_TRUE(w.service().AddOrder(mod, OrderId{1}).ok());
  EXPECT_EQ(w.service().AddOrder(mod, OrderId{1}).status().reason(), "order_replaces_ended");
}

TEST(CaseEventTest, RecordsValidatesAndAudits) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const PersonId stranger = w.Person("Lee", "Poe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  CaseEvent e{0, obligor, c, Date::Ymd(2025, 3, 2), "iwo_issued", "employer_fein=991234567"};
  auto id = w.service().AddCaseEvent(e);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ((*w.store().LastAudit())->action, "event.add");
  auto events = w.store().ListCaseEventsByPerson(obligor);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().case_id, c);

  const int64_t audit_before = (*w.store().LastAudit())->seq;
  CaseEvent bad = e;
  bad.kind = "IWO Issued";
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "event_kind_invalid");
  bad = e;
  bad.date = Date::Ymd(2026, 1, 2);
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "date_in_future");
  bad = e;
  bad.person = stranger;
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "event_case_person_mismatch");
  bad = e;
  bad.person = PersonId{999};
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "person_not_found");
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);  // refused events write nothing
  EXPECT_EQ(w.store().ListCaseEventsByPerson(obligor)->size(), 1u);
}

TEST(CaseEventTest, SeveralEventsCommitTogetherOrNotAtAll) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  std::vector<CaseEvent> events{
      {0, obligor, CaseId{}, Date::Ymd(2025, 1, 5), "new_hire", "employer_fein=991234567"},
      {0, obligor, c, Date::Ymd(2025, 1, 7), "iwo_issued", "employer_fein=991234567"}};
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  auto ids = w.service().AddCaseEvents(events);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before + 1);  // one audit row for both
  EXPECT_EQ((*w.store().LastAudit())->action, "events.add");
  events.push_back({0, PersonId{999}, CaseId{}, Date::Ymd(2025, 1, 9), "moved", ""});
  EXPECT_EQ(w.service().AddCaseEvents(events).status().reason(), "person_not_found");
  events.back() = {0, obligor, CaseId{}, Date::Ymd(2025, 1, 9), "Bad Kind", ""};
  EXPECT_EQ(w.service().AddCaseEvents(events).status().reason(), "event_kind_invalid");
  EXPECT_EQ(w.store().ListCaseEventsByPerson(obligor)->size(), 2u);  // nothing more written
  EXPECT_TRUE(w.service().AddCaseEvents({})->empty());
}

}  // namespace
}  // namespace cse

namespace cse {
namespace {

using testing::World;

// Free text from people and files: each rule its own code, nothing written on a refusal.
TEST(TextInputTest, PersonFieldsAreUtf8PrintableCountedInCharactersAndNotBlank) {
  World w;
  w.Person("Sam", "Doe");
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  auto add = [&](auto&& edit) -> std::string {
    Person p;
    p.first_name = "Ana";
    p.last_name = "Roe";
    edit(p);
    const Status s = w.service().AddPerson(p).status();
    return s.ok() ? "ok" : s.reason();
  };
  EXPECT_EQ(add([](Person& p) { p.last_name = "   "; }), "name_missing");
  EXPECT_EQ(add([](Person& p) { p.first_name = "\t\n"; }), "name_missing");
  EXPECT_EQ(add([](Person& p) { p.last_name = "Ro\xFF"; }), "text_invalid_utf8");
  EXPECT_EQ(add([](Person& p) { p.address.city = "Col\x1b[2Jumbus"; }), "text_invalid_char");
  EXPECT_EQ(add([](Person& p) { p.address.county = std::string(201, 'x'); }), "text_too_long");
  EXPECT_EQ(add([](Person& p) { p.address.state = "12"; }), "state_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.state = "\xC3\xA9"; }), "state_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.zip = std::string(5000, '1'); }), "zip_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.zip = "4321"; }), "zip_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.zip = "43215+1234"; }), "zip_malformed");
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);
  // 150 two-byte characters are 150 characters, within the 200 allowed.
  std::string e_acute;
  for (int i = 0; i < 150; ++i) e_acute += "\xC3\xA9";
  EXPECT_EQ(add([&](Person& p) { p.first_name = e_acute; }), "ok");
  EXPECT_EQ(add([](Person& p) {
              p.address.state = "OH";
              p.address.zip = "43215-1234";
            }),
            "ok");
  std::string too_long;
  for (int i = 0; i < 201; ++i) too_long += "\xC3\xA9";
  Person p;
  p.first_name = too_long;
  p.last_name = "Roe";
  const Status s = w.service().AddPerson(p).status();
  EXPECT_EQ(s.reason(), "text_too_long");
  EXPECT_NE(s.message().find("has 201 characters"), std::string::npos) << s.message();
}

TEST(TextInputTest, ACaseCannotOpenInTheFutureOrCarryABadCounty) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const PersonId obligee = w.Person("Ana", "Roe");
  NewCase r;
  r.obligor = obligor;
  r.obligee = obligee;
  r.opened = w.clock().Today().AddDays(1);
  EXPECT_EQ(w.service().AddCase(r).status().reason(), "date_in_future");
  r.opened = w.clock().Today();
  r.county = std::string(5000, 'c');
  EXPECT_EQ(w.service().AddCase(r).status().reason(), "text_too_long");
  r.county = "Franklin\x1b";
  EXPECT_EQ(w.service().AddCase(r).status().reason(), "text_invalid_char");
  EXPECT_TRUE(w.store().ListCasesByObligor(obligor)->empty());
  r.county = "Franklin";
  EXPECT_TRUE(w.service().AddCase(r).ok());
}

TEST(TextInputTest, ReAddingAnEmployerKeepsTheAddressFieldsItLeavesOut) {
  World w;
  Employer e;
  e.fein = "991000001";
  e.name = "Granite Motors";
  e.address = Address{"1 Main St", "", "Columbus", "OH", "43215", ""};
  auto id = w.service().AddEmployer(e);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Employer renamed;
  renamed.fein = e.fein;
  renamed.name = "Granite Motors Inc";
  renamed.address.zip = "43216";
  auto again = w.service().AddEmployer(renamed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  auto stored = w.store().GetEmployer(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->name, "Granite Motors Inc");
  EXPECT_EQ(stored->address.line1, "1 Main St");
  EXPECT_EQ(stored->address.city, "Columbus");
  EXPECT_EQ(stored->address.state, "OH");
  EXPECT_EQ(stored->address.zip, "43216");
  // The audit row has the employer before and after.
  auto last = w.store().LastAudit();
  ASSERT_TRUE(last.ok() && *last);
  EXPECT_NE((*last)->before.find("\"zip\":\"43215\""), std::string::npos) << (*last)->before;
  EXPECT_NE((*last)->after.find("\"zip\":\"43216\""), std::string::npos) << (*last)->after;

  renamed.name = "   ";
  EXPECT_EQ(w.service().AddEmployer(renamed).status().reason(), "name_missing");
  renamed.name = std::string(1000, 'n');
  EXPECT_EQ(w.service().AddEmployer(renamed).status().reason(), "text_too_long");
  renamed.name = "Granite";
  renamed.address.state = "99";
  EXPECT_EQ(w.service().AddEmployer(renamed).status().reason(), "state_malformed");
  EXPECT_EQ(w.store().GetEmployer(*id)->name, "Granite Motors Inc");
  EXPECT_EQ(w.store().GetEmployer(EmployerId{99}).status().reason(), "employer_not_found");
}

TEST(TextInputTest, AReversalNeedsAPrintableReason) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("r1", c, 10000, Date::Ymd(2024, 3, 1)).ok());
  const Date day = Date::Ymd(2024, 3, 5);
  EXPECT_EQ(w.service().ReversePayment("r1", day, "   ").status().reason(), "reason_missing");
  EXPECT_EQ(w.service().ReversePayment("r1", day, "\n").status().reason(), "reason_missing");
  EXPECT_EQ(w.service().ReversePayment("r1", day, "NSF\x1b[31m").status().reason(),
            "text_invalid_char");
  EXPECT_EQ(w.service()
                .ReversePayment("r1", day,
                                "a\xFF"
                                "b")
                .status()
                .reason(),
            "text_invalid_utf8");
  EXPECT_EQ(w.service().ReversePayment("r1", day, std::string(100000, 'r')).status().reason(),
            "text_too_long");
  EXPECT_FALSE(w.store().FindCollectionByKey("r1").value()->collection.reversed_date);
  EXPECT_TRUE(w.service().ReversePayment("r1", day, "NSF").ok());
}

}  // namespace
}  // namespace cse
