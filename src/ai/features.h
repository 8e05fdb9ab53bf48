// File: ai/features.h
//
// Delinquency-risk features of one obligor as of a date, computed only from records dated on
// or before that date (no leakage): orders and assistance in effect then (an order ended
// later by a modification counts as open), collections received by then (a reversal after
// the date does not count), employment, case events, and the county economy of that month.
// The ledger (RunLedger) gives arrears, their age and the delinquency flag as of the date.
//
// A history is loaded once per obligor (LoadObligorHistory); features for any number of
// as-of dates are then computed in memory. The training label (ObservedOutcome) comes from
// the same records in the 30 days after a date — the way an agency would label its own
// history; the simulator's ground truth is used only to evaluate.
//
// Missing values are NaN (XGBoost routes them by the learned default direction; the logistic
// baseline imputes the training mean). docs/MODEL_CARD.md lists every feature.
//
// Thread-safety: the functions are pure given their inputs; a Reference is immutable.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/engine.h"
#include "storage/store.h"

namespace cse::ai {

enum class Feature {
  kMonthlySupport,        // dollars a month due under the orders in effect
  kArrearsTotal,          // dollars
  kArrearsMonths,         // arrears / monthly support
  kArrearsAgeDays,        // days since the oldest unpaid debt fell due (0 without; capped at 3,650)
  kArrearsAssignedShare,  // share of arrears owed to the state
  kDelinquentNow,         // 1 when arrears reach one month's support (45 CFR 303.6)
  kPaidRatio1m,           // collected / due in the last full month
  kPaidRatio3m,
  kPaidRatio6m,
  kPaidRatio12m,
  kPaidTrend,                // paid ratio of 3 months minus that of 12 months
  kConsecutiveMissedMonths,  // months (most recent first) with under half the support paid
  kMissedMonths12m,
  kDaysSinceLastPayment,
  kAvgPaymentDelayDays,  // days from the month's first due date to its first payment (6m)
  kPaymentDelayTrend,    // average delay of the last 3 months minus the 3 before
  kWithholdingShare6m,   // share of collections received through withholding
  kTaxOffset12m,         // dollars intercepted from federal refunds in 12 months
  kReversals12m,         // bounced payments in 12 months
  kEmployedNow,
  kMonthsAtEmployer,
  kJobChanges12m,
  kDaysSinceNewHire,  // capped at 730
  kUnemployedMonths,  // months since the last job ended, when not employed
  kOrderToIncome,     // monthly support / known monthly gross income
  kIwoActive,  // a withholding order sent to the current employer, not since rejected or ended
  kLicenseNotices24m,
  kPaymentPlans24m,
  kLicenseSuspensions24m,
  kIncarcerated,
  kMoves12m,
  kOpenCases,
  kOnAssistance,         // any case receiving assistance now
  kFormerAssistance,     // any case that received assistance before
  kCaseAgeMonths,        // months since the oldest open case was opened (capped at 240)
  kCountyEconomicIndex,  // the county's index this month, to the whole point
  kCountyUnemployment,   // percent, to the half point
  // Months of support paid ahead: money held for the obligor (future support not yet applied,
  // ARCHITECTURE.md §5.5) plus what was applied to support due after the date, over the
  // monthly support (capped at 24; 0 when nothing is held or prepaid; missing when something
  // is but no support is due). The payment features count cash received, so without it an
  // obligor whose months an overpayment covers read as not paying.
  kPrepaidMonths,
};
inline constexpr size_t kFeatureCount = 38;
using FeatureVector = std::array<float, kFeatureCount>;

// Stable snake_case names, in Feature order: the model's feature list.
const std::array<std::string_view, kFeatureCount>& FeatureNames();
inline float& At(FeatureVector& v, Feature f) { return v[static_cast<size_t>(f)]; }
inline float At(const FeatureVector& v, Feature f) { return v[static_cast<size_t>(f)]; }

// Everything observable about one obligor (all dates; filtered per as-of date).
struct ObligorHistory {
  PersonId obligor;
  std::vector<CaseBook> books;
  std::vector<Collection> collections;
  std::vector<Employment> jobs;
  std::vector<CaseEvent> events;
};

// Data shared by every obligor: the county economy and employers' FEINs.
struct Reference {
  std::map<std::pair<std::string, int32_t>, CountyEconomy> economy;  // (county, month index)
  std::unordered_map<int64_t, std::string> fein_by_employer;
  DistributionPolicy policy;
};

// Case events that end an income withholding order for the feature kIwoActive: written by
// src/iwo when an employer's acknowledgment rejects an IWO (iwo/eiwo_ack.h) and by whatever
// ends one, dated the day it happened, with the detail "employer_fein=... iwo=ID".
inline constexpr std::string_view kIwoRejectedEvent = "iwo_rejected";
inline constexpr std::string_view kIwoEndedEvent = "iwo_ended";

// The value of `key=value` in a case event's space-separated detail, or "".
std::string DetailValue(const std::string& detail, std::string_view key);

// The obligor's current job as of a date: the latest-started employment that has started and
// not ended before the date; nullptr when none. One rule for the model's employment features
// and for enforcement's "withholding in place" check.
const Employment* CurrentJob(const ObligorHistory& h, Date as_of);

Result<Reference> LoadReference(Store& store);
// Errors: not_found "person_not_found"; failed_precondition "obligor_has_no_case".
Result<ObligorHistory> LoadObligorHistory(Store& store, PersonId obligor);

// The histories of `obligors` (ascending ids, each the obligor of some case), read `chunk`
// obligors at a time with one query per table (Store::LoadObligorRange) instead of about ten
// per obligor; calls `visit` for each, in order, with exactly what LoadObligorHistory reads.
// Stops at the first error (of the store or of `visit`) and returns it.
Status ForEachObligorHistory(Store& store, const std::vector<PersonId>& obligors, size_t chunk,
                             const std::function<Status(ObligorHistory&&)>& visit);
// The same for one slice of obligors: [begin, end) of `obligors`.
Status ForEachObligorHistory(Store& store, const std::vector<PersonId>& obligors, size_t begin,
                             size_t end, size_t chunk,
                             const std::function<Status(ObligorHistory&&)>& visit);
// The same, reading exactly the obligors of each chunk (Store::LoadObligorsListed) instead of
// every obligor whose id lies between the chunk's first and last: for a scattered subset of
// all obligors (an import's payment events), where a range would read mostly others.
Status ForEachListedObligorHistory(Store& store, const std::vector<PersonId>& obligors,
                                   size_t chunk,
                                   const std::function<Status(ObligorHistory&&)>& visit);

// True when on `as_of` the obligor has an order in effect or unpaid support: the population
// that is scored.
bool ActiveOn(const ObligorHistory& history, const Reference& ref, Date as_of);
// True when a current support (or cash medical) order known on `as_of` is in effect then.
bool HasSupportOrderOn(const ObligorHistory& history, Date as_of);

struct FeatureRow {
  FeatureVector values;
  ObligorBalance balance;  // the ledger as of the date, for explanations
  // Exact facts the key factors' text states (ai/reasons.h) that the float features round
  // or cannot tell: the monthly support and tax offsets in cents, and the latest payment
  // received and not reversed by the date (nullopt: none on record, when
  // kDaysSinceLastPayment counts the days since the first order took effect instead).
  Money monthly_support;
  Money tax_offset_12m;
  std::optional<Date> last_payment;
};
FeatureRow ExtractFeatures(const ObligorHistory& history, const Reference& ref, Date as_of);
// ActiveOn, read off features already extracted (no second ledger run): an order in effect
// or unpaid support on the row's date.
bool IsActive(const FeatureRow& row);

// What happened in the 30 days after `t` (exactly: up to LabelHorizon(t), one month), from
// the records: support due and collected in that window, and the label NewDelinquency: the
// unpaid part of the support falling due in it reaches one month's support. Collected means
// received in the window, plus money held on an earlier collection that the ledger applied as
// future support in the window under `policy` (ledger/policy.h FuturesRule): the agency counts
// that month as paid, so its label must too. `at_t`, when the caller has it (ExtractFeatures'
// row.balance as of t under the same policy), saves the second ledger run when nothing was
// held on t: only money held on t can be applied before the horizon.
// REQUIRES: the records extend to LabelHorizon(t).
struct Outcome {
  bool delinquent = false;
  Money due_next;
  Money paid_next;
};
Outcome ObservedOutcome(const ObligorHistory& history, Date t,
                        const DistributionPolicy& policy = {},
                        const ObligorBalance* at_t = nullptr);

}  // namespace cse::ai
