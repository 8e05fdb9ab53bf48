// Resolving held unidentified payments (posted once, atomically, audited; twice is refused),
// their aging report, and new-hire review decisions (confirm acts as an exact-SSN match;
// dismiss needs a reason; a decided review is final).
#include <gtest/gtest.h>

#include <map>

#include "enforce/action_service.h"
#include "iwo/held.h"
#include "iwo/review.h"
#include "service/case_closure.h"
#include "service/replay.h"
#include "testing/fault_store.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse::iwo {
namespace {

class HeldPaymentTest : public ::testing::Test {
 protected:
  HeldPaymentTest() : world_(":memory:", Date::Ymd(2024, 6, 14)) {}

  void SetUp() override {
    Person p;
    p.first_name = "Sam";
    p.last_name = "Doe";
    p.ssn = "123456789";
    a_ = *world_.service().AddPerson(p);
    case_a_ = world_.SimpleCase(a_, 50'000, Date::Ymd(2024, 1, 1));
    // Two lines held: an unknown SSN and an unknown case.
    auto rep = ImportRemittance(world_.store(), world_.clock(), "clerk", "rem.csv",
                                "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
                                "P1,111111111,2024-06-07,999887777,,75.25\n"
                                "P2,111111111,2024-06-07,,CASE-009999,10.00\n");
    CSE_CHECK(rep.ok() && rep->committed && rep->held == 2, "setup import");
  }

  Money Posted() {
    auto rows = world_.store().ListCollectionsByObligor(a_);
    CSE_CHECK(rows.ok(), "list");
    Money total;
    for (const StoredCollection& c : *rows) total += c.collection.amount;
    return total;
  }
  int64_t AuditCount(const std::string& action) {
    auto rows = world_.store().ListAuditAfter(0, "unidentified_payment", "", 1000);
    CSE_CHECK(rows.ok(), "audit");
    int64_t n = 0;
    for (const AuditRow& r : *rows) n += r.action == action ? 1 : 0;
    return n;
  }

  ResolveRequest ToCase(int64_t id) {
    ResolveRequest r;
    r.payment_id = id;
    r.case_id = case_a_;
    r.reason = "employer confirmed the SSN was mistyped";
    r.force = true;  // P1's SSN (999887777) is not A's (123456789)
    return r;
  }

  // Closes `c` on `day` (its notice dated 2024-01-02); with `reopen`, reopens it today.
  void CloseCase(CaseId c, Date day, bool reopen) {
    CaseClosureService closing(world_.store(), world_.clock(), "clerk",
                               [](Store&, const std::string&, CaseId) { return Status::Ok(); });
    ASSERT_TRUE(closing.RecordNotice({c, "other", Date::Ymd(2024, 1, 2), "moved"}).ok());
    ASSERT_TRUE(closing.Close(c, day).ok());
    if (reopen) {
      ASSERT_TRUE(closing.Reopen(c, "the obligor came back").ok());
    }
  }
  // Nothing of a refused resolution was written.
  void ExpectNothingWritten() {
    EXPECT_EQ(Posted(), Money());
    EXPECT_EQ(world_.store().GetUnidentifiedPayment(1)->status, "held");
    EXPECT_EQ(world_.store().GetUnidentifiedPayment(2)->status, "held");
    EXPECT_EQ(AuditCount("unidentified.resolve"), 0);
  }

  testing::World world_;
  PersonId a_;
  CaseId case_a_;
};

// `--obligor` takes the obligor's lowest case open on the held payment's pay date (2024-06-07),
// the date it is posted under, as an SSN-only remittance line does (docs/ARCHITECTURE.md §5.6).
// A, reopened today after a closing on 2024-03-16, was closed that day: B takes it; B closed
// since (2024-06-10) still takes the next one. Before, A (open today) was picked and posting
// refused it case_closed.
TEST_F(HeldPaymentTest, ByObligorTakesTheLowestCaseOpenOnThePayDate) {
  const CaseId case_b = world_.SimpleCase(a_, 20'000, Date::Ymd(2024, 1, 1));
  CloseCase(case_a_, Date::Ymd(2024, 3, 16), /*reopen=*/true);
  ResolveRequest r;
  r.payment_id = 2;
  r.obligor = a_;
  r.reason = "case number was the old one";
  auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->resolution.case_id, case_b);
  auto stored = world_.store().FindCollectionByKey("REM-111111111-P2");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->collection.case_id, case_b);
  EXPECT_EQ((*stored)->collection.date, Date::Ymd(2024, 6, 7));
  CloseCase(case_b, Date::Ymd(2024, 6, 10), /*reopen=*/false);
  r.payment_id = 1;
  r.force = true;  // P1's SSN is not A's
  res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->resolution.case_id, case_b);
  EXPECT_EQ(Posted(), Money::FromCents(8'525));
  auto cmp = CompareReplayWithStore(world_.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0) << (cmp->problems.empty() ? "" : cmp->problems[0]);
}

// A case closed after the pay date takes the payment, by `--case` and by `--obligor` (before,
// `--obligor` found no case open today: no_open_case).
TEST_F(HeldPaymentTest, ACaseClosedSinceThePayDateTakesIt) {
  CloseCase(case_a_, Date::Ymd(2024, 6, 10), /*reopen=*/false);
  ResolveRequest r;
  r.payment_id = 2;
  r.obligor = a_;
  r.reason = "case number was the old one";
  auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->resolution.case_id, case_a_);
  res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1));
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(Posted(), Money::FromCents(8'525));
  auto cmp = CompareReplayWithStore(world_.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0) << (cmp->problems.empty() ? "" : cmp->problems[0]);
}

// An obligor with no case open on the pay date: no_open_case naming the pay date and each
// case's closed period, and nothing is written (before, A, open today, was picked and posting
// answered case_closed).
TEST_F(HeldPaymentTest, ByObligorWithNoCaseOpenOnThePayDateIsRefused) {
  CloseCase(case_a_, Date::Ymd(2024, 3, 16), /*reopen=*/true);
  ResolveRequest r;
  r.payment_id = 2;
  r.obligor = a_;
  r.reason = "case number was the old one";
  auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "no_open_case");
  EXPECT_EQ(res.status().message(),
            "PRS-000001 has no case open on the held payment's pay date 2024-06-07 (CASE-000001 "
            "closed from 2024-03-16 to 2024-06-13)");
  ExpectNothingWritten();
  Person nobody;
  nobody.first_name = "Ana";
  nobody.last_name = "Roe";
  r.obligor = *world_.service().AddPerson(nobody);
  res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "no_open_case");
  EXPECT_NE(res.status().message().find("is not the obligor of any case"), std::string::npos)
      << res.status().message();
  ExpectNothingWritten();
}

