// The enforcement use cases on a hand-built case: recommendations written with their audit
// rows and found again on a re-run, the human decision and the lifecycle after it, and each
// bad input of the issue (ineligible, approved twice, no role, dismissed without a reason)
// answered with a clear error and nothing changed.
#include "enforce/action_service.h"

#include <gtest/gtest.h>

#include <set>

#include "enforce/nba.h"
#include "enforce/report.h"
#include "iwo/newhire.h"
#include "service/audit.h"
#include "testing/fixture.h"

namespace cse::enforce {
namespace {

const Date kToday = Date::Ymd(2025, 6, 30);

class ActionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EnforcementService root(w_.store(), w_.clock(), "root");
    ASSERT_TRUE(root.SetStaffUser({"root", Role::kAdmin, true}).ok());
    for (const StaffUser& u :
         {StaffUser{"sue", Role::kSupervisor, true}, StaffUser{"cal", Role::kCaseworker, true},
          StaffUser{"ivy", Role::kInvestigator, true},
          StaffUser{"old", Role::kSupervisor, false}}) {
      ASSERT_TRUE(root.SetStaffUser(u).ok()) << u.user_id;
    }
    obligor_ = w_.Person("Sam", "Doe");
    // 500.00 a month from January: 2,500.00 of arrears (January to May) on 30 June.
    case_ = w_.SimpleCase(obligor_, 50'000, Date::Ymd(2025, 1, 1));
  }

  void RecommendAll() {
    EnforcementService root(w_.store(), w_.clock(), "root");
    ASSERT_TRUE(root.LoadStateConfig("[workflow]\nmax_recommendations = 13\n").ok());
    auto r = svc_.Recommend(case_, Options());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const Action& a : r->actions) by_remedy_[a.remedy] = a.id;
  }

  RecommendOptions Options() {
    RecommendOptions o;
    o.as_of = kToday;
    return o;
  }

  Result<Action> Do(Remedy remedy, Transition t, const std::string& by,
                    const std::string& reason = "", std::optional<Remedy> to = std::nullopt,
                    std::optional<Date> date = std::nullopt, const std::string& outcome = "") {
    DecisionRequest q;
    q.contest_outcome = outcome;
    q.action_id = by_remedy_.at(remedy);
    q.transition = t;
    q.by = by;
    q.reason = reason;
    q.new_remedy = to;
    q.date = date;
    return svc_.Decide(q);
  }

  // The action's row and the audit trail's length: what "nothing changed" compares.
  std::string Snapshot(Remedy remedy) {
    auto a = w_.store().GetEnforceAction(by_remedy_.at(remedy));
    auto last = w_.store().LastAuditLink();
    return ToJson(*a).dump() + "|" + std::to_string((*last)->seq);
  }

  std::vector<AuditRow> AuditRows(const std::string& action) {
    std::vector<AuditRow> rows;
    EXPECT_TRUE(w_.store()
                    .ScanAudit([&](const AuditRow& r) {
                      if (r.action == action) rows.push_back(r);
                      return Status::Ok();
                    })
                    .ok());
    return rows;
  }

  void SetToday(Date d) { w_.clock().SetMicros(testing::MidnightMicros(d)); }

  // A "Review enforcement recommendations" task on the case naming `action_id`, as the
  // nightly batch writes it.
  void AddReviewTask(int64_t action_id) {
    Task t;
    t.key = "review:" + std::to_string(case_.value) + ":" + kToday.ToString();
    t.kind = "review_recommendations";
    t.case_id = case_;
    t.obligor = obligor_;
    t.created = kToday;
    t.title = "Review enforcement recommendations";
    t.action_id = action_id;
    t.recommended = "reminder";
    t.key_factors = "[]";
    ASSERT_TRUE(w_.store().InsertEnforceTask(t).ok());
  }
  Task ReviewTask() {
    auto tasks = w_.store().ListEnforceTasksByObligor(obligor_);
    EXPECT_TRUE(tasks.ok());
    for (const Task& t : *tasks) {
      if (t.kind == "review_recommendations") return t;
    }
    ADD_FAILURE() << "no review task";
    return Task{};
  }

  // A current job for `who` (the obligor by default) since `start`, at ACME.
  void Employ(Date start, std::optional<PersonId> who = std::nullopt) {
    Employer e;
    e.fein = "123456789";
    e.name = "ACME";
    e.address.line1 = "1 MAIN ST";
    employer_ = *w_.store().UpsertEmployer(e);
    Employment j;
    j.person = who.value_or(obligor_);
    j.employer = employer_;
    j.start_date = start;
    ASSERT_TRUE(w_.store().InsertEmployment(j).ok());
  }

