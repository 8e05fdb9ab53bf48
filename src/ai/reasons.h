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
// returned_payments, incarcerated, recent_move, multiple_cases, case_age, local_economy.
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
std::vector<KeyFactor> KeyFactors(const FeatureVector& x, const double* phi, size_t top);

}  // namespace cse::ai
