// File: domain/validate.h
//
// Validation of domain values built from untrusted input. Each rule has its own stable reason
// code (it becomes a CLI/API error code); messages name the field, the value and what is
// expected. Nothing here touches storage: existence checks (unknown case...) live in service/.
#pragma once

#include <string_view>

#include "core/status.h"
#include "domain/types.h"

namespace cse {

// Nine digits, not all zeros, area not 000 or 666, group not 00, serial not 0000.
// Reasons: ssn_malformed, ssn_invalid.
Status ValidateSsn(std::string_view ssn);
// Names present, printable, at most limits::kTextFieldLengthMax; SSN (if given) valid; DOB not
// in the future relative to `today`; state a two-letter code. Reasons: name_missing,
// text_too_long, text_invalid_char, state_malformed,
// dob_in_future, plus ValidateSsn's.
Status ValidatePerson(const Person& person, Date today);
// Obligor, obligee distinct; children distinct and not a parent. Reasons: case_same_party,
// case_child_is_parent, case_duplicate_child.
Status ValidateCaseParties(const Case& c);
// Positive amount; end on/after start; child terms positive and summing to the amount; a
// judgment only on arrears_payback. Reasons: order_end_before_start, order_amount_invalid,
// order_child_terms_mismatch, order_child_term_invalid, order_judgment_invalid.
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