  std::vector<CaseEvent> Events(const std::string& kind) {
    std::vector<CaseEvent> out;
    auto all = w_.store().ListCaseEventsByPerson(obligor_);
    EXPECT_TRUE(all.ok());
    for (const CaseEvent& e : *all) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  testing::World w_{":memory:", kToday};
  EnforcementService svc_{w_.store(), w_.clock(), "nightly"};
  PersonId obligor_;
  CaseId case_;
  EmployerId employer_;
  std::map<Remedy, int64_t> by_remedy_;
};

TEST_F(ActionServiceTest, RecommendWritesEligibleActionsWithReasonsAndARerunFindsThem) {
  auto r = svc_.Recommend(case_, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->facts.arrears_total, Money::FromCents(250'000));
  EXPECT_TRUE(r->facts.delinquent);
  ASSERT_EQ(r->actions.size(), 3u);  // workflow.max_recommendations
  EXPECT_EQ(r->created, 3);
  EXPECT_EQ(r->actions[0].remedy, Remedy::kReminder);  // the ladder: least punitive first
  EXPECT_EQ(r->actions[0].rank, 1);
  EXPECT_EQ(r->actions[0].state, ActionState::kRecommended);
  EXPECT_EQ(r->actions[0].source, "rules");  // no model is active
  EXPECT_EQ(r->actions[0].legal_deadline, kToday.AddDays(30));
  std::map<Remedy, std::string> why;
  for (const auto& [remedy, e] : r->ineligible) why[remedy] = e.reason;
  EXPECT_EQ(why[Remedy::kPassportDenial], "below_threshold");  // 2,500.00 is not > 2,500
  EXPECT_EQ(why[Remedy::kIncomeWithholding], "no_wage_source");
  EXPECT_EQ(why[Remedy::kLicenseSuspension], "remedy_not_configured");
  EXPECT_EQ(AuditRows("enforce.recommend").size(), 3u);

  auto again = svc_.Recommend(case_, Options());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0);
  ASSERT_EQ(again->actions.size(), 3u);
  EXPECT_EQ(again->actions[0].id, r->actions[0].id);
  EXPECT_EQ(AuditRows("enforce.recommend").size(), 3u);
  // Another date does not duplicate what is still open either.
  RecommendOptions other = Options();
  other.as_of = kToday.AddDays(-1);
  auto later = svc_.Recommend(case_, other);
  ASSERT_TRUE(later.ok());
  for (const Action& a : later->actions) {
    EXPECT_NE(a.remedy, Remedy::kReminder);
  }
}

TEST_F(ActionServiceTest, ApprovalRecordsWhoWhenWhyAndIsAudited) {
  RecommendAll();
  auto a = Do(Remedy::kTaxOffset, Transition::kApprove, "sue", "certify for the year");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->state, ActionState::kApproved);
  EXPECT_EQ(a->decided_by, "sue");
  EXPECT_EQ(a->decision_reason, "certify for the year");
  EXPECT_FALSE(a->decided_at.empty());
  auto rows = AuditRows("enforce.approve");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor, "sue");
  const Json after = Json::parse(rows[0].after);
  EXPECT_EQ(after["state"], "approved");
  for (const char* field : {"model_version", "features_hash", "confidence", "decided_by"}) {
    EXPECT_TRUE(after.contains(field)) << field;
  }
  EXPECT_EQ(Json::parse(rows[0].before)["state"], "recommended");
  auto chain = VerifyAuditChain(w_.store());
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->intact);
}

TEST_F(ActionServiceTest, ApprovingTwiceIsRefusedAndChangesNothing) {
  RecommendAll();
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kApprove, "sue").ok());
  const std::string before = Snapshot(Remedy::kTaxOffset);
  auto again = Do(Remedy::kTaxOffset, Transition::kApprove, "sue");
  EXPECT_EQ(again.status().reason(), "action_already_decided");
  auto dismiss = Do(Remedy::kTaxOffset, Transition::kDismiss, "sue", "changed my mind");
  EXPECT_EQ(dismiss.status().reason(), "action_already_decided");
  EXPECT_EQ(Snapshot(Remedy::kTaxOffset), before);
}

TEST_F(ActionServiceTest, ApprovingWithoutTheRoleIsRefusedAndChangesNothing) {
  RecommendAll();
  const std::string before = Snapshot(Remedy::kTaxOffset);
  auto investigator = Do(Remedy::kTaxOffset, Transition::kApprove, "ivy");
  EXPECT_EQ(investigator.status().reason(), "role_not_allowed");
  EXPECT_NE(investigator.status().message().find("investigator"), std::string::npos);
  auto caseworker = Do(Remedy::kTaxOffset, Transition::kApprove, "cal");  // substantive
  EXPECT_EQ(caseworker.status().reason(), "role_not_allowed");
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kApprove, "mallory").status().reason(),
            "user_unknown");
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kApprove, "old").status().reason(),
            "user_unknown");  // inactive
  EXPECT_EQ(Snapshot(Remedy::kTaxOffset), before);
  // A caseworker may approve a non-punitive step.
  EXPECT_TRUE(Do(Remedy::kReminder, Transition::kApprove, "cal").ok());
}

TEST_F(ActionServiceTest, DismissingWithoutAReasonIsRefusedAndChangesNothing) {
  RecommendAll();
  const std::string before = Snapshot(Remedy::kReminder);
  auto r = Do(Remedy::kReminder, Transition::kDismiss, "cal", "");
  EXPECT_EQ(r.status().reason(), "reason_missing");
  EXPECT_NE(r.status().message().find("--reason"), std::string::npos);
  EXPECT_EQ(Snapshot(Remedy::kReminder), before);
  auto ok = Do(Remedy::kReminder, Transition::kDismiss, "cal", "spoke to him yesterday");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->state, ActionState::kDismissed);
  EXPECT_EQ(ok->decision_reason, "spoke to him yesterday");
}

