#include "ai/reasons.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cse::ai {
namespace {

constexpr double kNegligible = 0.01;

std::string Num(double v, int decimals = 0) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string Plural(double n, const std::string& one, const std::string& many) {
  return Num(n) + " " + (std::lround(n) == 1 ? one : many);
}

bool Has(const FeatureVector& x, Feature f) { return !std::isnan(At(x, f)); }
double V(const FeatureVector& x, Feature f) { return static_cast<double>(At(x, f)); }

// "$1234.56": exact cents when the row gives them, else the float feature to the cent.
std::string Dollars(const Money* exact, double approx) {
  return "$" + (exact ? exact->ToString() : Num(approx, 2));
}

// The text of `code` from the feature values `x` and, when given, the exact facts of `row`.
std::string Text(std::string_view code, const FeatureVector& x, const FeatureRow* row) {
  using F = Feature;
  if (code == "missed_payments") {
    const double consecutive = V(x, F::kConsecutiveMissedMonths);
    if (consecutive > 0) {
      return "less than half the support paid in each of the last " +
             Plural(consecutive, "month", "months");
    }
    return "missed " + Num(V(x, F::kMissedMonths12m)) + " of the last 12 months";
  }
  if (code == "payment_ratio") {
    if (!Has(x, F::kPaidRatio3m)) return "no support fell due in the last 3 months";
    std::string t =
        "paid " + Num(100.0 * V(x, F::kPaidRatio3m)) + "% of the support due in the last 3 months";
    if (Has(x, F::kPaidRatio12m)) t += " (" + Num(100.0 * V(x, F::kPaidRatio12m)) + "% over 12)";
    return t;
  }
  if (code == "increasing_payment_delay") {
    if (Has(x, F::kPaymentDelayTrend) && V(x, F::kPaymentDelayTrend) > 0) {
      return "payments arrive " + Num(V(x, F::kPaymentDelayTrend)) +
             " days later than three months before";
    }
    if (Has(x, F::kAvgPaymentDelayDays)) {
      return "payments arrive on average " + Num(V(x, F::kAvgPaymentDelayDays)) +
             " days after the due date";
    }
    return "no recent payments to time";
  }
  if (code == "time_since_last_payment") {
    // "0 days ago" read oddly beside an arrow saying it raises risk; a payment today or
    // yesterday is said so.
    const double days = V(x, F::kDaysSinceLastPayment);
    if (row && !row->last_payment) {
      // The feature then counts the days since the first order took effect.
      return "no payment on record since the order began " + Plural(days, "day", "days") + " ago";
    }
    if (days < 1) return "last payment today";
    if (days < 2) return "last payment yesterday";
    return "last payment " + Plural(days, "day", "days") + " ago";
  }
  if (code == "arrears_balance") {
    const Money* exact = row ? &row->balance.arrears_total : nullptr;
    if (exact ? !exact->is_positive() : V(x, F::kArrearsTotal) <= 0) return "no past-due support";
    std::string t = "owes " + Dollars(exact, V(x, F::kArrearsTotal)) + " in past-due support";
    if (Has(x, F::kArrearsMonths)) t += " (" + Num(V(x, F::kArrearsMonths), 1) + " months)";
    return t;
  }
  if (code == "paid_ahead") {
    if (!Has(x, F::kPrepaidMonths)) return "money held or paid ahead, with no support due";
    if (V(x, F::kPrepaidMonths) <= 0) return "nothing paid ahead or held";
    return Num(V(x, F::kPrepaidMonths), 1) + " months of support paid ahead or held";
  }
  if (code == "old_arrears") {
    if (V(x, F::kArrearsAgeDays) <= 0) return "no past-due support";
    return "oldest unpaid support is " + Plural(V(x, F::kArrearsAgeDays), "day", "days") + " old";
  }
  if (code == "assistance_history") {
    if (V(x, F::kOnAssistance) > 0) return "the family receives public assistance";
    if (V(x, F::kFormerAssistance) > 0) return "the family received public assistance before";
    return "the family never received public assistance";
  }
  if (code == "employment_status") {
    if (V(x, F::kEmployedNow) > 0) {
      return "employed at the current employer for " +
             Plural(V(x, F::kMonthsAtEmployer), "month", "months");
    }
    if (Has(x, F::kUnemployedMonths)) {
      if (V(x, F::kUnemployedMonths) < 1) return "the last job on record ended this month";
      return "no current employer on record for " +
             Plural(V(x, F::kUnemployedMonths), "month", "months");
    }
    return "no employer on record";
  }
  if (code == "unstable_employment") {
    return Plural(V(x, F::kJobChanges12m), "new job", "new jobs") + " in the last 12 months";
  }
  if (code == "new_employer_reported") {
    if (!Has(x, F::kDaysSinceNewHire)) return "no new-hire report on file";
    return "new employer reported " + Plural(V(x, F::kDaysSinceNewHire), "day", "days") + " ago";
  }
  if (code == "income_withholding") {
    if (V(x, F::kIwoActive) > 0) return "an income withholding order is with the current employer";
    if (Has(x, F::kWithholdingShare6m) && V(x, F::kWithholdingShare6m) > 0) {
      return Num(100.0 * V(x, F::kWithholdingShare6m)) +
             "% of recent payments came through withholding";
    }
    return "no income withholding in place";
  }
  if (code == "order_affordability") {
    if (Has(x, F::kOrderToIncome)) {
      return "the order is " + Num(100.0 * V(x, F::kOrderToIncome)) + "% of reported income";
    }
    return "monthly support of " +
           Dollars(row ? &row->monthly_support : nullptr, V(x, F::kMonthlySupport)) +
           " with no reported income";
  }
  if (code == "prior_enforcement") {
    return Plural(V(x, F::kLicenseNotices24m), "license notice", "license notices") + ", " +
           Plural(V(x, F::kLicenseSuspensions24m), "suspension", "suspensions") + " and " +
           Plural(V(x, F::kPaymentPlans24m), "payment plan", "payment plans") +
           " in the last 24 months";
  }
  if (code == "tax_refund_offset") {
    const Money* exact = row ? &row->tax_offset_12m : nullptr;
    if (exact ? !exact->is_positive() : V(x, F::kTaxOffset12m) <= 0) {
      return "no federal tax refund offset in the last 12 months";
    }
    return Dollars(exact, V(x, F::kTaxOffset12m)) +
           " taken from a federal tax refund in the last 12 months";
  }
  if (code == "returned_payments") {
    return Plural(V(x, F::kReversals12m), "payment", "payments") +
           " returned unpaid in the last 12 months";
  }
  if (code == "incarcerated") {
    return V(x, F::kIncarcerated) > 0 ? "reported incarcerated" : "not reported incarcerated";
  }
  if (code == "recent_move") {
    return "moved " + Plural(V(x, F::kMoves12m), "time", "times") + " in the last 12 months";
  }
  if (code == "multiple_cases") return Plural(V(x, F::kOpenCases), "open case", "open cases");
  if (code == "case_age") {
    if (!Has(x, F::kCaseAgeMonths)) return "no case opening date on file";
    return "case open for " + Plural(V(x, F::kCaseAgeMonths), "month", "months");
  }
  if (code == "local_economy") {
    if (!Has(x, F::kCountyUnemployment)) return "no county economic data";
    return "county unemployment is " + Num(V(x, F::kCountyUnemployment), 1) + "%";
  }
  return std::string(code);
}

}  // namespace

