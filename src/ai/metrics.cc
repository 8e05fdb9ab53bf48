#include "ai/metrics.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <string>

#include "core/int128.h"

namespace cse::ai {
namespace {

Status CheckSameSize(size_t values, size_t labels) {
  if (values == labels) return Status::Ok();
  return InvalidArgument("metric_size_mismatch", std::to_string(values) + " values but " +
                                                     std::to_string(labels) +
                                                     " labels; expected equal lengths");
}

Status CheckProbabilities(const std::vector<double>& probabilities) {
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double p = probabilities[i];
    if (!(p >= 0.0 && p <= 1.0)) {
      return InvalidArgument("metric_probability_out_of_range",
                             "probability at row " + std::to_string(i) + " is " +
                                 std::to_string(p) + "; expected a value in [0, 1]");
    }
  }
  return Status::Ok();
}

Status ValidateProbabilitiesAndLabels(const std::vector<double>& probabilities,
                                      const std::vector<int>& labels) {
  RETURN_IF_ERROR(CheckSameSize(probabilities.size(), labels.size()));
  RETURN_IF_ERROR(ValidateLabels(labels));
  return CheckProbabilities(probabilities);
}

Status CheckBins(int bins) {
  if (bins >= 1 && bins <= kMetricBinsMax) return Status::Ok();
  return InvalidArgument(
      "metric_bins_out_of_range",
      "bins is " + std::to_string(bins) + "; expected 1.." + std::to_string(kMetricBinsMax));
}

int64_t CountPositives(const std::vector<int>& labels) {
  return std::count(labels.begin(), labels.end(), 1);
}

double Ratio(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return 0.0;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

// Row indices by score descending, equal scores by row ascending (a strict total order, so
// the result does not depend on the sort algorithm).
std::vector<size_t> DescendingOrder(const std::vector<double>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    return a < b;
  });
  return order;
}

// Calls fn(positives, negatives) once per run of equal scores in `order`, in order.
template <typename Fn>
void ForEachTieGroup(const std::vector<double>& scores, const std::vector<int>& labels,
                     const std::vector<size_t>& order, Fn fn) {
  size_t start = 0;
  while (start < order.size()) {
    int64_t positives = 0;
    int64_t negatives = 0;
    size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) {
      (labels[order[end]] == 1 ? positives : negatives) += 1;
      ++end;
    }
    fn(positives, negatives);
    start = end;
  }
}

// The k of AtTopFraction: ceil(fraction * n) with a 1e-9 allowance, within [1, n].
size_t TopCount(double fraction, size_t n) {
  const double k = std::ceil(fraction * static_cast<double>(n) - 1e-9);
  return std::clamp(static_cast<size_t>(std::max(k, 1.0)), size_t{1}, n);
}

// PSI cut points from the reference quantiles; strictly increasing (duplicates dropped).
std::vector<double> QuantileCuts(const std::vector<double>& reference, int bins) {
  std::vector<double> sorted;
  std::copy_if(reference.begin(), reference.end(), std::back_inserter(sorted),
               [](double v) { return !std::isnan(v); });
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> cuts;
  if (sorted.empty()) return cuts;
  const size_t bin_count = static_cast<size_t>(bins);
  for (size_t i = 1; i < bin_count; ++i) {
    const double cut = sorted[i * sorted.size() / bin_count];
    if (cuts.empty() || cut > cuts.back()) cuts.push_back(cut);
  }
  return cuts;
}

// Floored proportion of `values` per bin of `cuts`; the last entry is the missing (NaN) bin.
std::vector<double> BinProportions(const std::vector<double>& values,
                                   const std::vector<double>& cuts) {
  std::vector<int64_t> counts(cuts.size() + 2, 0);
  for (double v : values) {
    const auto bin =
        std::isnan(v)
            ? cuts.size() + 1
            : static_cast<size_t>(std::upper_bound(cuts.begin(), cuts.end(), v) - cuts.begin());
    ++counts[bin];
  }
  std::vector<double> proportions(counts.size());
  const auto n = static_cast<int64_t>(values.size());
  for (size_t b = 0; b < counts.size(); ++b) {
    proportions[b] = std::max(Ratio(counts[b], n), kPsiProportionFloor);
  }
  return proportions;
}

}  // namespace

