#include "enforce/eligibility.h"

#include <cmath>
#include <cstdio>

#include "core/ids.h"

namespace cse::enforce {
namespace {

Eligibility No(std::string reason, std::string text) {
  return Eligibility{false, std::move(reason), std::move(text)};
}

// Months of support to two decimals, rounded down: 5.99998 months is "5.99", never "6.00"
// next to a rule that needs 6.
std::string Months(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::floor(m * 100 + 1e-9) / 100);
  return buf;
}

// The thresholds any remedy may carry (unset ones pass).
std::optional<Eligibility> CheckThresholds(const RemedyRule& rule, const EligibilityFacts& f) {
  const std::string arrears = f.arrears_total.ToString();
  if (rule.arrears_at_least && f.arrears_total < *rule.arrears_at_least) {
    return No("below_threshold", "arrears " + arrears + " are below the threshold " +
                                     rule.arrears_at_least->ToString());
  }
  if (rule.arrears_more_than && f.arrears_total <= *rule.arrears_more_than) {
    return No("below_threshold", "arrears " + arrears + " are not more than the threshold " +
                                     rule.arrears_more_than->ToString());
  }
  if (rule.arrears_months_at_least > 0 && f.arrears_months() < rule.arrears_months_at_least) {
    const Money per_month =
        f.monthly_support.is_positive() ? f.monthly_support : f.last_monthly_support;
    return No("below_threshold", "arrears " + arrears + " are " + Months(f.arrears_months()) +
                                     " months of support (" + per_month.ToString() +
                                     " a month); the rule needs " +
                                     std::to_string(rule.arrears_months_at_least));
  }
  if (rule.days_since_payment_at_least > 0 && f.days_since_payment >= 0 &&
      f.days_since_payment < rule.days_since_payment_at_least) {
    return No("paid_recently", "last payment " + std::to_string(f.days_since_payment) +
                                   " days ago; the rule needs " +
                                   std::to_string(rule.days_since_payment_at_least));
  }
  return std::nullopt;
}

// The rule particular to each remedy, after the common checks.
Eligibility CheckSpecific(Remedy remedy, const EnforcementConfig& config,
                          const EligibilityFacts& f) {
  const RemedyRule& rule = config.rule(remedy);
  switch (remedy) {
    case Remedy::kOrderReviewReferral: {
      const int due = config.workflow.order_review_months;
      if (!f.has_support_order) return No("no_support_order", "no support order is in effect");
      if (f.months_since_order_change >= due) {
        return {true, "eligible",
                "the order is " + std::to_string(f.months_since_order_change) +
                    " months old (review every " + std::to_string(due) + ")"};
      }
      if (f.incarcerated) return {true, "eligible", "the obligor is incarcerated"};
      if (f.income_changed) return {true, "eligible", "employment changed since the order"};
      return No("no_review_trigger", "order is " + std::to_string(f.months_since_order_change) +
                                         " months old, no income change or incarceration");
    }
    case Remedy::kIncomeWithholding:
      if (!f.wage_employer_known && f.receives_ssi_ssdi) {
        return No("income_protected_ssi_ssdi",
                  "the only known income is SSI/SSDI, which is never targeted");
      }
      if (!f.wage_employer_known) return No("no_wage_source", "no current employer is known");
      if (f.iwo_active) {
        return No("iwo_already_active", "a withholding order is already at the current employer");
      }
      return {true, "eligible", "a current employer is known and has no withholding order"};
    case Remedy::kTaxOffset: {
      const bool assigned = rule.assigned_at_least && f.arrears_assigned >= *rule.assigned_at_least;
      const bool family = rule.non_assigned_at_least &&
                          f.arrears_non_assigned_qualified >= *rule.non_assigned_at_least;
      const std::string amounts = "past-due assigned " + f.arrears_assigned.ToString() +
                                  ", non-assigned owed for a qualified child " +
                                  f.arrears_non_assigned_qualified.ToString() + " (of " +
                                  f.arrears_non_assigned.ToString() + " non-assigned)";
      if (assigned || family) return {true, "eligible", amounts + " meet the federal thresholds"};
      return No("below_threshold", amounts + "; the thresholds are " +
                                       rule.assigned_at_least.value_or(Money()).ToString() +
                                       " assigned and " +
                                       rule.non_assigned_at_least.value_or(Money()).ToString() +
                                       " non-assigned for a qualified child (a minor)");
    }
    case Remedy::kCreditBureau:
    case Remedy::kContemptReferral:
      if (!f.delinquent) {
        return No("not_delinquent", "overdue support " + f.overdue.ToString() +
                                        " is less than one month's support " +
                                        f.monthly_support.ToString());
      }
      break;
    case Remedy::kBankLevy:
      if (f.receives_ssi_ssdi) {
        return No("income_protected_ssi_ssdi",
                  "the obligor receives SSI/SSDI; accounts may hold those benefits");
      }
      break;
    default:
      break;
  }
  return {true, "eligible", "arrears " + f.arrears_total.ToString() + " meet the rule"};
}

}  // namespace