TEST_F(ActionServiceTest, ApprovingForACaseNoLongerEligibleIsRefusedAndChangesNothing) {
  RecommendAll();
  ASSERT_TRUE(w_.Pay("p1", case_, 300'000, kToday).ok());  // June and the arrears paid
  const std::string before = Snapshot(Remedy::kTaxOffset);
  auto r = Do(Remedy::kTaxOffset, Transition::kApprove, "sue");
  EXPECT_EQ(r.status().reason(), "action_ineligible");
  EXPECT_NE(r.status().message().find("tax_offset"), std::string::npos);
  EXPECT_EQ(Snapshot(Remedy::kTaxOffset), before);
  // The payment makes the open recommendations moot: they are withdrawn, with the reason.
  auto withdrawn = svc_.WithdrawMoot(obligor_, kToday, "payment posted");
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_GE(withdrawn->size(), 3u);
  auto after = w_.store().GetEnforceAction(by_remedy_.at(Remedy::kTaxOffset));
  EXPECT_EQ(after->state, ActionState::kWithdrawn);
  EXPECT_NE(after->last_note.find("payment posted"), std::string::npos);
}

TEST_F(ActionServiceTest, NoticeOpensTheContestWindowAndIssueWaitsForIt) {
  RecommendAll();
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kApprove, "sue").ok());
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kIssue, "sue").status().reason(), "notice_required");
  SetToday(Date::Ymd(2025, 7, 1));
  auto notice = Do(Remedy::kTaxOffset, Transition::kSendNotice, "sue");
  ASSERT_TRUE(notice.ok()) << notice.status().ToString();
  EXPECT_EQ(notice->contest_deadline, Date::Ymd(2025, 7, 31));  // 30 days (FACTS §5)
  SetToday(Date::Ymd(2025, 7, 31));
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kIssue, "sue").status().reason(),
            "contest_window_open");
  EXPECT_EQ(
      Do(Remedy::kTaxOffset, Transition::kIssue, "sue", "", std::nullopt, Date::Ymd(2025, 8, 1))
          .status()
          .reason(),
      "date_in_future");
  SetToday(Date::Ymd(2025, 8, 1));
  auto issued = Do(Remedy::kTaxOffset, Transition::kIssue, "sue");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->state, ActionState::kIssued);
  auto events = w_.store().ListCaseEventsByPerson(obligor_);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->back().kind, "enforcement_issued");
  EXPECT_NE(events->back().detail.find("remedy=tax_offset"), std::string::npos);
  auto done = Do(Remedy::kTaxOffset, Transition::kComply, "sue", "offset received");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, ActionState::kComplied);
  EXPECT_EQ(done->closed_date, Date::Ymd(2025, 8, 1));
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kWithdraw, "sue", "x").status().reason(),
            "action_final");
  // Non-punitive steps are issued without a notice.
  ASSERT_TRUE(Do(Remedy::kReminder, Transition::kApprove, "cal").ok());
  EXPECT_EQ(Do(Remedy::kReminder, Transition::kSendNotice, "cal").status().reason(),
            "notice_not_required");
  EXPECT_TRUE(Do(Remedy::kReminder, Transition::kIssue, "cal").ok());
}

// A step may not be dated before the step already recorded: before 2026-12-04 a notice dated
// 18 months before the approval opened a contest window that had already run, and the
// passport denial was issued the day it was approved.
TEST_F(ActionServiceTest, AStepIsNeverDatedBeforeTheStepBeforeIt) {
  RecommendAll();
  EXPECT_EQ(
      Do(Remedy::kTaxOffset, Transition::kApprove, "sue", "", std::nullopt, Date::Ymd(2025, 6, 29))
          .status()
          .reason(),
      "date_before_previous_step");  // before the recommendation's as-of date
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kApprove, "sue").ok());
  const std::string approved = Snapshot(Remedy::kTaxOffset);
  auto backdated = Do(Remedy::kTaxOffset, Transition::kSendNotice, "sue", "", std::nullopt,
                      Date::Ymd(2024, 1, 1));
  EXPECT_EQ(backdated.status().reason(), "date_before_previous_step");
  EXPECT_NE(backdated.status().message().find("2025-06-30"), std::string::npos)
      << backdated.status().message();
  EXPECT_EQ(Snapshot(Remedy::kTaxOffset), approved);
  SetToday(Date::Ymd(2025, 8, 15));
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kSendNotice, "sue", "", std::nullopt,
                 Date::Ymd(2025, 7, 1))
                  .ok());
  // The issue may not go back before the notice either (it would skip the window).
  EXPECT_EQ(
      Do(Remedy::kTaxOffset, Transition::kIssue, "sue", "", std::nullopt, Date::Ymd(2025, 6, 30))
          .status()
          .reason(),
      "date_before_previous_step");
  auto issued =
      Do(Remedy::kTaxOffset, Transition::kIssue, "sue", "", std::nullopt, Date::Ymd(2025, 8, 1));
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kComply, "sue", "paid", std::nullopt,
               Date::Ymd(2025, 7, 31))
                .status()
                .reason(),
            "date_before_previous_step");
}