Status ValidateLabels(const std::vector<int>& labels) {
  if (labels.empty()) return InvalidArgument("metric_empty", "no rows; expected at least one");
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return InvalidArgument("metric_label_invalid", "label at row " + std::to_string(i) + " is " +
                                                         std::to_string(labels[i]) +
                                                         "; expected 0 or 1");
    }
  }
  return Status::Ok();
}

Status ValidateScoresAndLabels(const std::vector<double>& scores, const std::vector<int>& labels) {
  RETURN_IF_ERROR(CheckSameSize(scores.size(), labels.size()));
  RETURN_IF_ERROR(ValidateLabels(labels));
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      return InvalidArgument("metric_score_nan", "score at row " + std::to_string(i) +
                                                     " is NaN; expected an ordered value");
    }
  }
  return Status::Ok();
}

Result<double> RocAuc(const std::vector<double>& scores, const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateScoresAndLabels(scores, labels));
  const int64_t positives = CountPositives(labels);
  const auto negatives = static_cast<int64_t>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) {
    return InvalidArgument("metric_single_class",
                           "RocAuc needs both classes; got " + std::to_string(positives) +
                               " positives and " + std::to_string(negatives) + " negatives");
  }
  // Walking from the highest score down: each positive beats every negative below its group
  // and ties (half credit) the negatives in its group. Twice the credit stays an integer.
  Int128 credit_twice = 0;
  int64_t negatives_left = negatives;
  ForEachTieGroup(scores, labels, DescendingOrder(scores), [&](int64_t pos, int64_t neg) {
    negatives_left -= neg;
    credit_twice += static_cast<Int128>(pos) * (2 * negatives_left + neg);
  });
  const Int128 pairs_twice = static_cast<Int128>(2) * positives * negatives;
  return static_cast<double>(credit_twice) / static_cast<double>(pairs_twice);
}

Result<double> PrAuc(const std::vector<double>& scores, const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateScoresAndLabels(scores, labels));
  const int64_t positives = CountPositives(labels);
  if (positives == 0) {
    return InvalidArgument("metric_no_positives", "PrAuc needs at least one label 1; got none");
  }
  // (R_k - R_{k-1}) = pos_k / positives, so AP = sum_k pos_k * P_k / positives.
  double weighted_precision = 0.0;
  int64_t flagged = 0;
  int64_t true_positives = 0;
  ForEachTieGroup(scores, labels, DescendingOrder(scores), [&](int64_t pos, int64_t neg) {
    flagged += pos + neg;
    true_positives += pos;
    weighted_precision += static_cast<double>(pos) * Ratio(true_positives, flagged);
  });
  return weighted_precision / static_cast<double>(positives);
}

Result<double> BrierScore(const std::vector<double>& probabilities,
                          const std::vector<int>& labels) {
  RETURN_IF_ERROR(ValidateProbabilitiesAndLabels(probabilities, labels));
  double sum = 0.0;
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double error = probabilities[i] - static_cast<double>(labels[i]);
    sum += error * error;
  }
  return sum / static_cast<double>(probabilities.size());
}

