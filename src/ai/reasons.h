// File: ai/reasons.h
//
// Key factors: the model's per-feature contributions (exact TreeSHAP values, in log-odds)
// grouped into stable reason codes with plain-language text a caseworker can act on and a
// parent could be shown ("no full payment in the last 2 months", "new employer reported 10
// days ago"). Each reason code covers one or more features; its contribution is the sum of
// theirs, and its direction says whether it raises or lowers the risk.
//
// Codes (stable; docs/MODEL_CARD.md): missed_payments, payment_ratio,
// increasing_payment_delay, time_since_last_payment, arrears_balance, old_arrears,
// assistance_history, employment_status, unstable_employment, new_employer_reported,
// income_withholding, order_affordability, prior_enforcement, tax_refund_offset,
// returned_payments, incarcerated, recent_move, multiple_cases, case_age, local_economy,
// paid_ahead.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ai/features.h"

namespace cse::ai {

struct KeyFactor {
  std::string code;
  std::string text;
  bool raises_risk = false;
  double contribution = 0;  // log-odds; positive raises the risk
};

// The reason code a feature belongs to.
std::string_view ReasonCodeOf(Feature f);

// The `top` reason codes with the largest |contribution| (ties: code order), from the
// per-feature contributions `phi` (kFeatureCount values) and the feature values `x` that
// word the text. Codes whose contribution is below 0.01 log-odds are left out.
//
// Prefer the FeatureRow overload: its text takes dollar amounts from the exact ledger and
// money fields (the float features can be a cent off) and knows whether any payment is on
// record ("no payment on record since the order began 120 days ago" instead of "last payment
// 120 days ago"). With the values alone the text is worded from the features.
std::vector<KeyFactor> KeyFactors(const FeatureVector& x, const double* phi, size_t top);
std::vector<KeyFactor> KeyFactors(const FeatureRow& row, const double* phi, size_t top);

// Rewords `factors` (computed from `row.values`, e.g. by RiskScorer::ScoreBatch) with the
// exact facts of `row`, as the FeatureRow overload of KeyFactors words them. Codes and
// contributions are unchanged.
void WordFromRow(const FeatureRow& row, std::vector<KeyFactor>& factors);

}  // namespace cse::ai
