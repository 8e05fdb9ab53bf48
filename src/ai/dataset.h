// File: ai/dataset.h
//
// Training and evaluation examples: one per obligor active at a month end, with the features
// as of that month end (ai/features.h) and the label observed in the records of the month
// after it (ObservedOutcome). Month ends whose label window is not over by the data's as-of
// date are never used.
//
// Thread-safety: functions; each call reads the store on the calling thread.
#pragma once

#include <vector>

#include "ai/features.h"

namespace cse::ai {

struct Example {
  PersonId obligor;
  Date as_of;  // a month end
  FeatureVector x;
  int label = 0;  // ObservedOutcome(...).delinquent
};

// Month ends m with first <= m <= last, ascending.
std::vector<Date> MonthEnds(Date first, Date last);

// Every obligor named on a case, ascending by id.
Result<std::vector<PersonId>> ListObligors(Store& store);

// The examples of every obligor with a current support order in effect at each of
// `month_ends` (arrears-only months are left out: the label is about support falling due),
// ordered by (month end, obligor).
// REQUIRES: LabelHorizon(m) is on or before the last record date for every m.
Result<std::vector<Example>> BuildExamples(Store& store, const Reference& ref,
                                           const std::vector<Date>& month_ends);

// The feature matrix (row-major) and labels of `examples`.
std::vector<float> FeatureMatrix(const std::vector<Example>& examples);
std::vector<int> Labels(const std::vector<Example>& examples);

}  // namespace cse::ai