Result<double> ExpectedCalibrationError(const std::vector<double>& probabilities,
                                        const std::vector<int>& labels, int bins) {
  RETURN_IF_ERROR(ValidateProbabilitiesAndLabels(probabilities, labels));
  RETURN_IF_ERROR(CheckBins(bins));
  const auto bin_count = static_cast<size_t>(bins);
  std::vector<int64_t> count(bin_count, 0);
  std::vector<double> sum_p(bin_count, 0.0);
  std::vector<double> sum_y(bin_count, 0.0);
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const auto bin =
        std::min(static_cast<size_t>(std::floor(probabilities[i] * static_cast<double>(bins))),
                 bin_count - 1);
    ++count[bin];
    sum_p[bin] += probabilities[i];
    sum_y[bin] += static_cast<double>(labels[i]);
  }
  double ece = 0.0;
  for (size_t b = 0; b < bin_count; ++b) {
    ece += std::abs(sum_y[b] - sum_p[b]);  // = n_b * |mean(y) - mean(p)|
  }
  return ece / static_cast<double>(probabilities.size());
}

Result<TopFraction> AtTopFraction(const std::vector<double>& scores, const std::vector<int>& labels,
                                  double fraction) {
  RETURN_IF_ERROR(ValidateScoresAndLabels(scores, labels));
  if (!(fraction > 0.0 && fraction <= 1.0)) {
    return InvalidArgument("metric_fraction_out_of_range",
                           "fraction is " + std::to_string(fraction) + "; expected (0, 1]");
  }
  const size_t k = TopCount(fraction, scores.size());
  const std::vector<size_t> order = DescendingOrder(scores);
  int64_t hits = 0;
  for (size_t r = 0; r < k; ++r) hits += labels[order[r]];
  const auto flagged = static_cast<int64_t>(k);
  return TopFraction{Ratio(hits, flagged), Ratio(hits, CountPositives(labels)), flagged};
}

Result<ConfusionRates> ComputeConfusionRates(const std::vector<bool>& flags,
                                             const std::vector<int>& labels) {
  RETURN_IF_ERROR(CheckSameSize(flags.size(), labels.size()));
  RETURN_IF_ERROR(ValidateLabels(labels));
  int64_t flagged_positives = 0;
  int64_t flagged_negatives = 0;
  for (size_t i = 0; i < flags.size(); ++i) {
    if (!flags[i]) continue;
    (labels[i] == 1 ? flagged_positives : flagged_negatives) += 1;
  }
  ConfusionRates rates;
  rates.n = static_cast<int64_t>(labels.size());
  rates.positives = CountPositives(labels);
  rates.negatives = rates.n - rates.positives;
  rates.tpr = Ratio(flagged_positives, rates.positives);
  rates.fpr = Ratio(flagged_negatives, rates.negatives);
  rates.positive_rate = Ratio(flagged_positives + flagged_negatives, rates.n);
  return rates;
}

Result<double> PopulationStabilityIndex(const std::vector<double>& reference,
                                        const std::vector<double>& current, int bins) {
  if (reference.empty() || current.empty()) {
    return InvalidArgument("metric_empty", "PSI needs rows on both sides; got " +
                                               std::to_string(reference.size()) + " and " +
                                               std::to_string(current.size()));
  }
  RETURN_IF_ERROR(CheckBins(bins));
  const std::vector<double> cuts = QuantileCuts(reference, bins);
  const std::vector<double> r = BinProportions(reference, cuts);
  const std::vector<double> c = BinProportions(current, cuts);
  double psi = 0.0;
  for (size_t b = 0; b < r.size(); ++b) psi += (c[b] - r[b]) * std::log(c[b] / r[b]);
  return psi;
}

Result<double> FourFifthsRatio(const std::vector<double>& group_rates) {
  if (group_rates.empty()) {
    return InvalidArgument("metric_empty", "no group rates; expected at least one");
  }
  for (size_t g = 0; g < group_rates.size(); ++g) {
    if (!(group_rates[g] >= 0.0 && group_rates[g] <= 1.0)) {
      return InvalidArgument("metric_rate_out_of_range",
                             "rate of group " + std::to_string(g) + " is " +
                                 std::to_string(group_rates[g]) + "; expected [0, 1]");
    }
  }
  const auto [low, high] = std::minmax_element(group_rates.begin(), group_rates.end());
  if (*high == 0.0) return 1.0;
  return *low / *high;
}

}  // namespace cse::ai
