// File: iwo/iwo_pdf.h
//
// The Income Withholding for Support form (OMB 0970-0154) as a PDF, with the fields of the
// 2014/2020 layout (FACTS §1.2): 1a-1g (kind, date, sender, state), the jurisdiction, case,
// order and remittance identifiers (printed by name without letters: FACTS's sources disagree
// on their letters 1h-1l), 2a-2c (employer), 3a-3o (obligor, obligee, children), 4, 5a-12b (amounts
// per month), 13a-13d (per weekly, semimonthly, biweekly, monthly pay period) and 14 (lump sum).
// The field letters 13a-13d follow the form's section order, which FACTS marks as inferred.
// Variants: original (1a), amended (1b), lump sum (1c: fields 5-13 left blank, amount in 14)
// and termination (1d: no amounts; the employer stops withholding).
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iwo/settings.h"
#include "storage/store.h"

namespace cse::iwo {

enum class IwoKind { kOriginal, kAmended, kLumpSum, kTermination };
std::string_view Name(IwoKind kind);
// "original" | "amended" | "lump_sum" | "termination". Errors: invalid_argument
// "iwo_kind_invalid".
Result<IwoKind> ParseIwoKind(std::string_view text);

// The form's content, one member per field group.
struct IwoDocument {
  std::string iwo_id;  // IWO-000001
  IwoKind kind = IwoKind::kOriginal;
  Date document_date;                      // 1e
  std::string sender_type = "CSE agency";  // 1f
  std::string issuing_state;               // 1g, and 4
  std::string jurisdiction;                // city/county/district (the case's county)
  std::string case_id;                     // the CSE case identifier
  std::string order_id;                    // the order identifier
  std::string remittance_id;               // the remittance identifier
  std::string employer_name;               // 2a
  std::string employer_address;            // 2b
  std::string employer_fein;               // 2c
  std::string obligor_name;                // 3a: LAST, FIRST MI
  std::string obligor_ssn;                 // 3b
  std::string obligee_name;                // 3c
  std::vector<std::pair<std::string, std::optional<Date>>> children;  // 3d-3o, at most 6
  Money current_support_monthly;                                      // 5a
  Money past_due_monthly;                                             // 6a
  bool arrears_over_12_weeks = false;                                 // 6c
  Money total_monthly;                                                // 12a
  Money per_weekly, per_semimonthly, per_biweekly, per_monthly;       // 13a-13d
  Money lump_sum;                                                     // 14 (lump sum only)
  std::string terminates;  // a termination: the IWO it ends (IWO-000001), else ""
};

// The IWO record `iwo_id` as a form. `kind` overrides the record's kind within what the record
// is (FACTS §1.2: an order in force withholds, a termination stops it): a withholding order in
// force prints as original, amended or lump sum; an ended one only as termination, and only
// when it had been sent (it has a termination notice); a termination notice only as
// termination. `lump_sum` must be positive for kLumpSum. Errors: not_found "iwo_not_found",
// failed_precondition "iwo_ended" (an ended IWO as original, amended or lump sum),
// "iwo_kind_mismatch" (a termination notice as anything but termination; termination of an IWO
// in force, rejected, or ended before it was sent), invalid_argument "lump_sum_missing",
// "issuing_state_invalid" (blank, not printable UTF-8, over 100 characters), store errors.
Result<IwoDocument> BuildIwoDocument(Store& store, int64_t iwo_id, IwoKind kind, Money lump_sum,
                                     Date document_date, const std::string& issuing_state,
                                     const IwoSettings& settings);

// Writes the form to `path`. Errors: internal "pdf_error", unavailable "file_write_failed".
Status WriteIwoPdf(const IwoDocument& doc, const std::string& path);

}  // namespace cse::iwo
