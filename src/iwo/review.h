// File: iwo/review.h
//
// A caseworker's decision on a new-hire review (iwo/newhire.h: a report whose SSN matched no
// one but whose name and date of birth matched an obligor).
//
//   * Confirm: the match is acted on exactly as an exact-SSN match would be
//     (NewHireImporter::ActOnConfirmedMatch: employment, `new_hire` event, an IWO per open
//     case with an order and no active IWO with that employer, due 2 business days after
//     today), the review is marked confirmed, and a `newhire_review.confirm` audit row lists
//     the IWOs issued.
//   * Dismiss: a reason is required; the review is marked dismissed and audited
//     (`newhire_review.dismiss`); nothing else changes.
// Each is one transaction; a review already decided answers failed_precondition
// "review_already_decided" and nothing changes.
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "iwo/calendar.h"
#include "iwo/newhire.h"
#include "storage/store.h"

namespace cse::iwo {

inline constexpr size_t kDecisionReasonLengthMax = 500;

struct ReviewDecisionResult {
  NewHireReview review;  // as it was while open
  NewHireReviewDecision decision;
  NewHireReport report;       // confirm only: what acting on the match did
  bool ssn_recorded = false;  // confirm only: the reported SSN was put on the candidate
};

// Confirming acts on the candidate as an exact-SSN match. A candidate with no SSN on file
// gets the employer-reported SSN (audited "person.set_ssn"), so the IWO carries it and the
// employer's acknowledgment and withholding keyed by it match.
// Errors: not_found "review_not_found"; failed_precondition "review_already_decided",
// "review_ssn_conflict" (the candidate has another SSN: dismiss, or correct the person);
// already_exists "ssn_in_use" (another person has the reported SSN);
// invalid_argument "reason_too_long"; store failures.
Result<ReviewDecisionResult> ConfirmNewHireReview(Store& store, const Clock& clock,
                                                  const std::string& actor, int64_t review_id,
                                                  const std::string& reason,
                                                  const BusinessCalendar& calendar,
                                                  const NewHireOptions& options);

// Errors: invalid_argument "reason_missing", "reason_too_long"; not_found "review_not_found";
// failed_precondition "review_already_decided"; store failures.
Result<ReviewDecisionResult> DismissNewHireReview(Store& store, const Clock& clock,
                                                  const std::string& actor, int64_t review_id,
                                                  const std::string& reason);

}  // namespace cse::iwo
