// File: iwo/held.h
//
// Unidentified payments held (iwo/remittance.h, migrations 310 and 330): resolving one, and
// the aging report of what is held.
//
// Resolving a held payment is one transaction: the held row is read and must still be held;
// the money is posted to the case through LedgerService::PostPayment (idempotent, keyed by
// the held line's own key, so it can never be posted twice: the key is unique among
// collections, and the importer never posts a key it holds) as a `withholding` collection
// dated the pay date (the held row's: an EFT settlement date on no banking day is held, and so
// posted, under the next banking day) — or, with a refund, nothing is posted. The case must be
// open on that pay date by its closed periods, not by its status today (docs/ARCHITECTURE.md
// §5.6): a case closed since takes the payment, one reopened since does not when the pay date
// falls in its closed period. The row is marked resolved with
// who, when and why; and an `unidentified.resolve` audit row records it. Any failure rolls
// everything back. A row already resolved answers failed_precondition "already_resolved" and
// nothing changes.
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "iwo/remittance.h"
#include "service/ledger_service.h"
#include "storage/store.h"

namespace cse::iwo {

// The longest resolution reason kept.
inline constexpr size_t kResolutionReasonLengthMax = 500;

// Where the money goes: exactly one of a case, an obligor (their case with the lowest id that
// is open on the held payment's pay date, as for a remittance line identified by SSN) or a
// refund to the payer.
struct ResolveRequest {
  int64_t payment_id = 0;
  std::optional<CaseId> case_id;
  std::optional<PersonId> obligor;
  bool refund = false;
  std::string reason;  // required, 1-500 characters
  // Post even though the held line's SSN is not the SSN on file for the case's obligor (the
  // import holds exactly that pairing as ssn_case_mismatch); `reason` says why.
  bool force = false;
};

struct ResolveResult {
  UnidentifiedPayment payment;  // as it was while held
  UnidentifiedResolution resolution;
  std::optional<PostResult> posting;  // when posted
};

// Errors: invalid_argument "resolution_target_invalid" (not exactly one target),
// "reason_missing", "reason_too_long"; not_found "unidentified_not_found", "person_not_found";
// failed_precondition "already_resolved", "no_open_case" (the obligor has no case open on the
// pay date; the message names each case's closed period), "case_closed" (the case was closed
// on the pay date; the message names the period; checked before the SSN), "ssn_case_mismatch"
// (the held line has an SSN and the case's obligor has another on file; not with `force`);
// PostPayment's (date_in_future, checked before the case; case_not_found,
// exists_with_different_*); store failures. Nothing is written on any of them.
Result<ResolveResult> ResolveHeldPayment(Store& store, const Clock& clock, const std::string& actor,
                                         const ResolveRequest& request);

// Held payments by age as of a date: 0-30, 31-60, 61-90 and over 90 days held (days from the
// day the file was received).
struct AgingBucket {
  const char* label = "";
  int32_t days_min = 0;
  int32_t days_max = 0;  // inclusive; INT32_MAX for the last bucket
  int64_t count = 0;
  Money total;
};
struct HeldAgingReport {
  Date as_of;
  std::array<AgingBucket, 4> buckets;
  int64_t count = 0;
  Money total;
  int32_t oldest_days = 0;
};
// Errors: store failures.
Result<HeldAgingReport> BuildHeldAgingReport(Store& store, Date as_of);

}  // namespace cse::iwo
