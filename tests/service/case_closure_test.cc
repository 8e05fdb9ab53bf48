// Case closure under 45 CFR 303.11 (service/case_closure.h): the notice, the 60-day period,
// the criterion checked from the ledger, cancellation and reopening, every refusal writing
// nothing, audit replay of the closure and its tampering, and the `opencse case` commands.

#include "service/case_closure.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "auth/auth_service.h"
#include "enforce/records.h"
#include "service/audit.h"
#include "service/bulk_poster.h"
#include "service/replay.h"
#include "service/staff_rule.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/cli_run.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::World;

Date Today() { return Date::Ymd(2026, 6, 30); }

// The closure service of `actor` under the CLI's caseload rule.
CaseClosureService ServiceOf(testing::World& w, const std::string& actor) {
  return CaseClosureService(w.store(), w.clock(), actor, &auth::CheckUserCaseload);
}

// What a refused call must leave as it was.
struct Written {
  int64_t audit_rows = 0;
  size_t events = 0;
  size_t closures = 0;
  CaseStatus status = CaseStatus::kOpen;
  bool operator==(const Written&) const = default;
};

class CaseClosureTest : public ::testing::Test {
 protected:
  CaseClosureTest()
      : w_(":memory:", Today()), svc_(w_.store(), w_.clock(), "tester", &auth::CheckUserCaseload) {}