std::optional<HeldBack> HeldBackByDismissal(Remedy remedy, const WorkflowConfig& workflow,
                                            const EligibilityFacts& f,
                                            std::optional<Date> delinquent_since) {
  const int days = workflow.dismissal_cooling_off_days;
  const auto found = f.dismissed.find(remedy);
  if (days <= 0 || found == f.dismissed.end()) return std::nullopt;
  const PastDismissal& d = found->second;
  const Date last_day = d.decided.AddDays(days - 1);
  if (f.as_of > last_day) return std::nullopt;
  const Money per_month =
      f.monthly_support.is_positive() ? f.monthly_support : f.last_monthly_support;
  const Money grown_past = d.arrears + per_month;
  if (f.arrears_total > grown_past) return std::nullopt;  // more than a month's support more
  const bool new_delinquency =
      f.delinquent && (!d.delinquent || (delinquent_since && *delinquent_since > d.decided));
  if (new_delinquency) return std::nullopt;
  return HeldBack{
      No("dismissed_recently", "dismissed " + d.decided.ToString() + " by " + d.by + " (" +
                                   FormatDisplayId("ACT", d.action_id) + "); held back through " +
                                   last_day.ToString() + " unless the arrears (" +
                                   d.arrears.ToString() + " on dismissal) pass " +
                                   grown_past.ToString() + " or a new delinquency begins"),
      last_day};
}

double EligibilityFacts::arrears_months() const {
  const Money per_month = monthly_support.is_positive() ? monthly_support : last_monthly_support;
  if (!per_month.is_positive()) return 0;
  return static_cast<double>(arrears_total.cents()) / static_cast<double>(per_month.cents());
}

Eligibility CheckEligibility(Remedy remedy, const EnforcementConfig& config,
                             const EligibilityFacts& f) {
  const RemedyRule& rule = config.rule(remedy);
  if (!f.case_open) return No("case_closed", "the case is closed");
  if (!rule.enabled) {
    return No("remedy_not_configured",
              std::string(Name(remedy)) + " is not enabled in the state configuration");
  }
  if (f.in_progress.count(remedy)) {
    return No("action_in_progress", "an open " + std::string(Name(remedy)) + " action exists");
  }
  if (f.certified.count(remedy) || (remedy == Remedy::kLicenseSuspension && f.license_suspended)) {
    return No("already_in_force", std::string(Name(remedy)) + " is already in force");
  }
  const bool owes = f.arrears_total.is_positive();
  if (IsSubstantive(remedy) && remedy != Remedy::kIncomeWithholding && !owes) {
    return No("nothing_owed", "the obligor owes no arrears");
  }
  // A remedy on the person is taken on a case that is owed something: the obligor's other
  // cases carry it (one certification per person, FACTS §5).
  if (IsPersonLevel(remedy) && !f.case_arrears.is_positive()) {
    return No("case_owes_nothing", "this case is owed no arrears; " + std::string(Name(remedy)) +
                                       " is taken on the obligor's case that is");
  }
  if (!owes && !f.has_support_order) {
    return No("nothing_owed", "no order is in effect and nothing is owed");
  }
  if (auto fail = CheckThresholds(rule, f)) return *fail;
  return CheckSpecific(remedy, config, f);
}

}  // namespace cse::enforce
