#include "ai/dataset.h"

#include <algorithm>
#include <set>

namespace cse::ai {
namespace {

constexpr size_t kHistoryChunk = 1'000;  // obligors read per batch (ForEachObligorHistory)

}  // namespace

std::vector<Date> MonthEnds(Date first, Date last) {
  std::vector<Date> out;
  for (Date m = first.MonthStart(); m <= last; m = m.AddMonths(1)) {
    const Date end = m.MonthEnd();
    if (end >= first && end <= last) out.push_back(end);
  }
  return out;
}

Result<std::vector<PersonId>> ListObligors(Store& store) { return store.ListObligorIds(); }

Result<std::vector<Example>> BuildExamples(Store& store, const Reference& ref,
                                           const std::vector<Date>& month_ends) {
  ASSIGN_OR_RETURN(std::vector<PersonId> obligors, ListObligors(store));
  std::vector<Example> out;
  RETURN_IF_ERROR(
      ForEachObligorHistory(store, obligors, kHistoryChunk, [&](ObligorHistory&& h) -> Status {
        for (Date m : month_ends) {
          // The label is about support falling due: months with no current order teach
          // nothing.
          if (!HasSupportOrderOn(h, m)) continue;
          Example e;
          e.obligor = h.obligor;
          e.as_of = m;
          FeatureRow row = ExtractFeatures(h, ref, m);
          e.x = std::move(row.values);
          e.label = ObservedOutcome(h, m, ref.policy, &row.balance).delinquent ? 1 : 0;
          out.push_back(e);
        }
        return Status::Ok();
      }));
  std::stable_sort(out.begin(), out.end(),
                   [](const Example& a, const Example& b) { return a.as_of < b.as_of; });
  return out;
}

std::vector<float> FeatureMatrix(const std::vector<Example>& examples) {
  std::vector<float> x;
  x.reserve(examples.size() * kFeatureCount);
  for (const Example& e : examples) x.insert(x.end(), e.x.begin(), e.x.end());
  return x;
}

std::vector<int> Labels(const std::vector<Example>& examples) {
  std::vector<int> y;
  y.reserve(examples.size());
  for (const Example& e : examples) y.push_back(e.label);
  return y;
}

}  // namespace cse::ai