  // A never-assistance case opened 2025-01-01 with a monthly current support order of 100.00
  // (ending on `order_end`, if given) and a payment of `paid_cents` on 2025-12-15.
  CaseId MakeCase(std::optional<Date> order_end, int64_t paid_cents) {
    NewCase c;
    c.obligor = w_.Person("Obligor", std::to_string(++n_));
    c.obligee = w_.Person("Obligee", std::to_string(n_));
    c.opened = Date::Ymd(2025, 1, 1);
    auto id = w_.service().AddCase(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    obligor_ = c.obligor;
    Order o;
    o.case_id = *id;
    o.amount = Money::FromCents(10'000);
    o.effective_date = Date::Ymd(2025, 1, 1);
    o.end_date = order_end;
    auto order = w_.service().AddOrder(o, std::nullopt);
    EXPECT_TRUE(order.ok()) << order.status().ToString();
    if (paid_cents > 0) {
      auto paid = w_.Pay("P-" + std::to_string(n_), *id, paid_cents, Date::Ymd(2025, 12, 15));
      EXPECT_TRUE(paid.ok()) << paid.status().ToString();
    }
    return *id;
  }
  // Ended 2025-12-31 after 1,200.00 accrued; 1,000.00 paid: 200.00 in arrears.
  CaseId ClosableCase() { return MakeCase(Date::Ymd(2025, 12, 31), 100'000); }

  // An active staff user (app_user: the role checks and the caseload rule read it).
  void AddUser(const std::string& name, enforce::Role role, const std::string& office) {
    UserRecord u;
    u.username = name;
    u.role = std::string(enforce::Name(role));
    u.office = office;
    u.password_hash = "!";
    u.created_at = "2026-01-01T00:00:00Z";
    auto inserted = w_.store().InsertUser(u);
    ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  }

  Written Now(CaseId id) {
    Written out;
    auto link = w_.store().LastAuditLink();
    if (link.ok() && *link) out.audit_rows = (*link)->seq;
    auto events = w_.store().ListCaseEventsByPerson(obligor_);
    if (events.ok()) out.events = events->size();
    auto rows = w_.store().ListCaseClosures();
    if (rows.ok()) out.closures = rows->size();
    auto c = w_.store().GetCase(id);
    if (c.ok()) out.status = c->status;
    return out;
  }

  CloseNoticeRequest Notice(CaseId id, std::string reason = "no_order_arrears_under_500",
                            Date day = Date::Ymd(2026, 4, 1), std::string note = "") {
    return CloseNoticeRequest{id, std::move(reason), day, std::move(note)};
  }

  std::vector<std::string> EventKinds() {
    std::vector<std::string> kinds;
    auto events = w_.store().ListCaseEventsByPerson(obligor_);
    EXPECT_TRUE(events.ok());
    for (const CaseEvent& e : *events) kinds.push_back(e.kind);
    return kinds;
  }

  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    EXPECT_TRUE(w_.store()
                    .ScanAudit([&](const AuditRow& r) {
                      if (r.action.starts_with("case.")) out.push_back(r.action);
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  int64_t Mismatches() {
    auto cmp = CompareReplayWithStore(w_.store());
    EXPECT_TRUE(cmp.ok()) << cmp.status().ToString();
    for (const std::string& p : cmp->problems) ADD_FAILURE() << p;
    return cmp->mismatches;
  }

  World w_;
  CaseClosureService svc_;
  PersonId obligor_;
  int n_ = 0;
};

// Expects `s` refused with `code` (its message containing `words`) and nothing written.
#define EXPECT_REFUSED(call, id, code, words)                             \
  do {                                                                    \
    const Written before = Now(id);                                       \
    const Status s = (call);                                              \
    EXPECT_EQ(s.reason(), code) << s.ToString();                          \
    EXPECT_NE(s.message().find(words), std::string::npos) << s.message(); \
    EXPECT_TRUE(Now(id) == before) << "a refused call wrote something";   \
  } while (0)

TEST_F(CaseClosureTest, ClosesOnDay60NotDay59AndAuditReplaysIt) {
  const CaseId id = ClosableCase();
  auto notice = svc_.RecordNotice(Notice(id));
  ASSERT_TRUE(notice.ok()) << notice.status().ToString();
  EXPECT_FALSE(notice->closed_date);
  // 2026-04-01 + 60 calendar days = 2026-05-31.
  EXPECT_REFUSED(svc_.Close(id, Date::Ymd(2026, 5, 30)).status(), id, "closure_notice_period",
                 "2026-05-31 at the earliest");
  auto closed = svc_.Close(id, Date::Ymd(2026, 5, 31));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->closed_date, Date::Ymd(2026, 5, 31));
  EXPECT_EQ(w_.store().GetCase(id)->status, CaseStatus::kClosed);
  auto row = w_.store().GetCaseClosure(id);
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*row)->reason, "no_order_arrears_under_500");
  EXPECT_EQ((*row)->notice_date, Date::Ymd(2026, 4, 1));
  EXPECT_EQ((*row)->closed_date, Date::Ymd(2026, 5, 31));
  EXPECT_EQ(EventKinds(), (std::vector<std::string>{"closure_notice", "case_closed"}));
  EXPECT_EQ(Actions(), (std::vector<std::string>{"case.add", "case.close_notice", "case.close"}));
  EXPECT_EQ(Mismatches(), 0);
  EXPECT_TRUE(VerifyAuditChain(w_.store())->intact);
  // A closed case takes no payment (the services already refuse it).
  EXPECT_EQ(w_.Pay("AFTER", id, 100, Today()).status().reason(), "case_closed");
  const Json j = CaseClosureJson(*row);
  EXPECT_EQ(j["state"], "closed");
  EXPECT_EQ(j["records_kept_until"], "2029-05-31");
}

TEST_F(CaseClosureTest, LedgerCriterionChecksOrdersAndArrearsBothWays) {
  // An order in effect on the notice day.
  const CaseId open_order = MakeCase(std::nullopt, 0);
  EXPECT_REFUSED(svc_.RecordNotice(Notice(open_order)).status(), open_order,
                 "closure_criteria_not_met", "ORD-000001 (current_support) is in effect on");
  // 1,200.00 accrued, 700.00 paid: 500.00 owed is not under 500.00.
  const CaseId owes_500 = MakeCase(Date::Ymd(2025, 12, 31), 70'000);
  EXPECT_REFUSED(svc_.RecordNotice(Notice(owes_500)).status(), owes_500, "closure_criteria_not_met",
                 "arrears on 2026-04-01 are 500.00, not under 500.00");
  // 499.99 owed is.
  const CaseId owes_less = MakeCase(Date::Ymd(2025, 12, 31), 70'001);
  EXPECT_TRUE(svc_.RecordNotice(Notice(owes_less)).ok());
  // child_emancipated_no_arrears needs nothing owed at all.
  const CaseId owes_200 = ClosableCase();
  EXPECT_REFUSED(svc_.RecordNotice(Notice(owes_200, "child_emancipated_no_arrears")).status(),
                 owes_200, "closure_criteria_not_met", "are 200.00, not under 0.01");
  // An attested reason is not checked from the ledger.
  EXPECT_TRUE(svc_.RecordNotice(Notice(open_order, "locate_failed")).ok());
}

TEST_F(CaseClosureTest, CloseRechecksTheCriterionOnItsDay) {
  const CaseId id = ClosableCase();
  ASSERT_TRUE(svc_.RecordNotice(Notice(id)).ok());
  Order o;
  o.case_id = id;
  o.amount = Money::FromCents(5'000);
  o.effective_date = Date::Ymd(2026, 5, 1);
  ASSERT_TRUE(w_.service().AddOrder(o, std::nullopt).ok());
  EXPECT_REFUSED(svc_.Close(id, Date::Ymd(2026, 6, 1)).status(), id, "closure_criteria_not_met",
                 "ORD-000002 (current_support) is in effect on 2026-06-01");
}

TEST_F(CaseClosureTest, EveryRefusalHasItsCodeAndWritesNothing) {
  const CaseId id = ClosableCase();
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "bogus")).status(), id, "closure_reason_unknown",
                 "no_order_arrears_under_500, locate_failed");
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "other")).status(), id, "closure_note_required",
                 "--note");
  EXPECT_REFUSED(
      svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 4, 1), std::string(501, 'x')))
          .status(),
      id, "text_too_long", "at most 500");
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed", Today().AddDays(1))).status(), id,
                 "date_in_future", "--date 2026-07-01");
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2024, 12, 31))).status(),
                 id, "closure_notice_before_opened", "opened on 2025-01-01");
  EXPECT_REFUSED(svc_.RecordNotice(Notice(CaseId{99})).status(), id, "case_not_found", "");
  EXPECT_REFUSED(svc_.Close(id, Today()).status(), id, "closure_notice_missing", "no pending");
  EXPECT_REFUSED(svc_.CancelNotice(id, "answered"), id, "closure_notice_missing", "no pending");
  EXPECT_REFUSED(svc_.Reopen(id, "why"), id, "case_not_closed", "is not closed");

  ASSERT_TRUE(svc_.RecordNotice(Notice(id)).ok());
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed")).status(), id,
                 "closure_notice_pending", "dated 2026-04-01");
  EXPECT_REFUSED(svc_.Close(id, Today().AddDays(1)).status(), id, "date_in_future", "");
  EXPECT_REFUSED(svc_.CancelNotice(id, "  "), id, "reason_missing", "--reason");

  ASSERT_TRUE(svc_.Close(id, Today()).ok());
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed")).status(), id, "case_closed",
                 "is closed");
  EXPECT_REFUSED(svc_.Close(id, Today()).status(), id, "case_closed", "is closed");
  EXPECT_REFUSED(svc_.CancelNotice(id, "answered"), id, "case_closed", "is closed");
  EXPECT_REFUSED(svc_.Reopen(id, ""), id, "reason_missing", "--reason");
}