// `--case` closed on the pay date: case_closed naming the period and the pay date, before the
// SSN check (as the import orders them; before, P1 answered ssn_case_mismatch, asking for
// --force, and then case_closed).
TEST_F(HeldPaymentTest, ByCaseClosedOnThePayDateIsCaseClosedBeforeTheSsn) {
  CloseCase(case_a_, Date::Ymd(2024, 3, 16), /*reopen=*/true);
  ResolveRequest r = ToCase(1);
  r.force = false;
  for (const int64_t id : {1, 2}) {
    r.payment_id = id;
    auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
    ASSERT_FALSE(res.ok()) << id;
    EXPECT_EQ(res.status().reason(), "case_closed") << id;
    EXPECT_EQ(res.status().message(),
              "CASE-000001 was closed from 2024-03-16 to 2024-06-13: the held payment's pay date "
              "2024-06-07 falls in that period");
  }
  ExpectNothingWritten();
}

TEST_F(HeldPaymentTest, ResolvePostsTheHeldMoneyMarksTheRowAndAudits) {
  auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1));
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_TRUE(res->posting.has_value());
  EXPECT_EQ(res->posting->outcome, PostOutcome::kCreated);
  EXPECT_EQ(Posted(), Money::FromCents(7'525));
  auto stored = world_.store().FindCollectionByKey("REM-111111111-P1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->collection.date, Date::Ymd(2024, 6, 7));
  EXPECT_EQ((*stored)->collection.source, PaymentSource::kWithholding);
  auto row = world_.store().GetUnidentifiedPayment(1);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->status, "resolved");
  auto how = world_.store().GetUnidentifiedResolution(1);
  ASSERT_TRUE(how.ok() && how->has_value());
  EXPECT_EQ((*how)->resolution, "posted");
  EXPECT_EQ((*how)->case_id, case_a_);
  EXPECT_EQ((*how)->resolved_by, "worker1");
  EXPECT_EQ((*how)->reason, "employer confirmed the SSN was mistyped");
  EXPECT_FALSE((*how)->resolved_at.empty());
  EXPECT_EQ(AuditCount("unidentified.resolve"), 1);
  // No longer listed as held.
  auto held = ListHeldPayments(world_.store(), Date::Ymd(2024, 6, 14));
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->rows.size(), 1u);
  EXPECT_EQ(held->rows[0].row.id, 2);
}

