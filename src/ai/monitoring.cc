#include "ai/monitoring.h"

#include <algorithm>

#include "ai/metrics.h"

namespace cse::ai {

Result<FairnessReport> Fairness(const RiskScorer& scorer, const std::vector<Example>& examples,
                                const std::map<int64_t, std::string>& group_of) {
  std::map<std::string, std::pair<std::vector<bool>, std::vector<int>>> by_group;
  for (const Example& e : examples) {
    auto it = group_of.find(e.obligor.value);
    if (it == group_of.end()) continue;
    auto& [flags, labels] = by_group[it->second];
    flags.push_back(scorer.Score(e.x, 0).tier == Tier::kHigh);
    labels.push_back(e.label);
  }
  if (by_group.empty()) {
    return FailedPrecondition("fairness_no_groups",
                              "no scored example has a demographic group on record");
  }
  FairnessReport r;
  r.high_above = scorer.tiers().high_above;
  std::vector<double> rates;
  for (const auto& [group, data] : by_group) {
    ASSIGN_OR_RETURN(ConfusionRates c, ComputeConfusionRates(data.first, data.second));
    r.groups.push_back(GroupFairness{group, c.n, c.positives, c.positive_rate, c.tpr, c.fpr});
    rates.push_back(c.positive_rate);
  }
  ASSIGN_OR_RETURN(r.four_fifths_ratio, FourFifthsRatio(rates));
  r.adverse_impact = r.four_fifths_ratio < kFourFifths;
  return r;
}

Result<DriftReport> ComputeDrift(const RiskScorer& scorer,
                                 const std::vector<FeatureVector>& reference,
                                 const std::vector<FeatureVector>& current) {
  DriftReport r;
  r.reference_rows = static_cast<int64_t>(reference.size());
  r.current_rows = static_cast<int64_t>(current.size());
  std::vector<double> ref_col(reference.size());
  std::vector<double> cur_col(current.size());
  for (size_t f = 0; f < kFeatureCount; ++f) {
    for (size_t i = 0; i < reference.size(); ++i) ref_col[i] = static_cast<double>(reference[i][f]);
    for (size_t i = 0; i < current.size(); ++i) cur_col[i] = static_cast<double>(current[i][f]);
    ASSIGN_OR_RETURN(double psi, PopulationStabilityIndex(ref_col, cur_col));
    r.features.push_back(Drift{std::string(FeatureNames()[f]), psi, psi > kPsiFlag});
    r.any_flagged = r.any_flagged || psi > kPsiFlag;
  }
  for (size_t i = 0; i < reference.size(); ++i) {
    ref_col[i] = scorer.Score(reference[i], 0).probability;
  }
  for (size_t i = 0; i < current.size(); ++i) cur_col[i] = scorer.Score(current[i], 0).probability;
  ASSIGN_OR_RETURN(double psi, PopulationStabilityIndex(ref_col, cur_col));
  r.score = Drift{"risk_score", psi, psi > kPsiFlag};
  r.any_flagged = r.any_flagged || r.score.flagged;
  return r;
}

Result<FairnessReport> EvaluateFairness(Store& store, const RiskModelRecord& model,
                                        const std::map<int64_t, std::string>& group_of) {
  // The HIGH tier in use: the state's cut-offs, not the defaults stored with the model.
  ASSIGN_OR_RETURN(RiskScorer scorer, RiskScorer::FromRecordInForce(store, model));
  ASSIGN_OR_RETURN(Reference ref, LoadReference(store));
  ASSIGN_OR_RETURN(std::vector<Example> examples,
                   BuildExamples(store, ref, MonthEnds(model.test_from, model.test_to)));
  return Fairness(scorer, examples, group_of);
}

Result<DriftReport> EvaluateDrift(Store& store, const RiskModelRecord& model, Date as_of) {
  ASSIGN_OR_RETURN(RiskScorer scorer, RiskScorer::FromRecord(model));
  ASSIGN_OR_RETURN(Reference ref, LoadReference(store));
  ASSIGN_OR_RETURN(std::vector<Example> train,
                   BuildExamples(store, ref, MonthEnds(model.train_from, model.train_to)));
  std::vector<FeatureVector> reference;
  for (const Example& e : train) reference.push_back(e.x);
  // The population on `as_of`: features only (its outcome is not known yet).
  ASSIGN_OR_RETURN(std::vector<PersonId> obligors, ListObligors(store));
  std::vector<FeatureVector> current;
  RETURN_IF_ERROR(
      ForEachObligorHistory(store, obligors, kScoreChunk, [&](ObligorHistory&& h) -> Status {
        if (HasSupportOrderOn(h, as_of)) {
          current.push_back(ExtractFeatures(h, ref, as_of).values);
        }
        return Status::Ok();
      }));
  if (current.empty()) {
    return FailedPrecondition("drift_no_population",
                              "no obligor had a support order in effect on " + as_of.ToString() +
                                  ", so there is no population to compare with the training "
                                  "months; choose a date within the data");
  }
  if (reference.empty()) {
    return FailedPrecondition("drift_no_reference",
                              "the training months of model " + model.version + " (" +
                                  model.train_from.ToString() + " to " + model.train_to.ToString() +
                                  ") hold no examples in this database");
  }
  return ComputeDrift(scorer, reference, current);
}

}  // namespace cse::ai
