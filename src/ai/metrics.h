// File: ai/metrics.h
//
// Evaluation metrics for a binary risk model (label 1 = the adverse outcome, e.g. the obligor
// stops paying), drift monitoring and a fairness ratio. Every function is pure, deterministic
// and thread-compatible: it reads its arguments and returns a value.
//
// API convention: every metric returns Result<...>. Bad input is an expected failure with
// code invalid_argument and one of these stable reasons (the message names the offending row
// or value):
//   metric_size_mismatch            scores/probabilities/flags and labels differ in length
//   metric_empty                    no rows (or no groups)
//   metric_label_invalid            a label other than 0 or 1
//   metric_score_nan                a NaN score where a ranking needs every row ordered
//   metric_probability_out_of_range a probability outside [0, 1] (NaN included)
//   metric_single_class             RocAuc on labels that are all 0 or all 1
//   metric_no_positives             PrAuc on labels with no 1
//   metric_fraction_out_of_range    AtTopFraction outside (0, 1]
//   metric_bins_out_of_range        bins outside [1, kMetricBinsMax]
//   metric_rate_out_of_range        FourFifthsRatio rate outside [0, 1] (NaN included)
// Scores may be any ordered values (margins, probabilities); +/-infinity ranks normally.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace cse::ai {

// Largest bin count accepted by ExpectedCalibrationError and PopulationStabilityIndex.
inline constexpr int kMetricBinsMax = 1000;
// PSI floors every bin proportion at this value so that an empty bin keeps PSI finite.
inline constexpr double kPsiProportionFloor = 1e-4;

// Shared input checks, also used by ai/calibrate.h and ai/logistic.h.
// ValidateLabels: metric_empty when `labels` is empty; metric_label_invalid for a label not
// in {0, 1}.
Status ValidateLabels(const std::vector<int>& labels);
// ValidateScoresAndLabels: metric_size_mismatch, then ValidateLabels, then metric_score_nan.
Status ValidateScoresAndLabels(const std::vector<double>& scores, const std::vector<int>& labels);

// Area under the ROC curve in its Mann-Whitney form: the probability that a random positive
// scores above a random negative, a tied pair counting 1/2:
//   AUC = (#{s_pos > s_neg} + 0.5 * #{s_pos == s_neg}) / (P * N)   over all pos/neg pairs.
// Computed by sorting once (O(n log n)), exact in 128-bit integer arithmetic before the final
// division. 1.0 = perfect ranking, 0.5 = no information, 0.0 = perfectly inverted.
// Errors: metric_size_mismatch, metric_empty, metric_label_invalid, metric_score_nan,
// metric_single_class.
Result<double> RocAuc(const std::vector<double>& scores, const std::vector<int>& labels);

// Area under the precision-recall curve as average precision (scikit-learn's definition):
// walk the distinct scores from highest to lowest; each tie group is one threshold t that
// flags every row with score >= t. With TP_k, FP_k the counts flagged at the k-th threshold,
// P_k = TP_k / (TP_k + FP_k), R_k = TP_k / #positives and R_0 = 0:
//   AP = sum_k (R_k - R_{k-1}) * P_k.
// Step-wise (no interpolation); ties never favour either class. A perfect ranker gets 1.0; a
// random one about the positive rate.
// Errors: metric_size_mismatch, metric_empty, metric_label_invalid, metric_score_nan,
// metric_no_positives.
Result<double> PrAuc(const std::vector<double>& scores, const std::vector<int>& labels);

// Mean squared error of probabilities against outcomes: (1/n) * sum (p_i - y_i)^2.
// Errors: metric_size_mismatch, metric_empty, metric_label_invalid,
// metric_probability_out_of_range.
Result<double> BrierScore(const std::vector<double>& probabilities, const std::vector<int>& labels);

// Expected calibration error over `bins` equal-width bins of [0, 1]: row i goes to bin
// min(floor(p_i * bins), bins - 1) (so p = 1 is in the last bin). Each non-empty bin b
// contributes its share of rows times its gap between observed rate and mean prediction:
//   ECE = sum_b (n_b / n) * |mean(y in b) - mean(p in b)|.
// Empty bins contribute nothing. 0 = perfectly calibrated at this resolution.
// Errors: as BrierScore, plus metric_bins_out_of_range.
Result<double> ExpectedCalibrationError(const std::vector<double>& probabilities,
                                        const std::vector<int>& labels, int bins = 10);

// Precision and recall when the top `fraction` of rows by score are flagged (a caseload with
// capacity for that share of actions).
struct TopFraction {
  double precision = 0.0;  // positives flagged / flagged
  double recall = 0.0;     // positives flagged / all positives; 0 when there are no positives
  int64_t flagged = 0;     // ceil(fraction * n), at least 1
};
// Flags k = ceil(fraction * n) rows (the product is reduced by 1e-9 before rounding up, so
// 0.07 * 100 flags 7, not 8). Rows are ordered by score descending; equal scores are broken
// by row order (the earlier row ranks higher), so the result is deterministic.
// Errors: metric_size_mismatch, metric_empty, metric_label_invalid, metric_score_nan,
// metric_fraction_out_of_range.
Result<TopFraction> AtTopFraction(const std::vector<double>& scores, const std::vector<int>& labels,
                                  double fraction);

// Rates of a boolean flag (e.g. "HIGH tier") against outcomes, for one group of rows.
struct ConfusionRates {
  double tpr = 0.0;            // flagged positives / positives; 0 when positives == 0
  double fpr = 0.0;            // flagged negatives / negatives; 0 when negatives == 0
  double positive_rate = 0.0;  // flagged / n (the selection rate)
  int64_t n = 0;
  int64_t positives = 0;  // rows with label 1 (tells a real 0 tpr from "no positives")
  int64_t negatives = 0;  // rows with label 0
};
// Errors: metric_size_mismatch, metric_empty, metric_label_invalid.
Result<ConfusionRates> ComputeConfusionRates(const std::vector<bool>& flags,
                                             const std::vector<int>& labels);

// Population stability index of `current` against `reference` for one feature or score:
//   PSI = sum_b (c_b - r_b) * ln(c_b / r_b)
// with r_b, c_b the proportions of rows in bin b (over all rows, NaN included).
// Bins: the cut points are the reference's empirical quantiles: sort the non-NaN reference
// values v[0..m-1] and take e_i = v[floor(i * m / bins)] for i = 1..bins-1; duplicate cut
// points are dropped (ties and constant features give fewer, wider bins). Bin 0 is
// (-inf, e_1), bin j is [e_j, e_{j+1}), the last is [e_last, +inf). NaN values go to an extra
// "missing" bin. Every proportion is floored at kPsiProportionFloor, so empty bins keep PSI
// finite and a bin empty on both sides contributes 0. Rule of thumb: < 0.1 stable, 0.1-0.25
// moderate shift, > 0.25 major shift.
// Errors: metric_empty (either side empty), metric_bins_out_of_range.
Result<double> PopulationStabilityIndex(const std::vector<double>& reference,
                                        const std::vector<double>& current, int bins = 10);

// Adverse-impact ("four-fifths rule") ratio: min over groups of the positive (HIGH-tier)
// selection rate divided by the max. Below 0.8 flags possible adverse impact. When every rate
// is 0 no group is selected and the ratio is 1.0; one group gives 1.0.
// Errors: metric_empty, metric_rate_out_of_range.
Result<double> FourFifthsRatio(const std::vector<double>& group_rates);

}  // namespace cse::ai
