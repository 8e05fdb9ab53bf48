// File: enforce/report.h
//
// The review board's report (`opencse enforce report`): per month of recommendation, how
// often caseworkers accepted (approved), modified or dismissed what the system recommended,
// and how the outcomes compared — the share of obligors who paid at least one month's
// support within the window (60 days) after an accepted recommendation vs after a dismissed
// one (decisions whose window has not ended yet are left out of the outcomes). Overrides
// (modifications and dismissals, with who and why) and contests are listed too.
//
// Thread-safety: reads the store it is given; one thread at a time.
#pragma once

#include <string>
#include <vector>

#include "enforce/records.h"
#include "storage/store.h"

namespace cse::enforce {

struct MonthReview {
  std::string month;  // YYYY-MM of the recommendation's as-of date
  int64_t recommended = 0;
  int64_t approved = 0;
  int64_t modified = 0;
  int64_t dismissed = 0;
  int64_t pending = 0;            // still awaiting a decision
  int64_t withdrawn = 0;          // withdrawn before a decision (moot)
  int64_t by_model = 0;           // ranked with learned effectiveness
  int64_t by_rules = 0;           // ranked by the ladder (no table, or the fail-safe)
  int64_t accepted_outcomes = 0;  // approved or modified, window over
  int64_t accepted_paid = 0;
  int64_t dismissed_outcomes = 0;
  int64_t dismissed_paid = 0;
  int64_t contested = 0;
  int64_t contests_granted = 0;
  int64_t score_overrides = 0;  // by the month they were made
};

struct Override {
  Action action;  // modified or dismissed: decided_by, decided_at, decision_reason
};

// A person's override of a risk score (audit rows `enforce.score_override`).
struct ScoreOverride {
  std::string at;
  std::string by;
  std::string detail_json;  // case, obligor, score, model score, model version, reason
};

struct ReviewReport {
  std::vector<MonthReview> months;             // ascending
  std::vector<Override> overrides;             // newest first
  std::vector<ScoreOverride> score_overrides;  // oldest first
};

// Errors: the store's.
Result<ReviewReport> BuildReviewReport(Store& store, Date today, int window_days);
// The same from `actions`, every action in the store (already scanned by the caller, e.g.
// the supervisor page, which also lists the pending ones).
Result<ReviewReport> BuildReviewReport(Store& store, Date today, int window_days,
                                       const std::vector<Action>& actions);

}  // namespace cse::enforce