// `audit verify` compares each resolution with its `unidentified.resolve` row: a resolved
// payment agrees, an edited resolution does not.
TEST_F(HeldPaymentTest, AuditVerifyComparesResolutionsWithTheTrail) {
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1)).ok());
  ResolveRequest refund;
  refund.payment_id = 2;
  refund.refund = true;
  refund.reason = "returned to the employer";
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", refund).ok());
  auto cmp = CompareReplayWithStore(world_.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0) << (cmp->problems.empty() ? "" : cmp->problems[0]);
  // A resolved row is final (a trigger refuses updates), unless someone drops the trigger.
  ASSERT_TRUE(
      world_.store().ExecForTesting("DROP TRIGGER unidentified_payment_resolved_final").ok());
  ASSERT_TRUE(world_.store()
                  .ExecForTesting("UPDATE unidentified_payment SET resolved_by = 'someone', "
                                  "resolution_reason = 'edited' WHERE id = 2")
                  .ok());
  cmp = CompareReplayWithStore(world_.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->mismatches, 2);
  ASSERT_EQ(cmp->problems.size(), 2u);
  EXPECT_EQ(cmp->problems[0],
            "unidentified_payment 2 (REM-111111111-P2): resolved_by is 'someone' in the store, "
            "'worker1' in the audit trail");
  EXPECT_EQ(cmp->problems[1],
            "unidentified_payment 2 (REM-111111111-P2): resolution_reason is 'edited' in the "
            "store, 'returned to the employer' in the audit trail");
}

TEST_F(HeldPaymentTest, ACaseWhoseObligorHasAnotherSsnNeedsForce) {
  ResolveRequest r = ToCase(1);
  r.force = false;
  auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "ssn_case_mismatch");
  EXPECT_NE(res.status().message().find("7777"), std::string::npos);
  EXPECT_NE(res.status().message().find("6789"), std::string::npos);
  EXPECT_EQ(res.status().message().find("999887777"), std::string::npos);  // last 4 only
  EXPECT_EQ(res.status().message().find("123456789"), std::string::npos);
  r.obligor = a_;  // by obligor too
  r.case_id.reset();
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r).status().reason(),
            "ssn_case_mismatch");
  EXPECT_EQ(Posted(), Money());
  EXPECT_EQ(world_.store().GetUnidentifiedPayment(1)->status, "held");
  EXPECT_EQ(AuditCount("unidentified.resolve"), 0);
  // Forced, the reason is kept and the audit row says it was forced.
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1)).ok());
  EXPECT_EQ(Posted(), Money::FromCents(7'525));
  auto rows = world_.store().ListAuditAfter(0, "unidentified_payment", "", 1000);
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  EXPECT_NE(rows->back().after.find("\"ssn_mismatch_forced\":true"), std::string::npos);
  EXPECT_NE(rows->back().after.find("mistyped"), std::string::npos);
  // A line without an SSN (P2) needs no force.
  r = ToCase(2);
  r.force = false;
  EXPECT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r).ok());
}

