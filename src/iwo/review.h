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
  NewHireReport report;  // confirm only: what acting on the match did
};

// Errors: not_found "review_not_found"; failed_precondition "review_already_decided";
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
