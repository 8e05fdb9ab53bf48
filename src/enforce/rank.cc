#include "enforce/rank.h"

#include <algorithm>

namespace cse::enforce {

std::vector<Candidate> RankByLadder(std::vector<Candidate> eligible, int highest_step_taken,
                                    bool delinquent) {
  std::vector<Candidate> out;
  for (Candidate& c : eligible) {
    if (!delinquent && IsSubstantive(c.remedy)) continue;
    out.push_back(std::move(c));
  }
  // Steps above the highest taken come first (ascending); steps at or below it after them
  // (descending: the most recent escalation level is repeated before stepping back).
  std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
    const int pa = Punitiveness(a.remedy);
    const int pb = Punitiveness(b.remedy);
    const bool above_a = pa > highest_step_taken;
    const bool above_b = pb > highest_step_taken;
    if (above_a != above_b) return above_a;
    return above_a ? pa < pb : pa > pb;
  });
  for (Candidate& c : out) {
    c.rationale = "escalation ladder step " + std::to_string(Punitiveness(c.remedy)) +
                  (highest_step_taken > 0
                       ? " (highest step taken before: " + std::to_string(highest_step_taken) + ")"
                       : std::string(" (no earlier enforcement on the case)")) +
                  "; " + c.eligibility.text;
  }
  return out;
}

void ImmediateWithholdingFirst(std::vector<Candidate>& ranked) {
  const auto iwo = std::find_if(ranked.begin(), ranked.end(), [](const Candidate& c) {
    return c.remedy == Remedy::kIncomeWithholding;
  });
  if (iwo == ranked.end()) return;
  iwo->rationale =
      "immediate income withholding (45 CFR 303.100: an IWO within 2 business days "
      "of learning of the income source); " +
      iwo->rationale;
  std::rotate(ranked.begin(), iwo, iwo + 1);
}

}  // namespace cse::enforce