TEST_F(CaseClosureTest, OnlyCaseworkersSupervisorsAndAdminsOnceStaffed) {
  const CaseId id = ClosableCase();
  ASSERT_TRUE(w_.store().UpsertStaffUser({"root", enforce::Role::kAdmin, true}).ok());
  ASSERT_TRUE(w_.store().UpsertStaffUser({"ivy", enforce::Role::kInvestigator, true}).ok());
  AddUser("cw", enforce::Role::kCaseworker, "Franklin");
  ASSERT_TRUE(w_.store().SetCaseOffice(id, "Franklin").ok());
  CaseClosureService ivy = ServiceOf(w_, "ivy");
  EXPECT_REFUSED(ivy.RecordNotice(Notice(id)).status(), id, "role_not_allowed",
                 "caseworker or supervisor or admin");
  CaseClosureService stranger = ServiceOf(w_, "tester");
  EXPECT_REFUSED(stranger.RecordNotice(Notice(id)).status(), id, "user_unknown", "tester");
  CaseClosureService cw = ServiceOf(w_, "cw");
  auto cw_notice = cw.RecordNotice(Notice(id));
  EXPECT_TRUE(cw_notice.ok()) << cw_notice.status().ToString();
}

TEST_F(CaseClosureTest, CancelAndReopenAreAuditedAndReplayed) {
  const CaseId id = ClosableCase();
  w_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 4, 2)));
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "lost_contact")).ok());
  ASSERT_TRUE(svc_.CancelNotice(id, "recipient called with a new address").ok());
  EXPECT_FALSE(*w_.store().GetCaseClosure(id));
  EXPECT_EQ(Mismatches(), 0);
  // A new notice may follow, dated on or after the cancellation (2026-04-02, today).
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "other", Date::Ymd(2026, 4, 2), "moved abroad")).ok());
  w_.clock().SetMicros(testing::MidnightMicros(Today()));
  ASSERT_TRUE(svc_.Close(id, Date::Ymd(2026, 6, 1)).ok());
  EXPECT_EQ(Mismatches(), 0);
  ASSERT_TRUE(svc_.Reopen(id, "new information on the obligor's employer").ok());
  EXPECT_EQ(w_.store().GetCase(id)->status, CaseStatus::kOpen);
  EXPECT_FALSE(*w_.store().GetCaseClosure(id));
  // By (date, id): the cancellation is dated 2026-04-02, the reopening today, 2026-06-30.
  EXPECT_EQ(EventKinds(),
            (std::vector<std::string>{"closure_notice", "closure_cancelled", "closure_notice",
                                      "case_closed", "case_reopened"}));
  EXPECT_EQ(Actions(),
            (std::vector<std::string>{"case.add", "case.close_notice", "case.closure_cancel",
                                      "case.close_notice", "case.close", "case.reopen"}));
  EXPECT_EQ(Mismatches(), 0);
  EXPECT_TRUE(VerifyAuditChain(w_.store())->intact);
}

// From its closing day a case accrues nothing and takes no distribution (ledger/engine.h
// CaseBook::closed): the closing re-runs the obligor's stored distributions, a payment on the
// obligor's other case dated after it goes to that case alone, the reopening starts the accrual
// again, and the audit replay agrees at each step.
TEST_F(CaseClosureTest, AClosedCaseStopsAccruingAndTheObligorsOtherCaseTakesThePayment) {
  const CaseId b = MakeCase(std::nullopt, 0);  // 100.00 a month from 2025-01-01
  NewCase second;
  second.obligor = obligor_;
  second.obligee = w_.Person("Obligee", "second");
  second.opened = Date::Ymd(2025, 1, 1);
  auto a = w_.service().AddCase(second);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  Order o;
  o.case_id = *a;
  o.amount = Money::FromCents(10'000);
  o.effective_date = Date::Ymd(2025, 1, 1);
  ASSERT_TRUE(w_.service().AddOrder(o, std::nullopt).ok());
  // 300.00 on the other case on 2026-04-10, before B's closing is recorded: B takes half.
  ASSERT_TRUE(w_.Pay("OTHER", *a, 30'000, Date::Ymd(2026, 4, 10)).ok());
  auto share_of_b = [&]() {
    Money m;
    auto rows = w_.store().ListCollectionsByObligor(obligor_);
    EXPECT_TRUE(rows.ok());
    for (const StoredCollection& r : *rows) {
      for (const DistributionLine& line : r.distribution.lines) {
        if (line.case_id == b) m += line.amount;
      }
    }
    return m;
  };
  EXPECT_EQ(share_of_b(), Money::FromCents(15'000));
  ASSERT_TRUE(svc_.RecordNotice(Notice(b, "other", Date::Ymd(2026, 1, 15), "moved abroad")).ok());
  ASSERT_TRUE(svc_.Close(b, Date::Ymd(2026, 3, 16)).ok());
  EXPECT_EQ(share_of_b(), Money());  // redistributed: all of it to the open case
  auto balance = w_.service().GetCaseBalance(*w_.store().GetCase(b), Date::Ymd(2026, 6, 30));
  ASSERT_TRUE(balance.ok()) << balance.status().ToString();
  EXPECT_TRUE(balance->closed);
  // 2025-01 to 2026-02 (14 months), and March 1-15: 10000 * 15/31 = 4838.7.
  EXPECT_EQ(balance->accrued, Money::FromCents(140'000 + 4'839));
  EXPECT_EQ(balance->monthly_support, Money());
  EXPECT_FALSE(balance->delinquent);
  EXPECT_EQ(Mismatches(), 0);
  // Reopened today (2026-06-30): June 30 accrues 1/30 of June, July in full.
  ASSERT_TRUE(svc_.Reopen(b, "the obligor came back").ok());
  balance = w_.service().GetCaseBalance(*w_.store().GetCase(b), Date::Ymd(2026, 7, 31));
  ASSERT_TRUE(balance.ok());
  EXPECT_FALSE(balance->closed);
  EXPECT_EQ(balance->accrued, Money::FromCents(140'000 + 4'839 + 333 + 10'000));
  EXPECT_EQ(balance->monthly_support, Money::FromCents(10'000));
  EXPECT_EQ(share_of_b(), Money());  // the April payment stays with the case that was open
  EXPECT_EQ(Mismatches(), 0);
  // A reopening before the closing day (a clock set back) is refused.
  ASSERT_TRUE(
      svc_.RecordNotice(Notice(b, "other", Date::Ymd(2026, 6, 30), "moved abroad again")).ok());
  w_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 9, 1)));
  ASSERT_TRUE(svc_.Close(b, Date::Ymd(2026, 9, 1)).ok());
  w_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 8, 20)));
  EXPECT_REFUSED(svc_.Reopen(b, "clock set back"), b, "reopen_before_closing",
                 "closed on 2026-09-01; today (2026-08-20) is before it");
  EXPECT_EQ(Mismatches(), 0);
  EXPECT_TRUE(VerifyAuditChain(w_.store())->intact);
}

// 45 CFR 303.11 wants the notice 60 days before the closing: a notice backdated before the
// case's latest cancellation, closing or reopening would let the case close at once (QA: a
// notice cancelled on 2025-02-10, a new one dated 2024-12-01, closed the same day), or read
// closed, reopened, closed earlier.
TEST_F(CaseClosureTest, ANoticeMayNotBeDatedBeforeTheLatestCancellationOrReopening) {
  const CaseId id = ClosableCase();
  w_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 2, 10)));
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 2, 1))).ok());
  ASSERT_TRUE(svc_.CancelNotice(id, "recipient answered").ok());  // dated 2026-02-10
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2025, 12, 1))).status(),
                 id, "closure_notice_date_invalid",
                 "when its notice of intent to close was cancelled (CASE-000001 "
                 "closure_cancelled): a new notice can be dated on 2026-02-10 at the earliest");
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 2, 9))).status(), id,
                 "closure_notice_date_invalid", "2026-02-10 at the earliest");
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 2, 10))).ok());

  // Closed on 2026-04-11, reopened on 2026-04-20: a new notice dated 2026-04-15 is refused.
  w_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 4, 20)));
  ASSERT_TRUE(svc_.Close(id, Date::Ymd(2026, 4, 11)).ok());
  ASSERT_TRUE(svc_.Reopen(id, "employer found").ok());
  EXPECT_REFUSED(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 4, 15))).status(),
                 id, "closure_notice_date_invalid",
                 "--date 2026-04-15 is before 2026-04-20, when it was reopened");
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 4, 20))).ok());
  EXPECT_EQ(Mismatches(), 0);
}

