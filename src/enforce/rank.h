// File: enforce/rank.h
//
// Ranking eligible remedies for a case. Two policies:
//  - the fixed escalation ladder (rules only; the fail-safe and the baseline the recommender
//    is evaluated against): the least punitive eligible remedy above the highest step already
//    taken on the case, then the steps after it;
//  - next best action (enforce/nba.h): learned effectiveness for similar profiles, preferring
//    the least punitive remedy expected to work.
// Cases that are not delinquent get only the non-punitive steps under both policies.
#pragma once

#include <string>
#include <vector>

#include "enforce/eligibility.h"

namespace cse::enforce {

struct Candidate {
  Remedy remedy = Remedy::kReminder;
  Eligibility eligibility;
  double expected_effect = -1;  // learned payment rate within the window after it (-1: none)
  double baseline_effect = -1;  // the same for similar obligors without it
  int64_t evidence = 0;         // similar cases behind expected_effect
  std::string rationale;
};

// The ladder policy. `highest_step_taken`: Punitiveness of the most punitive remedy issued
// on the case before (0 when none). Keeps the order stable and fills each rationale.
std::vector<Candidate> RankByLadder(std::vector<Candidate> eligible, int highest_step_taken,
                                    bool delinquent);

// Immediate withholding (45 CFR 303.100, FACTS §8: the IWO goes out within 2 business days of
// learning of the income source) is not a step to climb to: an eligible income_withholding in
// `ranked` is moved first, whatever the policy ranked above it, so that it is always in the
// recommended set (workflow.max_recommendations may be 1), and its rationale says why. The
// order of the others is kept.
void ImmediateWithholdingFirst(std::vector<Candidate>& ranked);

}  // namespace cse::enforce