TEST_F(HeldPaymentTest, AsOfADayBeforeTheResolutionThePaymentWasStillHeld) {
  // Received 2024-06-14; P1 resolved 2024-06-20, P2 refunded 2024-07-05.
  world_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2024, 6, 20)));
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "w", ToCase(1)).ok());
  world_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2024, 7, 5)));
  ResolveRequest refund;
  refund.payment_id = 2;
  refund.refund = true;
  refund.reason = "returned to the employer";
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "w", refund).ok());
  // The month-end balance of June is what was held on June 30, whatever happened since.
  auto june = ListHeldPayments(world_.store(), Date::Ymd(2024, 6, 19));
  ASSERT_TRUE(june.ok());
  ASSERT_EQ(june->rows.size(), 2u);
  EXPECT_EQ(june->total, Money::FromCents(8'525));
  EXPECT_EQ(june->oldest_days, 5);
  june = ListHeldPayments(world_.store(), Date::Ymd(2024, 6, 30));
  ASSERT_TRUE(june.ok());
  ASSERT_EQ(june->rows.size(), 1u);  // P1 resolved on the 20th: no longer held
  EXPECT_EQ(june->rows[0].row.id, 2);
  EXPECT_EQ(june->total, Money::FromCents(1'000));
  auto aging = BuildHeldAgingReport(world_.store(), Date::Ymd(2024, 6, 30));
  ASSERT_TRUE(aging.ok());
  EXPECT_EQ(aging->count, 1);
  EXPECT_EQ(aging->total, Money::FromCents(1'000));
  // Resolved on the as-of day itself: not held at the end of that day.
  EXPECT_TRUE(ListHeldPayments(world_.store(), Date::Ymd(2024, 7, 5))->rows.empty());
  EXPECT_EQ(BuildHeldAgingReport(world_.store(), Date::Ymd(2024, 7, 31))->count, 0);
}

TEST_F(HeldPaymentTest, ResolvingTwiceIsRefusedAndChangesNothing) {
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1)).ok());
  auto again = ResolveHeldPayment(world_.store(), world_.clock(), "worker2", ToCase(1));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "already_resolved");
  EXPECT_NE(again.status().message().find("worker1"), std::string::npos);
  EXPECT_EQ(Posted(), Money::FromCents(7'525));
  EXPECT_EQ(AuditCount("unidentified.resolve"), 1);
  EXPECT_EQ((*world_.store().GetUnidentifiedResolution(1))->resolved_by, "worker1");
}

TEST_F(HeldPaymentTest, ReimportAfterResolvePostsNothingTwice) {
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1)).ok());
  auto rep = ImportRemittance(world_.store(), world_.clock(), "clerk", "rem.csv",
                              "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
                              "P1,111111111,2024-06-07,999887777,,75.25\n");
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->posted, 0);
  EXPECT_EQ(rep->held, 0);
  EXPECT_EQ(Posted(), Money::FromCents(7'525));
}

TEST_F(HeldPaymentTest, ByObligorAndRefund) {
  ResolveRequest r;
  r.payment_id = 2;
  r.obligor = a_;
  r.reason = "case number was the old one";
  auto res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", r);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->resolution.case_id, case_a_);
  EXPECT_EQ(Posted(), Money::FromCents(1'000));
  ResolveRequest refund;
  refund.payment_id = 1;
  refund.refund = true;
  refund.reason = "not our obligor: returned to the employer";
  res = ResolveHeldPayment(world_.store(), world_.clock(), "worker1", refund);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_FALSE(res->posting.has_value());
  EXPECT_EQ((*world_.store().GetUnidentifiedResolution(1))->resolution, "refunded");
  EXPECT_EQ(Posted(), Money::FromCents(1'000));
}

TEST_F(HeldPaymentTest, BadRequestsChangeNothing) {
  ResolveRequest r = ToCase(1);
  r.reason = " ";
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "reason_missing");
  r.reason = "\r\n";
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "reason_missing");
  // The reason goes into the audit trail: printable UTF-8 only (an invalid byte was an
  // internal error from the JSON serializer, a control byte was stored).
  r.reason = "bad\xff";
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "text_invalid_utf8");
  r.reason = "a\x01b";
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "text_invalid_char");
  r = ToCase(1);
  r.refund = true;
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "resolution_target_invalid");
  r = ToCase(99);
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "unidentified_not_found");
  r = ToCase(1);
  r.case_id = CaseId{424242};
  EXPECT_EQ(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).status().reason(),
            "case_not_found");
  EXPECT_EQ(world_.store().GetUnidentifiedPayment(1)->status, "held");
  EXPECT_EQ(Posted(), Money());
  EXPECT_EQ(AuditCount("unidentified.resolve"), 0);
}

