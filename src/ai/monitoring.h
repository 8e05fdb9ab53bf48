// File: ai/monitoring.h
//
// Fairness and drift monitoring of the risk model.
//
// Fairness: for each demographic group (attributes the model never sees; for the simulator,
// its synthetic groups), the HIGH-tier rate, and the true- and false-positive rates of the
// HIGH tier against the observed outcome; the ratio of the lowest HIGH-tier rate to the
// highest (the four-fifths rule: below 0.8 flags possible adverse impact).
//
// Drift: the population stability index (ai/metrics.h) of every feature and of the score
// between the reference data (the model's training months) and the population on a new
// as-of date; PSI > 0.25 is flagged as a major shift.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ai/risk_model.h"

namespace cse::ai {

inline constexpr double kPsiFlag = 0.25;
inline constexpr double kFourFifths = 0.8;

struct GroupFairness {
  std::string group;
  int64_t n = 0;
  int64_t positives = 0;
  double high_rate = 0;
  double tpr = 0;
  double fpr = 0;
};
struct FairnessReport {
  int high_above = 75;                // the HIGH tier measured: score > high_above
  std::vector<GroupFairness> groups;  // by group name
  double four_fifths_ratio = 1;
  bool adverse_impact = false;  // four_fifths_ratio < kFourFifths
};

// Scores `examples` and groups them by `group_of[obligor id]` (examples of obligors without a
// group are left out). Errors: failed_precondition "fairness_no_groups" when no example has a
// group; the metrics'.
Result<FairnessReport> Fairness(const RiskScorer& scorer, const std::vector<Example>& examples,
                                const std::map<int64_t, std::string>& group_of);

struct Drift {
  std::string name;  // a feature name, or "risk_score"
  double psi = 0;
  bool flagged = false;  // psi > kPsiFlag
};
struct DriftReport {
  std::vector<Drift> features;  // in Feature order
  Drift score;
  int64_t reference_rows = 0;
  int64_t current_rows = 0;
  bool any_flagged = false;
};

// Errors: the metrics' (metric_empty when either side is empty).
Result<DriftReport> ComputeDrift(const RiskScorer& scorer,
                                 const std::vector<FeatureVector>& reference,
                                 const std::vector<FeatureVector>& current);

// Fairness of `model` on its test months (examples rebuilt from the store), with the HIGH
// tier of the cut-offs in force (settings risk.tier_*, RiskScorer::FromRecordInForce).
Result<FairnessReport> EvaluateFairness(Store& store, const RiskModelRecord& model,
                                        const std::map<int64_t, std::string>& group_of);
// Drift between `model`'s training months and the obligors with an order in effect on
// `as_of`. Errors: failed_precondition "drift_no_population" when no obligor had an order in
// effect on `as_of`, "drift_no_reference" when the training months hold no examples here;
// FromRecord's; the store's; ComputeDrift's. The caller refuses a date after today
// (CheckNotAfterToday).
Result<DriftReport> EvaluateDrift(Store& store, const RiskModelRecord& model, Date as_of);

}  // namespace cse::ai