// A required reason of spaces or line breaks is no reason (the API already refused it).
TEST_F(ActionServiceTest, ABlankReasonIsNoReason) {
  RecommendAll();
  const std::string before = Snapshot(Remedy::kReminder);
  for (const char* blank : {" ", "\n\n", " \t\r\n"}) {
    EXPECT_EQ(Do(Remedy::kReminder, Transition::kDismiss, "cal", blank).status().reason(),
              "reason_missing");
  }
  EXPECT_EQ(Snapshot(Remedy::kReminder), before);
}

// A notice is a step toward the remedy: none goes out for an action that has become
// ineligible since its approval (here the arrears were paid).
TEST_F(ActionServiceTest, NoNoticeIsSentForAnActionNoLongerEligible) {
  RecommendAll();
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kApprove, "sue").ok());
  ASSERT_TRUE(w_.Pay("p1", case_, 300'000, kToday).ok());
  const std::string before = Snapshot(Remedy::kTaxOffset);
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kSendNotice, "sue").status().reason(),
            "action_ineligible");
  EXPECT_EQ(Snapshot(Remedy::kTaxOffset), before);
}

// The legal deadline counts from the day the nightly batch first found the delinquency
// (45 CFR 303.6), also for a later `recommend`: before 2026-12-04 it counted from the day of
// the recommendation, 20 days later here.
TEST_F(ActionServiceTest, ALaterRecommendationKeepsTheDeadlineOfTheFirstDelinquency) {
  ASSERT_TRUE(
      w_.store()
          .PutObligorState({obligor_, Date::Ymd(2025, 6, 10), true, Date::Ymd(2025, 6, 10), 0})
          .ok());
  RecommendAll();
  auto a = w_.store().GetEnforceAction(by_remedy_.at(Remedy::kTaxOffset));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->legal_deadline, Date::Ymd(2025, 7, 10));  // 30 days from 10 June
}

// One certification per person (FACTS §5, "Single submission"): a tax offset or passport
// denial open on one of the obligor's cases is not recommended again on another. Before
// 2026-12-04 each case got its own, each "at stake" the obligor's whole arrears.
TEST_F(ActionServiceTest, APersonLevelRemedyIsTakenOnceAcrossTheObligorsCases) {
  const CaseId second = w_.SimpleCase(obligor_, 50'000, Date::Ymd(2025, 1, 1));
  RecommendAll();
  ASSERT_TRUE(by_remedy_.count(Remedy::kTaxOffset));
  RecommendOptions o = Options();
  auto r = svc_.Recommend(second, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const Action& a : r->actions) {
    EXPECT_FALSE(IsPersonLevel(a.remedy)) << Name(a.remedy);
  }
  bool offset_in_progress = false;
  for (const auto& [remedy, e] : r->ineligible) {
    if (remedy == Remedy::kTaxOffset) offset_in_progress = e.reason == "action_in_progress";
  }
  EXPECT_TRUE(offset_in_progress);
}

TEST_F(ActionServiceTest, AContestIsRecordedWithItsDeadlineAndOutcome) {
  RecommendAll();
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kApprove, "sue").ok());
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kSendNotice, "sue").ok());
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kContest, "cal").status().reason(),
            "reason_missing");
  SetToday(Date::Ymd(2025, 7, 10));
  auto contested =
      Do(Remedy::kTaxOffset, Transition::kContest, "cal", "the arrears were paid to the mother");
  ASSERT_TRUE(contested.ok()) << contested.status().ToString();
  EXPECT_EQ(contested->state, ActionState::kContested);
  EXPECT_EQ(contested->contest_filed, Date::Ymd(2025, 7, 10));
  EXPECT_EQ(contested->review_deadline, Date::Ymd(2025, 8, 24));  // 45 days (45 CFR 303.72)
  SetToday(Date::Ymd(2025, 8, 5));
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kIssue, "sue").status().reason(),
            "transition_not_allowed");  // not while contested
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kDecideContest, "cal", "x", std::nullopt,
               std::nullopt, "upheld")
                .status()
                .reason(),
            "role_not_allowed");  // a caseworker records contests, does not decide them
  EXPECT_EQ(Do(Remedy::kTaxOffset, Transition::kDecideContest, "sue", "x", std::nullopt,
               std::nullopt, "maybe")
                .status()
                .reason(),
            "contest_outcome_invalid");
  auto upheld = Do(Remedy::kTaxOffset, Transition::kDecideContest, "sue",
                   "no record of direct payments", std::nullopt, std::nullopt, "upheld");
  ASSERT_TRUE(upheld.ok()) << upheld.status().ToString();
  EXPECT_EQ(upheld->state, ActionState::kNoticeSent);
  EXPECT_EQ(upheld->contest_outcome, "upheld");
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kIssue, "sue").ok());
  // A contest of an issued action that the parent wins withdraws it.
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kContest, "cal", "wrong person").ok());
  auto granted = Do(Remedy::kTaxOffset, Transition::kDecideContest, "sue", "identity mix-up",
                    std::nullopt, std::nullopt, "granted");
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(granted->state, ActionState::kWithdrawn);
  EXPECT_EQ(granted->closed_date, Date::Ymd(2025, 8, 5));
}