std::string_view ReasonCodeOf(Feature f) {
  switch (f) {
    case Feature::kConsecutiveMissedMonths:
    case Feature::kMissedMonths12m:
    case Feature::kPaidRatio1m:
      return "missed_payments";
    case Feature::kPaidRatio3m:
    case Feature::kPaidRatio6m:
    case Feature::kPaidRatio12m:
    case Feature::kPaidTrend:
      return "payment_ratio";
    case Feature::kAvgPaymentDelayDays:
    case Feature::kPaymentDelayTrend:
      return "increasing_payment_delay";
    case Feature::kDaysSinceLastPayment:
      return "time_since_last_payment";
    case Feature::kArrearsTotal:
    case Feature::kArrearsMonths:
    case Feature::kDelinquentNow:
      return "arrears_balance";
    case Feature::kArrearsAgeDays:
      return "old_arrears";
    case Feature::kArrearsAssignedShare:
    case Feature::kOnAssistance:
    case Feature::kFormerAssistance:
      return "assistance_history";
    case Feature::kEmployedNow:
    case Feature::kMonthsAtEmployer:
    case Feature::kUnemployedMonths:
      return "employment_status";
    case Feature::kJobChanges12m:
      return "unstable_employment";
    case Feature::kDaysSinceNewHire:
      return "new_employer_reported";
    case Feature::kIwoActive:
    case Feature::kWithholdingShare6m:
      return "income_withholding";
    case Feature::kOrderToIncome:
    case Feature::kMonthlySupport:
      return "order_affordability";
    case Feature::kLicenseNotices24m:
    case Feature::kPaymentPlans24m:
    case Feature::kLicenseSuspensions24m:
      return "prior_enforcement";
    case Feature::kTaxOffset12m:
      return "tax_refund_offset";
    case Feature::kReversals12m:
      return "returned_payments";
    case Feature::kIncarcerated:
      return "incarcerated";
    case Feature::kMoves12m:
      return "recent_move";
    case Feature::kOpenCases:
      return "multiple_cases";
    case Feature::kCaseAgeMonths:
      return "case_age";
    case Feature::kCountyEconomicIndex:
    case Feature::kCountyUnemployment:
      return "local_economy";
    case Feature::kPrepaidMonths:
      return "paid_ahead";
  }
  return "other";
}

namespace {

std::vector<KeyFactor> Factors(const FeatureVector& x, const FeatureRow* row, const double* phi,
                               size_t top) {
  std::map<std::string_view, double> by_code;
  for (size_t i = 0; i < kFeatureCount; ++i) {
    by_code[ReasonCodeOf(static_cast<Feature>(i))] += phi[i];
  }
  std::vector<std::pair<std::string_view, double>> ranked(by_code.begin(), by_code.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return std::fabs(a.second) > std::fabs(b.second);
  });
  std::vector<KeyFactor> out;
  for (const auto& [code, contribution] : ranked) {
    if (out.size() == top || std::fabs(contribution) < kNegligible) break;
    out.push_back(KeyFactor{std::string(code), Text(code, x, row), contribution > 0, contribution});
  }
  return out;
}

}  // namespace

std::vector<KeyFactor> KeyFactors(const FeatureVector& x, const double* phi, size_t top) {
  return Factors(x, nullptr, phi, top);
}

std::vector<KeyFactor> KeyFactors(const FeatureRow& row, const double* phi, size_t top) {
  return Factors(row.values, &row, phi, top);
}

void WordFromRow(const FeatureRow& row, std::vector<KeyFactor>& factors) {
  for (KeyFactor& k : factors) k.text = Text(k.code, row.values, &row);
}

}  // namespace cse::ai