TEST_F(HeldPaymentTest, AFailedCommitLeavesThePaymentHeld) {
  testing::FaultStore faulty(world_.store());
  faulty.FailNextCommit(testing::FaultStore::Fault::kFailBeforeCommit);
  auto res = ResolveHeldPayment(faulty, world_.clock(), "worker1", ToCase(1));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(world_.store().GetUnidentifiedPayment(1)->status, "held");
  EXPECT_EQ(Posted(), Money());
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "worker1", ToCase(1)).ok());
  EXPECT_EQ(Posted(), Money::FromCents(7'525));
}

TEST_F(HeldPaymentTest, AgingReportBucketsByDaysHeld) {
  // Held on 2024-06-14 (2 rows); one more received 2024-08-01 (a later import day).
  world_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2024, 8, 1)));
  ASSERT_TRUE(ImportRemittance(world_.store(), world_.clock(), "clerk", "rem2.csv",
                               "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
                               "Q1,111111111,2024-07-31,999887777,,5.00\n")
                  ->committed);
  auto rep = BuildHeldAgingReport(world_.store(), Date::Ymd(2024, 9, 20));  // 98 and 50 days
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->count, 3);
  EXPECT_EQ(rep->total, Money::FromCents(9'025));
  EXPECT_EQ(rep->oldest_days, 98);
  EXPECT_EQ(rep->buckets[0].count, 0);
  EXPECT_EQ(rep->buckets[1].count, 1);
  EXPECT_EQ(rep->buckets[1].total, Money::FromCents(500));
  EXPECT_EQ(rep->buckets[2].count, 0);
  EXPECT_EQ(rep->buckets[3].count, 2);
  EXPECT_EQ(rep->buckets[3].total, Money::FromCents(8'525));
  // Boundaries: 30 days is 0-30, 31 is 31-60; a payment received after as_of is not held yet.
  rep = BuildHeldAgingReport(world_.store(), Date::Ymd(2024, 7, 14));
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->count, 2);
  EXPECT_EQ(rep->buckets[0].count, 2);
  rep = BuildHeldAgingReport(world_.store(), Date::Ymd(2024, 7, 15));
  EXPECT_EQ(rep->buckets[1].count, 2);
  // Resolved payments leave the report.
  ResolveRequest r = ToCase(1);
  ASSERT_TRUE(ResolveHeldPayment(world_.store(), world_.clock(), "w", r).ok());
  rep = BuildHeldAgingReport(world_.store(), Date::Ymd(2024, 9, 20));
  EXPECT_EQ(rep->count, 2);
  EXPECT_EQ(rep->buckets[3].total, Money::FromCents(1'000));
}

// A database from before migrations 330/331 (its held rows in the 310 table) upgrades in
// place: the held rows keep their ids and fields and can then be resolved.
TEST(HeldPaymentMigrationTest, Upgrading310RowsKeepsThemHeldAndResolvable) {
  const testing::ScratchDir dir("held_upgrade");
  const std::string path = dir.path("opencse.db");
  {
    testing::World world(path, Date::Ymd(2024, 6, 14));
    Person p;
    p.first_name = "Sam";
    p.last_name = "Doe";
    p.ssn = "123456789";
    world.SimpleCase(*world.service().AddPerson(p), 50'000, Date::Ymd(2024, 1, 1));
    ASSERT_TRUE(ImportRemittance(world.store(), world.clock(), "clerk", "rem.csv",
                                 "line_ref,employer_fein,pay_date,ssn,case_id,amount\n"
                                 "P1,111111111,2024-06-07,999887777,,75.25\n")
                    ->committed);
    // Back to the schema before 330/331: the 310 table (status 'held' only) and no review
    // decision columns.
    ASSERT_TRUE(world.store()
                    .ExecForTesting(R"sql(
DROP TRIGGER unidentified_payment_resolved_final;
DROP TRIGGER unidentified_payment_no_delete;
ALTER TABLE unidentified_payment RENAME TO up_new;
CREATE TABLE unidentified_payment (
  id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, employer_fein TEXT NOT NULL,
  pay_date TEXT NOT NULL, ssn TEXT NOT NULL, case_ref TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0), reason TEXT NOT NULL,
  file TEXT NOT NULL, line_number INTEGER NOT NULL, received_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'held'), created_at TEXT NOT NULL,
  created_by TEXT NOT NULL);
INSERT INTO unidentified_payment SELECT id, idempotency_key, employer_fein, pay_date, ssn,
  case_ref, amount_cents, reason, file, line_number, received_date, status, created_at,
  created_by FROM up_new;
DROP TABLE up_new;
CREATE INDEX unidentified_payment_status ON unidentified_payment(status, id);
CREATE TRIGGER unidentified_payment_no_delete BEFORE DELETE ON unidentified_payment
BEGIN SELECT RAISE(ABORT, 'unidentified_payment rows are never deleted'); END;
DROP TRIGGER newhire_review_decided_final;
ALTER TABLE newhire_review DROP COLUMN decided_at;
ALTER TABLE newhire_review DROP COLUMN decided_by;
ALTER TABLE newhire_review DROP COLUMN decision_reason;
DELETE FROM schema_version WHERE version IN (330, 331);
)sql")
                    .ok());
  }
  {
    testing::World world(path, Date::Ymd(2024, 6, 14));  // migrations 330 and 331 run here
    auto row = world.store().GetUnidentifiedPayment(1);
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    EXPECT_EQ(row->key, "REM-111111111-P1");
    EXPECT_EQ(row->amount, Money::FromCents(7'525));
    EXPECT_EQ(row->status, "held");
    ResolveRequest r;
    r.payment_id = 1;
    r.case_id = CaseId{1};
    r.reason = "identified after the upgrade: the SSN was mistyped";
    r.force = true;  // 999887777 is not the obligor's SSN
    ASSERT_TRUE(ResolveHeldPayment(world.store(), world.clock(), "w", r).ok());
    EXPECT_EQ(world.store().GetUnidentifiedPayment(1)->status, "resolved");
    // Still never deleted.
    EXPECT_FALSE(world.store().ExecForTesting("DELETE FROM unidentified_payment").ok());
  }
}

// ---- New-hire review decisions ----

std::string W4(const std::string& ssn, const std::string& first, const std::string& last,
               const std::string& dob, const std::string& fein, const std::string& hired) {
  std::string s(801, ' ');
  const std::map<int, std::string> fields{{1, "W4"},  {3, ssn},     {12, first}, {44, last},
                                          {272, dob}, {280, hired}, {290, fein}};
  for (const auto& [pos, text] : fields) s.replace(static_cast<size_t>(pos - 1), text.size(), text);
  return s;
}

class ReviewDecisionTest : public ::testing::Test {
 protected:
  // Friday 2024-06-28: two business days later is Tuesday 2024-07-02.
  ReviewDecisionTest() : world_(":memory:", Date::Ymd(2024, 6, 28)) {}

  void SetUp() override {
    Person p;
    p.first_name = "Ana";
    p.last_name = "Roe";
    p.date_of_birth = Date::Ymd(1984, 2, 29);
    e_ = *world_.service().AddPerson(p);
    case_e_ = world_.SimpleCase(e_, 20'000, Date::Ymd(2024, 1, 1));
    p.first_name = "Ivy";
    p.last_name = "Loe";
    p.date_of_birth = Date::Ymd(1990, 5, 5);
    f_ = *world_.service().AddPerson(p);
    world_.SimpleCase(f_, 10'000, Date::Ymd(2024, 1, 1));
    NewHireImporter importer(world_.store(), world_.clock(), "clerk");
    NewHireOptions o;
    o.file_label = "nh.txt";
    const std::string file =
        "H404         W4 0120240627000001\n" +
        W4("456789123", "ANA", "ROE", "19840229", "222222222", "20240614") + "\n" +
        W4("567891234", "IVY", "LOE", "19900505", "222222222", "20240614") + "\n";
    auto rep = importer.ImportBuffer(
        file, *formats::NewHireParser::Create(*formats::LoadNewHireLayout("w4")), o);
    CSE_CHECK(rep.ok() && rep->review == 2 && rep->iwos_issued == 0, "setup reviews");
  }

  int64_t Audits(const std::string& action) {
    auto rows = world_.store().ListAuditAfter(0, "newhire_review", "", 1000);
    CSE_CHECK(rows.ok(), "audit");
    int64_t n = 0;
    for (const AuditRow& r : *rows) n += r.action == action ? 1 : 0;
    return n;
  }

  Result<ReviewDecisionResult> Confirm(Store& store, int64_t id) {
    return ConfirmNewHireReview(store, world_.clock(), "worker1", id, "", BusinessCalendar(),
                                NewHireOptions());
  }

  testing::World world_;
  PersonId e_, f_;
  CaseId case_e_;
};

TEST_F(ReviewDecisionTest, ConfirmRecordsEmploymentAndIssuesTheIwoLikeAnSsnMatch) {
  auto res = Confirm(world_.store(), 1);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->decision.status, "confirmed");
  EXPECT_EQ(res->report.employments_created, 1);
  ASSERT_EQ(res->report.iwos.size(), 1u);
  EXPECT_EQ(res->report.iwos[0].case_id, case_e_);
  EXPECT_EQ(res->report.iwos[0].due_date, Date::Ymd(2024, 7, 2));
  auto jobs = world_.store().ListEmploymentByPerson(e_);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].start_date, Date::Ymd(2024, 6, 14));
  auto iwos = world_.store().ListIwos("pending", 0, 10);
  ASSERT_TRUE(iwos.ok());
  ASSERT_EQ(iwos->size(), 1u);
  EXPECT_EQ((*iwos)[0].case_id, case_e_);
  EXPECT_EQ((*iwos)[0].current_monthly, Money::FromCents(20'000));
  EXPECT_TRUE((*iwos)[0].arrears_over_12_weeks);  // unpaid since January
  EXPECT_EQ(world_.store().GetNewHireReview(1)->status, "confirmed");
  EXPECT_EQ(Audits("newhire_review.confirm"), 1);
  // Decided reviews are final.
  auto again = Confirm(world_.store(), 1);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "review_already_decided");
  auto dismiss = DismissNewHireReview(world_.store(), world_.clock(), "w", 1, "wrong person");
  EXPECT_EQ(dismiss.status().reason(), "review_already_decided");
  EXPECT_EQ(world_.store().ListIwos("", 0, 10)->size(), 1u);
  EXPECT_EQ(Audits("newhire_review.confirm"), 1);
  EXPECT_EQ(Audits("newhire_review.dismiss"), 0);
}

TEST_F(ReviewDecisionTest, ConfirmRecordsTheReportedSsnOnACandidateWithoutOne) {
  ASSERT_TRUE(world_.store().GetPerson(e_)->ssn.empty());
  auto res = Confirm(world_.store(), 1);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_TRUE(res->ssn_recorded);
  // The IWO is issued to a person with the SSN the employer will acknowledge and withhold by.
  EXPECT_EQ(world_.store().GetPerson(e_)->ssn, "456789123");
  EXPECT_EQ(world_.store().FindPersonIdBySsn("456789123")->value_or(PersonId{}), e_);
  auto rows = world_.store().ListAuditAfter(0, "person", "", 1000);
  ASSERT_TRUE(rows.ok());
  int64_t set = 0;
  for (const AuditRow& r : *rows) {
    if (r.action != "person.set_ssn") continue;
    ++set;
    EXPECT_EQ(r.entity_id, PersonDisplayId(e_));
    EXPECT_NE(r.after.find("\"9123\""), std::string::npos);
    EXPECT_EQ(r.after.find("456789123"), std::string::npos);  // last four digits only
  }
  EXPECT_EQ(set, 1);
  // audit verify's replay of persons stays clean.
  auto cmp = CompareReplayWithStore(world_.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0) << (cmp->problems.empty() ? "" : cmp->problems[0]);
}

TEST_F(ReviewDecisionTest, ConfirmIsRefusedWhenTheSsnConflicts) {
  // Since the review was opened, F got another SSN on file, and someone else got E's.
  ASSERT_TRUE(world_.store().SetPersonSsn(f_, "111223333").ok());
  auto res = Confirm(world_.store(), 2);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "review_ssn_conflict");
  EXPECT_NE(res.status().message().find("1234"), std::string::npos);  // reported, last 4
  EXPECT_NE(res.status().message().find("3333"), std::string::npos);  // on file, last 4
  EXPECT_EQ(res.status().message().find("567891234"), std::string::npos);
  EXPECT_NE(res.status().message().find("dismiss"), std::string::npos);

  Person other;
  other.first_name = "Zed";
  other.last_name = "Poe";
  other.ssn = "456789123";
  ASSERT_TRUE(world_.service().AddPerson(other).ok());
  res = Confirm(world_.store(), 1);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "ssn_in_use");
  // Nothing was written.
  EXPECT_EQ(world_.store().GetNewHireReview(1)->status, "open");
  EXPECT_EQ(world_.store().GetNewHireReview(2)->status, "open");
  EXPECT_TRUE(world_.store().GetPerson(e_)->ssn.empty());
  EXPECT_TRUE(world_.store().ListIwos("", 0, 10)->empty());
  EXPECT_TRUE(world_.store().ListEmploymentByPerson(e_)->empty());
  EXPECT_EQ(Audits("newhire_review.confirm"), 0);
}

TEST_F(ReviewDecisionTest, DismissNeedsAReasonAndActsOnNothing) {
  auto res = DismissNewHireReview(world_.store(), world_.clock(), "worker1", 2, "");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().reason(), "reason_missing");
  EXPECT_EQ(
      DismissNewHireReview(world_.store(), world_.clock(), "worker1", 2, "\n").status().reason(),
      "reason_missing");
  EXPECT_EQ(
      DismissNewHireReview(world_.store(), world_.clock(), "worker1", 2, "\xff").status().reason(),
      "text_invalid_utf8");
  EXPECT_EQ(world_.store().GetNewHireReview(2)->status, "open");
  res = DismissNewHireReview(world_.store(), world_.clock(), "worker1", 2,
                             "different person: DOB matches by chance");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->decision.status, "dismissed");
  EXPECT_EQ(world_.store().GetNewHireReview(2)->status, "dismissed");
  EXPECT_TRUE(world_.store().ListEmploymentByPerson(f_)->empty());
  EXPECT_TRUE(world_.store().ListIwos("", 0, 10)->empty());
  EXPECT_EQ(Audits("newhire_review.dismiss"), 1);
  auto again = Confirm(world_.store(), 2);
  EXPECT_EQ(again.status().reason(), "review_already_decided");
  EXPECT_EQ(Confirm(world_.store(), 77).status().reason(), "review_not_found");
}

// Once an admin exists, only a caseworker, supervisor or admin decides a review (it issues
// withholding or forgoes it); before, any --user could.
TEST_F(ReviewDecisionTest, OnlyACaseworkerSupervisorOrAdminDecidesOnceStaffed) {
  enforce::EnforcementService root(world_.store(), world_.clock(), "root");
  ASSERT_TRUE(root.SetStaffUser({"root", enforce::Role::kAdmin, true}).ok());
  EXPECT_EQ(Confirm(world_.store(), 1).status().reason(), "user_unknown");
  ASSERT_TRUE(root.SetStaffUser({"worker1", enforce::Role::kAttorney, true}).ok());
  EXPECT_EQ(Confirm(world_.store(), 1).status().reason(), "role_not_allowed");
  EXPECT_EQ(DismissNewHireReview(world_.store(), world_.clock(), "worker1", 2, "not him")
                .status()
                .reason(),
            "role_not_allowed");
  EXPECT_EQ(world_.store().GetNewHireReview(1)->status, "open");
  EXPECT_EQ(world_.store().GetNewHireReview(2)->status, "open");
  EXPECT_TRUE(world_.store().ListIwos("", 0, 10)->empty());
  ASSERT_TRUE(root.SetStaffUser({"worker1", enforce::Role::kCaseworker, true}).ok());
  auto ok = Confirm(world_.store(), 1);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(world_.store().GetNewHireReview(1)->status, "confirmed");
}

TEST_F(ReviewDecisionTest, AFailedCommitLeavesTheReviewOpenAndNothingIssued) {
  testing::FaultStore faulty(world_.store());
  faulty.FailNextCommit(testing::FaultStore::Fault::kFailBeforeCommit);
  ASSERT_FALSE(Confirm(faulty, 1).ok());
  EXPECT_EQ(world_.store().GetNewHireReview(1)->status, "open");
  EXPECT_TRUE(world_.store().ListIwos("", 0, 10)->empty());
  EXPECT_TRUE(world_.store().ListEmploymentByPerson(e_)->empty());
  ASSERT_TRUE(Confirm(world_.store(), 1).ok());
  EXPECT_EQ(world_.store().ListIwos("", 0, 10)->size(), 1u);
}

}  // namespace
}  // namespace cse::iwo