TEST_F(ActionServiceTest, TheReviewReportCountsDecisionsOverridesAndOutcomes) {
  RecommendAll();
  ASSERT_TRUE(Do(Remedy::kTaxOffset, Transition::kApprove, "sue").ok());
  ASSERT_TRUE(Do(Remedy::kReminder, Transition::kDismiss, "cal", "talked to him today").ok());
  ASSERT_TRUE(Do(Remedy::kCreditBureau, Transition::kDismiss, "sue", "disputed debt").ok());
  // 60 days later, with one payment of a month's support after the decisions.
  SetToday(Date::Ymd(2025, 9, 1));
  ASSERT_TRUE(w_.Pay("after", case_, 50'000, Date::Ymd(2025, 7, 15)).ok());
  auto r = BuildReviewReport(w_.store(), Date::Ymd(2025, 9, 1), 60);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->months.size(), 1u);
  const MonthReview& m = r->months[0];
  EXPECT_EQ(m.month, "2025-06");
  EXPECT_EQ(m.approved, 1);
  EXPECT_EQ(m.dismissed, 2);
  EXPECT_EQ(m.recommended, static_cast<int64_t>(by_remedy_.size()));
  EXPECT_EQ(m.pending, m.recommended - 3);
  EXPECT_EQ(m.accepted_outcomes, 1);
  EXPECT_EQ(m.accepted_paid, 1);
  EXPECT_EQ(m.dismissed_outcomes, 2);
  ASSERT_EQ(r->overrides.size(), 2u);
  EXPECT_FALSE(r->overrides[0].action.decision_reason.empty());
}

TEST_F(ActionServiceTest, AScoreOverrideNeedsAReasonAndARoleAndFeedsTheReport) {
  EXPECT_EQ(svc_.OverrideScore(case_, 90, "cal", "").reason(), "reason_missing");
  EXPECT_EQ(svc_.OverrideScore(case_, 0, "cal", "x").reason(), "score_out_of_range");
  EXPECT_EQ(svc_.OverrideScore(case_, 90, "ivy", "x").reason(), "role_not_allowed");
  EXPECT_EQ(svc_.OverrideScore(CaseId{99}, 90, "cal", "x").reason(), "case_not_found");
  ASSERT_TRUE(svc_.OverrideScore(case_, 90, "cal", "lost his job last week").ok());
  auto events = w_.store().ListCaseEventsByPerson(obligor_);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->back().kind, "score_override");
  EXPECT_EQ(events->back().detail.rfind("score=90 model_score=none", 0), 0u);
  auto r = BuildReviewReport(w_.store(), kToday, 60);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->score_overrides.size(), 1u);
  EXPECT_EQ(r->score_overrides[0].by, "cal");
  EXPECT_NE(r->score_overrides[0].detail_json.find("lost his job"), std::string::npos);
  ASSERT_EQ(r->months.size(), 1u);
  EXPECT_EQ(r->months[0].score_overrides, 1);
}

TEST_F(ActionServiceTest, ModifyChoosesAnotherEligibleRemedyWithAReason) {
  auto r = svc_.Recommend(case_, Options());
  ASSERT_TRUE(r.ok());
  for (const Action& a : r->actions) by_remedy_[a.remedy] = a.id;
  EXPECT_EQ(
      Do(Remedy::kReminder, Transition::kModify, "sue", "", Remedy::kTaxOffset).status().reason(),
      "reason_missing");
  EXPECT_EQ(Do(Remedy::kReminder, Transition::kModify, "sue", "why", Remedy::kPassportDenial)
                .status()
                .reason(),
            "action_ineligible");
  EXPECT_EQ(Do(Remedy::kReminder, Transition::kModify, "cal", "why", Remedy::kTaxOffset)
                .status()
                .reason(),
            "role_not_allowed");
  auto m = Do(Remedy::kReminder, Transition::kModify, "sue", "reminders were ignored",
              Remedy::kTaxOffset);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->state, ActionState::kModified);
  EXPECT_EQ(m->remedy, Remedy::kTaxOffset);
  EXPECT_EQ(m->original_remedy, Remedy::kReminder);
}

TEST_F(ActionServiceTest, SsiIncomeIsNeverTargetedForWithholding) {
  CaseEvent e;
  e.person = obligor_;
  e.date = Date::Ymd(2025, 3, 1);
  e.kind = "benefit_income";
  e.detail = "type=ssi";
  ASSERT_TRUE(w_.service().AddCaseEvent(e).ok());
  auto r = svc_.Recommend(case_, Options());
  ASSERT_TRUE(r.ok());
  bool protected_found = false;
  for (const auto& [remedy, why] : r->ineligible) {
    if (remedy == Remedy::kIncomeWithholding) {
      protected_found = why.reason == "income_protected_ssi_ssdi";
    }
  }
  EXPECT_TRUE(protected_found);
}