// The same for the closing day, against a notice written before this rule (around the service
// here): the case may not read closed before it was reopened.
TEST_F(CaseClosureTest, AClosingMayNotBeDatedBeforeTheLatestClosureEvent) {
  const CaseId id = ClosableCase();
  w_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 3, 10)));
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 1, 1))).ok());
  ASSERT_TRUE(svc_.Close(id, Date::Ymd(2026, 3, 2)).ok());
  ASSERT_TRUE(svc_.Reopen(id, "employer found").ok());  // dated 2026-03-10
  ASSERT_TRUE(w_.store()
                  .PutCaseClosure({id, Date::Ymd(2026, 1, 2), "locate_failed", "", std::nullopt})
                  .ok());
  EXPECT_REFUSED(svc_.Close(id, Date::Ymd(2026, 3, 5)).status(), id, "closure_date_invalid",
                 "when it was reopened (CASE-000001 case_reopened): it can be closed on "
                 "2026-03-10 at the earliest");
  EXPECT_TRUE(svc_.Close(id, Date::Ymd(2026, 3, 10)).ok());
}

// A case is not closed on a day before it received a payment (QA: closed on 2025-01-05 with a
// payment posted on 2025-02-15), nor on that day: the closing day is the first closed day, so
// the closing's redistribution took the payoff back off the case (QA: the family's 600.00
// became held and the arrears came back).
TEST_F(CaseClosureTest, AClosingMayNotBeDatedBeforeTheLatestPaymentOnTheCase) {
  const CaseId id = ClosableCase();  // paid 2025-12-15
  ASSERT_TRUE(svc_.RecordNotice(Notice(id, "locate_failed", Date::Ymd(2026, 1, 2))).ok());
  ASSERT_TRUE(w_.Pay("LATE", id, 5'000, Date::Ymd(2026, 3, 15)).ok());
  EXPECT_REFUSED(svc_.Close(id, Date::Ymd(2026, 3, 3)).status(), id,
                 "closure_date_before_collection",
                 "--date 2026-03-03 is not after 2026-03-15, when CASE-000001 received a "
                 "payment of 50.00 (the closing day is the first day the case is closed): it can "
                 "be closed on 2026-03-16 at the earliest");
  EXPECT_REFUSED(svc_.Close(id, Date::Ymd(2026, 3, 15)).status(), id,
                 "closure_date_before_collection", "closed on 2026-03-16 at the earliest");
  auto before = w_.store().ListCollectionsByObligor(obligor_);
  ASSERT_TRUE(before.ok());
  auto closed = svc_.Close(id, Date::Ymd(2026, 3, 16));
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  // The payment stays where it was paid.
  auto after = w_.store().ListCollectionsByObligor(obligor_);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ((*after)[i].distribution, (*before)[i].distribution);
  }
  EXPECT_EQ(Mismatches(), 0);
}

// A caseworker or supervisor works the cases of their office only, as for the `action`
// commands (auth::CheckUserCaseload); an admin works statewide (QA: a Lucas caseworker closed a
// Franklin case).
TEST_F(CaseClosureTest, OnlyTheCasesOfTheActorsOffice) {
  const CaseId id = ClosableCase();
  ASSERT_TRUE(w_.store().SetCaseOffice(id, "Franklin").ok());
  const std::vector<std::tuple<std::string, enforce::Role, std::string>> staff{
      {"root", enforce::Role::kAdmin, ""},
      {"fcw", enforce::Role::kCaseworker, "Franklin"},
      {"lcw", enforce::Role::kCaseworker, "Lucas"},
      {"lsup", enforce::Role::kSupervisor, "Lucas"}};
  for (const auto& [name, role, office] : staff) AddUser(name, role, office);
  for (const char* other : {"lcw", "lsup"}) {
    SCOPED_TRACE(other);
    CaseClosureService svc = ServiceOf(w_, other);
    EXPECT_REFUSED(svc.RecordNotice(Notice(id)).status(), id, "case_not_in_caseload",
                   "CASE-000001 is not in the caseload of office 'Lucas'");
  }
  CaseClosureService franklin = ServiceOf(w_, "fcw");
  ASSERT_TRUE(franklin.RecordNotice(Notice(id)).ok());
  CaseClosureService lucas = ServiceOf(w_, "lcw");
  EXPECT_REFUSED(lucas.CancelNotice(id, "answered"), id, "case_not_in_caseload", "Lucas");
  EXPECT_REFUSED(lucas.Close(id, Today()).status(), id, "case_not_in_caseload", "Lucas");
  ASSERT_TRUE(franklin.Close(id, Today()).ok());
  EXPECT_REFUSED(lucas.Reopen(id, "why"), id, "case_not_in_caseload", "Lucas");
  CaseClosureService admin = ServiceOf(w_, "root");
  EXPECT_TRUE(admin.Reopen(id, "statewide").ok());
}

// ValidateReason (service/staff_rule.h), behind every audited --reason: printable UTF-8 (QA:
// an invalid byte was an internal error, ESC and BEL went into the audit row).
TEST(ValidateReasonTest, PrintableUtf8NotBlankAtMost500Characters) {
  EXPECT_TRUE(ValidateReason("recipient answered", "x").ok());
  EXPECT_TRUE(ValidateReason("Résumé reçu — ok", "x").ok());
  EXPECT_TRUE(ValidateReason(std::string(500, 'x'), "x").ok());
  EXPECT_EQ(ValidateReason(" \t", "x").reason(), "reason_missing");
  EXPECT_EQ(ValidateReason(std::string(501, 'x'), "x").reason(), "reason_too_long");
  const Status utf8 = ValidateReason("bad \xff byte", "x");
  EXPECT_EQ(utf8.reason(), "text_invalid_utf8");
  EXPECT_NE(utf8.message().find("--reason is not valid UTF-8 (byte 5)"), std::string::npos)
      << utf8.message();
  EXPECT_EQ(ValidateReason("\x1b[31mred", "x").reason(), "text_invalid_char");
  EXPECT_EQ(ValidateReason("bell\a", "x").reason(), "text_invalid_char");
  EXPECT_EQ(ValidateReason("two\nlines", "x").reason(), "text_invalid_char");
  // Nor the controls that forge or reorder a line as a line break does (QA: a dismissal reason
  // with NEL was stored and shown raw): C1, U+2028, bidirectional overrides and isolates.
  const Status nel = ValidateReason("ok \xc2\x85 forged", "x");
  EXPECT_EQ(nel.reason(), "text_invalid_char");
  EXPECT_NE(nel.message().find("U+0085 at byte 4"), std::string::npos) << nel.message();
  EXPECT_EQ(ValidateReason("ls \xe2\x80\xa8 x", "x").reason(), "text_invalid_char");
  EXPECT_EQ(ValidateReason("x \xe2\x80\xae y", "x").reason(), "text_invalid_char");
  EXPECT_EQ(ValidateReason("x \xe2\x81\xa6 y", "x").reason(), "text_invalid_char");
  EXPECT_TRUE(
      ValidateReason("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f ok", "x").ok());  // RLM kept
}

TEST_F(CaseClosureTest, CancelAndReopenRefuseAReasonThatIsNotPrintableUtf8) {
  const CaseId id = ClosableCase();
  ASSERT_TRUE(svc_.RecordNotice(Notice(id)).ok());
  EXPECT_REFUSED(svc_.CancelNotice(id, "answered \xc3"), id, "text_invalid_utf8", "--reason");
  EXPECT_REFUSED(svc_.CancelNotice(id, "answered \x1b[2J\a"), id, "text_invalid_char", "--reason");
  ASSERT_TRUE(svc_.Close(id, Today()).ok());
  EXPECT_REFUSED(svc_.Reopen(id, "\xff"), id, "text_invalid_utf8", "--reason");
  EXPECT_REFUSED(svc_.Reopen(id, "new\x07"), id, "text_invalid_char", "--reason");
}

TEST_F(CaseClosureTest, ReplayNamesATamperedClosure) {
  struct Tamper {
    const char* sql;
    const char* named;
  };
  const std::vector<Tamper> tampers{
      {"UPDATE case_closure SET closed_date = '2026-06-15'",
       "case_closure 1 (CASE-000001): closed_date is 2026-06-15 in the store, 2026-05-31 in the "
       "audit trail"},
      {"UPDATE case_closure SET reason = 'locate_failed'",
       "case_closure 1 (CASE-000001): reason is 'locate_failed' in the store, "
       "'no_order_arrears_under_500' in the audit trail"},
      {"UPDATE iv_d_case SET status = 'open'",
       "iv_d_case 1 (CASE-000001): status is open in the store, closed in the audit trail"},
      {"DELETE FROM case_closure",
       "case_closure 1 (CASE-000001): in the audit trail, not in the store"},
  };
  for (const Tamper& t : tampers) {
    SCOPED_TRACE(t.sql);
    World w(":memory:", Today());
    NewCase c;
    c.obligor = w.Person("A", "B");
    c.obligee = w.Person("C", "D");
    c.opened = Date::Ymd(2025, 1, 1);
    const CaseId id = *w.service().AddCase(c);
    CaseClosureService svc = ServiceOf(w, "tester");
    ASSERT_TRUE(svc.RecordNotice(Notice(id)).ok());
    ASSERT_TRUE(svc.Close(id, Date::Ymd(2026, 5, 31)).ok());
    ASSERT_TRUE(w.store().ExecForTesting(t.sql).ok());
    auto cmp = CompareReplayWithStore(w.store());
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    EXPECT_GE(cmp->mismatches, 1);
    EXPECT_NE(std::find(cmp->problems.begin(), cmp->problems.end(), t.named), cmp->problems.end())
        << (cmp->problems.empty() ? "no problem" : cmp->problems.front());
  }
  // A notice written around the service.
  const CaseId id = ClosableCase();
  ASSERT_TRUE(w_.store()
                  .ExecForTesting("INSERT INTO case_closure VALUES (" + std::to_string(id.value) +
                                  ", '2026-01-01', 'locate_failed', '', NULL)")
                  .ok());
  auto cmp = CompareReplayWithStore(w_.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->problems,
            std::vector<std::string>{
                "case_closure 1 (CASE-000001): in the store, not in the audit trail"});
}

TEST_F(CaseClosureTest, TheTableRefusesAClosureInsideTheNoticePeriodOrABadReason) {
  const CaseId id = ClosableCase();
  const std::string case_id = std::to_string(id.value);
  EXPECT_FALSE(w_.store()
                   .ExecForTesting("INSERT INTO case_closure VALUES (" + case_id +
                                   ", '2026-04-01', 'locate_failed', '', '2026-05-30')")
                   .ok());
  EXPECT_FALSE(w_.store()
                   .ExecForTesting("INSERT INTO case_closure VALUES (" + case_id +
                                   ", '2026-04-01', 'Locate Failed', '', NULL)")
                   .ok());
  EXPECT_TRUE(w_.store()
                  .ExecForTesting("INSERT INTO case_closure VALUES (" + case_id +
                                  ", '2026-04-01', 'locate_failed', '', '2026-05-31')")
                  .ok());
}

// ---- posting by the payment's date (docs/ARCHITECTURE.md §5.6) ----

class PostByDateTest : public CaseClosureTest {
 protected:
  // A case of a new obligor closed on 2026-03-16 (notice 2026-01-15), and, with `reopen`,
  // reopened today (2026-06-30): closed from 2026-03-16 to 2026-06-29.
  CaseId Closed(bool reopen) {
    const CaseId id = MakeCase(std::nullopt, 0);  // 100.00 a month from 2025-01-01
    EXPECT_TRUE(svc_.RecordNotice(Notice(id, "other", Date::Ymd(2026, 1, 15), "moved")).ok());
    EXPECT_TRUE(svc_.Close(id, Date::Ymd(2026, 3, 16)).ok());
    if (reopen) {
      EXPECT_TRUE(svc_.Reopen(id, "the obligor came back").ok());
    }
    return id;
  }
  // What the stored payment with `key` distributed to case `id` (nothing when not stored).
  Money ToCase(const std::string& key, CaseId id) {
    auto found = w_.store().FindCollectionByKey(key);
    EXPECT_TRUE(found.ok());
    Money m;
    if (!found.ok() || !*found) return m;
    for (const DistributionLine& l : (*found)->distribution.lines) {
      if (l.case_id == id) m += l.amount;
    }
    return m;
  }
  int64_t Collections() { return *w_.store().CountCollections(); }
};

// Before, post-payment read the case's status today: the payment dated while the now-closed
// case was open was refused case_closed, and one dated inside the reopened case's closed
// period was taken.
TEST_F(PostByDateTest, PostPaymentTakesAPaymentDatedWhileOpenAndRefusesOneInAClosedPeriod) {
  const CaseId closed = Closed(false);
  auto open_day = w_.Pay("OPEN-DAY", closed, 5'000, Date::Ymd(2026, 3, 15));
  ASSERT_TRUE(open_day.ok()) << open_day.status().ToString();
  EXPECT_EQ(open_day->outcome, PostOutcome::kCreated);
  EXPECT_EQ(ToCase("OPEN-DAY", closed), Money::FromCents(5'000));  // it was open that day
  const int64_t stored = Collections();
  EXPECT_REFUSED(w_.Pay("CLOSING-DAY", closed, 5'000, Date::Ymd(2026, 3, 16)).status(), closed,
                 "case_closed",
                 CaseDisplayId(closed) +
                     " is closed since 2026-03-16: the payment date 2026-03-16 is on or after "
                     "its closing day");
  EXPECT_EQ(Collections(), stored);

  const CaseId reopened = Closed(true);
  EXPECT_REFUSED(w_.Pay("INSIDE", reopened, 5'000, Date::Ymd(2026, 4, 10)).status(), reopened,
                 "case_closed",
                 CaseDisplayId(reopened) +
                     " was closed from 2026-03-16 to 2026-06-29: the payment date 2026-04-10 "
                     "falls in that period");
  EXPECT_REFUSED(w_.Pay("LAST-DAY", reopened, 5'000, Date::Ymd(2026, 6, 29)).status(), reopened,
                 "case_closed", "was closed from 2026-03-16 to 2026-06-29");
  EXPECT_EQ(Collections(), stored);
  ASSERT_TRUE(w_.Pay("BEFORE", reopened, 5'000, Date::Ymd(2026, 3, 15)).ok());
  ASSERT_TRUE(w_.Pay("REOPENED", reopened, 5'000, Today()).ok());
  EXPECT_EQ(ToCase("BEFORE", reopened), Money::FromCents(5'000));
  EXPECT_EQ(Collections(), stored + 2);
  // The replay distributes the payment on the now-closed case as it was posted.
  EXPECT_EQ(Mismatches(), 0);
  EXPECT_TRUE(VerifyAuditChain(w_.store())->intact);
}

// The bulk poster (import payments, remittances) decides the same way, on both of its paths: a
// small batch reads the closed days from the obligor's events (ClosedDaysOf), a pipelined one
// with the ledgers it prefetches. Before, it read the case's status today.
TEST_F(PostByDateTest, BulkPosterTakesAPaymentDatedWhileOpenAndRefusesOneInAClosedPeriod) {
  const CaseId closed = Closed(false);
  const CaseId reopened = Closed(true);
  auto pay = [](const std::string& key, CaseId c, Date d, int64_t cents = 1'000) {
    return PaymentRequest{key, c, Money::FromCents(cents), d, PaymentSource::kDirect};
  };
  {
    BulkPoster poster(w_.store(), w_.clock(), "tester");
    auto r = poster.PostBatch({pay("S-OPEN", closed, Date::Ymd(2026, 3, 15)),
                               pay("S-INSIDE", reopened, Date::Ymd(2026, 4, 10)),
                               pay("S-CLOSED", closed, Date::Ymd(2026, 5, 1))},
                              BatchMode::kCommitValid, "small");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->created, 1);
    EXPECT_EQ(r->outcomes[0].kind, RowOutcome::Kind::kCreated);
    EXPECT_EQ(r->outcomes[1].error.reason(), "case_closed");
    EXPECT_NE(r->outcomes[1].error.message().find("was closed from 2026-03-16 to 2026-06-29: the "
                                                  "payment date 2026-04-10 falls in that period"),
              std::string::npos)
        << r->outcomes[1].error.message();
    EXPECT_EQ(r->outcomes[2].error.reason(), "case_closed");
    EXPECT_NE(r->outcomes[2].error.message().find("is closed since 2026-03-16"), std::string::npos);
  }
  EXPECT_EQ(ToCase("S-OPEN", closed), Money::FromCents(1'000));
  std::vector<PaymentRequest> rows;  // pipelined: at least 256 rows
  rows.push_back(pay("P-INSIDE", reopened, Date::Ymd(2026, 3, 16)));
  for (int i = 0; i < 300; ++i) {
    rows.push_back(pay("P-" + std::to_string(i), closed, Date::Ymd(2026, 3, 15), 100));
  }
  rows.push_back(pay("P-CLOSED", closed, Date::Ymd(2026, 3, 16)));
  rows.push_back(pay("P-REOPENED", reopened, Date::Ymd(2026, 6, 30)));
  BulkPoster poster(w_.store(), w_.clock(), "tester");
  auto r = poster.PostBatch(rows, BatchMode::kCommitValid, "pipelined");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->created, 301);
  EXPECT_EQ(r->rejected, 2);
  EXPECT_EQ(r->outcomes.front().error.reason(), "case_closed");
  EXPECT_EQ(r->outcomes[301].error.reason(), "case_closed");
  EXPECT_EQ(r->outcomes.back().kind, RowOutcome::Kind::kCreated);
  for (const char* refused : {"S-INSIDE", "S-CLOSED", "P-INSIDE", "P-CLOSED"}) {
    EXPECT_FALSE(*w_.store().FindCollectionByKey(refused)) << refused;
  }
  EXPECT_EQ(Collections(), 1 + 301);
  EXPECT_EQ(ToCase("P-299", closed), Money::FromCents(100));
  EXPECT_EQ(Mismatches(), 0);
}

// ---- the command line ----

class CaseClosureCliTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = dir_.path("opencse.db"); }
  testing::CliRun Cli(const std::string& today, std::vector<std::string> args) {
    std::vector<std::string> full{"opencse", "--db", db_, "--today", today, "--user", "cw"};
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  testing::ScratchDir dir_{"case_closure_cli"};
  std::string db_;
};

TEST_F(CaseClosureCliTest, NoticeWaitCloseShowReopenAndVerify) {
  const std::string d = "2026-04-01";
  ASSERT_EQ(Cli(d, {"init"}).code, 0);
  ASSERT_EQ(Cli(d, {"party", "add", "--first", "Sam", "--last", "Doe"}).code, 0);
  ASSERT_EQ(Cli(d, {"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
  ASSERT_EQ(Cli(d, {"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002", "--opened",
                    "2025-01-01"})
                .code,
            0);
  ASSERT_EQ(Cli(d, {"order", "add", "--case", "CASE-000001", "--amount", "100.00", "--effective",
                    "2025-01-01", "--end", "2025-12-31"})
                .code,
            0);
  ASSERT_EQ(Cli(d, {"post-payment", "--case", "CASE-000001", "--amount", "1000.00", "--date",
                    "2025-12-15", "--source", "direct", "--key", "K-1"})
                .code,
            0);
  auto bad = Cli(d, {"--json", "case", "close-notice", "--case", "CASE-000001", "--reason", "x"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("\"code\":\"closure_reason_unknown\""), std::string::npos) << bad.out;

  auto notice = Cli(d, {"--json", "case", "close-notice", "--case", "CASE-000001", "--reason",
                        "no_order_arrears_under_500"});
  ASSERT_EQ(notice.code, 0) << notice.out << notice.err;
  const Json j = Json::parse(notice.out);
  EXPECT_EQ(j["case"]["status"], "open");
  EXPECT_EQ(j["case"]["closure"]["state"], "notice_pending");
  EXPECT_EQ(j["case"]["closure"]["notice_date"], "2026-04-01");
  EXPECT_EQ(j["case"]["closure"]["earliest_close_date"], "2026-05-31");

  auto early = Cli("2026-05-30", {"--json", "case", "close", "--case", "CASE-000001"});
  EXPECT_EQ(early.code, 1);
  EXPECT_NE(early.out.find("\"code\":\"closure_notice_period\""), std::string::npos) << early.out;

  auto closed = Cli("2026-05-31", {"case", "close", "--case", "CASE-000001"});
  ASSERT_EQ(closed.code, 0) << closed.err;
  EXPECT_EQ(closed.out,
            "closed\nCASE-000001  closed 2026-05-31 (no_order_arrears_under_500, notice "
            "2026-04-01)  records kept until 2029-05-31\n");
  auto shown = Cli("2026-06-01", {"--json", "case", "show", "--case", "CASE-000001"});
  ASSERT_EQ(shown.code, 0);
  EXPECT_EQ(Json::parse(shown.out)["case"]["closure"]["closed_date"], "2026-05-31");

  auto verify = Cli("2026-06-01", {"--json", "audit", "verify"});
  EXPECT_EQ(verify.code, 0) << verify.out;
  EXPECT_EQ(Json::parse(verify.out)["replay"]["mismatches"], 0);

  // Not an internal error (the audit row's JSON refused the byte), and nothing written.
  auto bad_reason =
      Cli("2026-06-02", {"--json", "case", "reopen", "--case", "CASE-000001", "--reason", "\xff"});
  EXPECT_EQ(bad_reason.code, 1) << bad_reason.out << bad_reason.err;
  EXPECT_NE(bad_reason.out.find("\"code\":\"text_invalid_utf8\""), std::string::npos)
      << bad_reason.out;
  auto reopen = Cli("2026-06-02", {"case", "reopen", "--case", "CASE-000001", "--reason",
                                   "obligee reported new employer"});
  ASSERT_EQ(reopen.code, 0) << reopen.err;
  EXPECT_EQ(reopen.out, "reopened\nCASE-000001  open  no notice of intent to close\n");
  EXPECT_EQ(Cli("2026-06-02", {"audit", "verify"}).code, 0);
  // The ledger still explains the closed days after the reopening (QA: the closure row is gone,
  // and the months without debt had no reason given); as of a day inside them it says closed.
  auto ledger = Cli("2026-06-02", {"ledger", "--case", "CASE-000001"});
  ASSERT_EQ(ledger.code, 0) << ledger.err;
  EXPECT_NE(ledger.out.find("Closed from 2026-05-31 to 2026-06-01: nothing accrues, no "
                            "distribution\n"),
            std::string::npos)
      << ledger.out;
  auto inside =
      Cli("2026-06-02", {"--json", "ledger", "--case", "CASE-000001", "--as-of", "2026-06-01"});
  ASSERT_EQ(inside.code, 0) << inside.err;
  const Json in = Json::parse(inside.out);
  EXPECT_EQ(in["case"]["closed_periods"], Json::parse(R"([{"from":"2026-05-31","through":null}])"));
  EXPECT_EQ(in["balance"]["closed"], true);
  auto obligor = Cli("2026-06-02", {"ledger", "--obligor", "PRS-000001", "--as-of", "2026-06-01"});
  ASSERT_EQ(obligor.code, 0);
  EXPECT_NE(obligor.out.find("as of 2026-06-01: arrears of open cases 0.00"), std::string::npos)
      << obligor.out;
  EXPECT_NE(obligor.out.find("closed: not accruing, not in the obligor's arrears"),
            std::string::npos)
      << obligor.out;
}

// Closing a case does not stop withholding; `case close` names the IWOs still in place and
// how to end them.
TEST_F(CaseClosureCliTest, ClosingNamesTheIwosStillInPlace) {
  const std::string d = "2026-04-01";
  ASSERT_EQ(Cli(d, {"init"}).code, 0);
  ASSERT_EQ(Cli(d, {"party", "add", "--first", "Sam", "--last", "Doe"}).code, 0);
  ASSERT_EQ(Cli(d, {"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
  ASSERT_EQ(Cli(d, {"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002", "--opened",
                    "2025-01-01"})
                .code,
            0);
  ASSERT_EQ(Cli(d, {"employer", "add", "--fein", "900112233", "--name", "Acme"}).code, 0);
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    IwoRecord w;
    w.case_id = CaseId{1};
    w.obligor = PersonId{1};
    w.employer = EmployerId{1};
    w.source = "manual";
    w.entry_date = Date::Ymd(2026, 3, 2);
    w.due_date = Date::Ymd(2026, 3, 4);
    w.created_at = "2026-03-02T00:00:00Z";
    w.created_by = "cw";
    ASSERT_TRUE((*store)->InsertIwo(w).ok());
  }
  ASSERT_EQ(Cli(d, {"case", "close-notice", "--case", "CASE-000001", "--reason",
                    "no_order_arrears_under_500"})
                .code,
            0);
  auto closed = Cli("2026-05-31", {"--json", "case", "close", "--case", "CASE-000001"});
  ASSERT_EQ(closed.code, 0) << closed.out << closed.err;
  const Json j = Json::parse(closed.out);
  EXPECT_EQ(j["case"]["status"], "closed");
  ASSERT_EQ(j["iwos_in_place"].size(), 1u) << closed.out;
  EXPECT_EQ(j["iwos_in_place"][0]["iwo"], "IWO-000001");
  EXPECT_EQ(j["iwos_in_place"][0]["status"], "pending");
  ASSERT_EQ(Cli("2026-06-01", {"case", "reopen", "--case", "CASE-000001", "--reason", "test"}).code,
            0);
  ASSERT_EQ(Cli("2026-06-01", {"case", "close-notice", "--case", "CASE-000001", "--reason",
                               "no_order_arrears_under_500"})
                .code,
            0);
  auto text = Cli("2026-07-31", {"case", "close", "--case", "CASE-000001"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("IWO-000001 (pending) is still in place: end it with `opencse iwo "
                          "terminate --iwo IWO-000001 --reason case_closed"),
            std::string::npos)
      << text.out;
}

TEST_F(CaseClosureCliTest, EveryClosureCommandHasHelp) {
  for (const char* sub : {"close-notice", "close", "closure-cancel", "reopen", "show"}) {
    auto r = testing::RunOpencse({"case", sub, "--help"});
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("--case"), std::string::npos) << sub;
  }
  auto r = testing::RunOpencse({"case", "close-notice", "--help"});
  EXPECT_NE(r.out.find("no_order_arrears_under_500 (checked from the ledger)"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace cse
