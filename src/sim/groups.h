// File: sim/groups.h
//
// The simulator's synthetic demographic groups of obligors (sim_truth_person), for fairness
// measurement only. They are ground truth: no feature, score or decision may use them; this
// accessor exists so evaluation (opencse model evaluate) can measure group rates.
//
// Thread-safety: one call at a time per store.
#pragma once

#include <map>
#include <string>

#include "storage/store.h"

namespace cse::sim {

// Obligor id -> group. Empty when the database holds no simulation.
Result<std::map<int64_t, std::string>> ObligorGroups(Store& store);

}  // namespace cse::sim