// `staff add` may not leave the system without an active admin (then anyone could administer
// staff again), as `user disable` may not; making a user inactive ends their sessions.
TEST_F(ActionServiceTest, TheLastActiveAdminStaysAndAnInactiveUsersSessionsEnd) {
  EnforcementService root(w_.store(), w_.clock(), "root");
  EXPECT_EQ(root.SetStaffUser({"root", Role::kAdmin, false}).reason(), "last_admin");
  EXPECT_EQ(root.SetStaffUser({"root", Role::kSupervisor, true}).reason(), "last_admin");
  ASSERT_TRUE(root.SetStaffUser({"ada", Role::kAdmin, true}).ok());
  EXPECT_TRUE(root.SetStaffUser({"root", Role::kSupervisor, true}).ok());  // ada remains
  auto ada = w_.store().FindUserByName("ada");
  ASSERT_TRUE(ada.ok() && ada->has_value());
  SessionRecord session;
  session.token_hash = "h";
  session.user_id = (*ada)->id;
  session.expires_us = testing::MidnightMicros(kToday.AddDays(1));
  ASSERT_TRUE(w_.store().InsertSession(session).ok());
  EnforcementService ada_svc(w_.store(), w_.clock(), "ada");
  EXPECT_EQ(ada_svc.SetStaffUser({"ada", Role::kAdmin, false}).reason(), "last_admin");
  ASSERT_TRUE(ada_svc.SetStaffUser({"root", Role::kAdmin, true}).ok());
  ASSERT_TRUE(ada_svc.SetStaffUser({"ada", Role::kAdmin, false}).ok());
  auto gone = w_.store().FindSession("h");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());  // ended with the user's activity
}

TEST_F(ActionServiceTest, SettingsNeedAnAdminAndTheSwitchNeedsAReason) {
  EnforcementService cal(w_.store(), w_.clock(), "cal");
  EXPECT_EQ(cal.LoadStateConfig("[workflow]\nfollow_up_days = 3\n").reason(), "role_not_allowed");
  EXPECT_EQ(cal.SetStaffUser({"cal", Role::kAdmin, true}).reason(), "role_not_allowed");
  EXPECT_EQ(cal.SetAiSwitch(Remedy::kBankLevy, false, "").reason(), "reason_missing");
  EnforcementService sue(w_.store(), w_.clock(), "sue");
  ASSERT_TRUE(sue.SetAiSwitch(Remedy::kBankLevy, false, "vendor outage").ok());
  auto c = LoadEnforcementConfig(w_.store());
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->rule(Remedy::kBankLevy).ai_recommendations);
  EnforcementService root(w_.store(), w_.clock(), "root");
  EXPECT_EQ(root.LoadStateConfig("[workflow]\nfollow_up_days = 0\n").reason(),
            "config_value_invalid");
}

