// File: domain/validate.h
//
// Validation of domain values built from untrusted input. Each rule has its own stable reason
// code (it becomes a CLI/API error code); messages name the field, the value and what is
// expected. Nothing here touches storage: existence checks (unknown case...) live in service/.
#pragma once

#include <string_view>

#include "core/limits.h"
#include "core/status.h"
#include "domain/types.h"

namespace cse {

// How a free-text field is checked by ValidateText.
struct TextRule {
  bool required = false;                            // Default: may be empty
  int64_t max_chars = limits::kTextFieldLengthMax;  // Default: 200 characters (code points)
  std::string_view missing_code = "name_missing";   // Default: the code of a required name
};

// A free-text field from input: valid UTF-8 (text_invalid_utf8), no control character
// (text_invalid_char), at most rule.max_chars characters counted as code points
// (text_too_long), and when required neither empty nor only white space (rule.missing_code).
// Messages name `field`.
Status ValidateText(std::string_view field, std::string_view value, const TextRule& rule = {});
// A USPS state code: two letters A-Z (state_malformed). Empty passes.
Status ValidateStateCode(std::string_view field, std::string_view value);
// A ZIP code: five digits, or ZIP+4 as "12345-6789" (zip_malformed). Empty passes.
Status ValidateZip(std::string_view field, std::string_view value);
// An address's lines, city and county (ValidateText), state and ZIP. `prefix` names the
// fields ("address" gives "address.city").
Status ValidateAddress(std::string_view prefix, const Address& address);

// A date the records are read as of must have begun: `date` (named `what` in the message, e.g.
// "--as-of") not after `today` (date_in_future; the message ends with `why`).
Status ValidateNotAfterToday(std::string_view what, Date date, Date today, std::string_view why);

// The as-of date of a ledger or balance view: not after `today` (date_in_future), because
// support due after today would show as unpaid arrears and delinquency that nobody owes yet.
// `what` names the flag or field.
Status ValidateLedgerAsOf(std::string_view what, Date as_of, Date today);

// Nine digits, not all zeros, area not 000 or 666, group not 00, serial not 0000.
// Reasons: ssn_malformed, ssn_invalid.
Status ValidateSsn(std::string_view ssn);
// Names present (not blank), the names and address by ValidateText and ValidateAddress; SSN
// (if given) valid; DOB not in the future relative to `today`. Reasons: name_missing,
// text_too_long, text_invalid_char, text_invalid_utf8, state_malformed, zip_malformed,
// dob_in_future, plus ValidateSsn's.
Status ValidatePerson(const Person& person, Date today);
// Obligor, obligee distinct; children distinct and not a parent. Reasons: case_same_party,
// case_child_is_parent, case_duplicate_child.
Status ValidateCaseParties(const Case& c);
// The most calendar months a judgment's accrual period may touch: each month becomes one
// debt (ledger/accrual.h), and 40 years covers any child's support many times over.
inline constexpr int kJudgmentAccrualMonthsMax = 480;

// Positive amount; end on/after start; child terms positive and summing to the amount; a
// judgment only on arrears_payback. Reasons: order_end_before_start, order_amount_invalid,
// order_child_terms_mismatch, order_child_term_invalid, order_judgment_invalid.
// A judgment's accrual period (judgment_accrued_from/through): both dates or neither
// (order_judgment_period_incomplete), only with a positive judgment
// (order_judgment_period_without_judgment), from on or before through
// (order_judgment_period_reversed), through on or before the effective date
// (order_judgment_period_after_effective), touching at most kJudgmentAccrualMonthsMax months
// (order_judgment_period_too_long).
Status ValidateOrder(const Order& order);
// Positive grant, end on/after start. Reasons: assistance_end_before_start,
// assistance_grant_invalid.
Status ValidateAssistance(const AssistanceEpisode& episode);
// Kind a lower-case code [a-z_] of 1-40 characters; detail printable, at most
// limits::kTextFieldLengthMax; date not after `today`. Reasons: event_kind_invalid,
// text_too_long, text_invalid_char, date_in_future.
Status ValidateCaseEvent(const CaseEvent& event, Date today);
// Key non-empty, at most limits::kIdempotencyKeyLengthMax printable ASCII without spaces,
// commas or double quotes (it travels in CSV files).
// Reasons: key_missing, key_too_long, key_invalid_char.
Status ValidateIdempotencyKey(std::string_view key);

}  // namespace cse
