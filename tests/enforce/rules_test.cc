// The pure enforcement rules: federal defaults (FACTS §5, §8), the state configuration file
// and its errors, each remedy's eligibility at its thresholds, SSI/SSDI protection, the
// lifecycle state machine and the role table.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "enforce/config.h"
#include "enforce/eligibility.h"
#include "enforce/rank.h"
#include "enforce/workflow.h"

namespace cse::enforce {
namespace {

Money D(int64_t dollars, int64_t cents = 0) { return Money::FromCents(dollars * 100 + cents); }

EligibilityFacts Delinquent(Money arrears) {
  EligibilityFacts f;
  f.as_of = Date::Ymd(2025, 6, 30);
  f.has_support_order = true;
  f.monthly_support = D(500);
  f.arrears_total = arrears;
  f.arrears_non_assigned = arrears;
  f.arrears_non_assigned_qualified = arrears;  // a minor child's case
  f.case_arrears = arrears;
  f.delinquent = arrears >= D(500);
  f.days_since_payment = 120;
  return f;
}

// A state file may raise the federal floors or turn a remedy off, never lower them: before
// 2026-12-04 a file with passport at 100.00, no notice and no contest window let a passport
// denial be issued the day it was approved for 300.00 of arrears.
TEST(EnforceConfigTest, TheFederalFloorsCannotBeLowered) {
  const struct {
    const char* text;
    const char* key;
  } low[] = {
      {"[remedy.passport_denial]\narrears_more_than = \"100.00\"\n",
       "remedy.passport_denial.arrears_more_than"},
      {"[remedy.passport_denial]\nnotice_required = false\n",
       "remedy.passport_denial.notice_required"},
      {"[remedy.passport_denial]\ncontest_days = 0\n", "remedy.passport_denial.contest_days"},
      {"[remedy.tax_offset]\nassigned_at_least = \"0.00\"\n",
       "remedy.tax_offset.assigned_at_least"},
      {"[remedy.tax_offset]\nnon_assigned_at_least = \"499.99\"\n",
       "remedy.tax_offset.non_assigned_at_least"},
      {"[remedy.admin_offset]\narrears_at_least = \"24.99\"\n",
       "remedy.admin_offset.arrears_at_least"},
      {"[remedy.credit_bureau]\nnotice_required = false\n", "remedy.credit_bureau.notice_required"},
  };
  for (const auto& c : low) {
    auto r = ParseEnforcementConfig(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().reason(), "config_below_federal_minimum") << c.text;
    EXPECT_NE(r.status().message().find(c.key), std::string::npos) << r.status().message();
  }
  // Raising a floor, or turning the remedy off, is the state's choice.
  EXPECT_TRUE(ParseEnforcementConfig("[remedy.passport_denial]\narrears_more_than = \"5000.00\"\n"
                                     "contest_days = 45\n")
                  .ok());
  EXPECT_TRUE(ParseEnforcementConfig("[remedy.passport_denial]\nenabled = false\n"
                                     "notice_required = false\n")
                  .ok());
}

TEST(EnforceConfigTest, FederalDefaultsComeFromFacts) {
  const EnforcementConfig c;
  EXPECT_EQ(c.rule(Remedy::kTaxOffset).assigned_at_least, D(150));
  EXPECT_EQ(c.rule(Remedy::kTaxOffset).non_assigned_at_least, D(500));
  EXPECT_EQ(c.rule(Remedy::kPassportDenial).arrears_more_than, D(2'500));
  EXPECT_EQ(c.rule(Remedy::kAdminOffset).arrears_at_least, D(25));
  EXPECT_TRUE(c.rule(Remedy::kCreditBureau).notice_required);
  EXPECT_EQ(c.workflow.enforcement_days, 30);
  EXPECT_EQ(c.workflow.service_of_process_days, 60);
  EXPECT_EQ(c.workflow.admin_review_days, 45);
  EXPECT_EQ(c.workflow.outreach_risk_above, 75);
  // No federal threshold exists for these: off until the state sets them.
  EXPECT_FALSE(c.rule(Remedy::kBankLevy).enabled);
  EXPECT_FALSE(c.rule(Remedy::kLicenseSuspension).enabled);
}

TEST(EnforceConfigTest, TheShippedStateFileParses) {
  std::ifstream in(std::string(OPENCSE_SOURCE_DIR) + "/config/state.toml");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto c = ParseEnforcementConfig(text.str());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->rule(Remedy::kLicenseSuspension).enabled);
  EXPECT_EQ(c->rule(Remedy::kLicenseSuspension).arrears_months_at_least, 6);
  EXPECT_EQ(c->rule(Remedy::kLicenseSuspension).contest_days, 60);
  EXPECT_EQ(c->rule(Remedy::kCreditBureau).arrears_at_least, D(1'000));
  EXPECT_TRUE(c->rule(Remedy::kContemptReferral).service_of_process);
  EXPECT_EQ(c->rule(Remedy::kPassportDenial).arrears_more_than, D(2'500));  // default kept
}

TEST(EnforceConfigTest, CommentsAndQuotedHashesAreHandled) {
  auto c = ParseEnforcementConfig(
      "# a comment\n\n[remedy.admin_offset]   \narrears_at_least = \"30.00\"  # note\n"
      "[workflow]\noutreach_risk_above=80\r\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rule(Remedy::kAdminOffset).arrears_at_least, D(30));
  EXPECT_EQ(c->workflow.outreach_risk_above, 80);
}

TEST(EnforceConfigTest, ErrorsNameTheKeyOrTheLine) {
  struct Case {
    std::string text;
    std::string reason;
    std::string names;
  };
  const std::vector<Case> cases{
      {"[workflow]\noutreach_risk_above = 120\n", "config_value_invalid",
       "workflow.outreach_risk_above"},
      {"[workflow]\noutreach_risk_above = \"75\"\n", "config_value_invalid",
       "workflow.outreach_risk_above"},
      {"[remedy.passport_denial]\narrears_more_than = 2500\n", "config_value_invalid",
       "remedy.passport_denial.arrears_more_than"},
      {"[remedy.passport_denial]\narrears_more_than = \"25.001\"\n", "config_value_invalid",
       "remedy.passport_denial.arrears_more_than"},
      {"[remedy.passport]\nenabled = true\n", "config_key_unknown", "remedy.passport.enabled"},
      {"[remedy.tax_offset]\nthreshold = \"1.00\"\n", "config_key_unknown",
       "remedy.tax_offset.threshold"},
      {"[workflow]\nfollow_up_days = 7\nfollow_up_days = 8\n", "config_key_repeated",
       "workflow.follow_up_days"},
      {"[workflow\n", "config_syntax", "line 1"},
      {"[workflow]\njust words\n", "config_syntax", "line 2"},
      {"[remedy.bank_levy]\nenabled = yes\n", "config_syntax", "remedy.bank_levy.enabled"},
      {"[remedy.bank_levy]\nenabled = 1\n", "config_value_invalid", "remedy.bank_levy.enabled"},
  };
  for (const Case& c : cases) {
    auto r = ParseEnforcementConfig(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().reason(), c.reason) << c.text;
    EXPECT_NE(r.status().message().find(c.names), std::string::npos) << r.status().message();
  }
}

TEST(EligibilityTest, TaxOffsetThresholdsAssignedAndNonAssigned) {
  const EnforcementConfig c;
  EligibilityFacts f = Delinquent(D(499, 99));
  EXPECT_FALSE(CheckEligibility(Remedy::kTaxOffset, c, f).eligible);
  f = Delinquent(D(500));
  EXPECT_TRUE(CheckEligibility(Remedy::kTaxOffset, c, f).eligible);
  // Non-assigned arrears count only where owed for a qualified child (a minor): here 100.00
  // of the 500.00 (the rest on an emancipated child's case).
  f.qualified_child = true;
  f.arrears_non_assigned_qualified = D(100);
  const Eligibility emancipated = CheckEligibility(Remedy::kTaxOffset, c, f);
  EXPECT_EQ(emancipated.reason, "below_threshold");
  EXPECT_NE(emancipated.text.find("qualified child 100.00 (of 500.00"), std::string::npos)
      << emancipated.text;
  f = Delinquent(D(149, 99));
  f.arrears_assigned = D(149, 99);
  f.arrears_non_assigned = f.arrears_non_assigned_qualified = Money();
  EXPECT_FALSE(CheckEligibility(Remedy::kTaxOffset, c, f).eligible);
  f.arrears_total = f.arrears_assigned = D(150);
  EXPECT_TRUE(CheckEligibility(Remedy::kTaxOffset, c, f).eligible);
}

// A remedy on the person is not taken on a case that is owed nothing (the obligor's other
// case carries it), nor twice: an open one on another case blocks it (FACTS §5, "Single
// submission").
TEST(EligibilityTest, PersonLevelRemediesNeedArrearsOnTheCaseAndAreTakenOnce) {
  const EnforcementConfig c;
  EligibilityFacts f = Delinquent(D(3'000));
  EXPECT_TRUE(CheckEligibility(Remedy::kPassportDenial, c, f).eligible);
  f.case_arrears = Money();
  EXPECT_EQ(CheckEligibility(Remedy::kPassportDenial, c, f).reason, "case_owes_nothing");
  EXPECT_EQ(CheckEligibility(Remedy::kTaxOffset, c, f).reason, "case_owes_nothing");
  // Case-level steps are still open to it.
  EXPECT_TRUE(CheckEligibility(Remedy::kReminder, c, f).eligible);
  EXPECT_TRUE(IsPersonLevel(Remedy::kLicenseSuspension));
  EXPECT_FALSE(IsPersonLevel(Remedy::kIncomeWithholding));
  EXPECT_FALSE(IsPersonLevel(Remedy::kContemptReferral));
}

// An arrears-only obligor (every order ended) measures arrears in months of the last orders'
// support: before 2026-12-04 they were "0.0 months" and a 6-month rule could never be met.
TEST(EligibilityTest, ArrearsOfEndedOrdersMeasureInMonthsOfTheLastSupport) {
  EligibilityFacts f = Delinquent(D(48'000));
  f.monthly_support = Money();
  f.last_monthly_support = D(1'000);
  EXPECT_DOUBLE_EQ(f.arrears_months(), 48.0);
  f.monthly_support = D(4'000);  // an order in effect wins
  EXPECT_DOUBLE_EQ(f.arrears_months(), 12.0);
  f.monthly_support = f.last_monthly_support = Money();
  EXPECT_DOUBLE_EQ(f.arrears_months(), 0.0);
}

TEST(EligibilityTest, PassportNeedsMoreThan2500AndAdminOffset25) {
  const EnforcementConfig c;
  const Eligibility at = CheckEligibility(Remedy::kPassportDenial, c, Delinquent(D(2'500)));
  EXPECT_FALSE(at.eligible);
  EXPECT_EQ(at.reason, "below_threshold");
  EXPECT_NE(at.text.find("2500.00"), std::string::npos);
  EXPECT_TRUE(CheckEligibility(Remedy::kPassportDenial, c, Delinquent(D(2'500, 1))).eligible);
  EXPECT_FALSE(CheckEligibility(Remedy::kAdminOffset, c, Delinquent(D(24, 99))).eligible);
  EXPECT_TRUE(CheckEligibility(Remedy::kAdminOffset, c, Delinquent(D(25))).eligible);
}

TEST(EligibilityTest, SsiAndSsdiIncomeIsNeverTargeted) {
  EnforcementConfig c;
  c.rule(Remedy::kBankLevy).enabled = true;
  EligibilityFacts f = Delinquent(D(5'000));
  f.receives_ssi_ssdi = true;
  EXPECT_EQ(CheckEligibility(Remedy::kIncomeWithholding, c, f).reason, "income_protected_ssi_ssdi");
  EXPECT_EQ(CheckEligibility(Remedy::kBankLevy, c, f).reason, "income_protected_ssi_ssdi");
  f.wage_employer_known = true;  // wages from an employer may be withheld; SSI stays untouched
  EXPECT_TRUE(CheckEligibility(Remedy::kIncomeWithholding, c, f).eligible);
  EXPECT_FALSE(CheckEligibility(Remedy::kBankLevy, c, f).eligible);
  f.iwo_active = true;
  EXPECT_EQ(CheckEligibility(Remedy::kIncomeWithholding, c, f).reason, "iwo_already_active");
}

TEST(EligibilityTest, StateRemediesNeedTheStateRule) {
  EnforcementConfig c;
  EligibilityFacts f = Delinquent(D(4'000));  // 8 months of support
  EXPECT_EQ(CheckEligibility(Remedy::kLicenseSuspension, c, f).reason, "remedy_not_configured");
  c.rule(Remedy::kLicenseSuspension).enabled = true;
  c.rule(Remedy::kLicenseSuspension).arrears_months_at_least = 9;
  EXPECT_EQ(CheckEligibility(Remedy::kLicenseSuspension, c, f).reason, "below_threshold");
  c.rule(Remedy::kLicenseSuspension).arrears_months_at_least = 8;
  EXPECT_TRUE(CheckEligibility(Remedy::kLicenseSuspension, c, f).eligible);
  f.license_suspended = true;
  EXPECT_EQ(CheckEligibility(Remedy::kLicenseSuspension, c, f).reason, "already_in_force");
}

// A months-of-support refusal never contradicts itself: before 2026-12-05, 5.99998 months
// read "arrears are 6.0 months of support; the rule needs 6".
TEST(EligibilityTest, AMonthsRefusalShowsTwoDecimalsRoundedDownAndTheDollars) {
  EnforcementConfig c;
  c.rule(Remedy::kLicenseSuspension).enabled = true;
  c.rule(Remedy::kLicenseSuspension).arrears_months_at_least = 6;
  const EligibilityFacts f = Delinquent(D(2'999, 99));  // 5.99998 months of 500.00
  const Eligibility e = CheckEligibility(Remedy::kLicenseSuspension, c, f);
  EXPECT_EQ(e.reason, "below_threshold");
  EXPECT_EQ(e.text,
            "arrears 2999.99 are 5.99 months of support (500.00 a month); the rule needs 6");
}

// Immediate withholding is not a ladder step (45 CFR 303.100): before 2026-12-05 three
// gentler steps ranked above it, and with max_recommendations = 3 it was never recommended.
TEST(RankTest, AnEligibleIncomeWithholdingIsRankedFirst) {
  std::vector<Candidate> eligible;
  for (Remedy r : {Remedy::kReminder, Remedy::kOutreachCall, Remedy::kPaymentPlanOffer,
                   Remedy::kIncomeWithholding, Remedy::kTaxOffset}) {
    Candidate c;
    c.remedy = r;
    c.eligibility = {true, "eligible", "ok"};
    eligible.push_back(c);
  }
  std::vector<Candidate> ranked = RankByLadder(eligible, 0, true);
  ImmediateWithholdingFirst(ranked);
  ASSERT_EQ(ranked.size(), 5u);
  EXPECT_EQ(ranked[0].remedy, Remedy::kIncomeWithholding);
  EXPECT_EQ(ranked[0].rationale.rfind("immediate income withholding (45 CFR 303.100", 0), 0u)
      << ranked[0].rationale;
  EXPECT_EQ(ranked[1].remedy, Remedy::kReminder);  // the others keep their order
  EXPECT_EQ(ranked[2].remedy, Remedy::kOutreachCall);
  EXPECT_EQ(ranked[4].remedy, Remedy::kTaxOffset);
  // Without one nothing moves.
  ranked.erase(ranked.begin());
  ImmediateWithholdingFirst(ranked);
  EXPECT_EQ(ranked[0].remedy, Remedy::kReminder);
}

TEST(EligibilityTest, OpenActionsClosedCasesAndNothingOwed) {
  const EnforcementConfig c;
  EligibilityFacts f = Delinquent(D(1'000));
  f.in_progress.insert(Remedy::kAdminOffset);
  EXPECT_EQ(CheckEligibility(Remedy::kAdminOffset, c, f).reason, "action_in_progress");
  f.case_open = false;
  EXPECT_EQ(CheckEligibility(Remedy::kReminder, c, f).reason, "case_closed");
  f = Delinquent(Money());
  EXPECT_EQ(CheckEligibility(Remedy::kCreditBureau, c, f).reason, "nothing_owed");
  EXPECT_TRUE(CheckEligibility(Remedy::kReminder, c, f).eligible);  // an order is in effect
}

TEST(EligibilityTest, OrderReviewFollowsThe36MonthRuleAndIncomeChanges) {
  const EnforcementConfig c;
  EligibilityFacts f = Delinquent(D(1'000));
  f.months_since_order_change = 35;
  EXPECT_EQ(CheckEligibility(Remedy::kOrderReviewReferral, c, f).reason, "no_review_trigger");
  f.months_since_order_change = 36;
  EXPECT_TRUE(CheckEligibility(Remedy::kOrderReviewReferral, c, f).eligible);
  f.months_since_order_change = 2;
  f.income_changed = true;
  EXPECT_TRUE(CheckEligibility(Remedy::kOrderReviewReferral, c, f).eligible);
}

TEST(LifecycleTest, StatesFollowTheIssueOrder) {
  using S = ActionState;
  using T = Transition;
  EXPECT_EQ(*NextState(S::kRecommended, T::kApprove), S::kApproved);
  EXPECT_EQ(*NextState(S::kRecommended, T::kModify), S::kModified);
  EXPECT_EQ(*NextState(S::kRecommended, T::kDismiss), S::kDismissed);
  EXPECT_EQ(*NextState(S::kApproved, T::kSendNotice), S::kNoticeSent);
  EXPECT_EQ(*NextState(S::kModified, T::kSendNotice), S::kNoticeSent);
  EXPECT_EQ(*NextState(S::kNoticeSent, T::kIssue), S::kIssued);
  EXPECT_EQ(*NextState(S::kNoticeSent, T::kContest), S::kContested);
  EXPECT_EQ(*NextState(S::kContested, T::kDecideContest), S::kNoticeSent);
  EXPECT_EQ(*NextState(S::kIssued, T::kComply), S::kComplied);
  EXPECT_EQ(*NextState(S::kIssued, T::kEnd), S::kEnded);
  EXPECT_EQ(*NextState(S::kNoticeSent, T::kWithdraw), S::kWithdrawn);
  EXPECT_EQ(NextState(S::kApproved, T::kApprove).status().reason(), "action_already_decided");
  EXPECT_EQ(NextState(S::kDismissed, T::kApprove).status().reason(), "action_already_decided");
  EXPECT_EQ(NextState(S::kRecommended, T::kIssue).status().reason(), "transition_not_allowed");
  EXPECT_EQ(NextState(S::kComplied, T::kWithdraw).status().reason(), "action_final");
  EXPECT_EQ(NextState(S::kApproved, T::kComply).status().reason(), "transition_not_allowed");
}

TEST(LifecycleTest, RolesMatchTheTable) {
  EXPECT_TRUE(RoleAllows(Role::kCaseworker, Transition::kApprove, Remedy::kReminder));
  EXPECT_TRUE(RoleAllows(Role::kCaseworker, Transition::kApprove, Remedy::kIncomeWithholding));
  EXPECT_FALSE(RoleAllows(Role::kCaseworker, Transition::kApprove, Remedy::kPassportDenial));
  EXPECT_TRUE(RoleAllows(Role::kSupervisor, Transition::kApprove, Remedy::kPassportDenial));
  EXPECT_FALSE(RoleAllows(Role::kAttorney, Transition::kApprove, Remedy::kPassportDenial));
  EXPECT_TRUE(RoleAllows(Role::kAttorney, Transition::kApprove, Remedy::kContemptReferral));
  for (Remedy r : AllRemedies()) {
    EXPECT_FALSE(RoleAllows(Role::kInvestigator, Transition::kApprove, r)) << Name(r);
    EXPECT_FALSE(RoleAllows(Role::kAdmin, Transition::kApprove, r)) << Name(r);
    EXPECT_FALSE(RoleAllows(Role::kAccountingTechnician, Transition::kIssue, r)) << Name(r);
  }
  EXPECT_TRUE(RoleAllows(Role::kAccountingTechnician, Transition::kComply, Remedy::kTaxOffset));
  for (const char* name :
       {"caseworker", "supervisor", "attorney", "investigator", "accounting_technician", "admin"}) {
    auto r = ParseRole(name);
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_EQ(Name(*r), name);
  }
  EXPECT_EQ(ParseRole("clerk").status().reason(), "role_unknown");
}

TEST(LadderTest, NonDelinquentCasesGetOnlyNonPunitiveStepsAndEscalationResumes) {
  std::vector<Candidate> all;
  for (Remedy r : {Remedy::kReminder, Remedy::kOutreachCall, Remedy::kIncomeWithholding,
                   Remedy::kTaxOffset, Remedy::kPassportDenial}) {
    Candidate c;
    c.remedy = r;
    all.push_back(c);
  }
  auto calm = RankByLadder(all, 0, false);
  ASSERT_EQ(calm.size(), 2u);
  EXPECT_EQ(calm[0].remedy, Remedy::kReminder);
  auto after_iwo = RankByLadder(all, Punitiveness(Remedy::kIncomeWithholding), true);
  ASSERT_EQ(after_iwo.size(), 5u);
  EXPECT_EQ(after_iwo[0].remedy, Remedy::kTaxOffset);
  EXPECT_EQ(after_iwo[1].remedy, Remedy::kPassportDenial);
  EXPECT_EQ(after_iwo[2].remedy, Remedy::kIncomeWithholding);
  EXPECT_NE(after_iwo[0].rationale.find("ladder step 5"), std::string::npos);
}

// A caseworker's dismissal sticks (docs/ENFORCEMENT.md "Dismissals stick"): before
// 2026-12-05 a reminder dismissed with "payment plan agreed by phone" was recommended again
// the next night, and by `recommend` right after the dismissal.
TEST(EligibilityTest, ADismissedRemedyIsHeldBackUnlessTheFactsChangedMaterially) {
  EligibilityFacts f = Delinquent(D(1'500));
  const Date dismissed = f.as_of;
  f.dismissed[Remedy::kReminder] =
      PastDismissal{7, dismissed, "cal", D(1'500), /*delinquent=*/true};
  const WorkflowConfig w;  // 90 days
  ASSERT_EQ(w.dismissal_cooling_off_days, 90);
  auto held = HeldBackByDismissal(Remedy::kReminder, w, f, dismissed);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->why.reason, "dismissed_recently");
  EXPECT_FALSE(held->why.eligible);
  EXPECT_EQ(held->through, dismissed.AddDays(89));
  EXPECT_NE(held->why.text.find("dismissed 2025-06-30 by cal (ACT-000007)"), std::string::npos)
      << held->why.text;
  // Other remedies are not held back by it.
  EXPECT_FALSE(HeldBackByDismissal(Remedy::kOutreachCall, w, f, dismissed).has_value());
  // Still within the period with arrears grown by exactly one month's support: held.
  f.as_of = dismissed.AddDays(89);
  f.arrears_total = D(2'000);
  EXPECT_TRUE(HeldBackByDismissal(Remedy::kReminder, w, f, dismissed).has_value());
  // More than a month's support more: the facts changed.
  f.arrears_total = D(2'000, 1);
  EXPECT_FALSE(HeldBackByDismissal(Remedy::kReminder, w, f, dismissed).has_value());
  // The period over.
  f.arrears_total = D(1'500);
  f.as_of = dismissed.AddDays(90);
  EXPECT_FALSE(HeldBackByDismissal(Remedy::kReminder, w, f, dismissed).has_value());
  // A new delinquency: one that began after the dismissal, or delinquent now and not then.
  f.as_of = dismissed.AddDays(30);
  EXPECT_FALSE(HeldBackByDismissal(Remedy::kReminder, w, f, dismissed.AddDays(20)).has_value());
  f.dismissed[Remedy::kReminder].delinquent = false;
  EXPECT_FALSE(HeldBackByDismissal(Remedy::kReminder, w, f, dismissed).has_value());
  // The state may shorten the period or turn it off.
  f.dismissed[Remedy::kReminder].delinquent = true;
  auto off = ParseEnforcementConfig("[workflow]\ndismissal_cooling_off_days = 0\n");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(HeldBackByDismissal(Remedy::kReminder, off->workflow, f, dismissed).has_value());
  EXPECT_EQ(
      ParseEnforcementConfig("[workflow]\ndismissal_cooling_off_days = 366\n").status().reason(),
      "config_value_invalid");
}

Action MakeAction(int64_t id, CaseId c, Remedy r, ActionState s, int rank) {
  Action a;
  a.id = id;
  a.case_id = c;
  a.remedy = r;
  a.state = s;
  a.rank = rank;
  a.as_of = Date::Ymd(2025, 6, 30);
  a.amount_at_stake = D(1'500);
  a.legal_deadline = Date::Ymd(2025, 7, 30);
  a.rationale = "rationale " + std::to_string(id);
  return a;
}

// A review task closes when nothing on its case awaits a decision, and names the case's
// undecided recommendation when the one it named was decided: before 2026-12-05 it stayed open
// naming a withdrawn action.
TEST(WorkflowTasksTest, AReviewTaskFollowsTheUndecidedRecommendationsOfItsCase) {
  const CaseId c{1};
  Task t;
  t.kind = "review_recommendations";
  t.case_id = c;
  t.action_id = 1;
  t.recommended = "reminder";
  t.risk_score = 50;
  const Date today = Date::Ymd(2025, 7, 1);
  std::vector<Action> actions{
      MakeAction(1, c, Remedy::kReminder, ActionState::kDismissed, 1),
      MakeAction(2, c, Remedy::kOutreachCall, ActionState::kRecommended, 2),
      MakeAction(3, CaseId{2}, Remedy::kReminder, ActionState::kRecommended, 1)};
  EXPECT_EQ(RefreshTask(t, actions, today), TaskChange::kRepointed);
  EXPECT_TRUE(t.open);
  EXPECT_EQ(t.action_id, 2);
  EXPECT_EQ(t.recommended, "outreach_call");
  EXPECT_EQ(t.message, "rationale 2");
  EXPECT_EQ(t.deadline, Date::Ymd(2025, 7, 30));
  EXPECT_EQ(RefreshTask(t, actions, today), TaskChange::kNone);  // already true
  // The last one withdrawn (the other case's recommendation does not keep it open).
  actions[1].state = ActionState::kWithdrawn;
  EXPECT_EQ(RefreshTask(t, actions, today), TaskChange::kClosed);
  EXPECT_FALSE(t.open);
  EXPECT_EQ(t.closed_date, today);
  EXPECT_EQ(t.closed_reason,
            "no recommendation awaits a decision on the case (ACT-000002 withdrawn)");
  EXPECT_EQ(RefreshTask(t, actions, today), TaskChange::kNone);  // closed stays closed
}

TEST(WorkflowTasksTest, ADeadlineAlertClosesWhenItsActionMovedOn) {
  const CaseId c{1};
  Task alert;
  alert.kind = "deadline_alert";
  alert.key = "deadline:1:near";
  alert.case_id = c;
  alert.action_id = 1;
  std::vector<Action> actions{MakeAction(1, c, Remedy::kReminder, ActionState::kApproved, 1)};
  const Date today = Date::Ymd(2025, 7, 28);
  EXPECT_EQ(RefreshTask(alert, actions, today), TaskChange::kNone);  // approved: still to act on
  actions[0].state = ActionState::kIssued;
  EXPECT_EQ(RefreshTask(alert, actions, today), TaskChange::kClosed);
  EXPECT_EQ(alert.closed_reason, "ACT-000001 is now issued: moot");
  Task contest = alert;
  contest.open = true;
  contest.key = "deadline:1:contest_over";
  actions[0].state = ActionState::kNoticeSent;
  EXPECT_EQ(RefreshTask(contest, actions, today), TaskChange::kNone);
  actions[0].state = ActionState::kWithdrawn;
  EXPECT_EQ(RefreshTask(contest, actions, today), TaskChange::kClosed);
  // Outreach tasks are not about actions.
  Task outreach;
  outreach.kind = "proactive_outreach";
  outreach.action_id = 1;
  EXPECT_EQ(RefreshTask(outreach, actions, today), TaskChange::kNone);
}

// The legal-deadline alert is one per case, not one per remedy: it names the first action
// still to be acted on, moves to the next when that one is decided, and closes when none is
// left; the queue leaves it out then (TaskPending). Before 2026-12-05 a case with three
// recommendations had three alerts, and they stayed in the queue after every decision.
TEST(WorkflowTasksTest, ACaseDeadlineAlertFollowsTheCasesActionsAndTheQueueDropsItWhenMoot) {
  const CaseId c{1};
  Task alert;
  alert.kind = "deadline_alert";
  alert.key = CaseAlertKey(c, Date::Ymd(2025, 7, 30), "passed");
  EXPECT_EQ(alert.key, "deadline:case-1:2025-07-30:passed");
  alert.case_id = c;
  alert.action_id = 1;
  std::vector<Action> actions{
      MakeAction(1, c, Remedy::kReminder, ActionState::kRecommended, 1),
      MakeAction(2, c, Remedy::kOutreachCall, ActionState::kRecommended, 2),
      MakeAction(3, CaseId{2}, Remedy::kReminder, ActionState::kRecommended, 1)};
  const Date today = Date::Ymd(2025, 8, 5);
  EXPECT_TRUE(TaskPending(alert, actions, today));
  EXPECT_EQ(RefreshTask(alert, actions, today), TaskChange::kNone);
  actions[0].state = ActionState::kDismissed;
  EXPECT_TRUE(TaskPending(alert, actions, today));
  EXPECT_EQ(RefreshTask(alert, actions, today), TaskChange::kRepointed);
  EXPECT_EQ(alert.action_id, 2);
  EXPECT_EQ(alert.recommended, "outreach_call");
  actions[1].state = ActionState::kApproved;  // approved: still to be acted on
  EXPECT_TRUE(TaskPending(alert, actions, today));
  actions[1].state = ActionState::kDismissed;  // the other case's action does not keep it
  EXPECT_FALSE(TaskPending(alert, actions, today));
  EXPECT_TRUE(alert.open);  // TaskPending changes nothing
  EXPECT_EQ(RefreshTask(alert, actions, today), TaskChange::kClosed);
  EXPECT_EQ(alert.closed_reason, "no action on the case is still to be acted on: moot");
  // A review task whose recommendations were all decided is not pending either.
  Task review;
  review.kind = "review_recommendations";
  review.case_id = c;
  review.action_id = 1;
  EXPECT_FALSE(TaskPending(review, actions, today));
}

// QA 2026-12-05: only a channel's latest attempt counted, so an unanswered text after an
// opt-out put sms back in use. An opt-out or a bounce holds until an attempt after it reaches
// the person.
TEST(WorkflowTest, ALaterNoAnswerDoesNotLiftAnOptOutOrABounce) {
  std::vector<ContactAttempt> history;
  const auto attempt = [&](const char* channel, const char* outcome, Date date) {
    ContactAttempt a;
    a.id = static_cast<int64_t>(history.size()) + 1;
    a.channel = channel;
    a.outcome = outcome;
    a.date = date;
    history.push_back(a);
  };
  const Date today = Date::Ymd(2025, 3, 1);
  attempt("sms", "opted_out", Date::Ymd(2025, 2, 1));
  attempt("sms", "no_answer", Date::Ymd(2025, 2, 10));
  attempt("email", "bounced", Date::Ymd(2025, 2, 1));
  attempt("phone", "bounced", Date::Ymd(2025, 2, 1));
  EXPECT_TRUE(ChannelExcluded(history, "sms", today));
  const ChannelChoice none = ChooseChannel(history, {}, today);
  EXPECT_EQ(none.channel, "none");
  EXPECT_EQ(none.reason,
            "none: sms excluded (opted_out 2025-02-01); phone excluded (bounced 2025-02-01); "
            "email excluded (bounced 2025-02-01)");
  // A reach on the channel after the opt-out lifts it; a later opt-out excludes it again.
  attempt("sms", "reached", Date::Ymd(2025, 2, 15));
  EXPECT_FALSE(ChannelExcluded(history, "sms", today));
  EXPECT_EQ(ChooseChannel(history, {}, today).channel, "sms");
  EXPECT_TRUE(ChannelExcluded(history, "sms", Date::Ymd(2025, 2, 14)));  // as of before it
  attempt("sms", "opted_out", Date::Ymd(2025, 2, 20));
  attempt("sms", "no_answer", Date::Ymd(2025, 2, 21));
  EXPECT_TRUE(ChannelExcluded(history, "sms", today));
  EXPECT_FALSE(ChannelExcluded(history, "fax", today));  // no attempts: nothing excludes it
  // The outreach message follows its channel: the call script's or letter's opening.
  const std::string sms = OutreachMessage({"Ana", D(450), D(0), 88, "sms"});
  const std::string call = RechannelOutreachMessage(sms, "phone");
  EXPECT_EQ(call, OutreachMessage({"Ana", D(450), D(0), 88, "phone"}));
  EXPECT_EQ(RechannelOutreachMessage(call, kChannelNone),
            OutreachMessage({"Ana", D(450), D(0), 88, std::string(kChannelNone)}));
  EXPECT_EQ(RechannelOutreachMessage(call, "email"), sms);
}

// QA 2026-12-05: an action's alert keys had no deadline (deadline:<action>:review_near), so a
// second contest raised no alert; a closed alert's key stopped it for good. The keys carry
// the deadline, a recurrence is raised under "<key>@<day>", and an alert about an earlier
// contest is superseded.
TEST(WorkflowTasksTest, AlertKeysCarryTheirDeadlineAndAnEarlierContestsAlertIsSuperseded) {
  EXPECT_EQ(ActionAlertKey(13, Date::Ymd(2025, 6, 3), "review_near"),
            "deadline:13:2025-06-03:review_near");
  const std::string again = RaisedAgainKey(
      CaseAlertKey(CaseId{4}, Date::Ymd(2025, 3, 31), "passed"), Date::Ymd(2025, 5, 2));
  EXPECT_EQ(again, "deadline:case-4:2025-03-31:passed@2025-05-02");
  EXPECT_EQ(AlertBaseKey(again), "deadline:case-4:2025-03-31:passed");
  EXPECT_EQ(AlertPhase(again), "passed");
  EXPECT_EQ(AlertPhase("deadline:13:review_passed"), "review_passed");  // before 2026-12-05
  const CaseId c{1};
  Action a = MakeAction(13, c, Remedy::kReminder, ActionState::kContested, 1);
  a.review_deadline = Date::Ymd(2025, 6, 3);
  Task alert;
  alert.kind = "deadline_alert";
  alert.key = "deadline:13:review_near";  // the first contest's, from before 2026-12-05
  alert.case_id = c;
  alert.action_id = 13;
  alert.deadline = Date::Ymd(2025, 4, 19);
  const Date today = Date::Ymd(2025, 5, 31);
  EXPECT_FALSE(TaskPending(alert, {a}, today));
  EXPECT_EQ(RefreshTask(alert, {a}, today), TaskChange::kClosed);
  EXPECT_EQ(alert.closed_reason, "ACT-000013's review deadline is now 2025-06-03: superseded");
  Task current = alert;
  current.open = true;
  current.key = ActionAlertKey(13, Date::Ymd(2025, 6, 3), "review_near");
  current.deadline = Date::Ymd(2025, 6, 3);
  EXPECT_EQ(RefreshTask(current, {a}, today), TaskChange::kNone);
  current.key = RaisedAgainKey(current.key, today);  // raised again: the same rules
  EXPECT_EQ(RefreshTask(current, {a}, today), TaskChange::kNone);
  a.state = ActionState::kIssued;
  EXPECT_EQ(RefreshTask(current, {a}, today), TaskChange::kClosed);
  EXPECT_EQ(current.closed_reason, "ACT-000013 is now issued: moot");
}

// ENFORCEMENT §8 listed it as a known limitation: a task's amount at stake (and so its
// priority) stayed as the run that wrote it found the debt. RefreshStake sets it again by the
// rule that wrote it: the arrears for a review task or an alert, the monthly support for
// outreach, 0 on a closed case; the risk from the day's score, kept when there is none.
TEST(WorkflowTasksTest, RefreshStakeSetsTheAmountAndRiskByTheRuleThatWroteThem) {
  const Date today = Date::Ymd(2025, 8, 1);
  const auto task = [&](const char* kind) {
    Task t;
    t.kind = kind;
    t.key = std::string(kind) + ":1";
    t.risk_score = 60;
    t.amount_at_stake = D(3'000);
    t.deadline = Date::Ymd(2025, 7, 30);
    t.priority = QueuePriority(t, today);
    return t;
  };
  const StakeFigures now{D(3'600), D(600), 70};
  Task review = task("review_recommendations");
  EXPECT_TRUE(RefreshStake(review, now, false, today));
  EXPECT_EQ(review.amount_at_stake, D(3'600));
  EXPECT_EQ(review.risk_score, 70);
  EXPECT_DOUBLE_EQ(review.priority, 0.7 * 3'600 * 30);    // the deadline passed: 1 day
  EXPECT_FALSE(RefreshStake(review, now, false, today));  // unchanged: nothing to write
  Task alert = task("deadline_alert");
  EXPECT_TRUE(RefreshStake(alert, StakeFigures{D(3'600), D(600), std::nullopt}, false, today));
  EXPECT_EQ(alert.amount_at_stake, D(3'600));
  EXPECT_EQ(alert.risk_score, 60);  // no score today: the stored one stays
  EXPECT_DOUBLE_EQ(alert.priority, QueuePriority(alert, today));
  Task outreach = task("proactive_outreach");
  EXPECT_TRUE(RefreshStake(outreach, now, false, today));
  EXPECT_EQ(outreach.amount_at_stake, D(600));
  Task on_closed_case = task("review_recommendations");
  EXPECT_TRUE(RefreshStake(on_closed_case, now, true, today));
  EXPECT_EQ(on_closed_case.amount_at_stake, D(0));
  EXPECT_DOUBLE_EQ(on_closed_case.priority, 0);
  // Closed tasks and the IWO tasks (which stake the IWO's amounts) are left alone.
  Task closed = task("review_recommendations");
  closed.open = false;
  EXPECT_FALSE(RefreshStake(closed, now, false, today));
  EXPECT_EQ(closed.amount_at_stake, D(3'000));
  Task iwo = task("iwo_rejected");
  EXPECT_FALSE(RefreshStake(iwo, now, false, today));
  EXPECT_EQ(iwo.amount_at_stake, D(3'000));
  EXPECT_EQ(iwo.risk_score, 60);
}

// QA 2026-12-05: `opencse queue` and GET /v1/queue recomputed the priority without the deadline
// alerts' risk floor the batch stores, so without a model every task was 0 and a missed legal
// deadline sorted by its creation date. One rule now (QueuePriority, SortQueue): missed legal
// deadlines first, then by priority (alerts at least risk 50), then the earlier deadline, the
// larger amount, the older.
TEST(QueueOrderTest, AlertsKeepTheirRiskFloorAndMissedDeadlinesComeFirst) {
  const Date today = Date::Ymd(2025, 8, 30);
  const auto task = [](int64_t id, const char* kind, const char* key, int64_t dollars,
                       std::optional<Date> deadline, Date created) {
    Task t;
    t.id = id;
    t.kind = kind;
    t.key = key;
    t.amount_at_stake = D(dollars);
    t.deadline = deadline;
    t.created = created;
    return t;  // risk 0: no model
  };
  Task passed = task(1, "deadline_alert", "deadline:case-1:2025-07-30:passed", 100,
                     Date::Ymd(2025, 7, 30), Date::Ymd(2025, 8, 1));
  EXPECT_DOUBLE_EQ(QueuePriority(passed, today), 0.5 * 100 * 30);  // the floor, 1 day
  EXPECT_TRUE(LegalDeadlineMissed(passed, today));
  Task ready = task(2, "deadline_alert", "deadline:7:2025-08-01:contest_over", 100,
                    Date::Ymd(2025, 8, 1), Date::Ymd(2025, 8, 2));
  EXPECT_FALSE(LegalDeadlineMissed(ready, today));  // ready to issue: no deadline missed
  std::vector<Task> queue{task(3, "review_recommendations", "review:3:2025-08-01", 9'000,
                               Date::Ymd(2025, 9, 20), Date::Ymd(2025, 6, 1)),
                          task(4, "review_recommendations", "review:4:2025-08-01", 9'000,
                               std::nullopt, Date::Ymd(2025, 5, 1)),
                          task(5, "review_recommendations", "review:5:2025-08-01", 2'000,
                               Date::Ymd(2025, 9, 10), Date::Ymd(2025, 8, 1)),
                          task(6, "deadline_alert", "deadline:case-6:2025-09-02:near", 50'000,
                               Date::Ymd(2025, 9, 2), Date::Ymd(2025, 8, 29)),
                          ready,
                          task(7, "review_recommendations", "review:7:2025-08-01", 1'000,
                               std::nullopt, Date::Ymd(2025, 4, 1)),
                          passed};
  SortQueue(queue, today);
  std::vector<int64_t> order;
  for (const Task& t : queue) order.push_back(t.id);
  // The missed deadline first whatever its amount; the near alert (0.5 x 50,000 x 10) before the
  // ready notice (0.5 x 100 x 30 = 1,500); the unscored tasks (priority 0) by deadline, then
  // amount, then age.
  EXPECT_EQ(order, (std::vector<int64_t>{1, 6, 2, 5, 3, 4, 7}));
  EXPECT_DOUBLE_EQ(queue[1].priority, 0.5 * 50'000 * 10);
  EXPECT_DOUBLE_EQ(queue[3].priority, 0);
}

}  // namespace
}  // namespace cse::enforce