// QA 2026-12: an issued income_withholding action wrote only an event; no IWO went anywhere.
// Issuing it creates the pending IWO for the current employer in the same transaction, as a
// new-hire match does (iwo/newhire.h), and `iwo export-eiwo` sends it.
TEST_F(ActionServiceTest, IssuingWithholdingCreatesTheIwoForTheCurrentEmployer) {
  Employ(Date::Ymd(2025, 3, 1));
  RecommendAll();
  ASSERT_TRUE(by_remedy_.count(Remedy::kIncomeWithholding));
  ASSERT_TRUE(Do(Remedy::kIncomeWithholding, Transition::kApprove, "cal", "employer known").ok());
  EXPECT_TRUE(w_.store().ListIwos("", 0, 10)->empty());
  auto issued = Do(Remedy::kIncomeWithholding, Transition::kIssue, "cal");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->state, ActionState::kIssued);
  auto iwos = w_.store().ListIwos("", 0, 10);
  ASSERT_EQ(iwos->size(), 1u);
  const IwoRecord& iwo = iwos->front();
  EXPECT_EQ(iwo.status, "pending");
  EXPECT_EQ(iwo.case_id, case_);
  EXPECT_EQ(iwo.employer, employer_);
  EXPECT_EQ(iwo.source, "enforcement");
  EXPECT_EQ(iwo.created_by, "cal");
  EXPECT_EQ(iwo.entry_date, kToday);
  EXPECT_EQ(iwo.due_date, Date::Ymd(2025, 7, 2));  // 2 business days after Monday 30 June
  EXPECT_EQ(iwo.current_monthly, Money::FromCents(50'000));
  EXPECT_EQ(iwo.arrears_monthly, Money());  // no arrears payback order
  EXPECT_TRUE(iwo.arrears_over_12_weeks);
  const std::vector<CaseEvent> ev = Events("enforcement_issued");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_NE(ev[0].detail.find("remedy=income_withholding"), std::string::npos);
  EXPECT_NE(ev[0].detail.find("iwos=IWO-000001"), std::string::npos) << ev[0].detail;
  EXPECT_EQ(Events("iwo_issued").size(), 1u);
}

// An IWO that would withhold nothing (the only order ended; arrears but no payback order) is
// refused with its reason, and the issue changes nothing.
TEST_F(ActionServiceTest, IssuingWithholdingThatWouldWithholdNothingIsRefused) {
  const PersonId p = w_.Person("Al", "Ended");
  NewCase nc;
  nc.obligor = p;
  nc.obligee = w_.Person("Bea", "Ended");
  nc.opened = Date::Ymd(2025, 1, 1);
  const CaseId c = *w_.service().AddCase(nc);
  Order o;
  o.case_id = c;
  o.amount = Money::FromCents(50'000);
  o.effective_date = Date::Ymd(2025, 1, 1);
  o.end_date = Date::Ymd(2025, 4, 30);
  ASSERT_TRUE(w_.service().AddOrder(o, std::nullopt).ok());
  Employ(Date::Ymd(2025, 3, 1), p);
  EnforcementService root(w_.store(), w_.clock(), "root");
  ASSERT_TRUE(root.LoadStateConfig("[workflow]\nmax_recommendations = 13\n").ok());
  auto r = svc_.Recommend(c, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const Action& a : r->actions) by_remedy_[a.remedy] = a.id;
  ASSERT_TRUE(by_remedy_.count(Remedy::kIncomeWithholding));
  ASSERT_TRUE(Do(Remedy::kIncomeWithholding, Transition::kApprove, "cal", "employed").ok());
  const std::string before = Snapshot(Remedy::kIncomeWithholding);
  auto issued = Do(Remedy::kIncomeWithholding, Transition::kIssue, "cal");
  EXPECT_EQ(issued.status().reason(), "iwo_nothing_to_withhold") << issued.status().ToString();
  EXPECT_EQ(Snapshot(Remedy::kIncomeWithholding), before);
  EXPECT_TRUE(w_.store().ListIwos("", 0, 10)->empty());
}

// QA 2026-12: a payment that made the obligor current withdrew an APPROVED income_withholding
// action, though withholding applies to every order. A decided one stands while eligible; an
// undecided recommendation still goes.
TEST_F(ActionServiceTest, ApprovedWithholdingStandsWhenAPaymentMakesTheObligorCurrent) {
  Employ(Date::Ymd(2025, 3, 1));
  RecommendAll();
  ASSERT_TRUE(Do(Remedy::kIncomeWithholding, Transition::kApprove, "cal", "employer known").ok());
  ASSERT_TRUE(w_.Pay("P1", case_, 300'000, kToday).ok());  // January to June, all paid
  auto withdrawn = svc_.WithdrawMoot(obligor_, kToday, "payment posted");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status().ToString();
  std::set<Remedy> gone;
  for (const Action& a : *withdrawn) gone.insert(a.remedy);
  EXPECT_TRUE(gone.count(Remedy::kReminder));  // recommended, no longer delinquent
  EXPECT_FALSE(gone.count(Remedy::kIncomeWithholding));
  EXPECT_EQ(w_.store().GetEnforceAction(by_remedy_.at(Remedy::kIncomeWithholding))->state,
            ActionState::kApproved);
  ASSERT_TRUE(Do(Remedy::kIncomeWithholding, Transition::kIssue, "cal").ok());
  EXPECT_EQ(w_.store().ListIwos("pending", 0, 10)->size(), 1u);
}

// QA 2026-12: an IWO the employer rejected still counted as "withholding active"
// (iwo_already_active) because the fact came from the iwo_issued event alone. The IWO table
// decides now: rejected is not active (docs/EIWO.md §4).
TEST_F(ActionServiceTest, ARejectedIwoIsNoLongerWithholdingInPlace) {
  Employ(Date::Ymd(2025, 3, 1));
  ASSERT_TRUE(w_.store().Begin().ok());
  auto made = iwo::IssueIwosForCase(w_.store(), w_.clock(), "cal", case_, kToday);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(w_.store().Commit().ok());
  const int64_t id = made->front().iwo_id;
  const auto reason = [&]() -> std::string {
    auto r = svc_.Recommend(case_, Options());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& [remedy, e] : r->ineligible) {
      if (remedy == Remedy::kIncomeWithholding) return e.reason;
    }
    return "eligible";
  };
  EXPECT_EQ(reason(), "iwo_already_active");  // pending
  ASSERT_TRUE(w_.store().MarkIwoSent(id, kToday, "06000000000000000000002", "x").ok());
  EXPECT_EQ(reason(), "iwo_already_active");  // sent
  ASSERT_TRUE(
      w_.store().SetIwoAcknowledgment(id, "rejected", kToday, "NE", "not employed here").ok());
  EXPECT_EQ(reason(), "eligible");
  RecommendAll();
  ASSERT_TRUE(by_remedy_.count(Remedy::kIncomeWithholding));
  EXPECT_TRUE(Do(Remedy::kIncomeWithholding, Transition::kApprove, "cal", "resend").ok());
}

// QA 2026-12-05: a caseworker dismissed the three recommendations ("payment plan agreed by
// phone") and `recommend` right after, and the next night, recommended the same three
// remedies again. A dismissal now sticks for workflow.dismissal_cooling_off_days unless the
// facts change materially.
TEST_F(ActionServiceTest, ADismissedRemedyIsNotRecommendedAgainUntilTheFactsChange) {
  auto first = svc_.Recommend(case_, Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->actions.size(), 3u);
  std::set<Remedy> dismissed;
  for (const Action& a : first->actions) {
    by_remedy_[a.remedy] = a.id;
    ASSERT_TRUE(Do(a.remedy, Transition::kDismiss, "cal", "payment plan agreed by phone").ok());
    dismissed.insert(a.remedy);
  }

  auto again = svc_.Recommend(case_, Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (const Action& a : again->actions) {
    EXPECT_FALSE(dismissed.count(a.remedy)) << Name(a.remedy) << " recommended again";
  }
  int held = 0;
  for (const auto& [remedy, e] : again->ineligible) {
    if (!dismissed.count(remedy)) continue;
    ++held;
    EXPECT_EQ(e.reason, "dismissed_recently");
    EXPECT_NE(e.text.find("dismissed 2025-06-30 by cal"), std::string::npos) << e.text;
    EXPECT_EQ(again->held_through.at(remedy), kToday.AddDays(89));
  }
  EXPECT_EQ(held, 3);

  // Two months on, the arrears grew by more than a month's support (500.00): the facts
  // changed, and the gentlest step is recommended again.
  const Date later = kToday.AddDays(62);
  SetToday(later);
  RecommendOptions o = Options();
  o.as_of = later;
  auto changed = svc_.Recommend(case_, o);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_GT(changed->facts.arrears_total, Money::FromCents(300'000));
  bool reminder = false;
  for (const Action& a : changed->actions) reminder = reminder || a.remedy == Remedy::kReminder;
  EXPECT_TRUE(reminder);
}

// QA 2026-12-05: `recommend --as-of` a past date wrote actions from stale facts whose legal
// deadline had already passed. It is refused before the last nightly run, more than
// kRecommendBackdateDaysMax days back, or when the deadline counted from it is past.
TEST_F(ActionServiceTest, RecommendRefusesStaleDatesAndPassedDeadlines) {
  const auto at = [&](Date d) {
    RecommendOptions o = Options();
    o.as_of = d;
    return svc_.Recommend(case_, o).status().reason();
  };
  const int64_t seq = (*w_.store().LastAuditLink())->seq;
  EXPECT_EQ(at(kToday.AddDays(-kRecommendBackdateDaysMax - 1)), "recommend_date_too_old");
  EnforcementService root(w_.store(), w_.clock(), "root");
  ASSERT_TRUE(root.LoadStateConfig("[workflow]\nenforcement_days = 3\n").ok());
  const int64_t configured = (*w_.store().LastAuditLink())->seq;
  ASSERT_EQ(configured, seq + 1);
  EXPECT_EQ(at(kToday.AddDays(-5)), "legal_deadline_passed");  // act by 28 June
  BatchRun run;
  run.as_of = kToday.AddDays(-1);
  run.status = "done";
  run.counts_json = "{}";
  ASSERT_TRUE(w_.store().PutBatchRun(run).ok());
  EXPECT_EQ(at(kToday.AddDays(-2)), "recommend_date_before_last_run");
  // Nothing was written.
  EXPECT_TRUE(w_.store().ListEnforceActionsByCase(case_)->empty());
  EXPECT_EQ((*w_.store().LastAuditLink())->seq, configured);
  EXPECT_EQ(at(kToday.AddDays(-1)), "");  // on or after the last run: written
}

// QA 2026-12-05: a payment that made every recommendation moot left the review task open in
// the queue, naming a withdrawn action.
TEST_F(ActionServiceTest, WithdrawingEveryRecommendationClosesTheReviewTask) {
  auto r = svc_.Recommend(case_, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  AddReviewTask(r->actions[0].id);
  ASSERT_TRUE(w_.Pay("all", case_, 300'000, kToday).ok());  // January to June, all paid
  auto withdrawn = svc_.WithdrawMoot(obligor_, kToday, "payment posted");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status().ToString();
  ASSERT_EQ(withdrawn->size(), r->actions.size());
  const Task t = ReviewTask();
  EXPECT_FALSE(t.open);
  EXPECT_EQ(t.closed_reason.rfind("no recommendation awaits a decision on the case", 0), 0u)
      << t.closed_reason;
  EXPECT_TRUE(w_.store().ListOpenEnforceTasks("")->empty());
}

// QA 2026-12-05: `enforce learn --user randomguy` replaced the next-best-action table that
// ranks every recommendation. Storing it needs an admin or supervisor, as the switch does.
TEST_F(ActionServiceTest, OnlyAnAdminOrSupervisorStoresTheEffectTable) {
  EffectivenessTable table;
  table.window_days = 60;
  table.learned_from = "2023-07-01..2025-06-30";
  EnforcementService randomguy(w_.store(), w_.clock(), "randomguy");
  EXPECT_EQ(randomguy.MayStoreEffectTable().reason(), "user_unknown");
  EXPECT_EQ(randomguy.StoreEffectTable(table).reason(), "user_unknown");
  EnforcementService cal(w_.store(), w_.clock(), "cal");
  EXPECT_EQ(cal.StoreEffectTable(table).reason(), "role_not_allowed");
  EnforcementService old(w_.store(), w_.clock(), "old");  // an inactive supervisor
  EXPECT_EQ(old.StoreEffectTable(table).reason(), "user_unknown");
  auto none = LoadEffectTable(w_.store());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_TRUE(AuditRows("enforce.learn").empty());
  EnforcementService sue(w_.store(), w_.clock(), "sue");
  ASSERT_TRUE(sue.StoreEffectTable(table).ok());
  EnforcementService root(w_.store(), w_.clock(), "root");
  ASSERT_TRUE(root.StoreEffectTable(table).ok());
  EXPECT_EQ(AuditRows("enforce.learn").size(), 2u);
}

}  // namespace
}  // namespace cse::enforce
